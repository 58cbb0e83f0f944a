"""Fakes for the share, share type and snapshot API tests.

``ControllerTestCase`` serves requests through the real pecan application
(hooks, routing, fault rendering, policy) with the business layer's API
classes patched; ``ViewTestCase`` renders views at a chosen microversion
without a request.
"""

import datetime
from unittest import mock

import fixtures
from oslo_serialization import jsonutils
import webob

from manila_bk.api import app
from manila_bk.api import common
from manila_bk.api import microversion
from manila_bk import context
from manila_bk.db import models
from manila_bk import policy
from manila_bk.share import api as share_api
from manila_bk.share import share_types
from manila_bk.tests import base

SHARE_ID = '11111111-1111-4111-8111-111111111111'
SNAPSHOT_ID = '22222222-2222-4222-8222-222222222222'
TYPE_ID = '33333333-3333-4333-8333-333333333333'
EL_ID = '44444444-4444-4444-8444-444444444444'
RULE_ID = '55555555-5555-4555-8555-555555555555'
PROJECT_ID = 'project-a'
USER_ID = 'user-a'
CREATED_AT = datetime.datetime(2016, 3, 10, 15, 41, 33, 123456)


def share_type(**values):
    specs = values.pop('extra_specs', {
        'driver_handles_share_servers': 'False',
        'snapshot_support': 'True'})
    defaults = {'id': TYPE_ID, 'name': 'default', 'description': 'desc',
                'is_public': True, 'created_at': CREATED_AT}
    defaults.update(values)
    result = models.ShareType(**defaults)
    result.extra_specs = [models.ShareTypeExtraSpec(spec_key=k, spec_value=v)
                          for k, v in specs.items()]
    return result


def export_location(**values):
    defaults = {'uuid': EL_ID, 'path': '10.0.0.1:/shares/x',
                'is_admin_only': False, 'preferred': True,
                'created_at': CREATED_AT, 'updated_at': None}
    defaults.update(values)
    return models.ShareExportLocation(**defaults)


def share(**values):
    metadata = values.pop('metadata', {'k': 'v'})
    locations = values.pop('export_locations', [export_location()])
    stype = values.pop('share_type', share_type())
    defaults = {
        'id': SHARE_ID, 'user_id': USER_ID, 'project_id': PROJECT_ID,
        'display_name': 'share1', 'display_description': 'first',
        'size': 1, 'share_proto': 'NFS', 'share_type_id': TYPE_ID,
        'status': 'available', 'task_state': None, 'progress': '100%',
        'host': 'host@local#pool', 'availability_zone': 'nova',
        'is_public': False, 'snapshot_id': None, 'source_backup_id': None,
        'snapshot_support': True,
        'create_share_from_snapshot_support': True,
        'revert_to_snapshot_support': True, 'mount_snapshot_support': False,
        'is_soft_deleted': False, 'scheduled_to_be_deleted_at': None,
        'created_at': CREATED_AT, 'updated_at': None,
    }
    defaults.update(values)
    result = models.Share(**defaults)
    result.share_type = stype
    result.share_metadata = [models.ShareMetadata(key=k, value=v)
                             for k, v in metadata.items()]
    result.export_locations = locations
    return result


def snapshot(**values):
    defaults = {
        'id': SNAPSHOT_ID, 'share_id': SHARE_ID, 'user_id': USER_ID,
        'project_id': PROJECT_ID, 'display_name': 'snap1',
        'display_description': 'snap desc', 'status': 'available',
        'progress': '100%', 'size': 1, 'share_size': 1,
        'share_proto': 'NFS', 'provider_location': '/snapshots/x',
        'created_at': CREATED_AT, 'updated_at': None,
    }
    defaults.update(values)
    return models.ShareSnapshot(**defaults)


def access_rule(**values):
    defaults = {'id': RULE_ID, 'share_id': SHARE_ID, 'access_type': 'ip',
                'access_to': '10.0.0.0/24', 'access_level': 'rw',
                'access_key': None, 'state': 'active',
                'created_at': CREATED_AT, 'updated_at': None}
    defaults.update(values)
    return models.ShareAccessRule(**defaults)


def user_context(**kw):
    values = {'user_id': USER_ID, 'project_id': PROJECT_ID,
              'roles': ['member', 'reader'], 'is_admin': False}
    values.update(kw)
    return context.RequestContext(**values)


def admin_context():
    return context.RequestContext(user_id='admin', project_id='admin-project',
                                  roles=['admin', 'member', 'reader'],
                                  is_admin=True)


class Response(object):
    def __init__(self, response):
        self.status = response.status_int
        self.headers = response.headers
        self.text = response.text
        self.json = jsonutils.loads(self.text) if self.text else None


class ControllerTestCase(base.TestCase):
    """Requests through the pecan app with patched business APIs."""

    def setUp(self):
        super().setUp()
        policy.reset()
        self.addCleanup(policy.reset)
        self.app = app.make_pecan_app()
        self.ctx = user_context()

    def patch_share_api(self, name, **kw):
        return self.useFixture(fixtures.MockPatchObject(
            share_api.API, name, create=True, **kw)).mock

    def patch_types_api(self, name, **kw):
        return self.useFixture(fixtures.MockPatchObject(
            share_types.API, name, create=True, **kw)).mock

    def request(self, method, path, body=None, version='2.91', ctx=None,
                raw_body=None, headers=None):
        req = webob.Request.blank(path, method=method, headers=headers)
        req.environ[common.ENV_CONTEXT] = ctx or self.ctx
        if version is not None:
            req.headers[microversion.VERSION_HEADER] = version
        if body is not None or raw_body is not None:
            req.content_type = 'application/json'
            req.body = (raw_body if raw_body is not None
                        else jsonutils.dump_as_bytes(body))
        return Response(req.get_response(self.app))

    def assertFault(self, response, code, name=None):
        self.assertEqual(code, response.status, response.text)
        fault_name = list(response.json)[0]
        if name is not None:
            self.assertEqual(name, fault_name)
        self.assertEqual(code, response.json[fault_name]['code'])
        return response.json[fault_name]['message']


class ViewTestCase(base.TestCase):
    """Render views at a microversion, as a given caller."""

    def use(self, version, ctx=None):
        ctx = ctx or user_context()
        self.useFixture(fixtures.MockPatch(
            'manila_bk.api.microversion.request_version',
            return_value=microversion.APIVersion.parse(version)))
        self.useFixture(fixtures.MockPatch(
            'manila_bk.api.common.context', return_value=ctx))
        self.useFixture(fixtures.MockPatch(
            'manila_bk.api.common.resource_links',
            side_effect=lambda coll, rid: [{'rel': 'self',
                                            'href': '%s/%s' % (coll, rid)}]))
        self.useFixture(fixtures.MockPatch(
            'manila_bk.api.common.collection_links',
            side_effect=lambda items, coll, limit: (
                [{'rel': 'next', 'href': coll}]
                if limit and len(items) == limit else [])))


def not_called():
    return mock.Mock(side_effect=AssertionError('must not be called'))

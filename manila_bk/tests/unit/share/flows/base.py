"""Shared set-up of the share flow and manager tests: rows, fake driver."""

import logging
import types

import fixtures

from manila_bk.common import utils
from manila_bk.db import api as db
from manila_bk.share.drivers import fake
from manila_bk.share.flows import common
from manila_bk.tests import base

PROJECT = 'project-a'


class FlowTestCase(base.DBTestCase):
    """A database, a fake driver on a host of its own, row factories."""

    BACKEND = 'fake1'

    def setUp(self):
        super().setUp()
        # Flows log failures with tracebacks on purpose; keep them with
        # the test's details instead of on the console.
        self.useFixture(fixtures.FakeLogger(level=logging.INFO))
        self.node = 'node-%s' % utils.generate_uuid()[:8]
        self.host = '%s@%s' % (self.node, self.BACKEND)
        self.addCleanup(fake.FakeShareDriver.reset)
        self.driver = fake.FakeShareDriver(types.SimpleNamespace(),
                                           self.BACKEND, self.host)

    def make_share(self, status='available', size=1, on_backend=False,
                   **values):
        row = {'size': size, 'share_proto': 'NFS', 'status': status,
               'project_id': PROJECT, 'user_id': 'user-a',
               'host': self.host + '#fake_pool', 'display_name': 'share'}
        row.update(values)
        share = db.share_create(self.ctx, row)
        if on_backend:
            self.driver.create_share(common.share_spec(share))
            self.driver.calls.clear()
        return share

    def make_snapshot(self, share, status='available', size=None,
                      on_backend=False, **values):
        row = {'share_id': share.id, 'status': status,
               'size': share.size if size is None else size,
               'share_size': share.size, 'share_proto': share.share_proto,
               'project_id': share.project_id, 'user_id': 'user-a'}
        row.update(values)
        snapshot = db.share_snapshot_create(self.ctx, row)
        if on_backend:
            self.driver.create_snapshot(common.snapshot_spec(snapshot, share))
            self.driver.calls.clear()
        return snapshot

    def make_rule(self, share, state='queued_to_apply', access_to='10.0.0.1',
                  access_type='ip', access_level='rw'):
        return db.share_access_create(self.ctx, {
            'share_id': share.id, 'access_type': access_type,
            'access_to': access_to, 'access_level': access_level,
            'state': state})

    def set_usage(self, **usages):
        for resource, in_use in usages.items():
            db.quota_usage_set(self.ctx, PROJECT, resource, in_use)

    def usage(self, resource):
        usages = db.quota_usage_get_all_by_project(self.ctx, PROJECT)
        return usages.get(resource, {}).get('in_use', 0)

    def share(self, share_id):
        return db.share_get(self.ctx.elevated(read_deleted='yes'), share_id)

    def snapshot(self, snapshot_id):
        return db.share_snapshot_get(
            self.ctx.elevated(read_deleted='yes'), snapshot_id)

    def messages(self, resource_id):
        return db.message_get_all(self.ctx,
                                  filters={'resource_id': resource_id})

    def assert_message(self, resource_id, action, detail, level='ERROR'):
        found = [(m.action_id, m.detail_id, m.message_level)
                 for m in self.messages(resource_id)]
        self.assertIn((action[0], detail[0], level), found)

    def assert_no_message(self, resource_id):
        self.assertEqual([], self.messages(resource_id))

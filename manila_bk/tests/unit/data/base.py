"""Shared set-up of the data flow and manager tests.

A database, the real nfs backup driver on ``$state_path/backups`` (the
embedded default: local directories, no mounting), shares whose export
locations are local directories, and a fake share service that applies
access rules the way the real one records them.
"""

import logging
import os
from unittest import mock

import fixtures

from manila_bk.common import states
from manila_bk.common import utils
from manila_bk import conf
from manila_bk.conf import backup as backup_conf
from manila_bk.data.backup import drivers
from manila_bk.data.flows import access
from manila_bk.db import api as db
from manila_bk.tests import base

CONF = conf.CONF
PROJECT = 'project-a'
SECTION = 'backup1'


class FakeShareService:
    """Stands in for ShareAPI casts: applies queued rule changes at once.

    ``mode``: 'ok' applies, 'error' sets rules being applied to error,
    'down' does nothing (a stopped share service).
    """

    def __init__(self, ctx):
        self.ctx = ctx
        self.mode = 'ok'
        self.calls = []

    def __call__(self):
        return self

    def update_access(self, context, share_id, host):
        self.calls.append((share_id, host))
        if self.mode == 'down':
            return
        for rule in db.share_access_get_all_for_share(self.ctx, share_id):
            if rule.state == states.ACCESS_STATE_QUEUED_TO_APPLY:
                state = (states.ACCESS_STATE_ERROR if self.mode == 'error'
                         else states.ACCESS_STATE_ACTIVE)
                db.share_access_update(self.ctx, rule.id, {'state': state})
            elif rule.state == states.ACCESS_STATE_QUEUED_TO_DENY:
                db.share_access_delete(self.ctx, rule.id)


class DataTestCase(base.DBTestCase):
    """Rows, directories and a real nfs backup driver."""

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.FakeLogger(level=logging.INFO))
        backup_conf.register_backend_opts(CONF, SECTION)
        self.flags(enabled_backup_backend=SECTION)
        self.flags(data_access_timeout=2, backup_progress_interval=0)
        self.host = 'data-%s' % utils.generate_uuid()[:8]
        self.driver = drivers.load_backup_driver('nfs', CONF.get(SECTION),
                                                 SECTION)
        self.driver.do_setup()
        self.driver.check_for_setup_error()
        self.shares_root = os.path.join(self.state_path, 'shares')
        os.mkdir(self.shares_root)
        self.share_service = FakeShareService(self.ctx)
        patcher = mock.patch.object(access.share_rpcapi, 'ShareAPI',
                                    self.share_service)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.useFixture(fixtures.MonkeyPatch(
            'manila_bk.data.flows.access.POLL', 0.01))

    def make_share(self, status='available', size=1, **values):
        row = {'size': size, 'share_proto': 'NFS', 'status': status,
               'project_id': PROJECT, 'user_id': 'user-a',
               'host': 'node@local1#pool', 'display_name': 'share'}
        row.update(values)
        share = db.share_create(self.ctx, row)
        path = os.path.join(self.shares_root, 'share-%s' % share.id)
        os.mkdir(path)
        db.share_export_locations_update(self.ctx, share.id, [
            {'path': 'node:%s' % path, 'is_admin_only': False,
             'preferred': True}])
        return db.share_get(self.ctx, share.id)

    def share_path(self, share):
        return os.path.join(self.shares_root, 'share-%s' % share.id)

    def make_backup(self, share, status='creating', host=None, **values):
        row = {'share_id': share.id, 'status': status, 'size': share.size,
               'project_id': share.project_id, 'user_id': 'user-a',
               'host': host, 'topic': CONF.data_topic,
               'display_name': 'backup', 'backup_type': 'full'}
        row.update(values)
        return db.share_backup_create(self.ctx, row)

    def backup(self, backup_id):
        return db.share_backup_get(self.ctx.elevated(read_deleted='yes'),
                                   backup_id)

    def share(self, share_id):
        return db.share_get(self.ctx, share_id)

    def backup_dir(self, backup):
        return os.path.join(self.state_path, 'backups', backup.project_id,
                            backup.share_id, backup.id)

    def set_usage(self, **usages):
        for resource, in_use in usages.items():
            db.quota_usage_set(self.ctx, PROJECT, resource, in_use)

    def usage(self, resource):
        usages = db.quota_usage_get_all_by_project(self.ctx, PROJECT)
        return usages.get(resource, {}).get('in_use', 0)

    def rules(self, share):
        return db.share_access_get_all_for_share(self.ctx, share.id)

    def messages(self, resource_id):
        return db.message_get_all(self.ctx,
                                  filters={'resource_id': resource_id})

    def assert_message(self, resource_id, action, detail, level='ERROR'):
        found = [(m.action_id, m.detail_id, m.message_level)
                 for m in self.messages(resource_id)]
        self.assertIn((action[0], detail[0], level), found)

    def write(self, share, name, data=b'data'):
        path = os.path.join(self.share_path(share), name)
        with open(path, 'wb') as f:
            f.write(data)
        return path

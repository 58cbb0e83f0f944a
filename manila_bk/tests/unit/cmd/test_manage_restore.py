"""manila-bk-manage backup restore-to-new-share (casts are mocks here).

The command over a real message bus is in
tests/functional/test_restore_anywhere.py.
"""

import io
import time
import types
from unittest import mock

import fixtures
from oslo_messaging import opts as messaging_opts

from manila_bk.cmd import manage_restore
from manila_bk import conf
from manila_bk.db import api as db
from manila_bk import quota
from manila_bk.tests import base
from manila_bk.tests.unit.backup import fakes as backup_fakes
from manila_bk.tests.unit.share import api_fakes

CONF = conf.CONF
RABBIT = 'rabbit://guest:guest@127.0.0.1:5672/'


def args(backup_id, **values):
    defaults = {'backup_id': backup_id, 'share_name': None,
                'share_description': None, 'share_type': None,
                'share_size': None, 'share_proto': None, 'share_zone': None,
                'wait': False, 'timeout': 5}
    defaults.update(values)
    return types.SimpleNamespace(**defaults)


class RestoreToNewShareCommandTestCase(base.DBTestCase):

    def setUp(self):
        super().setUp()
        self.data = self.useFixture(fixtures.MockPatch(
            'manila_bk.data.rpcapi.DataAPI')).mock.return_value
        self.share_rpc = self.useFixture(fixtures.MockPatch(
            'manila_bk.share.rpcapi.ShareAPI')).mock.return_value
        self.useFixture(fixtures.MockPatch('manila_bk.rpc.cleanup'))
        self.stdout = self.useFixture(fixtures.MockPatch(
            'sys.stdout', new_callable=io.StringIO)).mock
        self.stderr = self.useFixture(fixtures.MockPatch(
            'sys.stderr', new_callable=io.StringIO)).mock
        api_fakes.service(self.ctx)
        api_fakes.share_type(self.ctx)
        backup_fakes.data_service(self.ctx)
        source = api_fakes.share(self.ctx, project_id='project-b', size=2,
                                 share_proto='CIFS')
        self.backup = backup_fakes.backup(self.ctx, source,
                                          user_id='user-b')
        for group, opts in messaging_opts.list_opts():
            if group is None:
                CONF.register_opts(opts)
        self.flags(transport_url=RABBIT)

    def patch_sleep(self, sleep):
        self.useFixture(fixtures.MockPatchObject(
            manage_restore, 'time', types.SimpleNamespace(
                monotonic=time.monotonic, sleep=sleep)))

    def run_command(self, **values):
        manage_restore.restore_to_new_share(args(self.backup.id, **values))
        return self.stdout.getvalue()

    def new_share(self):
        shares = db.share_get_all(
            self.ctx, filters={'source_backup_id': self.backup.id})
        self.assertEqual(1, len(shares))
        return shares[0]

    def test_creates_share_in_backup_project_and_casts(self):
        before = quota.get_project_quotas(self.ctx, 'project-b',
                                          usages=True)['gigabytes']
        out = self.run_command(share_name='restored')
        share = self.new_share()
        self.assertEqual(
            ('project-b', 'user-b', 2, 'CIFS', 'restored', 'creating',
             '0%'),
            (share.project_id, share.user_id, share.size, share.share_proto,
             share.display_name, share.status, share.progress))
        self.assertIn('Share %s (2 GiB, project project-b)' % share.id, out)
        self.data.restore_backup.assert_called_once_with(
            mock.ANY, self.backup.id, share.id)
        self.share_rpc.create_share.assert_called_once_with(
            mock.ANY, share.id, share.host)
        after = quota.get_project_quotas(self.ctx, 'project-b',
                                         usages=True)['gigabytes']
        self.assertEqual(before['in_use'] + 2, after['in_use'])
        self.assertEqual('restoring', db.share_backup_get(
            self.ctx, self.backup.id).status)

    def test_size_type_and_proto_options(self):
        plain = api_fakes.share_type(self.ctx, name='plain')
        self.run_command(share_size=5, share_type='plain', share_proto='nfs')
        share = self.new_share()
        self.assertEqual((5, plain.id, 'NFS'),
                         (share.size, share.share_type_id,
                          share.share_proto))

    def test_refusals_exit_2_with_one_line_and_change_nothing(self):
        for values in ({'share_size': 1}, {'share_type': 'nope'}):
            exc = self.assertRaises(SystemExit, self.run_command, **values)
            self.assertEqual(2, exc.code)
        lines = self.stderr.getvalue().splitlines()
        self.assertEqual(2, len(lines))
        self.assertIn('refused (400)', lines[0])
        self.assertIn('refused (404)', lines[1])
        self.assertEqual([], db.share_get_all(
            self.ctx, filters={'source_backup_id': self.backup.id}))
        self.assertEqual('available', db.share_backup_get(
            self.ctx, self.backup.id).status)

    def test_unknown_backup_exits_2(self):
        exc = self.assertRaises(
            SystemExit, manage_restore.restore_to_new_share,
            args('99999999-9999-4999-8999-999999999999'))
        self.assertEqual(2, exc.code)
        self.assertIn('no backup exists', self.stderr.getvalue())

    def test_in_process_or_unset_bus_refused(self):
        for url in ('fake://', None, 'rabbit://'):
            self.flags(transport_url=url)
            exc = self.assertRaises(SystemExit, self.run_command)
            self.assertEqual(2, exc.code)
        self.assertEqual(3, len(self.stderr.getvalue().splitlines()))
        self.assertIn('transport_url', self.stderr.getvalue())
        self.data.restore_backup.assert_not_called()

    def test_wait_reports_final_status(self):
        sleeps = []

        def finish(seconds):
            sleeps.append(seconds)
            db.share_update(self.ctx, self.new_share().id,
                            {'status': 'available', 'progress': '100%'})

        self.patch_sleep(finish)
        out = self.run_command(wait=True)
        self.assertIn('is available', out)
        self.assertEqual(1, len(sleeps))

    def test_wait_error_exits_1(self):
        self.patch_sleep(lambda s: db.share_update(
            self.ctx, self.new_share().id, {'status': 'error'}))
        exc = self.assertRaises(SystemExit, self.run_command, wait=True)
        self.assertEqual(1, exc.code)
        self.assertIn('is error', self.stdout.getvalue())

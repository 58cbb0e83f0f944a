"""Restores into smaller, larger and new shares (data service side).

The share service is played by the real share flows (extend, create) on
the fake share driver, called when the data flow casts; the clock of the
waits is fake, so a timeout costs no time.
"""

import os
import types
from unittest import mock

import fixtures

from manila_bk.data.flows import backup as backup_flow
from manila_bk.data.flows import restore as restore_flow
from manila_bk.data.flows import restore_target
from manila_bk.db import api as db
from manila_bk.message import message_field as mf
from manila_bk import quota
from manila_bk.share.drivers import base as driver_base
from manila_bk.share.drivers import fake
from manila_bk.share.flows import common as share_common
from manila_bk.share.flows import create_delete
from manila_bk.share.flows import resize
from manila_bk.tests.unit.data import base
from manila_bk.tests.unit.data.backup import sample_tree
from manila_bk.tests.unit.data.backup import treecompare


class FakeClock:
    """restore_target's clock and sleep; ``on_sleep(n)`` runs each time."""

    def __init__(self, on_sleep=None):
        self.now = 0.0
        self.sleeps = 0
        self.on_sleep = on_sleep

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds
        self.sleeps += 1
        if self.on_sleep:
            self.on_sleep(self.sleeps)


class ShareService:
    """ShareAPI casts served by the real share flows on a fake driver.

    ``mode``: 'ok' runs the flow at once, 'down' drops the cast, 'raise'
    fails the cast itself.  ``after_extend`` runs after a served extend.
    """

    def __init__(self, ctx, driver):
        self.ctx = ctx
        self.driver = driver
        self.mode = 'ok'
        self.extends = []
        self.after_extend = None

    def __call__(self):
        return self

    def extend_share(self, context, share_id, host, new_size):
        self.extends.append((share_id, host, new_size))
        if self.mode == 'raise':
            raise RuntimeError('broker unreachable')
        if self.mode == 'ok':
            resize.extend_share(context, self.driver, share_id, new_size)
            if self.after_extend:
                self.after_extend(share_id)


class RestoreTargetTestCase(base.DataTestCase):

    def setUp(self):
        super().setUp()
        self.flags(restore_share_ready_timeout=30)
        self.addCleanup(fake.FakeShareDriver.reset)
        self.share_driver = fake.FakeShareDriver(
            types.SimpleNamespace(), 'fake1', 'node@local1')
        self.service = ShareService(self.ctx, self.share_driver)
        self.useFixture(fixtures.MockPatchObject(
            restore_target.share_rpcapi, 'ShareAPI', self.service))
        self.clock = FakeClock()
        self.useFixture(fixtures.MockPatchObject(
            restore_target, '_clock', self.clock.clock))
        self.useFixture(fixtures.MockPatchObject(
            restore_target, '_sleep', self.clock.sleep))

    def backed_up(self, size=2):
        """An available backup of ``size`` GiB of a sample tree."""
        share = self.make_share(status='backup_creating', size=size)
        sample_tree.build(self.share_path(share))
        self.reference = treecompare.describe(self.share_path(share))
        backup = self.make_backup(share, host=self.host)
        backup_flow.create_backup(self.ctx, self.driver, backup.id,
                                  self.host)
        backup = self.backup(backup.id)
        self.assertEqual(('available', size), (backup.status, backup.size))
        return backup

    def target(self, size, status='backup_restoring', **values):
        share = self.make_share(status=status, size=size, **values)
        self.share_driver.create_share(share_common.share_spec(share))
        self.write(share, 'stray', b'was here before the restore')
        return share

    def restore(self, backup, share, driver='default'):
        db.share_backup_update(self.ctx, backup.id, {
            'status': 'restoring', 'restore_share_id': share.id})
        restore_flow.restore_backup(
            self.ctx, self.driver if driver == 'default' else driver,
            backup.id, share.id, self.host)
        return self.backup(backup.id), self.share(share.id)

    def assert_restored(self, share):
        self.assertEqual(self.reference,
                         treecompare.describe(self.share_path(share)))

    def assert_untouched(self, share):
        with open(os.path.join(self.share_path(share), 'stray'), 'rb') as f:
            self.assertEqual(b'was here before the restore', f.read())

    def gigabytes(self):
        return quota.get_project_quotas(
            self.ctx, base.PROJECT, usages=True)['gigabytes']['in_use']


class SmallerShareTestCase(RestoreTargetTestCase):

    def test_smaller_share_extended_then_restored_exactly(self):
        backup = self.backed_up(size=3)
        share = self.target(size=1)
        before = self.gigabytes()
        backup, share = self.restore(backup, share)
        self.assertEqual([(share.id, share.host, 3)], self.service.extends)
        self.assertEqual(('available', 3), (share.status, share.size))
        self.assertEqual(('available', '100'),
                         (backup.status, backup.restore_progress))
        self.assert_restored(share)
        self.assertEqual(before + 2, self.gigabytes())

    def test_larger_share_restored_without_extension(self):
        backup = self.backed_up(size=2)
        share = self.target(size=5)
        backup, share = self.restore(backup, share)
        self.assertEqual([], self.service.extends)
        self.assertEqual(('available', 5), (share.status, share.size))
        self.assert_restored(share)

    def test_over_quota_at_restore_time_share_untouched(self):
        backup = self.backed_up(size=3)
        share = self.target(size=1)
        self.flags(gigabytes=self.gigabytes() + 1, group='quota')
        before = self.gigabytes()
        backup, share = self.restore(backup, share)
        self.assertEqual([], self.service.extends)
        self.assertEqual(('available', 1), (share.status, share.size))
        self.assertEqual('available', backup.status)
        self.assert_untouched(share)
        self.assertEqual(before, self.gigabytes())
        self.assert_message(share.id, mf.Action.RESTORE_BACKUP,
                            mf.Detail.RESTORE_EXTEND_FAILED)

    def test_driver_extend_failure_share_back_to_available(self):
        backup = self.backed_up(size=3)
        share = self.target(size=1)
        before = self.gigabytes()
        self.share_driver.fail_operations.add('extend_share')
        backup, share = self.restore(backup, share)
        self.assertEqual(('available', 1), (share.status, share.size))
        self.assertEqual('available', backup.status)
        self.assert_untouched(share)
        self.assertEqual(before, self.gigabytes())
        self.assert_message(share.id, mf.Action.EXTEND,
                            mf.Detail.DRIVER_FAILED_EXTEND)
        self.assert_message(share.id, mf.Action.RESTORE_BACKUP,
                            mf.Detail.RESTORE_EXTEND_FAILED)

    def test_cast_failure_releases_quota_share_untouched(self):
        backup = self.backed_up(size=3)
        share = self.target(size=1)
        before = self.gigabytes()
        self.service.mode = 'raise'
        backup, share = self.restore(backup, share)
        self.assertEqual(('available', 1), (share.status, share.size))
        self.assertEqual('available', backup.status)
        self.assertEqual(before, self.gigabytes())
        self.assert_untouched(share)

    def test_share_service_down_gives_up_after_timeout(self):
        backup = self.backed_up(size=3)
        share = self.target(size=1)
        self.service.mode = 'down'
        backup, share = self.restore(backup, share)
        # The share service owns the extension it was asked for.
        self.assertEqual('extending', share.status)
        self.assertEqual('available', backup.status)
        self.assertGreaterEqual(self.clock.now, 30)
        self.assert_untouched(share)
        self.assert_message(share.id, mf.Action.RESTORE_BACKUP,
                            mf.Detail.RESTORE_SHARE_NOT_READY)

    def test_share_taken_by_another_request_after_extension(self):
        backup = self.backed_up(size=3)
        share = self.target(size=1)
        self.service.after_extend = lambda share_id: db.share_update(
            self.ctx, share_id, {'status': 'shrinking'})
        backup, share = self.restore(backup, share)
        self.assertEqual(('shrinking', 3), (share.status, share.size))
        self.assertEqual('available', backup.status)
        self.assert_untouched(share)

    def test_share_status_changed_before_extension(self):
        backup = self.backed_up(size=3)
        share = self.target(size=1)
        before = self.gigabytes()
        real = db.share_update_if

        def racing_update_if(context, share_id, values, expected_status,
                             extra_where=None):
            if values.get('status') == 'extending':
                db.share_update(context, share_id, {'status': 'deleting'})
            return real(context, share_id, values, expected_status,
                        extra_where)

        with mock.patch.object(db, 'share_update_if', racing_update_if):
            backup, share = self.restore(backup, share)
        self.assertEqual([], self.service.extends)
        self.assertEqual('deleting', share.status)
        self.assertEqual('available', backup.status)
        self.assertEqual(before, self.gigabytes())


class NewShareTestCase(RestoreTargetTestCase):

    def new_share(self, backup, size=None, status='creating'):
        return self.target(size=size or backup.size, status=status,
                           source_backup_id=backup.id, progress='0%')

    def created_on(self, share, sleep_number=2):
        """The share service finishes creating ``share`` at that sleep."""
        exports = [driver_base.ExportLocation(
            path='node:%s' % self.share_path(share), preferred=True)]

        def on_sleep(n):
            if n == sleep_number:
                create_delete.finish_create(self.ctx, self.share(share.id),
                                            exports)
        self.clock.on_sleep = on_sleep

    def test_new_share_waited_for_then_restored(self):
        backup = self.backed_up(size=2)
        share = self.new_share(backup)
        self.created_on(share)
        backup, share = self.restore(backup, share)
        self.assertEqual(('available', '100%', backup.id),
                         (share.status, share.progress,
                          share.source_backup_id))
        self.assertEqual('available', backup.status)
        self.assertEqual(2, self.clock.sleeps)
        self.assert_restored(share)

    def test_share_service_makes_new_share_backup_restoring(self):
        backup = self.backed_up(size=2)
        share = self.new_share(backup)
        create_delete.finish_create(self.ctx, share, [])
        self.assertEqual('backup_restoring', self.share(share.id).status)
        plain = self.make_share(status='creating')
        create_delete.finish_create(self.ctx, plain, [])
        self.assertEqual('available', self.share(plain.id).status)

    def test_new_share_created_before_the_data_service_looked(self):
        backup = self.backed_up(size=2)
        share = self.new_share(backup, status='backup_restoring')
        backup, share = self.restore(backup, share)
        self.assertEqual(('available', '100%'),
                         (share.status, share.progress))
        self.assert_restored(share)

    def test_new_share_creation_failed_backup_given_back(self):
        backup = self.backed_up(size=2)
        share = self.new_share(backup)
        self.clock.on_sleep = lambda n: db.share_update(
            self.ctx, share.id, {'status': 'error'})
        backup, share = self.restore(backup, share)
        self.assertEqual(('error', '0%'), (share.status, share.progress))
        self.assertEqual('available', backup.status)
        self.assert_message(share.id, mf.Action.CREATE,
                            mf.Detail.CREATE_FROM_BACKUP_FAILED)

    def test_new_share_never_created_error_and_stays_error(self):
        backup = self.backed_up(size=2)
        share = self.new_share(backup)
        backup, share = self.restore(backup, share)
        self.assertEqual('error', share.status)
        self.assertEqual('available', backup.status)
        # The share service finishing late keeps the error.
        create_delete.finish_create(self.ctx, share, [])
        self.assertEqual('error', self.share(share.id).status)

    def test_new_share_restore_failure_ends_error_not_restoring_error(self):
        backup = self.backed_up(size=2)
        share = self.new_share(backup, status='backup_restoring')
        driver = mock.Mock(wraps=self.driver)
        driver.restore.side_effect = OSError(5, 'Input/output error')
        backup, share = self.restore(backup, share, driver)
        self.assertEqual('error', share.status)
        self.assertEqual('available', backup.status)
        self.assert_message(share.id, mf.Action.CREATE,
                            mf.Detail.CREATE_FROM_BACKUP_FAILED)

    def test_new_share_without_backup_back_end_error_at_once(self):
        backup = self.backed_up(size=2)
        share = self.new_share(backup)
        backup, share = self.restore(backup, share, driver=None)
        self.assertEqual(0, self.clock.sleeps)
        self.assertEqual('error', share.status)
        self.assertEqual('available', backup.status)

    def test_new_share_deleted_meanwhile(self):
        backup = self.backed_up(size=2)
        share = self.new_share(backup)
        self.clock.on_sleep = lambda n: db.share_delete(self.ctx, share.id)
        db.share_backup_update(self.ctx, backup.id, {
            'status': 'restoring', 'restore_share_id': share.id})
        restore_flow.restore_backup(self.ctx, self.driver, backup.id,
                                    share.id, self.host)
        self.assertEqual('available', self.backup(backup.id).status)

    def test_restored_share_of_an_old_backup_is_not_new(self):
        backup = self.backed_up(size=2)
        share = self.target(size=2, source_backup_id=backup.id,
                            progress='100%')
        self.assertFalse(restore_target.is_new_share(share, backup))
        plain = self.target(size=2, source_backup_id=backup.id)
        self.assertFalse(restore_target.is_new_share(plain, backup))
        self.assertTrue(restore_target.is_new_share(
            self.new_share(backup), backup))

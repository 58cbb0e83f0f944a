"""Flow helpers: progress writes, reasons, export choice, records."""

import datetime
import types

from manila_bk.data.backup import base as driver_base
from manila_bk.data.flows import common
from manila_bk.db import api as db
from manila_bk.tests.unit.data import base


class _Clock:
    def __init__(self):
        self.now = 100.0
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)


class ProgressWriterTestCase(base.DataTestCase):

    def setUp(self):
        super().setUp()
        share = self.make_share()
        self.backup_row = self.make_backup(share, host=self.host)
        self.clock = _Clock()
        self.writer = common.ProgressWriter(self.ctx, self.backup_row.id,
                                            'progress', clock=self.clock,
                                            sleep=self.clock.sleep)

    def stored(self):
        return self.backup(self.backup_row.id).progress

    def test_progress_writes_throttled_by_interval(self):
        self.flags(backup_progress_interval=5)
        self.writer(10)
        self.assertEqual('10', self.stored())
        self.clock.now += 1
        self.writer(20)
        self.assertEqual('10', self.stored())
        self.clock.now += 5
        self.writer(30)
        self.assertEqual('30', self.stored())

    def test_progress_hundred_always_written(self):
        self.flags(backup_progress_interval=60)
        self.writer(10)
        self.writer(100)
        self.assertEqual('100', self.stored())

    def test_progress_never_decreases(self):
        self.writer(50)
        self.clock.now += 10
        self.writer(40)
        self.assertEqual('50', self.stored())

    def test_progress_restore_field(self):
        writer = common.ProgressWriter(self.ctx, self.backup_row.id,
                                       'restore_progress', clock=self.clock)
        writer(42)
        backup = self.backup(self.backup_row.id)
        self.assertEqual(('42', None),
                         (backup.restore_progress, backup.progress))

    def test_progress_test_delay_sleeps_except_at_end(self):
        self.flags(test_only_progress_delay=0.5)
        self.writer(10)
        self.writer(100)
        self.assertEqual([0.5], self.clock.slept)

    def test_progress_no_delay_by_default(self):
        self.writer(10)
        self.assertEqual([], self.clock.slept)

    def test_progress_db_failure_not_raised(self):
        db.share_backup_delete(self.ctx, self.backup_row.id)
        self.writer(10)


class HelpersTestCase(base.DataTestCase):

    def test_fail_reason_os_error_names_file(self):
        reason = common.fail_reason(common.PHASE_BACKUP, OSError(
            28, 'No space left on device', '/backups/p'))
        self.assertEqual('Failed while copying the share to the backup '
                         'target. No space left on device: /backups/p',
                         reason)

    def test_fail_reason_driver_exception_text(self):
        exc = driver_base.BackupMountError(action='run', target='mount',
                                           reason='exit code 32')
        self.assertIn('Could not run mount: exit code 32',
                      common.fail_reason(common.PHASE_BACKUP, exc))

    def test_fail_reason_other_exception_type_named(self):
        self.assertIn('KeyError', common.fail_reason(common.PHASE_DELETE,
                                                     KeyError('k')))

    def test_fail_reason_truncated_to_column(self):
        reason = common.fail_reason(common.PHASE_BACKUP,
                                    RuntimeError('x' * 5000))
        self.assertEqual(common.MAX_REASON, len(reason))

    def _share(self, *locations):
        return types.SimpleNamespace(id='s', export_locations=[
            types.SimpleNamespace(path=p, is_admin_only=a, preferred=f)
            for p, a, f in locations])

    def test_share_export_prefers_admin_only(self):
        share = self._share(('h:/user', False, True), ('h:/admin', True,
                                                       False))
        self.assertEqual('h:/admin', common.share_export(share))

    def test_share_export_then_preferred(self):
        share = self._share(('h:/a', False, False), ('h:/b', False, True))
        self.assertEqual('h:/b', common.share_export(share))

    def test_share_export_none_raises(self):
        self.assertRaises(common.DataAccessError, common.share_export,
                          self._share())

    def test_backup_spec_from_row(self):
        when = datetime.datetime(2025, 1, 2, 3, 4, 5)
        row = types.SimpleNamespace(
            id='b', share_id='s', project_id='p', size=3, parent_id='a',
            backup_type='incremental', created_at=when)
        self.assertEqual(
            driver_base.BackupSpec(id='b', share_id='s', project_id='p',
                                   size=3, parent_id='a',
                                   backup_type='incremental',
                                   created_at=when),
            common.backup_spec(row))

    def test_backup_spec_defaults_full(self):
        row = types.SimpleNamespace(
            id='b', share_id='s', project_id='p', size=None, parent_id=None,
            backup_type=None, created_at=None)
        spec = common.backup_spec(row)
        self.assertEqual(('full', 0), (spec.backup_type, spec.size))


class WorkCounterTestCase(base.DataTestCase):

    def test_counter_reports_growing_total_and_survives_bad_callback(self):
        calls = []
        counter = common.WorkCounter(lambda *args: calls.append(args))
        counter.grow(2)
        counter.advance()
        counter.grow(3)
        counter.advance(4)
        self.assertEqual([(0, 2), (1, 2), (1, 5), (5, 5)], calls)
        broken = common.WorkCounter(lambda *args: 1 / 0)
        broken.grow(1)
        broken.advance()
        self.assertEqual((1, 1), (broken.done, broken.total))

"""Progress log lines (one per decile, with rates) and watchers."""

import logging
import re

import fixtures
import testtools

from manila_bk.data.backup.engine import progress

MIB = 1024 * 1024
_DECILE = re.compile(
    r'^Backup b-1: (\d+)% done \(([\d.]+) of ([\d.]+) MiB, ([\d.]+) MiB/s; '
    r'(\d+) files, ([\d.]+) files/s\)$')


class DecileLogTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.log = self.useFixture(fixtures.FakeLogger(
            name=progress.__name__, level=logging.INFO,
            format='%(message)s'))
        self.now = [100.0]
        self.report = progress.Progress(None, 'Backup b-1',
                                        clock=lambda: self.now[0])

    def _lines(self):
        return self.log.output.splitlines()

    def _deciles(self):
        return [_DECILE.match(line) for line in self._lines()
                if _DECILE.match(line)]

    def test_steady_copy_logs_each_decile_once_with_rates(self):
        self.report.start(100 * MIB)
        for _step in range(50):         # 2 MiB and 1 file per second
            self.now[0] += 1.0
            self.report.add(2 * MIB, files=1)
            self.report.poll()
            self.report.poll()          # a second poll logs nothing more
        self.report.finish()
        deciles = self._deciles()
        self.assertEqual(list(range(10, 100, 10)),
                         [int(m.group(1)) for m in deciles])
        first = deciles[0]
        self.assertEqual(('10.0', '100.0', '2.0', '5', '1.0'),
                         first.group(2, 3, 4, 5, 6))
        lines = self._lines()
        self.assertEqual('Backup b-1: 100.0 MiB to process', lines[0])
        self.assertEqual('Backup b-1: done, 100.0 MiB in 50.0 s '
                         '(2.0 MiB/s; 50 files, 1.0 files/s)', lines[-1])
        self.assertEqual(11, len(lines))

    def test_jump_over_deciles_logs_the_one_reached(self):
        self.report.start(10 * MIB)
        self.now[0] += 4.0
        # Logged as the bytes arrive, without waiting for a poll.
        self.report.add(5 * MIB, files=3)
        deciles = self._deciles()
        self.assertEqual([50], [int(m.group(1)) for m in deciles])
        self.assertEqual(('5.0', '10.0', '1.2', '3', '0.8'),
                         deciles[0].group(2, 3, 4, 5, 6))

    def test_below_ten_percent_and_after_finish_logs_no_decile(self):
        self.report.start(100 * MIB)
        self.report.add(9 * MIB)
        self.now[0] += 1.0
        self.report.poll()
        self.report.finish()
        self.report.add(91 * MIB)
        self.report.poll()
        self.assertEqual([], self._deciles())
        self.assertEqual(2, len(self._lines()))

    def test_unknown_total_logs_start_and_end_only(self):
        self.report.start(0)
        self.report.add(5 * MIB)
        self.report.poll()
        self.report.finish()
        self.assertEqual(2, len(self._lines()))


class WatchTestCase(testtools.TestCase):

    def test_watcher_sees_polls_and_the_end_until_it_leaves(self):
        now = [0.0]
        seen = []
        report = progress.Progress(None, 'Verify of v', clock=lambda: now[0])
        with progress.watch(seen.append):
            report.start(4 * MIB)
            now[0] = 2.0
            report.add(2 * MIB, files=2)
            report.poll()
            report.finish()
        report.poll()
        self.assertEqual([(0, False), (2 * MIB, False), (2 * MIB, True)],
                         [(s.done_bytes, s.finished) for s in seen])
        self.assertEqual(1.0, seen[1].mib_per_second)
        self.assertEqual(1.0, seen[1].files_per_second)
        self.assertEqual(('Verify of v', 4 * MIB),
                         (seen[1].label, seen[1].total_bytes))

    def test_failing_watcher_does_not_stop_the_work(self):
        calls = []

        def broken(snapshot):
            raise RuntimeError('terminal gone')

        report = progress.Progress(calls.append, 'x', min_interval=0)
        with progress.watch(broken):
            report.start(10)
            report.add(10)
            report.poll()
            report.finish()
        self.assertEqual([99, 100], calls)

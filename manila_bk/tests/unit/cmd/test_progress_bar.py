"""The console progress bar: drawn on terminals only, with rate and ETA."""

import io
import logging

import testtools

from manila_bk.cmd import progress_bar
from manila_bk.data.backup.engine import progress

MIB = 1024 * 1024


class FakeTTY(io.StringIO):

    def __init__(self, tty=True):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


class ProgressBarTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.now = [0.0]
        self.clock = lambda: self.now[0]

    def _bar(self, stream, **kw):
        kw.setdefault('width', 100)
        return progress_bar.ProgressBar('Verify of b1', stream=stream,
                                        clock=self.clock, **kw)

    def test_bytes_bar_shows_percent_rate_and_eta(self):
        stream = FakeTTY()
        with self._bar(stream, total=100 * MIB) as bar:
            self.now[0] = 10.0
            bar.update(25 * MIB)
        frames = stream.getvalue().split('\r')
        self.assertEqual('', frames[0])
        first = frames[1]
        self.assertIn('Verify of b1  [', first)
        self.assertIn(' 25%  2.5 MiB/s  ETA 0:00:30', first)
        self.assertEqual(10, first.count('#'))      # 40 cells, a quarter
        self.assertTrue(stream.getvalue().endswith('\n'))

    def test_not_a_terminal_writes_nothing(self):
        stream = FakeTTY(tty=False)
        with self._bar(stream, total=10) as bar:
            self.now[0] = 1.0
            bar.update(5)
        self.assertEqual('', stream.getvalue())

    def test_redraws_are_throttled_and_the_end_is_drawn(self):
        stream = FakeTTY()
        with self._bar(stream, total=100, unit='records') as bar:
            for step in range(100):
                self.now[0] += 0.01
                bar.advance()
        frames = [f for f in stream.getvalue().split('\r') if f]
        # One draw every 0.2 s of the 1 s, the first at once, and the end.
        self.assertLessEqual(len(frames), 7)
        self.assertIn('100%  100/100 records  100.0 records/s  ETA 0:00:00',
                      frames[-1])

    def test_items_unknown_rate_shows_no_eta(self):
        bar = self._bar(FakeTTY(), total=3, unit='steps')
        self.assertIn('  0%  0/3 steps  0.0 steps/s  ETA -:--:--',
                      bar.render(0.0))

    def test_line_fits_a_narrow_terminal(self):
        bar = self._bar(FakeTTY(), total=10)
        bar.done = 5
        self.assertLessEqual(len(bar.render(1.0, columns=60)), 59)

    def test_shorter_line_erases_the_longer_one(self):
        stream = FakeTTY()
        bar = self._bar(stream, total=10 ** 12, min_interval=0)
        self.now[0] = 1.0
        bar.update(10 ** 11)
        long_line = stream.getvalue().split('\r')[-1]
        bar.total = 10
        bar.update(5)
        last = stream.getvalue().split('\r')[-1]
        self.assertEqual(len(long_line), len(last))

    def test_progress_watcher_drives_the_bar(self):
        stream = FakeTTY()
        report = progress.Progress(None, 'Verify of b1', clock=self.clock)
        with self._bar(stream, min_interval=0) as bar, \
                progress.watch(bar.watcher):
            report.start(8 * MIB)
            self.now[0] = 2.0
            report.add(4 * MIB)
            report.poll()
            report.add(4 * MIB)
            report.finish()
        frames = [f for f in stream.getvalue().split('\r') if f]
        self.assertIn(' 50%  2.0 MiB/s  ETA 0:00:02', frames[1])
        self.assertIn('100%  4.0 MiB/s', frames[-1])

    def test_log_lines_go_above_the_bar(self):
        stream = FakeTTY()
        handler = logging.StreamHandler(stream)
        root = logging.getLogger()
        root.addHandler(handler)
        self.addCleanup(root.removeHandler, handler)
        with self._bar(stream, total=10, min_interval=0) as bar:
            bar.update(5)
            logging.getLogger('manila_bk.test').warning('a log line')
            self.assertIsNot(stream, handler.stream)
        self.assertIs(stream, handler.stream)
        text = stream.getvalue()
        # The bar, erased, the log line, the bar again, its end.
        before, after = text.split('a log line\n')
        self.assertTrue(before.endswith('\r'))
        self.assertEqual('', before.rsplit('\r', 2)[-2].strip())
        self.assertIn(' 50%', after)
        self.assertTrue(after.endswith('\n'))


class FormatEtaTestCase(testtools.TestCase):

    def test_format_eta(self):
        self.assertEqual('0:00:05', progress_bar.format_eta(4.6))
        self.assertEqual('1:01:01', progress_bar.format_eta(3661))
        self.assertEqual('-:--:--', progress_bar.format_eta(None))
        self.assertEqual('-:--:--', progress_bar.format_eta(10 ** 9))

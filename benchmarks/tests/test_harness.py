"""Tests of the benchmark harness itself (small trees, no timing claims).

    python -m testtools.run benchmarks.tests.test_harness
"""

import hashlib
import os
import shutil
import tempfile
import unittest
import uuid

from benchmarks import api_bench
from benchmarks import common
from benchmarks import datasets
from benchmarks import engine_child
from benchmarks import peers
from benchmarks import profile_summary
from benchmarks import report
from benchmarks import targets


def tree_digest(root):
    """{relative path: sha256} of the regular files below ``root``."""
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(dirpath, name)
            with open(path, 'rb') as handle:
                out[os.path.relpath(path, root)] = hashlib.sha256(
                    handle.read()).hexdigest()
    return out


class TreeTestCase(unittest.TestCase):

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix='mbk-bench-test-')
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)


class DatasetTestCase(TreeTestCase):

    def test_make_small_same_seed_identical_trees(self):
        one = datasets.make_small(self.path('a'), 60, 3, seed=7)
        two = datasets.make_small(self.path('b'), 60, 3, seed=7)
        self.assertEqual(tree_digest(one), tree_digest(two))
        self.assertEqual(60, len(tree_digest(one)))

    def test_make_small_other_seed_different_content(self):
        one = datasets.make_small(self.path('a'), 20, 1, seed=7)
        two = datasets.make_small(self.path('b'), 20, 1, seed=8)
        self.assertNotEqual(tree_digest(one), tree_digest(two))

    def test_make_small_sizes_within_1_to_16_kib(self):
        root = datasets.make_small(self.path('s'), 40, 2)
        sizes = [os.path.getsize(os.path.join(d, f))
                 for d, _, files in os.walk(root) for f in files]
        self.assertTrue(all(1024 <= s <= 16384 for s in sizes), sizes)

    def test_make_large_half_compressible(self):
        import zlib
        root = datasets.make_large(self.path('l'), 2, 2 * common.MiB)
        with open(os.path.join(root, 'large-00.bin'), 'rb') as handle:
            random_part = handle.read()
        with open(os.path.join(root, 'large-01.bin'), 'rb') as handle:
            text_part = handle.read()
        self.assertGreater(len(zlib.compress(random_part)),
                           0.99 * len(random_part))
        self.assertLess(len(zlib.compress(text_part)), 0.5 * len(text_part))

    def test_make_small_stamped_tree_reused(self):
        root = datasets.make_small(self.path('s'), 10, 1)
        marker = os.path.join(root, 'marker')
        open(marker, 'w').close()
        datasets.make_small(root, 10, 1)
        self.assertTrue(os.path.exists(marker))
        datasets.make_small(root, 11, 1)
        self.assertFalse(os.path.exists(marker))

    def test_mutate_changes_adds_and_removes(self):
        root = datasets.make_small(self.path('s'), 400, 4)
        before = tree_digest(root)
        counts = datasets.mutate(root, few=3)
        after = tree_digest(root)
        self.assertEqual(4, counts['changed'])
        self.assertEqual(3, len(set(before) - set(after)))
        self.assertEqual(3, len(set(after) - set(before)))
        changed = [p for p in set(before) & set(after)
                   if before[p] != after[p]]
        self.assertLessEqual(len(changed), 4)
        self.assertGreaterEqual(len(changed), 3)

    def test_make_subset_first_files(self):
        root = datasets.make_small(self.path('s'), 50, 2)
        subset = datasets.make_subset(root, self.path('sub'), 7)
        digest = tree_digest(subset)
        self.assertEqual(7, len(digest))
        full = tree_digest(root)
        for rel, value in digest.items():
            self.assertEqual(full[rel], value)


class CopierTestCase(TreeTestCase):

    def test_upstream_copy_copies_tree_exactly(self):
        root = datasets.make_small(self.path('s'), 12, 2)
        os.makedirs(os.path.join(root, 'empty', 'dir'))
        peers.upstream_copy(root, self.path('copy'))
        self.assertEqual(tree_digest(root), tree_digest(self.path('copy')))
        self.assertTrue(os.path.isdir(self.path('copy', 'empty', 'dir')))

    def test_engine_child_backup_restore_round_trip(self):
        root = datasets.make_small(self.path('s'), 30, 2)
        target = self.path('target')
        backup_id = str(uuid.uuid4())
        result = engine_child.run_child('backup', target, root, backup_id)
        self.assertEqual('full', result['backup_type'])
        self.assertEqual(common.tree_stats(root)[0], result['size_bytes'])
        self.assertGreater(result['hwm_kib'], 10 * 1024)
        dest = self.path('dest')
        os.mkdir(dest)
        engine_child.run_child('restore', target, dest, backup_id)
        self.assertEqual(tree_digest(root), tree_digest(dest))

    def test_engine_child_incremental_links_unchanged(self):
        root = datasets.make_small(self.path('s'), 40, 2)
        target = self.path('target')
        full = str(uuid.uuid4())
        engine_child.run_child('backup', target, root, full)
        datasets.mutate(root, few=1)
        result = engine_child.run_child('backup', target, root,
                                        str(uuid.uuid4()), parent=full)
        self.assertEqual('incremental', result['backup_type'])
        self.assertLess(result['bytes_copied'], result['size_bytes'] / 4)


class NumbersTestCase(unittest.TestCase):

    def test_percentile_nearest_rank(self):
        values = list(range(1, 101))
        self.assertEqual(50, api_bench.percentile(values, 0.5))
        self.assertEqual(95, api_bench.percentile(values, 0.95))
        self.assertEqual(7, api_bench.percentile([7], 0.95))
        self.assertIsNone(api_bench.percentile([], 0.5))

    def test_rotated_each_tool_first_once(self):
        firsts = {common.rotated(['a', 'b', 'c'], n)[0] for n in range(3)}
        self.assertEqual({'a', 'b', 'c'}, firsts)

    def test_ratio_missing_value_none(self):
        self.assertIsNone(common.ratio(None, 2.0))
        self.assertEqual(2.0, common.ratio(4.0, 2.0))


def _results():
    tools = {'engine backup': {'median_s': 1.0, 'mib_s': 10.0,
                               'files_s': 4000.0, 'samples': [1.0]},
             'cp -a': {'median_s': 1.2, 'mib_s': 8.0, 'files_s': 3000.0,
                       'samples': [1.2]}}
    return {
        'copy': {'S': {'bytes': 2 ** 20, 'files': 4000, 'tools': tools,
                       'ratios': {'engine backup': {'cp -a': 1.2}}},
                 'S-subset': {'bytes': 1, 'files': 10, 'tools': {
                     'upstream per-file copier': {
                         'median_s': 1, 'mib_s': 1, 'files_s': 50.0,
                         'samples': [1]}},
                     'ratios': {'engine backup': {
                         'upstream per-file copier': 30.0}}}},
        'incremental': {'S': {
            'bytes': 1, 'files': 1, 'mutation': {
                'changed': 1, 'added': 1, 'removed': 1},
            'tools': {'engine incremental': {'median_s': 1.0,
                                             'samples': [1.0]},
                      'rsync -a': {'median_s': 4.0, 'samples': [4.0]}},
            'full_backup': {},
            'time_fraction': {'rsync -a': 0.25}}},
        'api': {'rows': [{'database': 'sqlite', 'records': 1000,
                          'clients': 1, 'path': 'GET /v2/shares/detail',
                          'p95_ms': 80.0, 'p50_ms': 40.0, 'req_s': 20.0,
                          'items': 1000, 'requests': 50}]},
    }


class TargetsTestCase(unittest.TestCase):

    def _by_name(self):
        return {row['target']: row for row in targets.evaluate(_results())}

    def test_evaluate_met_missed_and_not_measured(self):
        rows = self._by_name()
        self.assertTrue(rows['backup of S: throughput / cp -a']['met'])
        self.assertTrue(rows['incremental of mutated S: time / rsync -a']
                        ['met'])
        self.assertFalse(rows['GET /v2/shares/detail, 1,000 records, '
                              'SQLite, 1 client: p95']['met'])
        self.assertIsNone(rows['restore of L: throughput / cp -a']['met'])

    def test_evaluate_upstream_ratio_compares_the_same_files(self):
        rows = self._by_name()
        row = rows['backup of S: files/s / upstream per-file copier']
        self.assertEqual(30.0, row['value'])
        self.assertFalse(row['met'])
        self.assertIn('same 10 files', row['note'])
        self.assertIn('engine on all of S: 80.0 x', row['note'])

    def test_report_markdown_and_rst_carry_same_figures(self):
        results = _results()
        md = report.markdown(results, 'header')
        rst = report.rst(results, 'header')
        for text in (md, rst):
            self.assertIn('4,000', text)
            self.assertIn('80.0', text)
            self.assertIn('missed', text)
        self.assertIn('.. list-table::', rst)
        self.assertIn('| engine backup | 1.000 |', md)


class ProfileSummaryTestCase(TreeTestCase):

    def test_summarize_counts_self_and_inclusive(self):
        raw = self.path('prof.txt')
        with open(raw, 'w') as handle:
            handle.write('main (/work/main/x.py:1);f (/work/main/y.py:2) 3\n'
                         'main (/work/main/x.py:1);g (/work/main/y.py:9) 1\n'
                         'idle (/usr/lib/python3.11/threading.py:3) 4\n')
        result = profile_summary.summarize(raw, within='x.py')
        self.assertEqual(4, result['samples'])
        incl = {r['function']: r['percent'] for r in result['inclusive']}
        own = {r['function']: r['percent'] for r in result['self']}
        self.assertEqual(100.0, incl['main (x.py)'])
        self.assertEqual(75.0, own['f (y.py)'])
        self.assertNotIn('main (x.py)', own)
        parted = profile_summary.summarize(raw, within='x.py',
                                           skip_common=True)
        incl = {r['function']: r['percent'] for r in parted['inclusive']}
        self.assertEqual({'f (y.py)': 75.0, 'g (y.py)': 25.0}, incl)


if __name__ == '__main__':
    unittest.main()

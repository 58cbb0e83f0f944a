"""The package imports no eventlet, and the check that says so can fail."""

import contextlib
import importlib.util
import io
import os
import pathlib

import fixtures
import testtools

import manila_bk

_REPO = pathlib.Path(__file__).resolve().parents[3]
_CHECKER = _REPO / 'tools' / 'check_no_eventlet.py'
_PACKAGE = pathlib.Path(manila_bk.__file__).resolve().parent


def _load_checker():
    spec = importlib.util.spec_from_file_location('check_no_eventlet',
                                                  _CHECKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestNoEventlet(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.checker = _load_checker()
        self.tmp = self.useFixture(fixtures.TempDir()).path

    def _write(self, name, source):
        path = os.path.join(self.tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(source)
        return path

    def _run_main(self, *paths):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = self.checker.main(list(paths))
        return code, out.getvalue(), err.getvalue()

    def test_check_real_package_finds_no_eventlet_import(self):
        findings, errors = self.checker.find_eventlet_imports([str(_PACKAGE)])

        self.assertEqual([], errors)
        self.assertEqual([], findings)

    def test_check_real_package_visits_its_modules(self):
        files = list(self.checker.iter_python_files(str(_PACKAGE)))

        self.assertIn(str(_PACKAGE / '__init__.py'), files)
        self.assertIn(str(pathlib.Path(__file__).resolve()), files)

    def test_check_synthetic_imports_flags_each_form(self):
        path = self._write('pkg/bad.py', (
            'import os\n'
            'import eventlet\n'
            'from eventlet import greenthread\n'
            'import eventlet.green.threading as threading\n'
            'def f():\n'
            '    from eventlet.green import subprocess\n'
            'import importlib\n'
            "importlib.import_module('eventlet.hubs')\n"
            "__import__('eventlet')\n"))

        findings, errors = self.checker.find_eventlet_imports([self.tmp])

        self.assertEqual([], errors)
        self.assertEqual([(path, 2, 'eventlet'),
                          (path, 3, 'eventlet'),
                          (path, 4, 'eventlet.green.threading'),
                          (path, 6, 'eventlet.green'),
                          (path, 8, 'eventlet.hubs'),
                          (path, 9, 'eventlet')], findings)

    def test_check_mentions_without_import_are_not_flagged(self):
        self._write('ok.py', (
            '"""Docs that say eventlet."""\n'
            'import sys\n'
            'import eventlet_free\n'
            'from . import eventlet\n'
            "sys.modules['eventlet'] = None  # import eventlet\n"))

        findings, errors = self.checker.find_eventlet_imports([self.tmp])

        self.assertEqual(([], []), (findings, errors))

    def test_main_eventlet_import_exits_one_and_names_file_and_line(self):
        path = self._write('bad.py', 'x = 1\nfrom eventlet import sleep\n')

        code, out, _err = self._run_main(self.tmp)

        self.assertEqual(1, code)
        self.assertIn('%s:2: imports eventlet' % path, out)

    def test_main_clean_tree_exits_zero(self):
        self._write('fine.py', 'import threading\n')

        code, out, _err = self._run_main(self.tmp)

        self.assertEqual(0, code)
        self.assertIn('no eventlet imports', out)

    def test_main_unparsable_file_exits_two(self):
        self._write('broken.py', 'def (:\n')

        code, _out, err = self._run_main(self.tmp)

        self.assertEqual(2, code)
        self.assertIn('broken.py: cannot check', err)

    def test_main_missing_path_exits_two(self):
        code, _out, err = self._run_main(os.path.join(self.tmp, 'nope'))

        self.assertEqual(2, code)
        self.assertIn('no such file or directory', err)

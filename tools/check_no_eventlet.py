#!/usr/bin/env python3
"""Fail if any Python file under the given paths imports eventlet.

manila_bk runs on native threads only (see manila_bk/__init__.py).  An
eventlet import that slips in would either monkey-patch behind our back or,
because the package makes eventlet unimportable, fail only at run time on
the code path that reaches it.  This check finds such imports statically.

It flags ``import eventlet[.x]``, ``from eventlet[.x] import ...`` and calls
of ``importlib.import_module``/``__import__`` with a literal eventlet module
name.  Strings and comments that merely mention eventlet are not imports.

Usage: check_no_eventlet.py PATH [PATH ...]
Exit status: 0 clean, 1 eventlet imports found, 2 a file could not be parsed
or a path does not exist.
"""

import ast
import os
import sys

_SELF = os.path.realpath(__file__)
_SKIP_DIRS = frozenset(['.git', '.tox', '.venv', '__pycache__', 'build'])
_DYNAMIC_IMPORTERS = frozenset(['import_module', '__import__'])


def _is_eventlet(module_name):
    return module_name == 'eventlet' or module_name.startswith('eventlet.')


def _dynamic_import_target(call):
    """Return the literal module name of an import_module() call, or None."""
    func = call.func
    name = getattr(func, 'id', None) or getattr(func, 'attr', None)
    if name not in _DYNAMIC_IMPORTERS or not call.args:
        return None
    first = call.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


def _imported_names(node):
    """Yield the absolute module names that one AST node imports."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
    elif isinstance(node, ast.ImportFrom):
        # A relative import (level > 0) names a module of this package.
        if node.level == 0 and node.module:
            yield node.module
    elif isinstance(node, ast.Call):
        target = _dynamic_import_target(node)
        if target:
            yield target


def check_source(source, filename='<string>'):
    """Return [(lineno, module)] for every eventlet import in ``source``.

    Raises SyntaxError if the source does not parse.
    """
    tree = ast.parse(source, filename=filename)
    found = []
    for node in ast.walk(tree):
        for name in _imported_names(node):
            if _is_eventlet(name):
                found.append((node.lineno, name))
    return sorted(found)


def iter_python_files(path):
    """Yield the .py files at or below ``path``, in a stable order."""
    if os.path.isfile(path):
        yield path
        return
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for filename in sorted(filenames):
            if filename.endswith('.py'):
                yield os.path.join(dirpath, filename)


def find_eventlet_imports(paths):
    """Check every .py file under ``paths``.

    Returns (findings, errors): findings are (path, lineno, module) tuples,
    errors are human-readable strings for paths or files that could not be
    checked.
    """
    findings, errors = [], []
    for path in paths:
        if not os.path.exists(path):
            errors.append('%s: no such file or directory' % path)
            continue
        for filename in iter_python_files(path):
            if os.path.realpath(filename) == _SELF:
                continue
            try:
                with open(filename, encoding='utf-8') as handle:
                    source = handle.read()
                hits = check_source(source, filename)
            except (SyntaxError, UnicodeDecodeError, OSError) as exc:
                errors.append('%s: cannot check: %s' % (filename, exc))
                continue
            findings.extend((filename, line, mod) for line, mod in hits)
    return findings, errors


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print('usage: check_no_eventlet.py PATH [PATH ...]', file=sys.stderr)
        return 2
    findings, errors = find_eventlet_imports(argv)
    for filename, line, module in findings:
        print('%s:%d: imports %s (manila_bk must not use eventlet)'
              % (filename, line, module))
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        return 2
    if findings:
        return 1
    print('check_no_eventlet: no eventlet imports under %s' % ' '.join(argv))
    return 0


if __name__ == '__main__':
    sys.exit(main())

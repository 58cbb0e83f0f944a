"""No shell anywhere: every command manila_bk runs is an argument vector.

An AST walk over every module of the package (tests included) refuses:

* any call with ``shell=`` other than the constant False (subprocess,
  oslo.concurrency's processutils, any wrapper);
* functions that always use a shell: ``os.system``, ``os.popen``,
  ``subprocess.getoutput``/``getstatusoutput``,
  ``asyncio.create_subprocess_shell``, ``os.spawn*``/``os.exec*``
  variants that take a command line (``os.spawnlp`` and friends are fine
  with a list, but nothing here needs them);
* a ``subprocess.run``/``Popen``/``call``/``check_call``/``check_output``
  whose command is a string: a literal, an f-string, ``'%s' % x``,
  ``'a' + b``, ``'...'.format()``, ``' '.join(...)``, or a local name
  assigned one of those in the same function.

Then, on the real code: values from configuration and from users reach
the commands as single arguments (mount templates, the btrfs command's
root helper and paths, exports file lines).
"""

import ast
import os
import textwrap

import fixtures
import testtools

import manila_bk
from manila_bk.data.backup import mount
from manila_bk.share.drivers import _btrfs_cmd
from manila_bk.share.drivers import _exports

SUBPROCESS_RUNNERS = ('run', 'Popen', 'call', 'check_call', 'check_output')
ALWAYS_SHELL = {
    'os': ('system', 'popen', 'execl', 'execle', 'execlp', 'execlpe',
           'spawnl', 'spawnle', 'spawnlp', 'spawnlpe'),
    'subprocess': ('getoutput', 'getstatusoutput'),
    'asyncio': ('create_subprocess_shell',),
    'commands': ('getoutput', 'getstatusoutput'),
}
EVIL = 'x; rm -rf / $(reboot) `id` | cat > /etc/passwd'


def _aliases(tree):
    """{local name: 'module.attr' or 'module'} of the module's imports."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = '%s.%s' % (
                    node.module, alias.name)
    return names


def _dotted(func, aliases):
    """'subprocess.run' for subprocess.run(...), run(...) if imported."""
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        base = aliases.get(func.value.id, func.value.id)
        return '%s.%s' % (base, func.attr)
    if isinstance(func, ast.Name):
        return aliases.get(func.id, func.id)
    return ''


def _is_str_expr(node, assigned):
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (str, bytes))
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod,
                                                            ast.Add)):
        return _is_str_expr(node.left, assigned) or (
            isinstance(node.op, ast.Add) and
            _is_str_expr(node.right, assigned))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr in ('format', 'join') and \
            isinstance(node.func.value, ast.Constant) and \
            isinstance(node.func.value.value, str):
        return True
    if isinstance(node, ast.Name):
        return any(_is_str_expr(value, {}) for value in
                   assigned.get(node.id, ()))
    return False


def _assignments(function):
    """{name: [value nodes]} of simple assignments inside ``function``."""
    assigned = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(node.value)
    return assigned


def _command_arg(call):
    if call.args:
        return call.args[0]
    for keyword in call.keywords:
        if keyword.arg == 'args':
            return keyword.value
    return None


def _call_problem(call, aliases, assigned):
    for keyword in call.keywords:
        if keyword.arg == 'shell' and not (
                isinstance(keyword.value, ast.Constant)
                and keyword.value.value is False):
            return 'shell=%s' % ast.unparse(keyword.value)
    name = _dotted(call.func, aliases)
    module, _sep, attr = name.rpartition('.')
    if attr in ALWAYS_SHELL.get(module, ()):
        return '%s always runs a shell or a command line' % name
    if module == 'subprocess' and attr in SUBPROCESS_RUNNERS:
        command = _command_arg(call)
        if command is not None and _is_str_expr(command, assigned):
            return 'string command %s' % ast.unparse(command)[:80]
    return None


def find_problems(source, filename='<source>'):
    """[(line, problem)] of the shell uses in one module's source."""
    tree = ast.parse(source, filename)
    aliases = _aliases(tree)
    functions = [node for node in ast.walk(tree) if isinstance(
        node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    scopes = [(tree, {})] + [(f, _assignments(f)) for f in functions]
    problems = set()
    for scope, assigned in scopes:
        for node in ast.walk(scope):
            if isinstance(node, ast.Call):
                # A call inside a function is seen twice: by the module's
                # walk and by its function's, which knows its locals.
                problem = _call_problem(node, aliases, assigned)
                if problem:
                    problems.add((node.lineno, problem))
    return sorted(problems)


def package_problems(root):
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != '__pycache__']
        for filename in sorted(filenames):
            if filename.endswith('.py'):
                path = os.path.join(dirpath, filename)
                with open(path, encoding='utf-8') as f:
                    for line, problem in find_problems(f.read(), path):
                        found.append('%s:%d: %s' % (
                            os.path.relpath(path, root), line, problem))
    return found


class NoShellTestCase(testtools.TestCase):

    def test_package_runs_no_shell_and_no_string_command(self):
        root = os.path.dirname(manila_bk.__file__)
        self.assertEqual([], package_problems(root))

    def test_package_does_run_commands(self):
        # The walk must see the real call sites, or it checks nothing.
        root = os.path.dirname(manila_bk.__file__)
        seen = 0
        for rel in ('data/backup/mount.py', 'share/drivers/_fsutils.py'):
            with open(os.path.join(root, rel), encoding='utf-8') as f:
                tree = ast.parse(f.read())
            aliases = _aliases(tree)
            seen += sum(1 for node in ast.walk(tree)
                        if isinstance(node, ast.Call) and
                        _dotted(node.func, aliases) == 'subprocess.run')
        self.assertGreaterEqual(seen, 2)


# (source, flagged?)
SYNTHETIC = [
    ('import subprocess\nsubprocess.run("ls -l")\n', True),
    ('import subprocess\nsubprocess.run(["ls"], shell=True)\n', True),
    ('import subprocess\nsubprocess.Popen(f"mount {x}")\n', True),
    ('import subprocess\nsubprocess.call("mount %s" % x)\n', True),
    ('import subprocess\nsubprocess.check_output("a" + b)\n', True),
    ('import subprocess\nsubprocess.check_call(" ".join(argv))\n', True),
    ('import subprocess\nsubprocess.run(args="umount {}".format(p))\n',
     True),
    ('import subprocess as sp\nsp.run("ls")\n', True),
    ('from subprocess import run\nrun("ls")\n', True),
    ('import subprocess\ndef f(p):\n    cmd = "mount " + p\n'
     '    subprocess.run(cmd)\n', True),
    ('import os\nos.system("ls")\n', True),
    ('import os\nos.popen(["ls"])\n', True),
    ('import subprocess\nsubprocess.getoutput("ls")\n', True),
    ('from oslo_concurrency import processutils\n'
     'processutils.execute("ls", shell=True)\n', True),
    ('import subprocess\nsubprocess.run(argv, shell=use_shell)\n', True),
    ('import asyncio\nasyncio.create_subprocess_shell("ls")\n', True),
    # Allowed: argument vectors.
    ('import subprocess\nsubprocess.run(["ls", "-l", path])\n', False),
    ('import subprocess\nsubprocess.run(argv, shell=False)\n', False),
    ('import subprocess\ndef f(p):\n    argv = ["mount", p]\n'
     '    subprocess.run(argv, check=True)\n', False),
    ('import subprocess\nsubprocess.Popen([BIN, "--config-file", c])\n',
     False),
    ('def f():\n    x = "ls"\n    return x.upper()\n', False),
]


class CheckerTestCase(testtools.TestCase):
    """The checker itself, on synthetic sources."""

    def test_synthetic_sources_flagged_or_allowed(self):
        for source, flagged in SYNTHETIC:
            problems = find_problems(source)
            self.assertEqual(flagged, bool(problems), '%s\n%s' % (
                textwrap.indent(source, '  '), problems))

    def test_problem_names_line(self):
        source = 'import subprocess\n\n\nsubprocess.run("x", shell=True)\n'
        self.assertEqual([(4, 'shell=True')], find_problems(source))

    def test_package_walk_reports_file_and_line(self):
        root = self.useFixture(fixtures.TempDir()).path
        with open(os.path.join(root, 'bad.py'), 'w') as f:
            f.write('import os\n\nos.system("reboot")\n')
        self.assertEqual(['bad.py:3: os.system always runs a shell or a '
                          'command line'], package_problems(root))


class ValuesStayArgumentsTestCase(testtools.TestCase):
    """Configuration and user values reach commands as single arguments."""

    def test_mount_template_values_are_single_arguments(self):
        argv = mount.build_argv(
            'mount -t %(proto)s -o %(options)s %(export)s %(path)s',
            proto='nfs', options=EVIL, export='h:/x $(id)',
            path='/mnt/a b')
        self.assertEqual(['mount', '-t', 'nfs', '-o', EVIL, 'h:/x $(id)',
                          '/mnt/a b'], argv)

    def test_btrfs_root_helper_and_paths_are_list_items(self):
        seen = []
        btrfs = _btrfs_cmd.Btrfs(root_helper=['sudo', '-n'],
                                 runner=seen.append)
        btrfs.create_subvolume('/srv/' + EVIL)
        btrfs.snapshot('/srv/a;b', '/srv/$(c)', readonly=True)
        self.assertEqual(
            [['sudo', '-n', 'btrfs', 'subvolume', 'create', '/srv/' + EVIL],
             ['sudo', '-n', 'btrfs', 'subvolume', 'snapshot', '-r',
              '/srv/a;b', '/srv/$(c)']], seen)

    def test_exports_line_cannot_be_split_by_a_path(self):
        # A newline or a space in a path would start a new exports line
        # or a new client: both are escaped.
        escaped = _exports.escape_path('/srv/a b\n/etc 1.2.3.4(rw)')
        self.assertNotIn(' ', escaped)
        self.assertNotIn('\n', escaped)
        self.assertEqual(1, len(escaped.split()))

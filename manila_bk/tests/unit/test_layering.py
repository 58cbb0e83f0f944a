"""STYLE.md "Who may import whom", checked on every module of manila_bk.

The imports of each module (``ast``: module level and inside functions,
absolute and relative) are matched against RULES.  A rule names the
modules it governs and either what they may never import or the only
things they may import.  Allowed extras are written into the rules, so
each exception to the layering is deliberate and visible here:

* flows may import ``message.api`` (user messages about failed work) and
  ``quota`` (releasing usage when work fails or a resource goes away);
* the API-side business layer (``share.api`` and its helpers,
  ``backup.api``) may import ``quota``, ``coordination`` and ``message``;
* ``data`` flows may call the share service through ``share.rpcapi``
  (another service's rpcapi, as STYLE.md allows);
* the backup retention flow (``data.flows.retention``) acts through
  ``backup.api``, so that the backups it schedules and deletes obey the
  quota, locks and status rules of API requests.

Test code, console scripts (``cmd``) and the WSGI entry point are not
layered: they assemble the layers.
"""

import ast
import collections
import os
import re
import sys
import textwrap

import fixtures
import testtools

import manila_bk

PACKAGE = 'manila_bk'

Violation = collections.namedtuple('Violation', 'module imported rule')


def _any(*patterns):
    return re.compile('|'.join('(?:%s)$' % p for p in patterns))


# Module families, as regular expressions over dotted module names.
DB = r'manila_bk\.db(\..+)?'
RPC = r'manila_bk\.rpc'
RPCAPI = r'manila_bk(\.\w+)*\.rpcapi'
MANAGERS = r'manila_bk(\.\w+)*\.manager'
SHARE_DRIVERS = r'manila_bk\.share\.drivers(\..+)?'
BACKUP_DRIVERS = r'manila_bk\.data\.backup(\..+)?'
FLOWS = r'manila_bk\.\w+\.flows(\..+)?'
REST_API = r'manila_bk\.api(\..+)?'
API_SIDE = r'manila_bk\.(share\.(api|_\w+)|backup\.api)'
# The business-layer API of any service (share.api, message.api...).
BUSINESS_API = r'manila_bk\.(?!db\.)\w+\.api'
SERVICE = r'manila_bk\.service'
CONF = r'manila_bk\.conf(\..+)?'
COMMON = r'manila_bk\.common(\..+)?'
EXCEPTION = r'manila_bk\.exception'
MESSAGE_API = r'manila_bk\.message\.api'
QUOTA = r'manila_bk\.quota'
# Third-party packages that mean "database", "RPC" or "web".
DB_RPC_WEB_LIBS = ('sqlalchemy', 'oslo_db', 'alembic', 'oslo_messaging',
                   'pecan', 'webob', 'keystonemiddleware', 'oslo_policy')
WEB_LIBS = ('pecan', 'webob', 'keystonemiddleware')


class Rule:
    """Modules matching ``scope`` obey one line of STYLE.md.

    ``forbidden``: manila_bk modules they never import, except those
    matching ``extras``.  ``only``: when set, the sole manila_bk modules
    they may import (besides their own ``home`` package).  ``libs``:
    third-party top-level packages they never import; ``oslo_only``: no
    third-party package but ``oslo_*``/``oslo.*``.
    """

    def __init__(self, name, scope, forbidden=(), extras=(), only=None,
                 home=None, libs=(), oslo_only=False):
        self.name = name
        self.scope = _any(*(scope if isinstance(scope, tuple) else
                            (scope,)))
        self.forbidden = _any(*forbidden) if forbidden else None
        self.extras = _any(*extras) if extras else None
        self.only = _any(*only) if only is not None else None
        self.home = _any(home) if home else None
        self.libs = frozenset(libs)
        self.oslo_only = oslo_only

    def refuses(self, imported):
        if not imported.startswith(PACKAGE + '.') and imported != PACKAGE:
            top = imported.split('.')[0]
            if top in self.libs:
                return True
            return (self.oslo_only and not top.startswith('oslo')
                    and top not in sys.stdlib_module_names)
        if self.home is not None and self.home.match(imported):
            return False
        if self.extras is not None and self.extras.match(imported):
            return False
        if self.only is not None and not self.only.match(imported):
            return True
        return bool(self.forbidden and self.forbidden.match(imported))


RULES = (
    Rule('api/** never imports db, an rpcapi, a manager, a driver or a '
         'flow', REST_API,
         forbidden=(DB, RPC, RPCAPI, MANAGERS, r'manila_bk\.manager',
                    SHARE_DRIVERS, BACKUP_DRIVERS, FLOWS, SERVICE),
         libs=('sqlalchemy', 'oslo_db', 'alembic', 'oslo_messaging')),
    Rule('share drivers import only their own package, exception, conf '
         'and common', SHARE_DRIVERS, home=SHARE_DRIVERS,
         only=(EXCEPTION, CONF, COMMON), libs=DB_RPC_WEB_LIBS),
    Rule('backup drivers import only their own package, exception, conf '
         'and common', BACKUP_DRIVERS, home=BACKUP_DRIVERS,
         only=(EXCEPTION, CONF, COMMON), libs=DB_RPC_WEB_LIBS),
    Rule('rpcapi modules import only rpc, conf, common (and oslo)',
         RPCAPI, only=(RPC, CONF, COMMON), oslo_only=True),
    Rule('common/** imports no service package', COMMON,
         only=(COMMON, EXCEPTION, CONF), libs=DB_RPC_WEB_LIBS),
    Rule('the API-side business layer never imports the web layer, '
         'managers, flows or drivers', API_SIDE,
         forbidden=(REST_API, MANAGERS, r'manila_bk\.manager', FLOWS,
                    SHARE_DRIVERS, BACKUP_DRIVERS),
         libs=WEB_LIBS),
    Rule('share managers and flows never import the web or API side, nor '
         "the backup service's drivers",
         (r'manila_bk\.share\.manager', r'manila_bk\.share\.flows(\..+)?'),
         forbidden=(REST_API, API_SIDE, BUSINESS_API,
                    BACKUP_DRIVERS),
         extras=(MESSAGE_API,), libs=WEB_LIBS),
    Rule('data managers and flows never import the web or API side, nor '
         "the share service's drivers",
         (r'manila_bk\.data\.manager',
          r'manila_bk\.data\.flows(?!\.retention$)(\..+)?'),
         forbidden=(REST_API, API_SIDE, BUSINESS_API,
                    SHARE_DRIVERS),
         extras=(MESSAGE_API,), libs=WEB_LIBS),
    Rule('the retention flow imports backup.api and otherwise follows the '
         'data flow rule', r'manila_bk\.data\.flows\.retention',
         forbidden=(REST_API, API_SIDE, BUSINESS_API,
                    SHARE_DRIVERS),
         extras=(MESSAGE_API, r'manila_bk\.backup\.api'), libs=WEB_LIBS),
)

# Layers that assemble the others and follow no import rule.
UNLAYERED = _any(r'manila_bk\.tests(\..+)?', r'manila_bk\.cmd(\..+)?',
                 r'manila_bk\.wsgi(\..+)?')


def discover(root):
    """{dotted module name: file path} of the package at ``root``."""
    parent = os.path.dirname(root)
    modules = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != '__pycache__']
        for filename in filenames:
            if not filename.endswith('.py'):
                continue
            path = os.path.join(dirpath, filename)
            name = os.path.relpath(path, parent)[:-3].replace(os.sep, '.')
            if name.endswith('.__init__'):
                name = name[:-len('.__init__')]
            modules[name] = path
    return modules


def _base_of(node, module, path):
    if not node.level:
        return node.module or ''
    package = module if path.endswith('__init__.py') else (
        module.rpartition('.')[0])
    parts = package.split('.')
    if node.level > 1:
        parts = parts[:1 - node.level]
    return '.'.join(parts + ([node.module] if node.module else []))


def imports_of(module, path, known):
    """Dotted names of what ``module`` imports.

    ``from a import b`` is ``a.b`` when that is a module, else ``a``.
    """
    with open(path, encoding='utf-8') as f:
        tree = ast.parse(f.read(), path)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _base_of(node, module, path)
            for alias in node.names:
                candidate = '%s.%s' % (base, alias.name)
                found.add(candidate if candidate in known else base)
    return found


def find_violations(root):
    """Every import under ``root`` (a manila_bk tree) that a rule refuses."""
    modules = discover(root)
    violations = []
    for module, path in sorted(modules.items()):
        if UNLAYERED.match(module):
            continue
        rules = [rule for rule in RULES if rule.scope.match(module)]
        if not rules:
            continue
        for imported in sorted(imports_of(module, path, modules)):
            violations.extend(Violation(module, imported, rule.name)
                              for rule in rules if rule.refuses(imported))
    return violations


class LayeringTestCase(testtools.TestCase):

    def test_package_imports_follow_style_rules(self):
        root = os.path.dirname(manila_bk.__file__)
        violations = find_violations(root)
        self.assertEqual([], violations, '\n'.join(
            '%s imports %s: %s' % v for v in violations))

    def test_every_rule_governs_some_module(self):
        # A rule whose scope matches nothing checks nothing (a typo or a
        # rename would silently switch it off).
        modules = discover(os.path.dirname(manila_bk.__file__))
        for rule in RULES:
            self.assertTrue(any(rule.scope.match(m) for m in modules),
                            rule.name)


# (file under the synthetic package, its source, refused import or None)
SYNTHETIC = [
    ('api/controllers/v2/bad.py', 'from manila_bk.db import api as db\n',
     'manila_bk.db.api'),
    ('api/views/bad.py', 'import manila_bk.share.rpcapi\n',
     'manila_bk.share.rpcapi'),
    ('api/bad.py', 'from ..share import manager\n',
     'manila_bk.share.manager'),
    ('api/controllers/bad.py', 'from manila_bk.share.drivers import base\n',
     'manila_bk.share.drivers.base'),
    ('api/controllers/v2/bad2.py',
     'def f():\n    from manila_bk.data.backup import base\n',
     'manila_bk.data.backup.base'),
    ('api/bad2.py', 'import sqlalchemy\n', 'sqlalchemy'),
    ('share/drivers/bad.py', 'from manila_bk import rpc\n',
     'manila_bk.rpc'),
    ('share/drivers/bad2.py', 'from manila_bk.share import api\n',
     'manila_bk.share.api'),
    ('share/drivers/bad3.py', 'from manila_bk import quota\n',
     'manila_bk.quota'),
    ('data/backup/drivers/bad.py', 'from manila_bk.db import models\n',
     'manila_bk.db.models'),
    ('data/backup/bad.py', 'import oslo_messaging\n', 'oslo_messaging'),
    ('share/rpcapi.py', 'from manila_bk import exception\n',
     'manila_bk.exception'),
    ('data/rpcapi.py', 'import requests\n', 'requests'),
    ('common/bad.py', 'from manila_bk.share import api\n',
     'manila_bk.share.api'),
    ('common/bad2.py', 'from manila_bk import quota\n', 'manila_bk.quota'),
    ('share/api.py', 'import pecan\n', 'pecan'),
    ('backup/api.py', 'from manila_bk.data.flows import backup\n',
     'manila_bk.data.flows.backup'),
    ('share/flows/bad.py', 'from manila_bk.share import api\n',
     'manila_bk.share.api'),
    ('data/flows/bad.py', 'from manila_bk.share.drivers import base\n',
     'manila_bk.share.drivers.base'),
    ('data/flows/bad_backup_api.py', 'from manila_bk.backup import api\n',
     'manila_bk.backup.api'),
    ('data/flows/retention.py', 'from manila_bk.share import api\n',
     'manila_bk.share.api'),
    ('share/manager.py', 'from manila_bk.api import common\n',
     'manila_bk.api.common'),
    # Allowed: documented extras and ordinary layering.
    ('share/flows/ok.py', 'from manila_bk.message import api\n'
     'from manila_bk import quota\nfrom manila_bk.db import api\n', None),
    ('data/flows/ok.py', 'from manila_bk.share import rpcapi\n', None),
    ('data/flows/retention.py', 'from manila_bk.backup import api\n', None),
    ('share/_ok.py', 'from manila_bk import coordination\n'
     'from manila_bk.message import api\nfrom manila_bk import quota\n',
     None),
    ('api/ok.py', 'from manila_bk.share import api\n'
     'from manila_bk import policy\n', None),
    ('share/drivers/ok.py', 'from manila_bk.share.drivers import base\n'
     'from manila_bk.common import utils\nimport stevedore\n', None),
    ('share/rpcapi.py', 'import oslo_messaging\nimport functools\n'
     'from manila_bk import rpc\n', None),
    ('cmd/ok.py', 'from manila_bk.db import api\n', None),
]

# Files every synthetic tree has, so that "from a import b" resolves.
_SKELETON = ('__init__.py', 'api/__init__.py', 'api/common.py',
             'share/__init__.py', 'share/api.py', 'share/manager.py',
             'share/rpcapi.py', 'share/drivers/__init__.py',
             'share/drivers/base.py', 'data/__init__.py', 'data/rpcapi.py',
             'data/backup/__init__.py', 'data/backup/base.py',
             'data/flows/__init__.py', 'data/flows/backup.py',
             'db/__init__.py', 'db/api.py', 'db/models.py', 'rpc.py',
             'quota.py', 'exception.py', 'coordination.py',
             'message/__init__.py', 'message/api.py', 'common/__init__.py',
             'common/utils.py', 'backup/__init__.py', 'backup/api.py')


class CheckerTestCase(testtools.TestCase):
    """The checker itself, on synthetic manila_bk trees."""

    def _tree(self, relpath, source):
        root = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            PACKAGE)
        for name in _SKELETON + (relpath,):
            path = os.path.join(root, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w') as f:
                f.write(source if name == relpath else '')
        for dirpath, _dirs, files in os.walk(root):
            if '__init__.py' not in files:
                open(os.path.join(dirpath, '__init__.py'), 'w').close()
        return root

    def test_synthetic_imports_flagged_or_allowed(self):
        for relpath, source, refused in SYNTHETIC:
            violations = find_violations(self._tree(relpath, source))
            got = sorted({v.imported for v in violations})
            want = [refused] if refused else []
            self.assertEqual(want, got, '%s: %s\n%s' % (
                relpath, textwrap.indent(source, '  '), violations))

    def test_violation_names_module_and_rule(self):
        root = self._tree('api/controllers/v2/bad.py',
                          'from manila_bk.db import api as db\n')
        [violation] = find_violations(root)
        self.assertEqual('manila_bk.api.controllers.v2.bad',
                         violation.module)
        self.assertIn('api/** never imports db', violation.rule)

    def test_relative_import_resolves_to_module(self):
        root = self._tree('share/flows/deep.py',
                          'from ...db import api\nfrom .. import rpcapi\n')
        path = os.path.join(root, 'share', 'flows', 'deep.py')
        self.assertEqual({'manila_bk.db.api', 'manila_bk.share.rpcapi'},
                         imports_of('manila_bk.share.flows.deep', path,
                                    discover(root)))

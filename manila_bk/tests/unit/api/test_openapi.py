"""The generated OpenAPI document against the application it describes.

Each check has its own source of truth, independent of the generator's
walk of the controller tree:

* every documented (path, method) is sent through the real WSGI stack and
  pecan must route it to the handler the document names (a hook records
  the controller pecan picked and stops the request with a 203);
* every function of ``manila_bk.api.controllers`` that pecan exposes, found
  by scanning the modules, is the handler of some operation;
* every key of every ``*ACTIONS`` table is a documented action;
* every JSON Schema of ``manila_bk.api.schemas`` is referenced.
"""

import importlib
import inspect
import json
import pkgutil
import re
import subprocess
import sys
import tempfile
import uuid

import fixtures
import jsonschema
import pecan
import webob.exc

from manila_bk.api import hooks
from manila_bk.api import openapi
from manila_bk.api import controllers
from manila_bk.tests.unit.api import base

METHODS = ('get', 'put', 'post', 'delete', 'patch')
PARAM = re.compile(r'\{(\w+)\}')
# Values that make each path parameter routable (ids need not exist:
# the request stops before the handler runs).
VALUES = {'project_id': base.PROJECT_ID, 'action': 'enable',
          'class_name': 'default'}


class _Routed(pecan.hooks.PecanHook):
    """Record the controller pecan routed to; answer 203 before it runs."""

    priority = 1

    def __init__(self, seen):
        self.seen = seen

    def before(self, state):
        func = getattr(state.controller, '__func__', state.controller)
        self.seen.append('%s.%s' % (func.__module__, func.__qualname__))
        raise webob.exc.HTTPNonAuthoritativeInformation()


def _operations(document):
    for path, item in document['paths'].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _concrete(path):
    return PARAM.sub(lambda m: VALUES.get(m.group(1), str(uuid.uuid4())),
                     path)


def _controller_modules():
    prefix = controllers.__name__ + '.'
    for info in pkgutil.walk_packages(controllers.__path__, prefix):
        yield importlib.import_module(info.name)


def _exposed_functions():
    """Qualified names of the manila_bk functions pecan can route to."""
    found = set()
    for module in _controller_modules():
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            for attr, func in vars(cls).items():
                pecan_cfg = getattr(func, '_pecan', None)
                if not getattr(func, 'exposed', False) or \
                        attr.startswith('_') or pecan_cfg is None:
                    continue
                if pecan_cfg.get('generic'):
                    # The DEFAULT of a generic handler answers 405; its
                    # per-method handlers are what the document lists.
                    continue
                found.add('%s.%s' % (func.__module__, func.__qualname__))
    return found


class OpenAPIDocumentTestCase(base.ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.document = openapi.document()

    def _routing_app(self, seen):
        real = hooks.all_hooks
        self.useFixture(fixtures.MockPatchObject(
            hooks, 'all_hooks', lambda: real() + [_Routed(seen)]))
        return base.app.setup_app()

    def test_every_documented_operation_routes_to_its_handler(self):
        seen = []
        self.app = self._routing_app(seen)
        checked = 0
        for path, method, operation in _operations(self.document):
            if path == openapi.faults.HEALTHCHECK_PATH:
                response = self.request(path, project_id=None)
                self.assertEqual(200, response.status_int)
                continue
            del seen[:]
            response = self.request(_concrete(path), method=method.upper(),
                                    body={} if method in ('put', 'post')
                                    else None, version='2.91')
            self.assertEqual(203, response.status_int, '%s %s: %s' % (
                method.upper(), path, response.body[:300]))
            self.assertEqual([operation['x-manila-handler']], seen,
                             '%s %s' % (method.upper(), path))
            checked += 1
        self.assertGreater(checked, 200)

    def test_every_exposed_handler_is_documented(self):
        documented = {op['x-manila-handler']
                      for _p, _m, op in _operations(self.document)}
        exposed = _exposed_functions()
        self.assertGreater(len(exposed), 40)
        self.assertEqual([], sorted(exposed - documented))

    def test_every_action_of_every_table_is_documented(self):
        documented = set()
        for _p, _m, operation in _operations(self.document):
            documented.update(operation.get('x-manila-actions', {}))
        tables = 0
        for module in _controller_modules():
            for name, value in vars(module).items():
                if name.endswith('ACTIONS') and isinstance(value, dict):
                    tables += 1
                    self.assertEqual([], sorted(set(value) - documented),
                                     '%s.%s' % (module.__name__, name))
        self.assertGreaterEqual(tables, 4)

    def test_every_schema_is_referenced(self):
        text = json.dumps(self.document)
        named = openapi.named_schemas()
        self.assertGreater(len(named), 30)
        for name in named:
            ref = '"#/components/schemas/%s"' % name
            if ref not in text:
                self.fail('%s is referenced nowhere: no handler validates '
                          'against it' % name)
            self.assertIn(name, self.document['components']['schemas'])

    def test_bodies_of_writes_come_from_schemas(self):
        bodies = {(path, method): op['requestBody']
                  for path, method, op in _operations(self.document)
                  if 'requestBody' in op}
        create = bodies[('/v2/shares', 'post')]['content'][
            'application/json']['schema']
        self.assertEqual({'$ref': '#/components/schemas/shares.create'},
                         create)
        action = self.document['paths']['/v2/shares/{share_id}/action'][
            'post']
        self.assertEqual({'min': '2.27', 'max': '2.91',
                          'experimental': False,
                          'payload': {'$ref': '#/components/schemas/'
                                              'shares.revert'}},
                         action['x-manila-actions']['revert'])
        backups = self.document['paths']['/v2/share-backups']['post']
        self.assertEqual({'min': '2.80', 'max': '2.91',
                          'experimental': True},
                         backups['x-openstack-microversion'])
        self.assertIn({'$ref': '#/components/parameters/Experimental'},
                      backups['parameters'])

    def test_path_parameters_match_the_path(self):
        for path, method, operation in _operations(self.document):
            declared = [p['name'] for p in operation.get('parameters', [])
                        if p.get('in') == 'path']
            self.assertEqual(PARAM.findall(path), declared,
                             '%s %s' % (method, path))

    def test_component_schemas_are_valid_json_schemas(self):
        for name, schema in openapi.named_schemas().items():
            jsonschema.Draft7Validator.check_schema(schema)

    def test_schemathesis_loads_every_operation(self):
        import schemathesis
        from schemathesis.core import result

        loaded = schemathesis.openapi.from_dict(self.document)
        results = list(loaded.get_all_operations())
        errors = [str(r.err()) for r in results
                  if isinstance(r, result.Err)]
        self.assertEqual([], errors)
        self.assertEqual(len(list(_operations(self.document))),
                         len(results))

    def test_main_writes_the_document(self):
        with tempfile.NamedTemporaryFile(suffix='.json') as out:
            subprocess.run([sys.executable, '-m', 'manila_bk.api.openapi',
                            out.name], check=True, stdin=subprocess.DEVNULL)
            with open(out.name, encoding='utf-8') as f:
                written = json.load(f)
        self.assertEqual(openapi.OPENAPI_VERSION, written['openapi'])
        self.assertEqual(sorted(self.document['paths']),
                         sorted(written['paths']))

"""The OpenAPI 3.1 document of the REST API, generated from the code.

Nothing here is written by hand per route:

* :func:`routes` walks the pecan controllers from ``RootController`` the
  way pecan routes: a ``RestController``'s ``get_all``/``get_one``/
  ``post``/``put``/``delete`` (their positional arguments are path
  parameters; an argument with a default gives the path with and without
  it), its ``_custom_actions`` (all their arguments before the action
  name for ``GET``/``POST``, after it for ``PUT``/``DELETE``) and its
  sub-controllers (after the
  arguments of ``get_one``); plain objects by their exposed ``index`` and
  their attributes.  ``/v2/{project_id}/...`` repeats the /v2 tree
  (``V2Controller._lookup``); ``/healthcheck`` is oslo.middleware's.
* :mod:`_handler_facts` reads each handler's source for the JSON Schemas
  it validates the body against, its microversion gates, its action
  table and the query parameters it reads.
* Every JSON Schema of ``manila_bk.api.schemas`` is a component named
  ``<module>.<name>``; a schema nested in another by identity is a
  ``$ref``.

``python -m manila_bk.api.openapi [file]`` (``tox -e genopenapi``) writes
the document; ``doc/source/api/openapi.rst`` describes it and
``tests/unit/api/test_openapi.py`` checks it against the application.
"""

import copy
import dataclasses
import importlib
import inspect
import json
import pkgutil
import sys

from pecan import rest

from manila_bk.api import _handler_facts as facts_mod
from manila_bk.api.controllers import root as root_mod
from manila_bk.api import faults
from manila_bk.api import microversion
from manila_bk.api import schemas as schemas_pkg

OPENAPI_VERSION = '3.1.0'
TITLE = 'manila_bk Shared File Systems API (Manila v2 compatible)'
_REST_METHODS = (('get_all', 'get'), ('get_one', 'get'), ('post', 'post'),
                 ('put', 'put'), ('delete', 'delete'))
_NAME_LAST = ('get', 'post')
SCOPE_PARAM = 'project_id'
HEALTHCHECK_HANDLER = 'oslo_middleware.healthcheck.Healthcheck'


@dataclasses.dataclass
class Route:
    """One (path, method) the application serves and its handler."""

    path: str
    method: str
    handler: object
    owner: object
    params: list

    @property
    def handler_name(self):
        if self.handler is None:
            return HEALTHCHECK_HANDLER
        func = getattr(self.handler, '__func__', self.handler)
        return '%s.%s' % (func.__module__, func.__qualname__)


def _exposed(func):
    return func is not None and callable(func) and getattr(
        func, 'exposed', False)


def _is_controller(value):
    if isinstance(value, rest.RestController):
        return True
    kind = type(value)
    return (not inspect.isroutine(value) and not inspect.isclass(value)
            and kind.__module__.startswith(facts_mod.CONTROLLER_PACKAGE))


def _children(obj):
    names = set(vars(obj)) | set(dir(type(obj)))
    for name in sorted(names):
        if name.startswith('_'):
            continue
        value = getattr(obj, name, None)
        if _is_controller(value):
            yield name, value


def _own_args(func, inherited):
    """(name, optional) of the path arguments a method takes itself."""
    signature = inspect.signature(func)
    args = [p for p in signature.parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            and p.name != 'self']
    return [(p.name, p.default is not p.empty) for p in args[inherited:]]


def _variants(own):
    """Argument lists: all required ones, then each optional one added."""
    required = [name for name, optional in own if not optional]
    result = [required]
    for name, optional in own:
        if optional:
            result.append(result[-1] + [name])
    return result


def _segments(names):
    return ''.join('/{%s}' % name for name in names)


def _walk(controller, prefix, params, found, routed=0):
    """Add the routes of ``controller`` mounted at ``prefix``.

    ``params`` are the path parameters of ``prefix``; the last ``routed``
    of them are passed to the controller's methods as arguments.
    """
    if isinstance(controller, rest.RestController):
        _walk_rest(controller, prefix, params, found, routed)
    else:
        _walk_object(controller, prefix, params, found)


def _walk_object(obj, prefix, params, found):
    index = getattr(obj, 'index', None)
    if _exposed(index):
        handlers = index._pecan.get('generic_handlers', {})
        for method, handler in sorted(handlers.items()):
            if method != 'DEFAULT':
                found.append(Route(prefix or '/', method.lower(), handler,
                                   obj, list(params)))
    for name, child in _children(obj):
        _walk(child, '%s/%s' % (prefix, name), params, found)


def _walk_rest(ctl, prefix, params, found, inherited):
    for attr, method in _REST_METHODS:
        func = getattr(ctl, attr, None)
        if not _exposed(func):
            continue
        for names in _variants(_own_args(func, inherited)):
            found.append(Route(prefix + _segments(names), method, func, ctl,
                               params + names))
    for action, methods in sorted(getattr(ctl, '_custom_actions',
                                          {}).items()):
        for method in methods:
            method = method.lower()
            func = getattr(ctl, '%s_%s' % (method, action), None) or \
                getattr(ctl, action, None)
            if not _exposed(func):
                continue
            names = _variants(_own_args(func, inherited))[-1]
            path = (prefix + _segments(names) + '/' + action
                    if method in _NAME_LAST else
                    prefix + '/' + action + _segments(names))
            found.append(Route(path, method, func, ctl, params + names))
    get_one = getattr(ctl, 'get_one', None)
    routed = ([name for name, _opt in _own_args(get_one, inherited)]
              if _exposed(get_one) else [])
    for name, child in _children(ctl):
        _walk(child, '%s%s/%s' % (prefix, _segments(routed), name),
              params + routed, found, inherited + len(routed))


def routes():
    """Every Route of the application, in a stable order."""
    root = root_mod.RootController()
    found = []
    _walk(root, '', [], found)
    # V2Controller._lookup: /v2/{project_id}/<collection>... is the same
    # tree, for the caller's own project.
    scoped = root.v2._scoped
    for name, child in _children(scoped):
        _walk(child, '/v2/{%s}/%s' % (SCOPE_PARAM, name), [SCOPE_PARAM],
              found)
    found.append(Route(faults.HEALTHCHECK_PATH, 'get', None, None, []))
    return found


# --- components --------------------------------------------------------

def schema_modules():
    """{short name: module} of every module of manila_bk.api.schemas."""
    modules = {}
    for info in pkgutil.iter_modules(schemas_pkg.__path__):
        modules[info.name] = importlib.import_module(
            '%s.%s' % (schemas_pkg.__name__, info.name))
    return modules


def named_schemas():
    """{component name: schema dict} of every public module-level schema."""
    named = {}
    for short, module in sorted(schema_modules().items()):
        for name, value in sorted(vars(module).items()):
            if not name.startswith('_') and facts_mod.is_schema(value):
                named['%s.%s' % (short, name)] = value
    return named


def _ref(name):
    return {'$ref': '#/components/schemas/%s' % name}


def _with_refs(value, by_id, top=False):
    """Copy of ``value`` with nested named schemas replaced by $refs."""
    if isinstance(value, dict):
        if not top and id(value) in by_id:
            return _ref(by_id[id(value)])
        return {key: _with_refs(item, by_id) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_refs(item, by_id) for item in value]
    return copy.deepcopy(value)


FAULT_SCHEMA = {
    'description': 'A Manila fault: {"<faultName>": {"code": N, '
                   '"message": "..."}}.',
    'type': 'object',
    'minProperties': 1,
    'maxProperties': 1,
    'additionalProperties': {
        'type': 'object',
        'properties': {'code': {'type': 'integer'},
                       'message': {'type': 'string'},
                       'retryAfter': {'type': 'string'}},
        'required': ['code', 'message'],
    },
}


def _parameters():
    version = {'type': 'string',
               'pattern': r'^(latest|[1-9][0-9]*\.(0|[1-9][0-9]*))$'}
    return {
        'Microversion': {
            'name': microversion.VERSION_HEADER, 'in': 'header',
            'required': False, 'schema': version,
            'description': 'The API microversion (%s to %s, or latest); '
                           'without it a request is served as %s.' % (
                               microversion.MIN_API_VERSION,
                               microversion.MAX_API_VERSION,
                               microversion.DEFAULT_API_VERSION)},
        'Experimental': {
            'name': microversion.EXPERIMENTAL_HEADER, 'in': 'header',
            'required': False,
            'schema': {'type': 'string', 'enum': ['True', 'False']},
            'description': 'True to use experimental APIs (share '
                           'backups).'},
    }


def _responses(statuses):
    responses = {str(code): {'description': 'Success.'}
                 for code in sorted(statuses or (200,))}
    responses['default'] = {'$ref': '#/components/responses/Fault'}
    return responses


# --- operations --------------------------------------------------------

def _schema_ref(schemas, by_id):
    refs = [_ref(by_id[id(s)]) if id(s) in by_id else copy.deepcopy(s)
            for s in schemas]
    if not refs:
        return {}
    return refs[0] if len(refs) == 1 else {'anyOf': refs}


def _actions(facts, by_id):
    """(body schema, x-manila-actions, statuses) of an action method."""
    variants, described, statuses = [], {}, set()
    for table in facts.action_tables:
        for name, handler, gate in facts_mod.action_entries(table):
            payload_facts = (facts_mod.read(handler) if handler is not None
                             else facts)
            gate = facts.gate.merge(gate).merge(payload_facts.gate)
            payload = _schema_ref(payload_facts.schemas, by_id)
            statuses.update(payload_facts.statuses or (200,))
            variants.append({
                'type': 'object', 'title': name,
                'properties': {name: payload}, 'required': [name],
                'additionalProperties': False})
            described[name] = dict(gate.as_dict(), payload=payload)
    return {'oneOf': variants}, described, statuses


def _parameters_of(route, facts):
    params = [{'name': name, 'in': 'path', 'required': True,
               'schema': {'type': 'string', 'minLength': 1}}
              for name in route.params]
    params += [{'name': name, 'in': 'query', 'required': False,
                'schema': {'type': 'string'}} for name in facts.query]
    if route.path.startswith('/v2'):
        params.append({'$ref': '#/components/parameters/Microversion'})
        if facts.gate.experimental:
            params.append({'$ref': '#/components/parameters/Experimental'})
    return params


def _operation(route, by_id):
    if route.handler is None:
        return {'summary': 'Health check (oslo.middleware).',
                'x-manila-handler': route.handler_name,
                'responses': _responses((200,))}
    facts = facts_mod.read(route.handler, route.owner)
    doc = inspect.getdoc(route.handler) or inspect.getdoc(
        type(route.owner)) or ''
    operation = {
        'summary': doc.split('\n')[0],
        'x-manila-handler': route.handler_name,
        'parameters': _parameters_of(route, facts),
    }
    if route.path.startswith('/v2'):
        operation['x-openstack-microversion'] = facts.gate.as_dict()
    statuses = facts.statuses
    if facts.action_tables:
        body, described, statuses = _actions(facts, by_id)
        operation['x-manila-actions'] = described
    elif facts.schemas:
        body = _schema_ref(facts.schemas, by_id)
    elif facts.reads_body:
        body = {'type': 'object'}
    else:
        body = None
    if body is not None:
        operation['requestBody'] = {'required': True, 'content': {
            'application/json': {'schema': body}}}
    operation['responses'] = _responses(statuses)
    return operation


def _rename_inner_scope(route):
    """In /v2/{project_id}/..., a later {project_id} is target_project_id."""
    if route.params[:1] != [SCOPE_PARAM] or \
            route.params[1:].count(SCOPE_PARAM) == 0:
        return route
    inner = 'target_' + SCOPE_PARAM
    head, marker, tail = route.path.partition('{%s}' % SCOPE_PARAM)
    path = head + marker + tail.replace('{%s}' % SCOPE_PARAM,
                                        '{%s}' % inner)
    params = [SCOPE_PARAM] + [inner if name == SCOPE_PARAM else name
                              for name in route.params[1:]]
    return dataclasses.replace(route, path=path, params=params)


def _tag(path):
    parts = [p for p in path.split('/') if p and not p.startswith('{')]
    return parts[1] if len(parts) > 1 else (parts[0] if parts else 'root')


def document():
    """The OpenAPI document (a dict) of the application as it is now."""
    named = named_schemas()
    by_id = {id(value): name for name, value in named.items()}
    paths, used_ids = {}, {}
    for route in map(_rename_inner_scope, routes()):
        operation = _operation(route, by_id)
        base = route.handler_name.rsplit('.', 2)
        op_id = '.'.join(base[-2:]) if route.handler else 'healthcheck'
        used_ids[op_id] = used_ids.get(op_id, 0) + 1
        if used_ids[op_id] > 1:
            op_id = '%s__%d' % (op_id, used_ids[op_id])
        operation['operationId'] = op_id
        operation['tags'] = [_tag(route.path)]
        paths.setdefault(route.path, {})[route.method] = operation
    return {
        'openapi': OPENAPI_VERSION,
        'info': {'title': TITLE,
                 'version': microversion.MAX_API_VERSION,
                 'description': 'Generated by manila_bk.api.openapi from '
                                'the controllers and JSON Schemas; do not '
                                'edit.'},
        'paths': dict(sorted(paths.items())),
        'components': {
            'schemas': dict(
                {name: _with_refs(value, by_id, top=True)
                 for name, value in named.items()}, Fault=FAULT_SCHEMA),
            'parameters': _parameters(),
            'responses': {'Fault': {
                'description': 'An error, as a Manila fault body.',
                'content': {'application/json': {
                    'schema': _ref('Fault')}}}},
            'securitySchemes': {'token': {
                'type': 'apiKey', 'in': 'header', 'name': 'X-Auth-Token'}},
        },
        'security': [{'token': []}],
    }


def main(argv=None):
    """Write the document as JSON to the file named, or stdout."""
    argv = sys.argv[1:] if argv is None else argv
    text = json.dumps(document(), indent=2, sort_keys=False) + '\n'
    if argv:
        with open(argv[0], 'w', encoding='utf-8') as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())

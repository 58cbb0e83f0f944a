"""What a controller method needs, read from its source (for openapi.py).

The OpenAPI document is generated, never written by hand: the routes come
from walking the pecan controllers, and what each handler accepts comes
from reading the handler and the helpers it calls (``ast``):

* the request body schemas: module-level dicts of ``manila_bk.api.schemas``
  the code names (``common.validate(schema.create, body)``);
* whether it reads a JSON body at all (``common.body()``);
* its microversion gates (``require_version('2.9')``, ``mv.require(...)``,
  ``common.require_url_version(self._legacy)``);
* its action tables (module-level dicts named ``*ACTIONS``) and the query
  parameters it reads (``params.get('name')``, ``'name' in params``,
  ``for key in (...)`` loops over literals, tuples named ``*FILTERS``,
  the paging keys when it calls ``paging_params``).

Helpers are followed when they are functions of ``manila_bk.api.
controllers`` (by name, ``module.function`` or ``self.method``), a few
calls deep.
"""

import ast
import dataclasses
import functools
import inspect
import textwrap
import types

from manila_bk.api import common
from manila_bk.api import microversion

SCHEMA_PACKAGE = 'manila_bk.api.schemas'
CONTROLLER_PACKAGE = 'manila_bk.api.controllers'
_MAX_DEPTH = 4
_GATES = ('require_version', 'require')
_SCHEMA_KEYWORDS = frozenset(('type', 'properties', 'anyOf', 'oneOf',
                              'allOf', 'enum', 'required', '$ref',
                              'additionalProperties', 'items'))
_PARAM_NAMES = ('params', 'GET')
# Calls whose first argument is the response status (a constant).
_STATUS_SETTERS = ('set_status', 'empty_response')
# Helpers of api.common/_params that read fixed query parameters.
_QUERY_READERS = {'all_tenants': ('all_tenants',),
                  'is_all_tenants': ('all_tenants',)}


def is_schema(value):
    """True for a dict that is a JSON Schema (not a table of data)."""
    return isinstance(value, dict) and bool(_SCHEMA_KEYWORDS & set(value))


@dataclasses.dataclass
class Gate:
    """A microversion range; ``None`` bounds are open."""

    min_version: str = None
    max_version: str = None
    experimental: bool = False

    def merge(self, other):
        """The intersection of two gates (both must pass)."""
        def pick(a, b, wanted):
            if a is None or b is None:
                return a if b is None else b
            va, vb = (microversion.APIVersion.parse(a),
                      microversion.APIVersion.parse(b))
            return a if (va > vb) == (wanted == 'max') else b
        return Gate(pick(self.min_version, other.min_version, 'max'),
                    pick(self.max_version, other.max_version, 'min'),
                    self.experimental or other.experimental)

    def as_dict(self):
        return {'min': self.min_version or microversion.MIN_API_VERSION,
                'max': self.max_version or microversion.MAX_API_VERSION,
                'experimental': self.experimental}


@dataclasses.dataclass
class Facts:
    """What one handler (and its helpers) uses."""

    schemas: list = dataclasses.field(default_factory=list)
    reads_body: bool = False
    gate: Gate = dataclasses.field(default_factory=Gate)
    action_tables: list = dataclasses.field(default_factory=list)
    query: list = dataclasses.field(default_factory=list)
    statuses: set = dataclasses.field(default_factory=set)

    def add_schema(self, value):
        if not any(value is known for known in self.schemas):
            self.schemas.append(value)

    def add_query(self, name):
        if name not in self.query and name not in common.PAGING_KEYS:
            self.query.append(name)


@functools.lru_cache(maxsize=None)
def _tree_of(func):
    source = textwrap.dedent(inspect.getsource(func))
    return ast.parse(source)


def _unwrap(func):
    func = getattr(func, '__func__', func)
    return inspect.unwrap(func)


def _module_name(value):
    return getattr(value, '__name__', '') if isinstance(
        value, types.ModuleType) else getattr(value, '__module__', '') or ''


def _resolve(node, func, owner):
    """The object an expression names: a global, mod.attr or self.attr."""
    scope = func.__globals__
    if isinstance(node, ast.Name):
        return scope.get(node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        if node.value.id == 'self' and owner is not None:
            return getattr(type(owner), node.attr, None)
        base = scope.get(node.value.id)
        if isinstance(base, types.ModuleType):
            return getattr(base, node.attr, None)
    return None


def _constant(node, func, owner):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
            and node.value.id == 'self' and owner is not None:
        return getattr(owner, node.attr, None)
    value = _resolve(node, func, owner)
    return value if isinstance(value, (str, bool)) else None


def _call_name(node):
    target = node.func
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Name):
        return target.id
    return None


def _gate_of(call, func, owner):
    name = _call_name(call)
    if name == 'require_url_version' and call.args:
        # common.require_url_version: the os-* URLs end at 2.6.
        legacy = _constant(call.args[0], func, owner)
        return Gate('2.0', '2.6') if legacy else Gate('2.7')
    if name not in _GATES:
        return None
    args = [_constant(arg, func, owner) for arg in call.args]
    if not args or not isinstance(args[0], str):
        return None
    gate = Gate(args[0], args[1] if len(args) > 1 and isinstance(
        args[1], str) else None)
    for keyword in call.keywords:
        if keyword.arg == 'experimental':
            gate.experimental = bool(_constant(keyword.value, func, owner))
    return gate


def _is_params(node):
    return (isinstance(node, ast.Name) and node.id in _PARAM_NAMES) or (
        isinstance(node, ast.Attribute) and node.attr in _PARAM_NAMES)


def _query_names(node):
    """Query parameter names one AST node reads, if any."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr == 'get' and _is_params(node.func.value) \
            and node.args and isinstance(node.args[0], ast.Constant):
        return [node.args[0].value]
    if isinstance(node, ast.Subscript) and _is_params(node.value) and \
            isinstance(node.slice, ast.Constant):
        return [node.slice.value]
    if isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant) \
            and any(_is_params(c) for c in node.comparators):
        return [node.left.value]
    if isinstance(node, ast.For) and isinstance(
            node.iter, (ast.Tuple, ast.List)) and any(
            _is_params(inner) for stmt in node.body
            for inner in ast.walk(stmt)):
        names = []
        for item in node.iter.elts:
            if isinstance(item, ast.Constant):
                names.append(item.value)
            elif isinstance(item, ast.Tuple):
                names.extend(e.value for e in item.elts
                             if isinstance(e, ast.Constant))
        return names
    return []


def _is_action_table(name, value):
    return name.endswith('ACTIONS') and isinstance(value, dict) and all(
        isinstance(key, str) for key in value)


def _table_names(name, value):
    if 'FILTERS' in name or 'ALIASES' in name:
        if isinstance(value, dict):
            return list(value)
        if isinstance(value, (tuple, list)):
            return [item for pair in value for item in (
                pair if isinstance(pair, tuple) else (pair,))]
    return []


class _Reader:

    def __init__(self, owner):
        self.owner = owner
        self.facts = Facts()
        self.seen = set()

    def read(self, func, depth=0):
        func = _unwrap(func)
        if not inspect.isfunction(func) or func in self.seen or \
                depth > _MAX_DEPTH:
            return
        self.seen.add(func)
        for node in ast.walk(_tree_of(func)):
            self._node(node, func, depth)

    def _node(self, node, func, depth):
        if isinstance(node, ast.Assign) and isinstance(
                node.value, ast.Constant) and isinstance(
                node.value.value, int) and any(
                isinstance(t, ast.Attribute) and t.attr == 'status'
                for t in node.targets):
            self.facts.statuses.add(node.value.value)
        for name in _query_names(node):
            if isinstance(name, str):
                self.facts.add_query(name)
        if isinstance(node, (ast.Name, ast.Attribute)):
            self._reference(node, func)
        if not isinstance(node, ast.Call):
            return
        gate = _gate_of(node, func, self.owner)
        if gate is not None:
            self.facts.gate = self.facts.gate.merge(gate)
            return
        name = _call_name(node)
        if name in _STATUS_SETTERS and node.args and isinstance(
                node.args[0], ast.Constant) and isinstance(
                node.args[0].value, int):
            self.facts.statuses.add(node.args[0].value)
        if name == 'body':
            self.facts.reads_body = True
        elif name in _QUERY_READERS:
            for key in _QUERY_READERS[name]:
                self.facts.add_query(key)
        elif name == 'paging_params':
            for key in common.PAGING_KEYS:
                if key not in self.facts.query:
                    self.facts.query.append(key)
        target = _resolve(node.func, func, self.owner)
        if _module_name(target).startswith(CONTROLLER_PACKAGE):
            self.read(target, depth + 1)

    def _reference(self, node, func):
        value = _resolve(node, func, self.owner)
        name = node.attr if isinstance(node, ast.Attribute) else node.id
        if is_schema(value) and SCHEMA_PACKAGE in _defining_module(
                node, func):
            self.facts.add_schema(value)
        elif _is_action_table(name, value) and not any(
                value is known for known in self.facts.action_tables):
            self.facts.action_tables.append(value)
        for query in _table_names(name, value):
            self.facts.add_query(query)


def _defining_module(node, func):
    """The module an ``alias.name`` reference reads from ('' otherwise)."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        base = func.__globals__.get(node.value.id)
        if isinstance(base, types.ModuleType):
            return base.__name__
    return ''


def read(func, owner=None):
    """Facts of ``func`` (a controller method of instance ``owner``)."""
    reader = _Reader(owner)
    reader.read(func)
    return reader.facts


def action_entries(table):
    """(name, handler or None, Gate) of each entry of an action table.

    Values are a handler, ``(min, max, handler)``, or anything else (a
    policy name: the action method itself handles the payload).
    """
    for name, value in sorted(table.items()):
        handler, gate = None, Gate()
        if callable(value):
            handler = value
        elif isinstance(value, tuple) and value and callable(value[-1]):
            handler = value[-1]
            if len(value) == 3:
                gate = Gate(value[0], value[1])
        yield name, handler, gate

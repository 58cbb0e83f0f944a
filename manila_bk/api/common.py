"""Helpers every controller uses: context, policy, body, paging, links."""

from urllib import parse

import jsonschema
from oslo_config import cfg
from oslo_serialization import jsonutils
import pecan

from manila_bk.api import microversion
from manila_bk.common import utils
from manila_bk import exception
from manila_bk import policy

CONF = cfg.CONF

ENV_CONTEXT = 'manila_bk.context'
# Set when a controller answers 200 without a body (see app.EmptyOk).
ENV_EMPTY_OK = 'manila_bk.empty_ok'
ENV_URL_PROJECT = 'manila_bk.url_project_id'
JSON_TYPES = ('application/json', '')
PAGING_KEYS = ('limit', 'offset', 'marker', 'sort_key', 'sort_dir')
# Larger offsets, sizes and limits are refused with a 400.
DB_MAX_INT = utils.DB_MAX_INT


def context():
    """The RequestContext of the current request (401 when there is none)."""
    ctx = pecan.request.environ.get(ENV_CONTEXT)
    if ctx is None:
        raise exception.NotAuthenticated()
    return ctx


def authorize(rule, target=None):
    """Enforce ``rule``; 403 PolicyNotAuthorized when refused.

    ``target`` defaults to the caller's own project.
    """
    ctx = context()
    if target is None:
        target = {'project_id': ctx.project_id, 'user_id': ctx.user_id}
    return policy.authorize(ctx, rule, target)


def require_url_version(legacy):
    """Manila renamed the ``os-*`` URLs in 2.7: old ones end at 2.6."""
    if legacy:
        microversion.require('2.0', '2.6')
    else:
        microversion.require('2.7')


def set_status(code):
    pecan.response.status = code


def empty_response(code):
    """End the request with ``code`` and no body (200/202/204 answers)."""
    if code == 200:
        pecan.request.environ[ENV_EMPTY_OK] = True
    response = pecan.response
    response.status = code
    response.body = b''
    response.content_type = None
    return response


def body():
    """The JSON object sent with the request; 400 when it is not one."""
    request = pecan.request
    content_type = (request.content_type or '').lower()
    if content_type not in JSON_TYPES:
        raise exception.InvalidInput(
            reason='Unsupported Content-Type %s; send application/json'
                   % request.content_type)
    raw = request.body
    if not raw:
        raise exception.InvalidRequestBody(reason='the body is empty')
    try:
        parsed = jsonutils.loads(raw.decode('utf-8'))
    except (ValueError, UnicodeDecodeError, RecursionError):
        # RecursionError: nested too deeply (TextGuard checks this only
        # for the JSON content types; a body without one comes here).
        raise exception.InvalidRequestBody(reason='cannot understand JSON')
    if not isinstance(parsed, dict):
        raise exception.InvalidRequestBody(
            reason='the body must be a JSON object')
    problem = _unstorable_string(parsed)
    if problem:
        raise exception.InvalidRequestBody(reason=problem)
    return parsed


def _unstorable_string(parsed):
    """Why a string of a parsed body cannot be stored, or None.

    JSON may escape a lone surrogate (``"\\ud800"``), which UTF-8 cannot
    encode (the database driver fails), and NUL, which PostgreSQL refuses
    in text.  Names, descriptions, metadata and ids never need either.
    """
    stack = [parsed]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            if '\x00' in value:
                return 'strings may not contain NUL characters'
            try:
                value.encode('utf-8')
            except UnicodeEncodeError:
                return 'strings must be valid Unicode (no lone surrogates)'
    return None


def validate(schema, value):
    """Validate ``value`` against a JSON schema; 400 with the reason."""
    validator = jsonschema.Draft7Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(value))
    if error is None:
        return value
    where = '/'.join(str(part) for part in error.absolute_path)
    reason = error.message if not where else '%s: %s' % (where,
                                                         error.message)
    raise exception.InvalidRequestBody(reason=reason)


def _non_negative_int(params, name, maximum=None):
    value = params.get(name)
    if value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise exception.InvalidInput(reason='%s param must be an integer'
                                     % name)
    if number < 0:
        raise exception.InvalidInput(reason='%s param must be positive'
                                     % name)
    if maximum is not None and number > maximum:
        raise exception.InvalidInput(
            reason='%s param must be less than or equal to %d'
                   % (name, maximum))
    return number


def _split(value):
    if value is None:
        return []
    return [item.strip() for item in str(value).split(',') if item.strip()]


def paging_params(params, allowed_sort_keys):
    """Validated limit/offset/marker/sort_key/sort_dir of ``params``.

    sort_key and sort_dir may be comma-separated lists; they are returned
    as given (a string) after each element has been checked.
    """
    limit = _non_negative_int(params, 'limit')
    if limit is not None:
        limit = min(limit, CONF.osapi_max_limit)
    sort_key = params.get('sort_key')
    keys = _split(sort_key)
    for key in keys:
        if key not in allowed_sort_keys:
            raise exception.InvalidSortKey(key=key)
    sort_dir = params.get('sort_dir')
    directions = _split(sort_dir)
    for direction in directions:
        if direction.lower() not in ('asc', 'desc'):
            raise exception.InvalidInput(
                reason="sort_dir must be 'asc' or 'desc', not %r"
                       % direction)
    if len(directions) > max(len(keys), 1):
        raise exception.InvalidInput(
            reason='sort_dir has more directions than sort_key has keys')
    return {'limit': limit,
            'offset': _non_negative_int(params, 'offset', DB_MAX_INT),
            'marker': params.get('marker') or None,
            'sort_key': sort_key or None,
            'sort_dir': sort_dir.lower() if sort_dir else None}


def sort_columns(page, columns=None, default_key='created_at',
                 default_dir='desc'):
    """Rename the checked sort keys of ``page`` to columns, in place.

    ``columns`` maps API sort keys to column names (missing: unchanged).
    A key given twice, or two keys naming one column, sort once (the
    database refuses repeated sort columns); a missing direction repeats
    the last one given.
    """
    columns = columns or {}
    keys = _split(page.get('sort_key')) or [default_key]
    directions = _split(page.get('sort_dir')) or [default_dir]
    directions += [directions[-1]] * (len(keys) - len(directions))
    names, dirs = [], []
    for key, direction in zip(keys, directions):
        name = columns.get(key, key)
        if name not in names:
            names.append(name)
            dirs.append(direction.lower())
    page['sort_key'] = ','.join(names)
    page['sort_dir'] = ','.join(dirs)
    return page


def search_opts(params, allowed_keys):
    """Query parameters the resource filters on; others are ignored."""
    return {key: params[key] for key in params
            if key in allowed_keys and key not in PAGING_KEYS}


def is_all_tenants(params):
    """Manila's all_tenants flag: '1', 'true', 'True'... (400 if bogus)."""
    if 'all_tenants' not in params:
        return False
    try:
        return utils.parse_bool(params['all_tenants'])
    except ValueError:
        raise exception.InvalidInput(
            reason='Invalid all_tenants value %r' % params['all_tenants'])


def _base_url():
    base = CONF.osapi_share_base_URL or pecan.request.host_url
    return base.rstrip('/')


def _project_segment():
    """'/<project_id>' when the request URL carried the project id."""
    project_id = pecan.request.environ.get(ENV_URL_PROJECT)
    return '/%s' % project_id if project_id else ''


def _item_id(item):
    if isinstance(item, dict):
        return item['id']
    return item.id


def resource_links(collection, resource_id):
    """Manila's self (versioned) and bookmark (unversioned) links."""
    path = '%s/%s/%s' % (_project_segment(), collection, resource_id)
    return [{'rel': 'self', 'href': '%s/v2%s' % (_base_url(), path)},
            {'rel': 'bookmark', 'href': '%s%s' % (_base_url(), path)}]


def collection_links(items, collection_name, limit):
    """A 'next' link when the page is full (len(items) == limit)."""
    if not limit or not items or len(items) != limit:
        return []
    params = dict(pecan.request.GET.items())
    params['marker'] = _item_id(items[-1])
    href = '%s/v2%s/%s?%s' % (_base_url(), _project_segment(),
                              collection_name, parse.urlencode(params))
    return [{'rel': 'next', 'href': href}]

"""Request parsing helpers shared by the share, type and snapshot controllers.

They raise manila_bk exceptions with Manila's messages and codes, which the
app's error hook renders as Manila fault bodies.
"""

import ast

import pecan

from manila_bk.api import common
from manila_bk.api import microversion as mv
from manila_bk.common import utils
from manila_bk import exception
from manila_bk import policy


def bad_request(message):
    return exception.Invalid(message=message)


class UnprocessableEntity(exception.Invalid):
    """Manila's 422 for a body that lacks the resource's object."""

    code = 422
    message = 'Unable to process the contained instructions'


def require_entity(body, name, must_be_object=True):
    """Manila's ``is_valid_body``: 422 unless ``body[name]`` is there.

    With ``must_be_object`` it must also be a JSON object (create); an
    update only needs the key, its value is checked by the schema (400).
    """
    if name not in body or (must_be_object
                            and not isinstance(body[name], dict)):
        raise UnprocessableEntity()
    return body


def forbidden(message):
    return exception.NotAuthorized(message=message)


def parse_bool(value, name):
    """Parse a JSON bool or a bool-like string; 400 otherwise."""
    try:
        return utils.parse_bool(value)
    except ValueError:
        raise bad_request("Invalid boolean value for %s: '%s'."
                          % (name, value))


def parse_int(value, name, minimum=0, maximum=common.DB_MAX_INT):
    """Parse an integer (or a string of digits) in [minimum, maximum].

    The default maximum is what the database columns hold.
    """
    try:
        if isinstance(value, bool):
            raise ValueError(value)
        number = int(value)
    except (TypeError, ValueError):
        raise bad_request('%s must be specified as an integer.' % name)
    if number < minimum:
        raise bad_request('%s must be an integer greater than or equal '
                          'to %d.' % (name, minimum))
    if maximum is not None and number > maximum:
        raise bad_request('%s must be an integer less than or equal to '
                          '%d.' % (name, maximum))
    return number


_SCALARS = (str, int, float, bool)


def parse_dict_literal(value, name):
    """Parse a filter such as metadata="{'k': 'v'}" (Manila's format).

    Keys and values must be scalars (a nested object matches nothing a
    database column holds): anything else is a 400.
    """
    try:
        parsed = ast.literal_eval(value) if isinstance(value, str) else value
    except (ValueError, SyntaxError, TypeError, MemoryError,
            RecursionError):
        parsed = None
    if not isinstance(parsed, dict) or not all(
            isinstance(item, _SCALARS) for pair in parsed.items()
            for item in pair):
        raise bad_request('Invalid value for %s filter: %s.' % (name, value))
    return parsed


def require_uuid(value, not_found):
    """Answer 404 (``not_found()``) for an id that cannot exist."""
    if not utils.is_uuid_like(value):
        raise not_found()
    return value


def action_of(body):
    """Split an action body {"<name>": payload} into (name, payload)."""
    if not isinstance(body, dict) or len(body) != 1:
        raise bad_request('Malformed request body')
    return next(iter(body.items()))


def no_such_action(name):
    return bad_request('There is no such action: %s' % name)


def require_version(min_ver, max_ver=None, experimental=False):
    """404 unless the request's microversion is in [min_ver, max_ver]."""
    mv.require(min_ver, max_ver, experimental=experimental)


def allowed(rule):
    """True when policy ``rule`` allows the caller (never raises)."""
    ctx = common.context()
    return policy.authorize(ctx, rule, {'project_id': ctx.project_id,
                                        'user_id': ctx.user_id},
                            do_raise=False)


def all_tenants(params, rule):
    """Manila's all_tenants: honoured only when ``rule`` allows it."""
    return common.is_all_tenants(params) and allowed(rule)


def query_params():
    """The query string as a plain dict (a repeated key keeps its last)."""
    return dict(pecan.request.GET.items())


def empty_response(code):
    """Finish the request with ``code`` and no body (Manila's 202s)."""
    return common.empty_response(code)


def owner_target(resource):
    """Policy target of an existing share or snapshot: its owner."""
    return {'project_id': resource.project_id, 'user_id': resource.user_id}


def get_share(api, share_id):
    """The share, or 404 (also for ids that are not UUIDs)."""
    require_uuid(share_id,
                 lambda: exception.ShareNotFound(share_id=share_id))
    return api.get(common.context(), share_id)

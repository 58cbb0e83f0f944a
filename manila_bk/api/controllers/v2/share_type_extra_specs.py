"""/v2/types/{type_id}/extra_specs[/{key}] and extra spec validation.

Values may be JSON booleans or strings; ``driver_handles_share_servers`` and
the standard capability specs must be boolean-like ("True", "false", true,
"<is> True"...).  POST answers the request's specs, PUT the item, DELETE 202,
and the required spec cannot be deleted (403), as in Manila.
"""

import re

import pecan
from pecan import rest

from manila_bk.api import common
from manila_bk.api.controllers.v2 import _params
from manila_bk.api import microversion as mv
from manila_bk.api.schemas import share_types as schema
from manila_bk.common import utils
from manila_bk import exception
from manila_bk.share import share_types

_KEY_RE = re.compile(schema.KEY_PATTERN, re.UNICODE)
_IS_RE = re.compile(r'^<is>\s*(True|False)$', re.IGNORECASE)
_REPLICATION_TYPES = ('writable', 'readable', 'dr')
_ENCRYPTION_TYPES = ('share', 'share_server')


def _bool_spec_ok(value):
    text = str(value).strip()
    match = _IS_RE.match(text)
    if match:
        text = match.group(1)
    return utils.parse_bool(text, strict=False) is not None


def _spec_ok(key, value):
    if key in schema.BOOLEAN_SPECS:
        return _bool_spec_ok(value)
    if key == 'replication_type':
        return value in _REPLICATION_TYPES
    if key == 'encryption_support':
        return value in _ENCRYPTION_TYPES
    if key == 'availability_zones':
        return all(part.strip() for part in str(value).split(','))
    return True


def validate_specs(specs, require_all=True):
    """Check keys and values of extra specs; 400 with Manila's message."""
    if require_all:
        missing = [key for key in schema.REQUIRED_SPECS if key not in specs]
        if missing:
            raise exception.InvalidExtraSpec(
                reason="Required extra specs '%s' not specified"
                % ','.join(missing))
    for key, value in specs.items():
        if not _KEY_RE.match(key):
            raise _params.bad_request(
                'Key names can only contain alphanumeric characters, '
                'underscores, periods, colons and hyphens.')
        if key in schema.REQUIRED_SPECS and not _spec_ok(key, value):
            raise exception.InvalidExtraSpec(
                reason='Value of required extra_spec %s is not valid' % key)
        if not _spec_ok(key, value):
            raise _params.bad_request('Invalid extra_spec: %s: %s'
                                      % (key, value))


def sanitize(specs):
    """Store booleans as Manila does ("True"/"False"); tidy AZ lists."""
    clean = {}
    for key, value in specs.items():
        if isinstance(value, bool):
            value = str(value)
        if key == 'availability_zones':
            value = ','.join(part.strip() for part in value.split(',')
                             if part.strip())
        clean[key] = value
    return clean


class ShareTypeExtraSpecsController(rest.RestController):
    """Extra specs of one share type; the type id comes from the route."""

    def __init__(self):
        super().__init__()
        self.types_api = share_types.API()

    def _specs(self, type_id):
        return self.types_api.get_extra_specs(common.context(), type_id)

    @pecan.expose('json')
    def get_all(self, type_id):
        common.authorize('share_types_extra_spec:index')
        return {'extra_specs': self._specs(type_id)}

    @pecan.expose('json')
    def get_one(self, type_id, key):
        common.authorize('share_types_extra_spec:show')
        specs = self._specs(type_id)
        if key not in specs:
            raise exception.ShareTypeExtraSpecsNotFound(
                share_type_id=type_id, extra_specs_key=key)
        return {key: specs[key]}

    @pecan.expose('json')
    def post(self, type_id):
        common.authorize('share_types_extra_spec:create')
        body = common.body()
        common.validate(schema.extra_specs_body, body)
        validate_specs(body['extra_specs'], require_all=False)
        self.types_api.get(common.context(), type_id)
        self.types_api.set_extra_specs(common.context(), type_id,
                                       sanitize(body['extra_specs']))
        return body

    @pecan.expose('json')
    def put(self, type_id, key):
        common.authorize('share_types_extra_spec:update')
        body = common.body()
        common.validate(schema.extra_spec_item, body)
        if key not in body:
            raise _params.bad_request('Request body and URI mismatch')
        validate_specs(body, require_all=False)
        self.types_api.get(common.context(), type_id)
        specs = sanitize(body)
        self.types_api.set_extra_specs(common.context(), type_id, specs)
        return specs

    @pecan.expose('json')
    def delete(self, type_id, key):
        common.authorize('share_types_extra_spec:delete')
        self.types_api.get(common.context(), type_id)
        undeletable = set(schema.REQUIRED_SPECS)
        if not mv.at_least('2.24'):
            undeletable.add(schema.SNAPSHOT_SUPPORT)
        if key in undeletable:
            raise _params.forbidden("Extra spec '%s' can't be deleted."
                                    % key)
        self.types_api.unset_extra_spec(common.context(), type_id, key)
        return _params.empty_response(202)

"""Share types and their extra specs (Manila's meanings).

``driver_handles_share_servers`` is required on every type and must be
boolean; the capability specs (``snapshot_support`` and friends) are
optional booleans.  Booleans arrive as JSON booleans, as strings such as
``"True"``/``"false"`` or in the ``"<is> True"`` form and are stored as
``'True'``/``'False'``.  A share copies the capability specs of its type
when it is created (seed 003: absent means False).
"""

import re

from oslo_log import log as logging

from manila_bk.common import utils
from manila_bk import conf
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.share import _errors

CONF = conf.CONF
LOG = logging.getLogger(__name__)

DHSS = 'driver_handles_share_servers'
CAPABILITY_SPECS = ('snapshot_support', 'create_share_from_snapshot_support',
                    'revert_to_snapshot_support', 'mount_snapshot_support')
BOOLEAN_SPECS = (DHSS,) + CAPABILITY_SPECS
REPLICATION_TYPE = 'replication_type'
REPLICATION_TYPES = ('writable', 'readable', 'dr')
MAX_LENGTH = 255

_IS_BOOL = re.compile(r'^<is>\s*(?P<value>\S+)$', re.IGNORECASE)


def parse_bool_spec(key, value):
    """The boolean an extra spec value means; InvalidExtraSpec if none."""
    if isinstance(value, str):
        match = _IS_BOOL.match(value.strip())
        if match:
            value = match.group('value')
    parsed = utils.parse_bool(value, strict=False)
    if parsed is None:
        raise exception.InvalidExtraSpec(
            reason='invalid boolean extra spec %s : %s' % (key, value))
    return parsed


def _check_string(what, value):
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_LENGTH:
        raise exception.InvalidExtraSpec(
            reason='extra spec %s %r must be a string of 1 to %d '
                   'characters' % (what, value, MAX_LENGTH))


def normalize_extra_specs(specs, require_dhss=False):
    """Validate ``specs`` and return them as stored (strings only)."""
    if not isinstance(specs, dict):
        raise exception.InvalidExtraSpec(reason='extra_specs must be an '
                                                'object')
    if require_dhss and DHSS not in specs:
        raise exception.InvalidExtraSpec(
            reason="required extra specs '%s' not specified" % DHSS)
    result = {}
    for key, value in specs.items():
        _check_string('key', key)
        if key in BOOLEAN_SPECS or isinstance(value, bool):
            value = str(parse_bool_spec(key, value))
        _check_string('value of %s:' % key, value)
        if key == REPLICATION_TYPE and value not in REPLICATION_TYPES:
            raise exception.InvalidExtraSpec(
                reason='value of optional extra_spec %s is not valid' % key)
        result[key] = value
    return result


def extra_specs_of(share_type):
    """Extra specs of an ORM share type or a dict, as a plain dict."""
    if share_type is None:
        return {}
    specs = (share_type.get('extra_specs')
             if isinstance(share_type, dict) else share_type.extra_specs)
    if isinstance(specs, dict):
        return dict(specs)
    return {s.spec_key: s.spec_value for s in specs or ()}


def get_capability_specs(share_type):
    """The four capability booleans of a type; absent or invalid = False."""
    specs = extra_specs_of(share_type)
    result = {}
    for key in CAPABILITY_SPECS:
        try:
            result[key] = (key in specs
                           and parse_bool_spec(key, specs[key]))
        except exception.InvalidExtraSpec:
            result[key] = False
    return result


def get_required_specs(share_type):
    """Manila's ``required_extra_specs`` view field."""
    specs = extra_specs_of(share_type)
    return {DHSS: specs[DHSS]} if DHSS in specs else {}


def driver_handles_share_servers(share_type):
    specs = extra_specs_of(share_type)
    try:
        return parse_bool_spec(DHSS, specs.get(DHSS, False))
    except exception.InvalidExtraSpec:
        return None


def _parse_is_public(value):
    """None -> public only; 'all'/'none' -> both; else a boolean."""
    if value is None:
        return True
    if isinstance(value, str) and value.strip().lower() in ('all', 'none'):
        return None
    parsed = utils.parse_bool(value, strict=False)
    if parsed is None:
        raise exception.InvalidInput(
            reason='invalid is_public filter [%s]' % value)
    return parsed


def _specs_match(share_type, wanted):
    specs = extra_specs_of(share_type)
    for key, value in wanted.items():
        if key not in specs:
            return False
        if key in BOOLEAN_SPECS or isinstance(value, bool):
            try:
                if parse_bool_spec(key, specs[key]) != parse_bool_spec(
                        key, value):
                    return False
            except exception.InvalidExtraSpec:
                return False
        elif specs[key] != value:
            return False
    return True


def _check_name(name, description):
    if not isinstance(name, str) or not name.strip() or len(name) > 255:
        raise exception.InvalidInput(
            reason='share type name must be 1 to 255 characters')
    if description is not None and (not isinstance(description, str)
                                    or len(description) > 255):
        raise exception.InvalidInput(
            reason='share type description must be at most 255 characters')


def _visible(context, share_type):
    if share_type.is_public or context.is_admin:
        return True
    return context.project_id in [p.project_id for p in share_type.projects]


def ensure_default_type(context, pools):
    """Create ``CONF.default_share_type`` when missing (first start).

    ``pools`` are capability dicts of the configured back ends; the type
    gets driver_handles_share_servers False and each capability spec True
    only when every pool has it.  Returns the type, or None when no default
    type name is configured.
    """
    name = CONF.default_share_type
    if not name:
        return None
    try:
        return db.share_type_get_by_name(context, name)
    except exception.ShareTypeNotFoundByName:
        pass
    specs = {DHSS: 'False'}
    for key in CAPABILITY_SPECS:
        specs[key] = str(bool(pools) and all(bool(p.get(key))
                                             for p in pools))
    try:
        share_type = db.share_type_create(
            context, {'name': name, 'is_public': True,
                      'description': 'Default share type of manila_bk'},
            extra_specs=specs)
        LOG.info('Created default share type %s with %s', name, specs)
        return share_type
    except exception.ShareTypeExists:
        return db.share_type_get_by_name(context, name)


class API:
    """Share types, extra specs and private type access."""

    def create(self, context, name, extra_specs, is_public=True,
               description=None):
        _check_name(name, description)
        specs = normalize_extra_specs(extra_specs or {}, require_dhss=True)
        is_public = utils.parse_bool(is_public, strict=False)
        if is_public is None:
            raise exception.InvalidInput(
                reason='share_type_access:is_public must be a boolean')
        return db.share_type_create(
            context, {'name': name, 'description': description,
                      'is_public': is_public}, extra_specs=specs)

    def get(self, context, type_id_or_name):
        share_type = db.share_type_get_by_name_or_id(context,
                                                     type_id_or_name)
        if not _visible(context, share_type):
            raise exception.ShareTypeNotFound(share_type_id=type_id_or_name)
        return share_type

    def get_default(self, context):
        name = CONF.default_share_type
        if not name:
            return None
        try:
            return db.share_type_get_by_name(context, name)
        except exception.ShareTypeNotFoundByName:
            LOG.warning('Default share type %s does not exist', name)
            return None

    def get_all(self, context, search_opts=None):
        search_opts = dict(search_opts or {})
        if context.is_admin:
            is_public = _parse_is_public(search_opts.get('is_public'))
        else:
            is_public = True
        filters = {'is_public': is_public}
        if is_public is True and context.project_id:
            filters['project_id'] = context.project_id
        types = db.share_type_get_all(context, filters=filters)
        wanted = search_opts.get('extra_specs')
        if wanted:
            if not isinstance(wanted, dict):
                raise exception.InvalidInput(
                    reason='extra_specs filter must be a dictionary')
            types = [t for t in types if _specs_match(t, wanted)]
        return types

    def update(self, context, type_id, name=None, description=None,
               is_public=None):
        if name is None and description is None and is_public is None:
            raise exception.InvalidInput(
                reason='specify share type name, description, '
                       'share_type_access:is_public or a combination '
                       'thereof')
        share_type = self.get(context, type_id)
        values = {}
        if name is not None:
            _check_name(name, None)
            values['name'] = name
        if description is not None:
            _check_name(share_type.name, description)
            values['description'] = description
        if is_public is not None:
            parsed = utils.parse_bool(is_public, strict=False)
            if parsed is None:
                raise exception.InvalidInput(
                    reason='share_type_access:is_public has a non-boolean '
                           'value')
            values['is_public'] = parsed
        return db.share_type_update(context, share_type.id, values)

    def delete(self, context, type_id):
        share_type = self.get(context, type_id)
        db.share_type_destroy(context, share_type.id)

    def get_extra_specs(self, context, type_id):
        share_type = self.get(context, type_id)
        return db.share_type_extra_specs_get(context, share_type.id)

    def get_extra_spec(self, context, type_id, key):
        specs = self.get_extra_specs(context, type_id)
        if key not in specs:
            raise exception.ShareTypeExtraSpecsNotFound(
                share_type_id=type_id, extra_specs_key=key)
        return {key: specs[key]}

    def set_extra_specs(self, context, type_id, specs):
        """Add or change specs; returns the specs as stored."""
        share_type = self.get(context, type_id)
        specs = normalize_extra_specs(specs)
        if not specs:
            raise exception.InvalidExtraSpec(reason='no extra specs given')
        db.share_type_extra_specs_update_or_create(context, share_type.id,
                                                   specs)
        return specs

    def unset_extra_spec(self, context, type_id, key):
        share_type = self.get(context, type_id)
        if key == DHSS:
            raise _errors.ExtraSpecForbidden(
                reason='extra spec %s is a required extra spec and cannot '
                       'be deleted' % DHSS)
        db.share_type_extra_specs_delete(context, share_type.id, key)

    def access_list(self, context, type_id):
        share_type = self.get(context, type_id)
        if share_type.is_public:
            raise _errors.ShareTypeAccessNotAvailable()
        return db.share_type_access_get_all(context, share_type.id)

    def _private_type(self, context, type_id):
        share_type = self.get(context, type_id)
        if share_type.is_public:
            raise _errors.ShareTypeAccessNotApplicable()
        return share_type

    def add_access(self, context, type_id, project_id):
        share_type = self._private_type(context, type_id)
        db.share_type_access_add(context, share_type.id, project_id)

    def remove_access(self, context, type_id, project_id):
        share_type = self._private_type(context, type_id)
        db.share_type_access_remove(context, share_type.id, project_id)

    def ensure_default_type(self, context, pools):
        return ensure_default_type(context, pools)

"""Share type views (Manila's keys up to 2.91).

Extra specs are rendered as stored (strings such as "True").  Non-admin
callers see only the tenant-visible specs and, from 2.24, the inferred
default of every optional capability spec the type does not set (as JSON
false, like Manila).
"""

from manila_bk.api import common
from manila_bk.api import microversion as mv
from manila_bk.api.schemas import share_types as schema
from manila_bk import conf

CONF = conf.CONF


def extra_specs_dict(share_type):
    specs = getattr(share_type, 'extra_specs', None) or {}
    if isinstance(specs, dict):
        return dict(specs)
    return {spec.spec_key: spec.spec_value for spec in specs}


def required_extra_specs(specs):
    return {key: specs[key] for key in schema.REQUIRED_SPECS if key in specs}


def _visible(specs):
    return {key: value for key, value in specs.items()
            if key in schema.TENANT_VISIBLE_SPECS}


def _is_public(share_type):
    value = getattr(share_type, 'is_public', None)
    return True if value is None else bool(value)


def trimmed(share_type):
    """The share type's dict, as found in show and list responses."""
    ctx = common.context()
    specs = extra_specs_dict(share_type)
    required = required_extra_specs(specs)
    if not ctx.is_admin:
        specs = _visible(specs)
        required = _visible(required)
    view = {
        'id': share_type.id,
        'name': share_type.name,
        'extra_specs': specs,
        'required_extra_specs': required,
    }
    if mv.at_least('2.7'):
        view['share_type_access:is_public'] = _is_public(share_type)
    else:
        view['os-share-type-access:is_public'] = _is_public(share_type)
    if mv.at_least('2.24') and not ctx.is_admin:
        for key, default in schema.INFERRED_OPTIONAL_SPECS.items():
            specs.setdefault(key, default)
    if mv.at_least('2.41'):
        view['description'] = share_type.description
    if mv.at_least('2.46'):
        default_name = CONF.default_share_type
        view['is_default'] = bool(default_name and
                                  default_name == share_type.name)
    return view


def show(share_type):
    view = trimmed(share_type)
    return {'share_type': view, 'volume_type': view}


def index(share_types):
    views = [trimmed(share_type) for share_type in share_types]
    return {'share_types': views, 'volume_types': views}


def type_access(share_type_id, project_ids):
    return {'share_type_access': [
        {'share_type_id': share_type_id, 'project_id': project_id}
        for project_id in project_ids]}

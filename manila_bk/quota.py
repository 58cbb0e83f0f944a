"""Project quotas: limits, usages and atomic consumption.

A limit comes from the ``[quota]`` option of the resource, overridden by the
quota class ``default`` (``PUT /quota-class-sets/default``), overridden by
the project's own row.  -1 means unlimited.  Usages change only through
``consume``/``release``, which apply every delta of a request in one
transaction (``db.quota_usage_change``): either all fit, or nothing changes
and OverQuota names the resources over their limit.  There are no
reservations to commit or expire: the API consumes before it casts, and the
service releases when the work fails (or when a resource goes away).
"""

from oslo_log import log as logging

from manila_bk.common import utils
from manila_bk import conf
from manila_bk.db import api as db
from manila_bk import exception

CONF = conf.CONF
LOG = logging.getLogger(__name__)

DEFAULT_CLASS = 'default'

# Counted resources manila_bk enforces.
RESOURCES = ('shares', 'gigabytes', 'snapshots', 'snapshot_gigabytes',
             'backups', 'backup_gigabytes', 'per_share_gigabytes')
# per_share_gigabytes is a ceiling on one share's size, not a counter.
COUNTED = tuple(r for r in RESOURCES if r != 'per_share_gigabytes')
# Manila's other quotas: accepted and shown with Manila's defaults so that
# clients see a complete quota set; nothing consumes them here.
EXTRA_RESOURCES = {
    'share_networks': 10,
    'share_groups': 50,
    'share_group_snapshots': 50,
    'share_replicas': 100,
    'replica_gigabytes': 1000,
}
ALL_RESOURCES = RESOURCES + tuple(EXTRA_RESOURCES)
MAX_LIMIT = utils.DB_MAX_INT


def _config_defaults():
    values = {r: getattr(CONF.quota, r) for r in RESOURCES}
    values.update(EXTRA_RESOURCES)
    return values


def get_defaults(context):
    """Limits a project without its own rows gets (config + class)."""
    values = _config_defaults()
    overrides = db.quota_class_get_all_by_name(context, DEFAULT_CLASS)
    values.update({r: v for r, v in overrides.items() if r in values})
    return values


def get_class_quotas(context, class_name):
    """Limits of a quota class; missing resources show the defaults."""
    values = get_defaults(context)
    if class_name != DEFAULT_CLASS:
        rows = db.quota_class_get_all_by_name(context, class_name)
        values.update({r: v for r, v in rows.items() if r in values})
    return values


def _limits(context, project_id):
    values = get_defaults(context)
    rows = db.quota_get_all_by_project(context, project_id)
    values.update({r: v for r, v in rows.items() if r in values})
    return values


def get_project_quotas(context, project_id, usages=False):
    """resource -> limit, or with ``usages`` -> {limit, in_use, reserved}."""
    limits = _limits(context, project_id)
    if not usages:
        return limits
    used = db.quota_usage_get_all_by_project(context, project_id)
    result = {}
    for resource, limit in limits.items():
        usage = used.get(resource, {})
        result[resource] = {'limit': limit,
                            'in_use': usage.get('in_use', 0),
                            'reserved': usage.get('reserved', 0)}
    return result


def get_limits(context, project_id):
    """What ``GET /limits`` shows: resource -> {limit, in_use}."""
    return {r: {'limit': v['limit'], 'in_use': v['in_use']}
            for r, v in get_project_quotas(context, project_id,
                                           usages=True).items()}


def _parse_values(values):
    unknown = sorted(set(values) - set(ALL_RESOURCES))
    if unknown:
        raise exception.InvalidInput(
            reason='bad key(s) %s in quota_set' % ','.join(unknown))
    parsed = {}
    for resource, value in values.items():
        try:
            limit = int(value)
            if isinstance(value, bool) or str(limit) != str(value).strip():
                raise ValueError(value)
        except (TypeError, ValueError):
            raise exception.InvalidInput(
                reason='quota limit %r for %s is not an integer'
                % (value, resource))
        if limit < -1 or limit > MAX_LIMIT:
            raise exception.InvalidInput(
                reason='quota limit %s for %s must be -1 (unlimited) or '
                       'between 0 and %d' % (limit, resource, MAX_LIMIT))
        parsed[resource] = limit
    return parsed


def _check_not_below_usage(context, project_id, limits):
    used = db.quota_usage_get_all_by_project(context, project_id)
    for resource, limit in sorted(limits.items()):
        if resource not in COUNTED or limit == -1:
            continue
        usage = used.get(resource, {})
        minimum = usage.get('in_use', 0) + usage.get('reserved', 0)
        if limit < minimum:
            raise exception.InvalidInput(
                reason='quota limit %(limit)s for %(resource)s is lower '
                       'than what is already in use (%(minimum)s); use '
                       'force to set it anyway' % {
                           'limit': limit, 'resource': resource,
                           'minimum': minimum})


def _check_owner(what, name):
    # The columns hold 255 characters; longer names cannot be stored.
    if not name or len(name) > 255:
        raise exception.InvalidInput(
            reason='%s must be 1 to 255 characters' % what)


def update_project_quotas(context, project_id, values, force=False):
    """Set project limits; a limit below usage needs ``force`` (else 400)."""
    _check_owner('project id', project_id)
    limits = _parse_values(values)
    if not force:
        _check_not_below_usage(context, project_id, limits)
    for resource, limit in limits.items():
        db.quota_create_or_update(context, project_id, resource, limit)
    return get_project_quotas(context, project_id)


def delete_project_quotas(context, project_id):
    """Drop the project's own limits: it gets the defaults again."""
    db.quota_destroy_all_by_project(context, project_id)


def update_class_quotas(context, class_name, values):
    _check_owner('quota class name', class_name)
    limits = _parse_values(values)
    for resource, limit in limits.items():
        db.quota_class_create_or_update(context, class_name, resource, limit)
    return get_class_quotas(context, class_name)


def check_per_share_gigabytes(context, project_id, size):
    """413 ShareSizeExceedsLimit when one share would be too large."""
    limit = _limits(context, project_id)['per_share_gigabytes']
    if limit is not None and limit >= 0 and size > limit:
        raise exception.ShareSizeExceedsLimit(size=size, limit=limit)


def consume(context, project_id, deltas):
    """Count ``deltas`` (resource -> positive int) against the limits.

    All or nothing; raises OverQuota (413) whose ``kwargs['resources']``
    lists the resources over their limit.
    """
    deltas = {r: int(d) for r, d in deltas.items() if d}
    unknown = set(deltas) - set(COUNTED)
    if unknown:
        raise ValueError('not counted quota resources: %s' % sorted(unknown))
    if not deltas:
        return
    limits = _limits(context, project_id)
    try:
        db.quota_usage_change(context, project_id, deltas, limits)
    except exception.OverQuota as exc:
        used = db.quota_usage_get_all_by_project(context, project_id)
        exc.kwargs['resources'] = sorted(
            r for r, d in deltas.items()
            if d > 0 and limits.get(r, -1) >= 0
            and used.get(r, {}).get('in_use', 0) + d > limits[r])
        exc.kwargs['limits'] = limits
        exc.kwargs['usages'] = used
        raise


def release(context, project_id, deltas):
    """Give back ``deltas`` (resource -> positive int).

    Never fails on limits and never takes a counter below zero.
    """
    negative = {r: -abs(int(d)) for r, d in deltas.items()
                if d and r in COUNTED}
    if negative:
        db.quota_usage_change(context, project_id, negative, {})

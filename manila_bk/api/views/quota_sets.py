"""Quota sets as Manila renders them at each microversion.

manila_bk enforces the quotas of quota.RESOURCES; the resources of Manila
features it does not have (share networks, groups, replicas) are rendered
with Manila's default limits (quota.EXTRA_RESOURCES) and no usage when the
business layer did not return them, so clients see the keys they expect.
"""

from manila_bk.api import microversion
from manila_bk import quota

BASE_KEYS = ('shares', 'gigabytes', 'snapshots', 'snapshot_gigabytes')
# Resources manila_bk has no feature for: Manila's default limits, unused.
FIXED_LIMITS = quota.EXTRA_RESOURCES
# (first microversion, keys rendered from it on)
_VERSIONED_KEYS = (
    ('2.40', ('share_groups', 'share_group_snapshots')),
    ('2.53', ('share_replicas', 'replica_gigabytes')),
    ('2.62', ('per_share_gigabytes',)),
    ('2.80', ('backups', 'backup_gigabytes')),
)
_GROUP_KEYS = ('share_networks', 'share_groups', 'share_group_snapshots')


def _fixed(key, usages):
    limit = FIXED_LIMITS[key]
    if usages:
        return {'limit': limit, 'in_use': 0, 'reserved': 0}
    return limit


def visible_keys(share_type=False):
    """The quota keys rendered at the current request's version."""
    keys = list(BASE_KEYS)
    if not share_type:
        keys.append('share_networks')
    for version, names in _VERSIONED_KEYS:
        if microversion.at_least(version):
            keys.extend(names)
    if share_type:
        keys = [key for key in keys if key not in _GROUP_KEYS]
    return keys


def render(values, usages=False, share_type=False):
    """Quota values of the visible keys; fixed ones filled in."""
    view = {}
    for key in visible_keys(share_type):
        if key in values:
            view[key] = values[key]
        elif key in FIXED_LIMITS:
            view[key] = _fixed(key, usages)
        else:
            view[key] = None
    return view


def detail(values, project_id=None, usages=False, share_type=False):
    """``{"quota_set": {...}}``, with ``id`` when ``project_id`` is given."""
    view = render(values, usages=usages, share_type=share_type)
    if project_id:
        view['id'] = project_id
    return {'quota_set': view}

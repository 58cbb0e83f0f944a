"""Absolute limits (``GET /limits``) with Manila's key names."""

from manila_bk.api import microversion
from manila_bk.api.views import quota_sets

# resource -> (limit key, in-use key)
_BASE = {
    'shares': ('maxTotalShares', 'totalSharesUsed'),
    'snapshots': ('maxTotalShareSnapshots', 'totalShareSnapshotsUsed'),
    'gigabytes': ('maxTotalShareGigabytes', 'totalShareGigabytesUsed'),
    'snapshot_gigabytes': ('maxTotalSnapshotGigabytes',
                           'totalSnapshotGigabytesUsed'),
    'share_networks': ('maxTotalShareNetworks', 'totalShareNetworksUsed'),
}
_VERSIONED = (
    ('2.53', {'share_replicas': ('maxTotalShareReplicas',
                                 'totalShareReplicasUsed'),
              'replica_gigabytes': ('maxTotalReplicaGigabytes',
                                    'totalReplicaGigabytesUsed')}),
    ('2.58', {'share_groups': ('maxTotalShareGroups',
                               'totalShareGroupsUsed'),
              'share_group_snapshots': ('maxTotalShareGroupSnapshots',
                                        'totalShareGroupSnapshotsUsed')}),
    ('2.80', {'backups': ('maxTotalShareBackups', 'totalShareBackupsUsed'),
              'backup_gigabytes': ('maxTotalBackupGigabytes',
                                   'totalBackupGigabytesUsed')}),
)


def _names():
    names = dict(_BASE)
    for version, extra in _VERSIONED:
        if microversion.at_least(version):
            names.update(extra)
    return names


def _usage(quotas, resource):
    if resource in quotas:
        return quotas[resource]
    if resource in quota_sets.FIXED_LIMITS:
        return {'limit': quota_sets.FIXED_LIMITS[resource], 'in_use': 0}
    return None


def index(quotas):
    """``quotas``: resource -> {'limit', 'in_use', ...} of the project."""
    absolute = {}
    for resource, (limit_key, used_key) in _names().items():
        usage = _usage(quotas, resource)
        if usage is None:
            continue
        if usage.get('limit') is not None:
            absolute[limit_key] = usage['limit']
        if usage.get('in_use') is not None:
            absolute[used_key] = usage['in_use']
    return {'limits': {'rate': [], 'absolute': absolute}}

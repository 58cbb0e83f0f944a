"""Collections of Manila features manila_bk does not have.

Clients and dashboards list them (share networks, share servers, groups,
replicas...); each answers an empty list under Manila's key, the same for
``/detail``, and 404 for any member.
"""

import pecan
from pecan import rest

from manila_bk.api import common
from manila_bk import exception


class EmptyCollectionController(rest.RestController):
    """``GET /<collection>[/detail]`` -> ``{key: []}``."""

    _custom_actions = {'detail': ['GET']}

    def __init__(self, key, resource):
        super().__init__()
        self._key = key
        self._resource = resource

    def _empty(self):
        common.context()
        return {self._key: []}

    @pecan.expose('json')
    def get_all(self):
        return self._empty()

    @pecan.expose('json')
    def detail(self):
        return self._empty()

    @pecan.expose('json')
    def get_one(self, item_id):
        common.context()
        raise exception.NotFound('%s %s could not be found.'
                                 % (self._resource, item_id))


# URL segment -> (response key, resource name in messages)
COLLECTIONS = {
    'share-networks': ('share_networks', 'Share network'),
    'share-servers': ('share_servers', 'Share server'),
    'security-services': ('security_services', 'Security service'),
    'share-groups': ('share_groups', 'Share group'),
    'share-group-types': ('share_group_types', 'Share group type'),
    'share-group-snapshots': ('share_group_snapshots',
                              'Share group snapshot'),
    'share-replicas': ('share_replicas', 'Share replica'),
    'share_instances': ('share_instances', 'Share instance'),
    'snapshot-instances': ('snapshot_instances', 'Snapshot instance'),
    'resource-locks': ('resource_locks', 'Resource lock'),
    'share-transfers': ('transfers', 'Share transfer'),
    'extensions': ('extensions', 'Extension'),
}


def controllers():
    """{url segment: controller} for every empty collection."""
    return {segment: EmptyCollectionController(key, resource)
            for segment, (key, resource) in COLLECTIONS.items()}

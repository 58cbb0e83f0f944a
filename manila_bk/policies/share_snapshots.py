"""Policies of the share snapshots API (``share_snapshot:*``)."""

from manila_bk.policies import base

_ACTION = ('POST', '/snapshots/{snapshot_id}/action')

rules = [
    base.rule('share_snapshot:create_snapshot', base.ADMIN_OR_PROJECT_MEMBER,
              'Create a share snapshot.', [('POST', '/snapshots')]),
    base.rule('share_snapshot:get_snapshot', base.ADMIN_OR_PROJECT_READER,
              'Show a share snapshot.',
              [('GET', '/snapshots/{snapshot_id}')]),
    base.rule('share_snapshot:get_all_snapshots',
              base.ADMIN_OR_PROJECT_READER,
              'List share snapshots.',
              [('GET', '/snapshots'), ('GET', '/snapshots/detail')]),
    base.rule('share_snapshot:list_all_projects', base.ADMIN,
              'List share snapshots of every project (all_tenants).',
              [('GET', '/snapshots?all_tenants=1'),
               ('GET', '/snapshots/detail?all_tenants=1')]),
    base.rule('share_snapshot:snapshot_update', base.ADMIN_OR_PROJECT_MEMBER,
              'Update a share snapshot.',
              [('PUT', '/snapshots/{snapshot_id}')]),
    base.rule('share_snapshot:delete_snapshot', base.ADMIN_OR_PROJECT_MEMBER,
              'Delete a share snapshot.',
              [('DELETE', '/snapshots/{snapshot_id}')]),
    base.rule('share_snapshot:force_delete', base.ADMIN,
              'Force-delete a share snapshot in any status.', [_ACTION]),
    base.rule('share_snapshot:reset_status', base.ADMIN,
              'Reset the status of a share snapshot.', [_ACTION]),
]


def list_rules():
    return rules

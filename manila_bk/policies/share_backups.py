"""Policies of the share backups API (``share_backup:*``).

The six rules Manila registers keep Manila's names and defaults.  Manila
also checks ``share_backup:reset_status`` and
``share_backup:get_all_project`` without registering them (they fall back
to its permissive ``default`` rule); here they are registered as
administrator-only, as Manila's API reference documents them.
"""

from manila_bk.policies import base

_ACTION = ('POST', '/share-backups/{backup_id}/action')

rules = [
    base.rule('share_backup:create', base.ADMIN_OR_PROJECT_MEMBER,
              'Create a share backup.', [('POST', '/share-backups')]),
    base.rule('share_backup:get', base.ADMIN_OR_PROJECT_READER,
              'Show a share backup.',
              [('GET', '/share-backups/{backup_id}')]),
    base.rule('share_backup:get_all', base.ADMIN_OR_PROJECT_READER,
              'List share backups.',
              [('GET', '/share-backups'), ('GET', '/share-backups/detail')]),
    base.rule('share_backup:get_all_project', base.ADMIN,
              'List share backups of every project (all_tenants).',
              [('GET', '/share-backups?all_tenants=1'),
               ('GET', '/share-backups/detail?all_tenants=1')]),
    base.rule('share_backup:restore', base.ADMIN_OR_PROJECT_MEMBER,
              'Restore a share backup.', [_ACTION]),
    base.rule('share_backup:reset_status', base.ADMIN,
              'Reset the status of a share backup.', [_ACTION]),
    base.rule('share_backup:update', base.ADMIN_OR_PROJECT_MEMBER,
              'Update a share backup.',
              [('PUT', '/share-backups/{backup_id}')]),
    base.rule('share_backup:delete', base.ADMIN_OR_PROJECT_MEMBER,
              'Delete a share backup.',
              [('DELETE', '/share-backups/{backup_id}')]),
]


def list_rules():
    return rules

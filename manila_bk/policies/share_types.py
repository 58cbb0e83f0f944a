"""Policies of the share types API (``share_type:*``)."""

from manila_bk.policies import base

_ACTION = ('POST', '/types/{share_type_id}/action')

rules = [
    base.rule('share_type:create', base.ADMIN,
              'Create a share type.', [('POST', '/types')]),
    base.rule('share_type:update', base.ADMIN,
              'Update a share type.', [('PUT', '/types/{share_type_id}')]),
    base.rule('share_type:show', base.ANY_READER,
              'Show a share type.', [('GET', '/types/{share_type_id}')]),
    base.rule('share_type:index', base.ANY_READER,
              'List share types.',
              [('GET', '/types'), ('GET', '/types?is_public=all')]),
    base.rule('share_type:default', base.ANY_READER,
              'Show the default share type.', [('GET', '/types/default')]),
    base.rule('share_type:delete', base.ADMIN,
              'Delete a share type.',
              [('DELETE', '/types/{share_type_id}')]),
    base.rule('share_type:list_project_access', base.ADMIN,
              'List the projects that can use a private share type.',
              [('GET', '/types/{share_type_id}/share_type_access')]),
    base.rule('share_type:add_project_access', base.ADMIN,
              'Let a project use a private share type.', [_ACTION]),
    base.rule('share_type:remove_project_access', base.ADMIN,
              'Stop a project from using a private share type.', [_ACTION]),
]


def list_rules():
    return rules

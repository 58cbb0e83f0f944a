"""Policies of the project quotas API."""

from manila_bk.policies import base

rules = [
    base.rule('quota_set:show', base.ADMIN_OR_PROJECT_READER,
              'Show the quotas of a project, its defaults or its usage.',
              [('GET', '/quota-sets/{project_id}'),
               ('GET', '/quota-sets/{project_id}/defaults'),
               ('GET', '/quota-sets/{project_id}/detail')]),
    base.rule('quota_set:update', base.ADMIN,
              'Change the quotas of a project.',
              [('PUT', '/quota-sets/{project_id}')]),
    base.rule('quota_set:delete', base.ADMIN,
              'Reset the quotas of a project to the defaults.',
              [('DELETE', '/quota-sets/{project_id}')]),
]


def list_rules():
    return rules

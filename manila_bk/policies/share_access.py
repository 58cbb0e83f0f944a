"""Policies of the share access rules API (``/share-access-rules``)."""

from manila_bk.policies import base

rules = [
    base.rule('share_access_rule:get', base.ADMIN_OR_PROJECT_READER,
              'Show an access rule.',
              [('GET', '/share-access-rules/{share_access_id}')]),
    base.rule('share_access_rule:index', base.ADMIN_OR_PROJECT_READER,
              'List the access rules of a share.',
              [('GET', '/share-access-rules?share_id={share_id}')]),
]


def list_rules():
    return rules

"""Policies of the quota classes API."""

from manila_bk.policies import base

rules = [
    base.rule('quota_class_set:show', base.ANY_READER,
              'Show the quotas of a quota class.',
              [('GET', '/quota-class-sets/{class_name}')]),
    base.rule('quota_class_set:update', base.ADMIN,
              'Change the quotas of a quota class.',
              [('PUT', '/quota-class-sets/{class_name}')]),
]


def list_rules():
    return rules

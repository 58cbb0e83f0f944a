"""Policies of the services API (operators only)."""

from manila_bk.policies import base

rules = [
    base.rule('service:index', base.ADMIN,
              'List services and their state.',
              [('GET', '/services'), ('GET', '/os-services')]),
    base.rule('service:update', base.ADMIN,
              'Enable or disable a service.',
              [('PUT', '/services/enable'), ('PUT', '/services/disable')]),
]


def list_rules():
    return rules

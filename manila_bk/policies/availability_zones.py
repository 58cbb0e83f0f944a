"""Policies of the availability zones API."""

from manila_bk.policies import base

rules = [
    base.rule('availability_zone:index', base.ANY_READER,
              'List availability zones.',
              [('GET', '/availability-zones'),
               ('GET', '/os-availability-zone')]),
]


def list_rules():
    return rules

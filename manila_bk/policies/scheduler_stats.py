"""Policies of the storage pools API (operators only)."""

from manila_bk.policies import base

rules = [
    base.rule('scheduler_stats:pools:index', base.ADMIN,
              'List storage pools.',
              [('GET', '/scheduler-stats/pools')]),
    base.rule('scheduler_stats:pools:detail', base.ADMIN,
              'List storage pools with their capabilities.',
              [('GET', '/scheduler-stats/pools/detail')]),
]


def list_rules():
    return rules

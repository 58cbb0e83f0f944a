"""Policies of the share type extra specs API."""

from manila_bk.policies import base

_PATH = '/types/{share_type_id}/extra_specs'

rules = [
    base.rule('share_types_extra_spec:create', base.ADMIN,
              'Set extra specs of a share type.', [('POST', _PATH)]),
    base.rule('share_types_extra_spec:show', base.ANY_READER,
              'Show one extra spec of a share type.',
              [('GET', _PATH + '/{extra_spec_key}')]),
    base.rule('share_types_extra_spec:index', base.ANY_READER,
              'List the extra specs of a share type.', [('GET', _PATH)]),
    base.rule('share_types_extra_spec:update', base.ADMIN,
              'Update one extra spec of a share type.',
              [('PUT', _PATH + '/{extra_spec_key}')]),
    base.rule('share_types_extra_spec:delete', base.ADMIN,
              'Delete one extra spec of a share type.',
              [('DELETE', _PATH + '/{extra_spec_key}')]),
]


def list_rules():
    return rules

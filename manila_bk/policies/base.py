"""Personas shared by every policy module.

Three personas, all project scoped (``scope_types=['project']``):

* ``ADMIN``: a token with the ``admin`` role (``context_is_admin``);
* ``PROJECT_MEMBER``: the ``member`` role on the project that owns the
  target;
* ``PROJECT_READER``: the ``reader`` role on that project.  A member can do
  what a reader can, even when Keystone's implied roles are not set up.

Rules combine them (``ADMIN_OR_PROJECT_MEMBER``...).  Operators override any
rule in ``policy.yaml`` (``[oslo_policy] policy_file``).
"""

from oslo_policy import policy

ADMIN = 'rule:context_is_admin'
PROJECT_MEMBER = 'rule:project-member'
PROJECT_READER = 'rule:project-reader'
ADMIN_OR_PROJECT_MEMBER = '%s or %s' % (ADMIN, PROJECT_MEMBER)
ADMIN_OR_PROJECT_READER = '%s or %s' % (ADMIN, PROJECT_READER)
# Resources that belong to no project (share types, availability zones)
# are readable by any reader or member of the project the token is for.
ANY_READER = ('%s or role:reader or role:member' % ADMIN)

SCOPE = ['project']

rules = [
    policy.RuleDefault(
        name='context_is_admin',
        check_str='role:admin',
        description='Decides what makes a request an administrator one.'),
    policy.RuleDefault(
        name='project-member',
        check_str='role:member and project_id:%(project_id)s',
        description='The member role on the project owning the target.'),
    policy.RuleDefault(
        name='project-reader',
        check_str='(role:reader or role:member) and '
                  'project_id:%(project_id)s',
        description='The reader (or member) role on the project owning '
                    'the target.'),
    policy.RuleDefault(
        name='default',
        check_str=ADMIN_OR_PROJECT_MEMBER,
        description='Rule used when a requested rule is not defined.'),
]


def rule(name, check_str, description, operations):
    """A project-scoped documented rule; ``operations`` is [(method, path)]."""
    return policy.DocumentedRuleDefault(
        name=name,
        check_str=check_str,
        description=description,
        operations=[{'method': method, 'path': path}
                    for method, path in operations],
        scope_types=SCOPE)


def list_rules():
    return rules

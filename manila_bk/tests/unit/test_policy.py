"""Policy defaults, personas, policy.yaml overrides and the CLI enforcer."""

import os

from oslo_policy import opts as policy_opts
from oslo_policy import policy as oslo_policy

from manila_bk import context
from manila_bk import exception
from manila_bk import policies
from manila_bk import policy
from manila_bk.tests import base

# Rule names the controllers use (CONTRACT.md section 2 and Manila's).
REQUIRED_RULES = (
    'context_is_admin', 'share:create', 'share:get', 'share:get_all',
    'share:update', 'share:delete', 'share:force_delete', 'share:extend',
    'share:shrink', 'share:reset_status', 'share:soft_delete',
    'share:restore', 'share:revert_to_snapshot', 'share:allow_access',
    'share:deny_access', 'share:access_get_all',
    'share_export_location:index', 'share_export_location:show',
    'share:get_share_metadata', 'share:update_share_metadata',
    'share:delete_share_metadata', 'share_snapshot:create_snapshot',
    'share_snapshot:get_snapshot', 'share_snapshot:get_all_snapshots',
    'share_snapshot:snapshot_update', 'share_snapshot:delete_snapshot',
    'share_snapshot:force_delete', 'share_snapshot:reset_status',
    'share_snapshot_export_location:index',
    'share_snapshot_export_location:show', 'share_type:create',
    'share_type:show', 'share_type:index', 'share_type:update',
    'share_type:delete', 'share_type:default',
    'share_types_extra_spec:create', 'share_types_extra_spec:show',
    'share_types_extra_spec:index', 'share_types_extra_spec:update',
    'share_types_extra_spec:delete', 'share_type:list_project_access',
    'share_type:add_project_access', 'share_type:remove_project_access',
    'quota_set:show', 'quota_set:update', 'quota_set:delete',
    'quota_class_set:show', 'quota_class_set:update',
    'availability_zone:index', 'service:index', 'service:update',
    'scheduler_stats:pools:index', 'scheduler_stats:pools:detail',
    'message:get', 'message:get_all', 'message:delete',
    'share_backup:create', 'share_backup:get', 'share_backup:get_all',
    'share_backup:restore', 'share_backup:reset_status',
    'share_backup:update', 'share_backup:delete')


def _ctx(roles, project_id='p1'):
    return context.RequestContext(user_id='u1', project_id=project_id,
                                  roles=list(roles))


class PolicyTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        policy.reset()
        self.addCleanup(policy.reset)


class TestRules(PolicyTestCase):

    def test_every_required_rule_is_registered_once(self):
        names = [rule.name for rule in policies.list_rules()]
        self.assertEqual(len(names), len(set(names)))
        missing = set(REQUIRED_RULES) - set(names)
        self.assertEqual(set(), missing)

    def test_documented_rules_are_project_scoped(self):
        for rule in policies.list_rules():
            if isinstance(rule, oslo_policy.DocumentedRuleDefault):
                self.assertEqual(['project'], rule.scope_types, rule.name)
                self.assertTrue(rule.operations, rule.name)


class TestPersonas(PolicyTestCase):

    def _allowed(self, ctx, rule, project_id='p1'):
        return policy.authorize(ctx, rule, {'project_id': project_id},
                                do_raise=False)

    def test_reader_reads_but_does_not_write(self):
        reader = _ctx(['reader'])
        self.assertTrue(self._allowed(reader, 'share:get'))
        self.assertTrue(self._allowed(reader, 'share_backup:get_all'))
        self.assertFalse(self._allowed(reader, 'share:create'))
        self.assertFalse(self._allowed(reader, 'message:delete'))

    def test_member_writes_own_project_only(self):
        member = _ctx(['member'])
        self.assertTrue(self._allowed(member, 'share:create'))
        self.assertTrue(self._allowed(member, 'share:get'))
        self.assertFalse(self._allowed(member, 'share:get',
                                       project_id='p2'))
        self.assertFalse(self._allowed(member, 'share:create',
                                       project_id='p2'))
        self.assertFalse(self._allowed(member, 'share:force_delete'))
        self.assertFalse(self._allowed(member, 'service:index'))

    def test_admin_does_everything_in_any_project(self):
        admin = _ctx(['admin'])
        for rule in ('share:force_delete', 'service:update',
                     'quota_set:update', 'share:get'):
            self.assertTrue(self._allowed(admin, rule, project_id='p9'),
                            rule)
        self.assertTrue(policy.check_is_admin(admin))
        self.assertFalse(policy.check_is_admin(_ctx(['member'])))

    def test_authorize_refusal_raises_403_naming_the_rule(self):
        exc = self.assertRaises(exception.PolicyNotAuthorized,
                                policy.authorize, _ctx(['reader']),
                                'share:create')
        self.assertEqual(403, exc.code)
        self.assertIn('share:create', str(exc))

    def test_authorize_default_target_is_own_project(self):
        self.assertTrue(policy.authorize(_ctx(['member']), 'share:create'))

    def test_unknown_rule_raises(self):
        self.assertRaises(oslo_policy.PolicyNotRegistered, policy.authorize,
                          _ctx(['admin']), 'share:teleport')


class TestOverrides(PolicyTestCase):

    def test_policy_yaml_overrides_a_default(self):
        path = os.path.join(self.state_path, 'policy.yaml')
        with open(path, 'w') as handle:
            handle.write('"share:create": "role:admin"\n'
                         '"service:index": "role:reader"\n')
        policy_opts.set_defaults(policy.CONF)  # registers [oslo_policy]
        self.flags(policy_file=path, group='oslo_policy')
        member = _ctx(['member', 'reader'])
        self.assertFalse(policy.authorize(member, 'share:create',
                                          do_raise=False))
        self.assertTrue(policy.authorize(member, 'service:index',
                                         do_raise=False))
        self.assertTrue(policy.authorize(member, 'share:get',
                                         do_raise=False))

    def test_get_enforcer_for_cli_tools_knows_every_rule(self):
        enforcer = policy.get_enforcer()
        self.assertIsInstance(enforcer, oslo_policy.Enforcer)
        self.assertIn('share:create', enforcer.registered_rules)
        self.assertIn('share_backup:restore', enforcer.registered_rules)

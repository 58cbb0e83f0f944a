"""update_access flow with the fake driver."""

from manila_bk.db import api as db
from manila_bk.message import message_field as mf
from manila_bk.share.flows import access
from manila_bk.tests.unit.share.flows import base


class UpdateAccessTestCase(base.FlowTestCase):

    def _rules(self, share):
        return {r.access_to: r.state
                for r in db.share_access_get_all_for_share(self.ctx,
                                                           share.id)}

    def _driver_rules(self, share):
        return sorted(r.access_to
                      for r in self.driver.get_access_rules(share.id))

    def test_update_access_queued_rules_become_active(self):
        share = self.make_share(on_backend=True)
        self.make_rule(share, state='active', access_to='10.0.0.1')
        self.make_rule(share, access_to='10.0.0.2')
        access.update_access(self.ctx, self.driver, share.id)
        self.assertEqual({'10.0.0.1': 'active', '10.0.0.2': 'active'},
                         self._rules(share))
        self.assertEqual(['10.0.0.1', '10.0.0.2'],
                         self._driver_rules(share))

    def test_update_access_denied_rule_is_removed(self):
        share = self.make_share(on_backend=True)
        self.make_rule(share, access_to='10.0.0.1')
        self.make_rule(share, access_to='10.0.0.2')
        access.update_access(self.ctx, self.driver, share.id)
        rule = db.share_access_get_by_type_and_access(self.ctx, share.id,
                                                      'ip', '10.0.0.2')
        db.share_access_update(self.ctx, rule.id,
                               {'state': 'queued_to_deny'})
        access.update_access(self.ctx, self.driver, share.id)
        self.assertEqual({'10.0.0.1': 'active'}, self._rules(share))
        self.assertEqual(['10.0.0.1'], self._driver_rules(share))

    def test_update_access_invalid_rule_sets_error_and_message(self):
        share = self.make_share(on_backend=True)
        self.make_rule(share, state='active', access_to='10.0.0.1')
        self.make_rule(share, access_to='not-an-address')
        access.update_access(self.ctx, self.driver, share.id)
        self.assertEqual({'10.0.0.1': 'active', 'not-an-address': 'error'},
                         self._rules(share))
        self.assert_message(share.id, mf.Action.UPDATE_ACCESS_RULES,
                            mf.Detail.UNSUPPORTED_CLIENT_ACCESS)

    def test_update_access_nothing_queued_skips_driver(self):
        share = self.make_share(on_backend=True)
        self.make_rule(share, state='active')
        access.update_access(self.ctx, self.driver, share.id)
        self.assertNotIn('update_access', self.driver.calls)

    def test_update_access_always_renders_active_rules(self):
        share = self.make_share(on_backend=True)
        self.make_rule(share, state='active', access_to='10.0.0.1')
        self.make_rule(share, state='error', access_to='10.0.0.9')
        access.update_access(self.ctx, self.driver, share.id, always=True)
        self.assertEqual(['10.0.0.1'], self._driver_rules(share))

    def test_update_access_deleted_share_does_nothing(self):
        access.update_access(self.ctx, self.driver, 'no-such-share')
        self.assertEqual([], self.driver.calls)

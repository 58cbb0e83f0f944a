"""The data node's temporary access rules: grant, revoke, journal."""

from manila_bk.data.flows import access
from manila_bk.data.flows import backup as backup_flow
from manila_bk.data.flows import common
from manila_bk.db import api as db
from manila_bk.tests.unit.data import base

BACKUP_ID = '6e1f3f7e-2b59-4f0a-9a55-5f0c6d1f0a01'


class AccessTestCase(base.DataTestCase):

    def setUp(self):
        super().setUp()
        self.flags(data_node_access_ips=['10.0.0.5', '10.0.0.6'])
        self.share_obj = self.make_share()

    def test_granted_without_ips_adds_no_rule(self):
        self.flags(data_node_access_ips=[])
        with access.granted(self.ctx, self.share_obj, BACKUP_ID, 'ro'):
            self.assertEqual([], self.rules(self.share_obj))
        self.assertEqual([], self.share_service.calls)

    def test_granted_rules_active_inside_and_gone_after(self):
        with access.granted(self.ctx, self.share_obj, BACKUP_ID, 'ro'):
            rules = self.rules(self.share_obj)
            self.assertEqual(
                [('10.0.0.5', 'ro', 'active', 'manila-bk-data:' + BACKUP_ID),
                 ('10.0.0.6', 'ro', 'active', 'manila-bk-data:' + BACKUP_ID)],
                sorted((r.access_to, r.access_level, r.state, r.access_key)
                       for r in rules))
            self.assertEqual([(BACKUP_ID, self.share_obj.id)],
                             access.journal_entries())
        self.assertEqual([], self.rules(self.share_obj))
        self.assertEqual([], access.journal_entries())

    def test_granted_revokes_when_block_fails(self):
        def run():
            with access.granted(self.ctx, self.share_obj, BACKUP_ID, 'rw'):
                raise RuntimeError('copy failed')

        self.assertRaises(RuntimeError, run)
        self.assertEqual([], self.rules(self.share_obj))

    def test_grant_rule_error_raises_and_revokes(self):
        self.share_service.mode = 'error'

        def run():
            with access.granted(self.ctx, self.share_obj, BACKUP_ID, 'ro'):
                self.fail('access should not be granted')

        self.share_service.mode = 'error'
        exc = self.assertRaises(common.DataAccessError, run)
        self.assertIn('could not apply', str(exc))
        self.assertIn('node@local1#pool', str(exc))
        states = {r.state for r in self.rules(self.share_obj)}
        self.assertTrue(states <= {'queued_to_deny'}, states)

    def test_grant_share_service_down_times_out_rules_queued(self):
        self.flags(data_access_timeout=1)
        self.share_service.mode = 'down'

        def run():
            with access.granted(self.ctx, self.share_obj, BACKUP_ID, 'ro'):
                pass

        exc = self.assertRaises(common.DataAccessError, run)
        self.assertIn('did not apply the access rule within 1 s', str(exc))
        self.assertEqual({'queued_to_deny'},
                         {r.state for r in self.rules(self.share_obj)})
        self.assertEqual([(BACKUP_ID, self.share_obj.id)],
                         access.journal_entries())
        self.share_service.mode = 'ok'
        self.assertEqual([], access.revoke_leftovers(self.ctx))
        self.assertEqual([], self.rules(self.share_obj))
        self.assertEqual([], access.journal_entries())

    def test_grant_tenant_rule_sufficient_reused_and_kept(self):
        self.flags(data_node_access_ips=['10.0.0.5'])
        db.share_access_create(self.ctx, {
            'share_id': self.share_obj.id, 'access_type': 'ip',
            'access_to': '10.0.0.5/32', 'access_level': 'rw',
            'state': 'active'})
        with access.granted(self.ctx, self.share_obj, BACKUP_ID, 'ro'):
            self.assertEqual(1, len(self.rules(self.share_obj)))
        rules = self.rules(self.share_obj)
        self.assertEqual([('10.0.0.5/32', None)],
                         [(r.access_to, r.access_key) for r in rules])

    def test_grant_tenant_rule_too_weak_refused_clearly(self):
        self.flags(data_node_access_ips=['10.0.0.5'])
        db.share_access_create(self.ctx, {
            'share_id': self.share_obj.id, 'access_type': 'ip',
            'access_to': '10.0.0.5', 'access_level': 'ro',
            'state': 'active'})

        def run():
            with access.granted(self.ctx, self.share_obj, BACKUP_ID, 'rw'):
                pass

        exc = self.assertRaises(common.DataAccessError, run)
        self.assertIn('needs rw access', str(exc))
        self.assertEqual(1, len(self.rules(self.share_obj)))

    def test_revoke_leftovers_skips_running_backups(self):
        access.journal_record(BACKUP_ID, self.share_obj.id)
        db.share_access_create(self.ctx, {
            'share_id': self.share_obj.id, 'access_type': 'ip',
            'access_to': '10.0.0.5', 'access_level': 'ro',
            'access_key': access.access_key(BACKUP_ID), 'state': 'active'})
        access.revoke_leftovers(self.ctx, skip={BACKUP_ID})
        self.assertEqual(1, len(self.rules(self.share_obj)))
        access.revoke_leftovers(self.ctx)
        self.assertEqual([], self.rules(self.share_obj))

    def test_revoke_leftovers_finds_rules_without_journal(self):
        db.share_access_create(self.ctx, {
            'share_id': self.share_obj.id, 'access_type': 'ip',
            'access_to': '10.0.0.5', 'access_level': 'rw',
            'access_key': access.access_key(BACKUP_ID), 'state': 'active'})
        db.share_access_create(self.ctx, {
            'share_id': self.share_obj.id, 'access_type': 'ip',
            'access_to': '10.9.9.9', 'access_level': 'rw',
            'state': 'active'})
        access.revoke_leftovers(self.ctx, share_ids=[self.share_obj.id])
        self.assertEqual(['10.9.9.9'],
                         [r.access_to for r in self.rules(self.share_obj)])

    def test_backup_with_access_ips_leaves_no_rule(self):
        share = self.make_share(status='backup_creating')
        self.write(share, 'f', b'x')
        backup = self.make_backup(share, host=self.host)
        backup_flow.create_backup(self.ctx, self.driver, backup.id,
                                  self.host)
        self.assertEqual('available', self.backup(backup.id).status)
        self.assertEqual([], self.rules(share))
        self.assertEqual(2, len(self.share_service.calls))

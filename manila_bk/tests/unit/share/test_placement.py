"""Pool choice for new shares (manila_bk.share.placement)."""

from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.share import placement
from manila_bk.tests import base
from manila_bk.tests.unit.share import api_fakes as fakes


class PlacementTestCase(base.DBTestCase):

    def setUp(self):
        super().setUp()
        self.share_type = fakes.share_type(self.ctx)

    def choose(self, size=1, zone=None, proto='NFS', share_type=None):
        return placement.choose_pool(self.ctx, share_type or self.share_type,
                                     size, zone, proto)

    def assertNoValidHost(self, detail, *args, **kwargs):
        exc = self.assertRaises(exception.NoValidHost, self.choose, *args,
                                **kwargs)
        self.assertEqual(detail, exc.detail_id)
        return exc

    def test_most_free_pool_wins(self):
        fakes.service(self.ctx, 'a@x', [fakes.pool('p1', free=10),
                                        fakes.pool('p2', free=50)])
        fakes.service(self.ctx, 'b@x', [fakes.pool('p3', free=30)])
        self.assertEqual('a@x#p2', self.choose())

    def test_reserved_percentage_and_recent_shares_count(self):
        fakes.service(self.ctx, 'a@x', [fakes.pool('p1', free=60, total=100,
                                                   reserved=20)])
        fakes.service(self.ctx, 'b@x', [fakes.pool('p2', free=45)])
        # 60 - 20 reserved = 40 < 45
        self.assertEqual('b@x#p2', self.choose())
        # A share placed after b's last report takes 10 of its 45 GiB.
        fakes.share(self.ctx, host='b@x#p2', size=10)
        self.assertEqual('a@x#p1', self.choose())

    def test_no_service_backend_not_ready(self):
        self.assertNoValidHost('028')

    def test_down_disabled_and_stale_services_ignored(self):
        fakes.service(self.ctx, 'down@x', age=3600)
        fakes.service(self.ctx, 'off@x', disabled=True)
        fakes.service(self.ctx, 'stale@x', report_age=3600)
        self.assertNoValidHost('028')
        fakes.service(self.ctx, 'ok@x')
        self.assertEqual('ok@x#pool1', self.choose())

    def test_capability_missing_names_pool_and_capability(self):
        fakes.service(self.ctx, 'a@x', [fakes.pool(
            revert_to_snapshot_support=False)])
        exc = self.assertNoValidHost('008')
        self.assertIn('a@x#pool1 lacks revert_to_snapshot_support', exc.msg)

    def test_false_capability_in_type_does_not_restrict(self):
        share_type = fakes.share_type(self.ctx, name='plain',
                                      snapshot_support=False)
        fakes.service(self.ctx, 'a@x', [fakes.pool()])
        self.assertEqual('a@x#pool1', self.choose(share_type=share_type))

    def test_capacity(self):
        fakes.service(self.ctx, 'a@x', [fakes.pool(free=5)])
        exc = self.assertNoValidHost('009', size=6)
        self.assertIn('6 GiB requested', exc.msg)

    def test_zone(self):
        fakes.service(self.ctx, 'a@x', zone='z1')
        fakes.service(self.ctx, 'b@x', zone='z2')
        self.assertEqual('b@x#pool1', self.choose(zone='z2'))
        self.assertNoValidHost('007', zone='z3')

    def test_protocol(self):
        fakes.service(self.ctx, 'a@x', [fakes.pool(storage_protocol='NFS')])
        self.assertEqual('a@x#pool1', self.choose(proto='nfs'))
        self.assertNoValidHost('100', proto='CIFS')

    def test_driver_handles_share_servers_must_match(self):
        fakes.service(self.ctx, 'a@x')
        share_type = fakes.share_type(self.ctx, name='dhss', dhss='True')
        self.assertNoValidHost('010', share_type=share_type)

    def test_backend_name(self):
        share_type = fakes.share_type(self.ctx, name='b',
                                      share_backend_name='fast')
        fakes.service(self.ctx, 'a@x', [fakes.pool()])
        fakes.service(self.ctx, 'b@y', [fakes.pool(share_backend_name='fast',
                                                   free=1)])
        self.assertEqual('b@y#pool1', self.choose(share_type=share_type))

    def test_unreadable_capabilities_ignored(self):
        service = fakes.service(self.ctx, 'a@x')
        db.service_update(self.ctx, service.id, {'capabilities': '{bad'})
        self.assertNoValidHost('028')

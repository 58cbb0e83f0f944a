"""Project quotas (manila_bk.quota)."""

import threading

from manila_bk import exception
from manila_bk import quota
from manila_bk.tests import base


class QuotaTestCase(base.DBTestCase):

    def test_defaults_from_config_then_default_class(self):
        self.flags(shares=7, group='quota')
        self.assertEqual(7, quota.get_defaults(self.ctx)['shares'])
        self.assertEqual(10, quota.get_defaults(self.ctx)['share_networks'])
        quota.update_class_quotas(self.ctx, 'default', {'shares': 9})
        self.assertEqual(9, quota.get_defaults(self.ctx)['shares'])
        self.assertEqual(9, quota.get_project_quotas(self.ctx, 'p')['shares'])

    def test_project_rows_override_and_delete_restores_defaults(self):
        quota.update_project_quotas(self.ctx, 'p', {'gigabytes': 5,
                                                    'backups': '-1'})
        limits = quota.get_project_quotas(self.ctx, 'p')
        self.assertEqual((5, -1), (limits['gigabytes'], limits['backups']))
        self.assertEqual(1000, quota.get_project_quotas(
            self.ctx, 'other')['gigabytes'])
        quota.delete_project_quotas(self.ctx, 'p')
        self.assertEqual(1000, quota.get_project_quotas(
            self.ctx, 'p')['gigabytes'])

    def test_update_rejects_unknown_and_bad_values(self):
        for values in ({'bogus': 1}, {'shares': -2}, {'shares': 'x'},
                       {'shares': 1.5}, {'shares': True}):
            self.assertRaises(exception.InvalidInput,
                              quota.update_project_quotas, self.ctx, 'p',
                              values)

    def test_update_below_usage_needs_force(self):
        quota.consume(self.ctx, 'p', {'gigabytes': 10})
        exc = self.assertRaises(exception.InvalidInput,
                                quota.update_project_quotas, self.ctx, 'p',
                                {'gigabytes': 5})
        self.assertEqual(400, exc.code)
        quota.update_project_quotas(self.ctx, 'p', {'gigabytes': -1})
        quota.update_project_quotas(self.ctx, 'p', {'gigabytes': 5},
                                    force=True)
        self.assertEqual(5, quota.get_project_quotas(
            self.ctx, 'p')['gigabytes'])

    def test_consume_all_or_nothing_and_names_resources(self):
        quota.update_project_quotas(self.ctx, 'p', {'shares': 1})
        quota.consume(self.ctx, 'p', {'shares': 1, 'gigabytes': 3})
        exc = self.assertRaises(exception.OverQuota, quota.consume,
                                self.ctx, 'p', {'shares': 1,
                                                'gigabytes': 3})
        self.assertEqual(413, exc.code)
        self.assertEqual(['shares'], exc.kwargs['resources'])
        usages = quota.get_project_quotas(self.ctx, 'p', usages=True)
        self.assertEqual({'limit': 1, 'in_use': 1, 'reserved': 0},
                         usages['shares'])
        self.assertEqual(3, usages['gigabytes']['in_use'])

    def test_release_never_below_zero(self):
        quota.consume(self.ctx, 'p', {'snapshots': 1})
        quota.release(self.ctx, 'p', {'snapshots': 5})
        self.assertEqual(0, quota.get_limits(self.ctx, 'p')['snapshots'][
            'in_use'])

    def test_per_share_gigabytes(self):
        quota.check_per_share_gigabytes(self.ctx, 'p', 10**6)
        quota.update_project_quotas(self.ctx, 'p',
                                    {'per_share_gigabytes': 10})
        quota.check_per_share_gigabytes(self.ctx, 'p', 10)
        self.assertRaises(exception.ShareSizeExceedsLimit,
                          quota.check_per_share_gigabytes, self.ctx, 'p', 11)

    def test_consume_rejects_uncounted_resources(self):
        self.assertRaises(ValueError, quota.consume, self.ctx, 'p',
                          {'per_share_gigabytes': 1})

    def test_limits_view_data(self):
        quota.consume(self.ctx, 'p', {'gigabytes': 2})
        limits = quota.get_limits(self.ctx, 'p')
        self.assertEqual({'limit': 1000, 'in_use': 2}, limits['gigabytes'])
        self.assertEqual(set(quota.ALL_RESOURCES), set(limits))

    def test_concurrent_consume_never_exceeds_limit(self):
        quota.update_project_quotas(self.ctx, 'p', {'shares': 5})
        results = []

        def worker():
            for _ in range(4):
                try:
                    quota.consume(self.ctx, 'p', {'shares': 1})
                    results.append(True)
                except exception.OverQuota:
                    results.append(False)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(5, results.count(True))
        self.assertEqual(5, quota.get_limits(self.ctx, 'p')['shares'][
            'in_use'])

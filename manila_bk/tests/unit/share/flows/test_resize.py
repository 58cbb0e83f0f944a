"""extend_share / shrink_share flows with the fake driver."""

from manila_bk.message import message_field as mf
from manila_bk.share.flows import resize
from manila_bk.tests.unit.share.flows import base

GiB = 1024 ** 3


class ExtendTestCase(base.FlowTestCase):

    def test_extend_success_sets_size_and_available(self):
        share = self.make_share(status='extending', size=1, on_backend=True)
        resize.extend_share(self.ctx, self.driver, share.id, 4)
        share = self.share(share.id)
        self.assertEqual(('available', 4), (share.status, share.size))

    def test_extend_failure_sets_error_and_releases_growth(self):
        self.set_usage(gigabytes=4)  # 1 + the 3 GiB the API charged
        share = self.make_share(status='extending', size=1, on_backend=True)
        self.driver.fail_operations.add('extend_share')
        resize.extend_share(self.ctx, self.driver, share.id, 4)
        share = self.share(share.id)
        self.assertEqual(('extending_error', 1), (share.status, share.size))
        self.assertEqual(1, self.usage('gigabytes'))
        self.assert_message(share.id, mf.Action.EXTEND,
                            mf.Detail.DRIVER_FAILED_EXTEND)

    def test_extend_not_extending_does_nothing(self):
        share = self.make_share(status='available', size=1, on_backend=True)
        resize.extend_share(self.ctx, self.driver, share.id, 4)
        self.assertEqual(1, self.share(share.id).size)
        self.assertNotIn('extend_share', self.driver.calls)


class ShrinkTestCase(base.FlowTestCase):

    def test_shrink_success_sets_size_and_releases_quota(self):
        self.set_usage(gigabytes=5)
        share = self.make_share(status='shrinking', size=5, on_backend=True)
        resize.shrink_share(self.ctx, self.driver, share.id, 2)
        share = self.share(share.id)
        self.assertEqual(('available', 2), (share.status, share.size))
        self.assertEqual(2, self.usage('gigabytes'))

    def test_shrink_data_would_not_fit_keeps_share_and_tells_user(self):
        self.set_usage(gigabytes=5)
        share = self.make_share(status='shrinking', size=5, on_backend=True)
        self.driver.fill_share(share.id, 3 * GiB)
        resize.shrink_share(self.ctx, self.driver, share.id, 2)
        share = self.share(share.id)
        self.assertEqual((resize.REFUSED_SHRINK_STATUS, 5),
                         (share.status, share.size))
        self.assertEqual(5, self.usage('gigabytes'))
        self.assert_message(share.id, mf.Action.SHRINK,
                            mf.Detail.DRIVER_REFUSED_SHRINK)

    def test_shrink_driver_failure_sets_shrinking_error(self):
        share = self.make_share(status='shrinking', size=5, on_backend=True)
        self.driver.fail_operations.add('shrink_share')
        resize.shrink_share(self.ctx, self.driver, share.id, 2)
        share = self.share(share.id)
        self.assertEqual(('shrinking_error', 5), (share.status, share.size))
        self.assert_message(share.id, mf.Action.SHRINK,
                            mf.Detail.UNKNOWN_ERROR)

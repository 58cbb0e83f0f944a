"""The share driver compliance suite run against the fake driver."""

import types

import testtools

from manila_bk.share.drivers import fake
from manila_bk.tests.compliance import share_driver


class FakeShareDriverComplianceTestCase(
        share_driver.ShareDriverComplianceMixin, testtools.TestCase):

    def make_driver(self):
        self.addCleanup(fake.FakeShareDriver.reset)
        return fake.FakeShareDriver(types.SimpleNamespace(), 'fake1',
                                    'node1@fake1')

    def write_file(self, share, relpath, data):
        self.driver.write_file(share.id, relpath, data)

    def read_tree(self, share):
        return self.driver.read_tree(share.id)

    def fill_share(self, share, nbytes):
        self.driver.fill_share(share.id, nbytes)

"""The share driver compliance suite run against the local driver."""

import os

import testtools

from manila_bk.tests.compliance import share_driver
from manila_bk.tests.unit.share.drivers import local_helpers


class LocalShareDriverComplianceTestCase(
        share_driver.ShareDriverComplianceMixin, testtools.TestCase):

    def make_driver(self):
        return local_helpers.make_local_driver(self)

    def write_file(self, share, relpath, data):
        local_helpers.write_file(self.driver, share, relpath, data)

    def read_tree(self, share):
        return local_helpers.read_tree(self.driver, share)

    def fill_share(self, share, nbytes):
        path = os.path.join(self.driver.get_share_path(share), 'filler')
        with open(path, 'wb') as handle:
            handle.truncate(nbytes)

"""GET /limits: Manila's absolute limit names per microversion."""

import fixtures

from manila_bk import quota
from manila_bk.tests.unit.api import base

USAGES = {
    'shares': {'limit': 50, 'in_use': 2, 'reserved': 0},
    'gigabytes': {'limit': 1000, 'in_use': 3, 'reserved': 0},
    'snapshots': {'limit': 50, 'in_use': 1, 'reserved': 0},
    'snapshot_gigabytes': {'limit': 1000, 'in_use': 1, 'reserved': 0},
    'backups': {'limit': 10, 'in_use': 4, 'reserved': 0},
    'backup_gigabytes': {'limit': 1000, 'in_use': 5, 'reserved': 0},
    'per_share_gigabytes': {'limit': -1, 'in_use': 0, 'reserved': 0},
}


class TestLimits(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        self.get = self.useFixture(fixtures.MockPatchObject(
            quota, 'get_project_quotas', return_value=USAGES)).mock

    def test_limits_at_2_0_base_names_only(self):
        response = self.request('/v2/limits', roles=base.READER)
        limits = self.json(response)['limits']
        self.assertEqual([], limits['rate'])
        self.assertEqual({
            'maxTotalShares': 50, 'totalSharesUsed': 2,
            'maxTotalShareGigabytes': 1000, 'totalShareGigabytesUsed': 3,
            'maxTotalShareSnapshots': 50, 'totalShareSnapshotsUsed': 1,
            'maxTotalSnapshotGigabytes': 1000,
            'totalSnapshotGigabytesUsed': 1,
            'maxTotalShareNetworks': 10, 'totalShareNetworksUsed': 0},
            limits['absolute'])
        args, kwargs = self.get.call_args
        self.assertEqual('project-a', args[1])
        self.assertEqual({'usages': True}, kwargs)

    def test_limits_at_2_80_add_replicas_groups_and_backups(self):
        response = self.request('/v2/limits', version='2.80')
        absolute = self.json(response)['limits']['absolute']
        self.assertEqual(10, absolute['maxTotalShareBackups'])
        self.assertEqual(4, absolute['totalShareBackupsUsed'])
        self.assertEqual(1000, absolute['maxTotalBackupGigabytes'])
        self.assertEqual(5, absolute['totalBackupGigabytesUsed'])
        self.assertEqual(100, absolute['maxTotalShareReplicas'])
        self.assertEqual(50, absolute['maxTotalShareGroups'])
        self.assertEqual(0, absolute['totalShareGroupSnapshotsUsed'])

    def test_limits_group_keys_only_from_2_58(self):
        absolute = self.json(self.request('/v2/limits', version='2.57'))[
            'limits']['absolute']
        self.assertIn('maxTotalReplicaGigabytes', absolute)
        self.assertNotIn('maxTotalShareGroups', absolute)
        self.assertNotIn('maxTotalShareBackups', absolute)

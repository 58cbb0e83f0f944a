"""Kill -9 the share service in the middle of a revert, then restart it.

The local driver pauses at a named step of its revert when the service
runs with ``MANILA_BK_TEST_PAUSE`` (see share/drivers/_testhooks.py); the
test kills the service's process group there, starts it again without
the pause and checks that the share ends ``available`` holding one whole
tree -- the snapshot's, since restart recovery carries out a revert it
had accepted -- with no leftovers, the size and quota of the snapshot,
and a user message saying the revert succeeded.
"""

import os

import testtools

from manila_bk.tests.functional import fixtures as ffx
from manila_bk.tests.functional import test_revert
from manila_bk.tests.unit.data.backup import sample_tree
from manila_bk.tests.unit.data.backup import treecompare

PAUSE_ENV = 'MANILA_BK_TEST_PAUSE'
PAUSED = 'sleeping 120.0 s at %s'
SHARE_SERVICE = 'manila-bk-share'
STARTED = 'manila-bk-share started on'


class RevertCrashTestCase(test_revert.RevertAPIMixin,
                          test_revert.DeploymentMixin, testtools.TestCase):
    """Split processes over RabbitMQ + MariaDB, local driver."""

    mode = 'split'
    db_kind = 'mysql'

    def _log_count(self, text):
        # The whole log: periodic tasks' lines push old ones out of a tail.
        return self.deployment.log(SHARE_SERVICE, tail=None).count(text)

    def _restart_share_service(self, pause=None):
        """Kill -9 the share service; start it (pausing at ``pause``)."""
        started = self._log_count(STARTED)
        self.deployment.kill(SHARE_SERVICE)
        self.deployment.respawn(SHARE_SERVICE, env=(
            {PAUSE_ENV: '%s:120' % pause} if pause else {}))
        ffx.wait_for(lambda: self._log_count(STARTED) > started, 120,
                     what='the share service to start again')

    def _crash_revert_at(self, step):
        self.wait_pools()
        share = self.make_share(self._type())
        path = self.share_path(share['id'])
        sample_tree.build(path, big_size=1024 * 1024)
        snap_tree = treecompare.describe(path)
        snap = self.make_snapshot(share['id'])
        with open(os.path.join(path, 'docs', 'readme.txt'), 'ab') as f:
            f.write(b'changed after the snapshot')
        os.unlink(os.path.join(path, 'big.bin'))
        self.http.call('POST', '/shares/%s/action' % share['id'],
                       {'extend': {'new_size': 2}}, expect=202)
        self.assertEqual(2, self.wait_share(share['id'])['size'])
        old_tree = treecompare.describe(path)

        self._restart_share_service(pause=step)
        paused = self._log_count(PAUSED % step)
        self.revert(share['id'], snap['id'], expect=202)
        ffx.wait_for(lambda: self._log_count(PAUSED % step) > paused, 60,
                     what='the revert to pause at %s' % step)
        self.assertEqual('reverting',
                         self.http.get('/shares/%s' % share['id'])
                         ['share']['status'])
        self.assertEqual(snap_tree if step == 'revert_swapped' else old_tree,
                         treecompare.describe(path))

        self._restart_share_service()
        shown = self.wait_share(share['id'], timeout=90)
        return share, snap, snap_tree, shown

    def _type(self):
        if getattr(type(self), '_type_id', None) is None:
            type(self)._type_id = self.make_type()
        return type(self)._type_id

    def _assert_reverted(self, share, snap, snap_tree, shown):
        path = self.share_path(share['id'])
        treecompare.assert_same_tree(self, self._snapshot_dir(share, snap),
                                     path)
        after = treecompare.describe(path)
        self.assertEqual(sorted(snap_tree), sorted(after))
        for rel in snap_tree:
            self.assertEqual(snap_tree[rel], after[rel], rel)
        self.assertEqual(('available', 1), (shown['status'], shown['size']))
        self.assertEqual('available',
                         self.wait_snapshot(snap['id'])['status'])
        self.assertEqual([], [n for n in os.listdir(
            self.deployment.share_root) if n.startswith('.revert-')])
        found = [(m['action_id'], m['detail_id'], m['message_level'])
                 for m in self.messages(share['id'])]
        self.assertEqual([(test_revert.ACTION_REVERT,
                           test_revert.DETAIL_REVERTED, 'INFO')], found)

    def _snapshot_dir(self, share, snap):
        return os.path.join(self.deployment.share_root, '.snapshots',
                            'share-%s' % share['id'],
                            'snapshot-%s' % snap['id'])

    def test_kill_after_copy_before_journal_revert_carried_out(self):
        self._assert_reverted(*self._crash_revert_at('revert_copied'))

    def test_kill_after_journal_before_swap_swap_finished(self):
        self._assert_reverted(*self._crash_revert_at('revert_journaled'))

    def test_kill_after_swap_before_cleanup_revert_recorded(self):
        self._assert_reverted(*self._crash_revert_at('revert_swapped'))
        quota = self.http.get('/quota-sets/admin/detail')['quota_set']
        shares = self.http.get('/shares/detail')['shares']
        self.assertEqual(sum(s['size'] for s in shares),
                         quota['gigabytes']['in_use'])

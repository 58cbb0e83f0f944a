"""Incremental backups end to end (issue 7), on the embedded default.

The chain test makes five backups of one share with changes between
them (the first through python-manilaclient's ``--backup-options
backup_type=incremental``, which becomes a full backup as the share has
none yet), checks that unchanged files are hard-linked across the chain
on the target, deletes the backups in a random order and, after each
deletion, restores every survivor and compares the share exactly with
the tree it had when that backup was taken.
"""

import os
import random
import shutil
import uuid

import testtools

from manila_bk.tests.functional import fixtures as ffx
from manila_bk.tests.functional import test_backup
from manila_bk.tests.unit.data.backup import sample_tree
from manila_bk.tests.unit.data.backup import treecompare


def _write(path, data):
    with open(path, 'wb') as f:
        f.write(data)


def _change(path, step):
    """Change the share's tree a little, differently at each step."""
    j = lambda *parts: os.path.join(path, *parts)  # noqa: E731
    if step == 1:
        _write(j('docs', 'readme.txt'), b'rewritten at step 1\n')
        _write(j('new-1'), b'added at step 1')
        os.unlink(j('zero'))
    elif step == 2:
        shutil.rmtree(j('docs', 'deep'))
        os.chmod(j('setuid'), 0o700)
        os.makedirs(j('tree-2', 'sub'))
        _write(j('tree-2', 'sub', 'f'), os.urandom(70000))
    elif step == 3:
        os.rename(j('new-1'), j('tree-2', 'moved-1'))
        with open(j('big.bin'), 'r+b') as f:
            f.seek(4096)
            f.write(b'changed in the middle')
        os.link(j('tree-2', 'sub', 'f'), j('hard-3'))
    elif step == 4:
        os.unlink(j('links', 'pair-b'))
        os.symlink('tree-2', j('link-4'))
        _write(j('zero'), b'')


class IncrementalChainTestCase(testtools.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.deployment = ffx.Deployment('all', 'sqlite')
        try:
            cls.deployment.start()
        except Exception:
            cls.deployment.cleanup()
            raise
        cls.cli = ffx.CLI(cls.deployment.endpoint)
        cls.http = test_backup.BackupHTTP(cls.deployment.endpoint)

    @classmethod
    def tearDownClass(cls):
        cls.deployment.cleanup()
        super().tearDownClass()

    @property
    def backup_root(self):
        return os.path.join(self.deployment.workdir, 'state', 'backups')

    def _incremental(self, share, name, cli=False):
        if cli:
            created = self.cli.json(
                'share', 'backup', 'create', share['id'], '--name', name,
                '--backup-options', 'backup_type=incremental')
        else:
            created = self.http.call('POST', '/share-backups', {
                'share_backup': {
                    'share_id': share['id'], 'name': name,
                    'backup_options': {'backup_type': 'incremental'}}}
            ).json()['share_backup']
        self.assertEqual('creating', created['status'])
        return self.http.wait_backup(created['id'], ('available',))

    def _restore_and_compare(self, backup, share, path, reference):
        self.http.restore(backup['id'])
        self.http.wait_backup(backup['id'], ('available',),
                              condition=lambda b: b['restore_progress'] ==
                              '100')
        restored = self.http.wait_share(share['id'], (
            'available', 'backup_restoring_error'))
        self.assertEqual('available', restored['status'])
        facts = treecompare.describe(path)
        wrong = sorted(rel for rel in set(facts) | set(reference)
                       if facts.get(rel) != reference.get(rel))
        self.assertEqual([], wrong, 'backup %s' % backup['name'])

    def _data_file(self, backup, rel):
        dirs = test_backup.find_backup_dirs(self.backup_root, backup['id'])
        self.assertEqual(1, len(dirs), dirs)
        return os.path.join(dirs[0], 'data', rel)

    def test_incremental_chain_random_deletion_restores_exact(self):
        tag = uuid.uuid4().hex[:6]
        share, path = self.http.create_share('inc-%s' % tag)
        sample_tree.build(path, big_size=1024 * 1024 + 17)
        backups, trees = [], []
        for step in range(5):
            _change(path, step)
            trees.append(treecompare.describe(path))
            backups.append(self._incremental(
                share, 'inc-%s-%d' % (tag, step), cli=step < 2))
        self.assertEqual(['full'] + ['incremental'] * 4,
                         [b['backup_type'] for b in backups])
        # Never changed: one inode on the target for the whole chain.
        inodes = {os.stat(self._data_file(b, 'sparse.img')).st_ino
                  for b in backups}
        self.assertEqual(1, len(inodes))
        # Changed at step 3: a new copy from then on.
        big = [os.stat(self._data_file(b, 'big.bin')).st_ino
               for b in backups]
        self.assertEqual([big[0]] * 3 + [big[3]] * 2, big)
        self.assertNotEqual(big[2], big[3])

        seed = random.randrange(1 << 30)
        order = list(range(5))
        random.Random(seed).shuffle(order)
        alive = set(range(5))
        for index in order:
            self.http.call('DELETE', '/share-backups/%s'
                           % backups[index]['id'])
            self.http.wait_backup(backups[index]['id'], ('deleted',))
            alive.discard(index)
            for survivor in sorted(alive):
                self._restore_and_compare(backups[survivor], share, path,
                                          trees[survivor])
        self.assertEqual([], [b for b in os.listdir(self.backup_root)
                              if not b.startswith('.')
                              and self._leftovers(b)],
                         'seed %d' % seed)

    def _leftovers(self, project):
        found = []
        for dirpath, dirnames, filenames in os.walk(
                os.path.join(self.backup_root, project)):
            found += filenames
        return found

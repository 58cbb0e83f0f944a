"""Damage on the backup target is found by restore, never restored silently.

A live manila-bk-all (embedded backups under ``$state_path/backups``)
backs a share up; then the backup's data tree is damaged in place, one
kind of damage at a time, and the share is restored from it:

============  ===============================================================
damage        outcome (default: ``backup_verify_on_restore = True``)
============  ===============================================================
flipped byte  the restore verifies the whole backup first and refuses it:
truncated     share ``available`` and unchanged (not one file written),
missing file  backup ``error`` with a ``fail_reason`` naming the file, a
extra file    user message on the share and on the backup
============  ===============================================================

An extra file counts as damage: nothing in a backup is outside its
manifest, so something was written there behind the service's back.

With ``backup_verify_on_restore = False`` the damage is found while
writing (checksums are checked as each file is copied): the share is
``backup_restoring_error`` (it may be half restored, and says so), the
backup ``error``, both with messages.  An extra file is not found that
way, and is not restored either (only manifest entries are).

After the damage is repaired and the backup reset to ``available``, the
same backup restores exactly.  Recorded as part ``integrity``.
"""

import glob
import os
import shutil

import sqlalchemy as sa
import testtools

from manila_bk.tests.functional import fixtures as ffx
from manila_bk.tests.functional.reliability import report
from manila_bk.tests.unit.data.backup import treecompare

FILES = {'big.bin': bytes(range(256)) * 4096, 'small.txt': b'hello\n',
         'dir/inner.txt': b'inner file\n' * 100, 'empty': b''}


def _flip(path):
    with open(path, 'r+b') as f:
        f.seek(1000)
        byte = f.read(1)
        f.seek(1000)
        f.write(bytes([byte[0] ^ 0xFF]))


def _truncate(path):
    os.truncate(path, 10)


def _remove(path):
    os.unlink(path)


def _extra(path):
    with open(os.path.join(os.path.dirname(path), 'intruder'), 'wb') as f:
        f.write(b'not from the share')


# (kind, damage, the file it hits, words the fail_reason must hold)
DAMAGE = [
    ('flipped_byte', _flip, 'big.bin', 'big.bin'),
    ('truncated', _truncate, 'dir/inner.txt', 'inner.txt'),
    ('missing', _remove, 'small.txt', 'small.txt'),
    ('extra', _extra, 'small.txt', 'intruder'),
]


class IntegrityMixin:
    verify_on_restore = True
    # Message details (message_field.Detail): the backup is damaged and
    # the share was not changed, on both.
    share_detail = backup_detail = '108'

    def setUp(self):
        super().setUp()
        extra = {}
        if not self.verify_on_restore:
            # The embedded back end's section (cmd/data.py).
            extra = {'backup': {'backup_verify_on_restore': 'False'}}
        self.deployment = ffx.Deployment('all', 'sqlite', extra_config=extra)
        self.addCleanup(self.deployment.cleanup)
        self.deployment.start()
        self.http = ffx.HTTP(self.deployment.endpoint)
        ffx.wait_for(lambda: self.http.get('/scheduler-stats/pools')[
            'pools'], 60, what='pools')
        self.checks = self.held = 0

    def check(self, condition, message):
        """Count an invariant; fail the test when it does not hold."""
        self.checks += 1
        self.held += bool(condition)
        self.assertTrue(condition, message)

    def _experimental(self):
        headers = self.http.headers
        self.http.headers = lambda *a, **kw: dict(
            headers(*a, **kw), **{'X-OpenStack-Manila-API-Experimental':
                                  'True'})

    def _share(self):
        share = self.http.call('POST', '/shares', {'share': {
            'share_proto': 'NFS', 'size': 1}}, expect=200).json()['share']
        self.http.wait('/shares/%s' % share['id'], 'share', ('available',))
        location = self.http.get('/shares/%s/export_locations'
                                 % share['id'])['export_locations'][0]
        path = location['path'].split(':', 1)[1]
        for rel, data in FILES.items():
            os.makedirs(os.path.dirname(os.path.join(path, rel)),
                        exist_ok=True)
            with open(os.path.join(path, rel), 'wb') as f:
                f.write(data)
        return share['id'], path

    def _backup(self, share_id):
        backup = self.http.call('POST', '/share-backups', {'share_backup': {
            'share_id': share_id}}, expect=202).json()['share_backup']
        self.http.wait('/share-backups/%s' % backup['id'], 'share_backup',
                       ('available',))
        data = glob.glob(os.path.join(self.deployment.workdir, 'state',
                                      'backups', '*', share_id,
                                      backup['id'], 'data'))
        self.assertEqual(1, len(data), data)
        return backup['id'], data[0]

    def _restore(self, backup_id, share_id):
        self.http.call('POST', '/share-backups/%s/action' % backup_id,
                       {'restore': None}, expect=202)
        backup = self.http.wait('/share-backups/%s' % backup_id,
                                'share_backup', ('available', 'error'))
        share = self.http.wait('/shares/%s' % share_id, 'share',
                               ('available', 'backup_restoring_error'))
        return backup, share

    def _messages(self, resource_id):
        """The messages about ``resource_id``, newest first."""
        return self.http.get('/messages?resource_id=%s&sort_key=created_at'
                             '&sort_dir=desc' % resource_id)['messages']

    def _fail_reason(self, backup_id):
        # Operators read it (manila-bk-manage); the API does not show it.
        engine = sa.create_engine(self.deployment.db.url)
        try:
            with engine.connect() as conn:
                return conn.execute(sa.text(
                    'SELECT fail_reason FROM share_backups WHERE id = :id'),
                    {'id': backup_id}).scalar() or ''
        finally:
            engine.dispose()

    def test_damage_on_target_fails_restore_cleanly(self):
        self._experimental()
        share_id, path = self._share()
        backup_id, data = self._backup(share_id)
        reference = treecompare.describe(path)
        pristine = data + '.pristine'
        shutil.copytree(data, pristine, symlinks=True)
        detected = 0
        for kind, damage, rel, words in DAMAGE:
            detected += self._one_damage(kind, damage, rel, words, share_id,
                                         path, backup_id, data)
            shutil.rmtree(data)
            shutil.copytree(pristine, data, symlinks=True)
            self.http.call('POST', '/share-backups/%s/action' % backup_id,
                           {'reset_status': {'status': 'available'}},
                           expect=202)
            self.http.call('POST', '/shares/%s/action' % share_id,
                           {'reset_status': {'status': 'available'}},
                           expect=202)
        # Repaired: the same backup restores exactly.
        with open(os.path.join(path, 'small.txt'), 'wb') as f:
            f.write(b'changed')
        backup, share = self._restore(backup_id, share_id)
        self.check((backup['status'], share['status']) ==
                   ('available', 'available'),
                   'repaired backup restore: %s %s' % (backup, share))
        self.check(treecompare.describe(path) == reference,
                   'repaired backup restored exactly')
        report.record('integrity' + self.part_suffix, len(DAMAGE) + 1,
                      len(self.expected_detected()) - detected,
                      self.checks, self.held,
                      verify_on_restore=self.verify_on_restore,
                      detected=detected)

    part_suffix = ''

    def expected_detected(self):
        return [kind for kind, *_rest in DAMAGE]

    def _one_damage(self, kind, damage, rel, words, share_id, path,
                    backup_id, data):
        damage(os.path.join(data, rel))
        with open(os.path.join(path, 'written-later'), 'wb') as f:
            f.write(b'tenant data written after the backup')
        before = treecompare.describe(path)
        messages = (len(self._messages(share_id)),
                    len(self._messages(backup_id)))
        backup, share = self._restore(backup_id, share_id)
        if kind not in self.expected_detected():
            self.check(backup['status'] == 'available' and
                       share['status'] == 'available',
                       '%s: restore should succeed: %s' % (kind, backup))
            self.check(not os.path.exists(os.path.join(path, 'intruder')),
                       '%s: a file outside the manifest was restored' % kind)
            return 0
        self.check(backup['status'] == 'error',
                   '%s: backup %s' % (kind, backup['status']))
        reason = self._fail_reason(backup_id)
        self.check(words in reason, '%s: fail_reason %r' % (kind, reason))
        for resource_id, count, detail in (
                (share_id, messages[0], self.share_detail),
                (backup_id, messages[1], self.backup_detail)):
            new = self._messages(resource_id)
            self.check(len(new) > count and new[0]['detail_id'] == detail,
                       '%s: messages of %s: %s' % (kind, resource_id, new))
        self.check_share_after(kind, share, before, path)
        return 1

    def check_share_after(self, kind, share, before, path):
        self.check(share['status'] == 'available',
                   '%s: share %s' % (kind, share['status']))
        self.check(treecompare.describe(path) == before,
                   '%s: the share changed' % kind)


class VerifyFirstTestCase(IntegrityMixin, testtools.TestCase):
    """The default: the whole backup is checked before the share."""


class VerifyWhileWritingTestCase(IntegrityMixin, testtools.TestCase):
    """backup_verify_on_restore = False: damage found while writing."""

    verify_on_restore = False
    part_suffix = '_no_verify_first'
    # RESTORE_FAILED (the share is backup_restoring_error) on the share,
    # BACKUP_VERIFY_FAILED (no word about the share) on the backup.
    share_detail, backup_detail = '104', '112'

    def expected_detected(self):
        return ['flipped_byte', 'truncated', 'missing']

    def check_share_after(self, kind, share, before, path):
        # Written up to the damage: the share says it may be half restored.
        self.check(share['status'] == 'backup_restoring_error',
                   '%s: share %s' % (kind, share['status']))

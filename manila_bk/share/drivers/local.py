"""The local share driver: shares are directories on this host.

Layout under ``local_share_root`` (ids are validated as UUIDs first)::

    share-<id>/                          the share's data, exported
    .snapshots/share-<id>/snapshot-<sid>/    a snapshot, read by nobody else
    .snapshots/share-<id>/.new-snapshot-<sid>/  a snapshot being copied
    .snapshots/share-<id>/.old-snapshot-<sid>/  a snapshot being deleted
    .backup-snapshots/share-<id>/backup-<bid>/  a backup's temporary
                                         snapshot (and .new-/.old- forms)
    .creating-<id>/                      a share being filled from a snapshot
    .deleting-<id>/                      a share being deleted
    .revert-<id>/                        the work directory of a revert
    .meta/share-<id>.json                the share's size record
    .exports                             exports file unless configured

Snapshots and new shares are copied (``cp -a --reflink=auto``) under a
temporary name, flushed, then renamed into place, so the final name only
ever holds a complete tree; deletes rename away first, then remove.

Revert journal protocol (``.revert-<id>/``, implemented in ``_revert``):

1. ``tree/`` is filled with a copy of the snapshot; the file system is
   flushed.
2. ``journal.json`` -- the completed-marker -- is written atomically:
   ``{"snapshot_id", "size", "new_ino", "old_ino"}``: the snapshot, its
   size in GiB, and the inode numbers of the top directories of the new
   tree (``tree/``) and of the live share.
3. The trees are swapped: ``renameat2(share-<id>, tree, RENAME_EXCHANGE)``
   so ``tree/`` then holds the old data.  Only where exchange is
   unsupported: ``share-<id>`` is renamed to ``old/``, then ``tree/`` to
   ``share-<id>``.
4. ``.revert-<id>/`` (the old tree and the journal) is removed.

A crash leaves ``share-<id>`` holding either the old or the new tree,
never a mix.  :meth:`LocalShareDriver.recover` looks at the work
directory: without a journal the copy was incomplete and the directory is
removed ('rolled_back'); with one, the inode of ``share-<id>`` tells
whether the swap happened (``new_ino``), did not (``old_ino``: the swap is
done now) or stopped between the two fallback renames (no share: ``tree/``
is renamed into place); the old tree is then removed and the size record
set to the snapshot's ('completed').  An unknown inode means something
else changed the share: the work directory is kept and 'failed' reported.

Snapshots copy a live directory: writes made by clients during the copy
may or may not be in it (the share service stops new API operations on
the share meanwhile, not NFS clients).

A backup's temporary snapshot (``backup_from_snapshot``) is copied the
same way, outside ``.snapshots`` so that no share snapshot and no share
delete ever sees it.  The copy gives every file a new inode number and
ctime: an incremental backup read from such a snapshot finds every file
changed and copies it again (still complete and correct, but no smaller
than a full one).  The btrfs driver's snapshots keep both.

Because a revert swaps the share's top directory, NFS clients may see
stale file handles afterwards; the exports file is re-applied and the
reload command run once the swap is done.
"""

import json
import os
import shutil

from oslo_log import log as logging

from manila_bk import exception
from manila_bk.share.drivers import _backup_snapshots
from manila_bk.share.drivers import _exports
from manila_bk.share.drivers import _fsutils
from manila_bk.share.drivers import _revert
from manila_bk.share.drivers import _testhooks
from manila_bk.share.drivers import base

LOG = logging.getLogger(__name__)

GiB = 1024 ** 3
BACKUP_SNAPSHOTS = '.backup-snapshots'
RECOVERY_FAILED = _revert.FAILED
_OUTCOME_RANK = {_revert.CLEAN: 0, _revert.ROLLED_BACK: 1,
                 _revert.COMPLETED: 2, _revert.FAILED: 3}


class LocalShareDriver(base.ShareDriver,
                       base.SnapshotInterface,
                       base.BackupSnapshotInterface,
                       base.CreateFromSnapshotInterface,
                       base.RevertInterface,
                       base.ResizeInterface,
                       base.RecoveryInterface,
                       base.LocalPathInterface):
    """Shares as directories under ``local_share_root``, exported by NFS."""

    storage_protocol = 'NFS'

    def __init__(self, configuration, backend_name, host):
        super().__init__(configuration, backend_name, host)
        root = self.config_get('local_share_root')
        if not root:
            raise exception.ConfigError(
                reason='[%s] local_share_root is not set' % backend_name)
        self.root = os.path.abspath(root)
        self.exports_file = self.config_get(
            'local_exports_file', os.path.join(self.root, '.exports'))
        self.reload_command = list(
            self.config_get('local_exports_reload_command', []))

    # Paths -----------------------------------------------------------

    def _share_path(self, share_id):
        return os.path.join(self.root,
                            'share-' + base.validate_uuid(share_id))

    def _snapshots_dir(self, share_id):
        return os.path.join(self.root, '.snapshots',
                            'share-' + base.validate_uuid(share_id))

    def _snapshot_path(self, snapshot, prefix='snapshot-'):
        base.validate_uuid(snapshot.id, 'snapshot')
        return os.path.join(self._snapshots_dir(snapshot.share.id),
                            prefix + snapshot.id)

    def _work_path(self, kind, share_id):
        return os.path.join(self.root,
                            '.%s-%s' % (kind, base.validate_uuid(share_id)))

    def _meta_path(self, share_id):
        return os.path.join(self.root, '.meta',
                            'share-%s.json' % base.validate_uuid(share_id))

    def get_share_path(self, share):
        path = self._share_path(share.id)
        if not os.path.isdir(path):
            raise exception.ShareDriverException(
                reason='the data directory of share %s is missing' % share.id)
        return path

    def _backup_snapshot_path(self, snapshot, prefix='backup-'):
        return os.path.join(
            self.root, BACKUP_SNAPSHOTS,
            'share-' + base.validate_uuid(snapshot.share.id),
            prefix + base.validate_uuid(snapshot.backup_id, 'backup'))

    def _export_path(self, path):
        export_host = self.config_get('local_export_host')
        if not export_host:
            export_host = (self.host or '').split('@', 1)[0]
        if ':' in export_host and not export_host.startswith('['):
            export_host = '[%s]' % export_host
        return '%s:%s' % (export_host, path)

    def _export_locations(self, share):
        return [base.ExportLocation(
            path=self._export_path(self._share_path(share.id)))]

    # Setup -----------------------------------------------------------

    def do_setup(self):
        for path in (self.root, os.path.join(self.root, '.snapshots'),
                     os.path.join(self.root, '.meta')):
            os.makedirs(path, exist_ok=True)
        _exports.ensure_parent(self.exports_file)

    def check_for_setup_error(self):
        problems = []
        if not os.path.isdir(self.root):
            problems.append('local_share_root %s is not a directory'
                            % self.root)
        elif not os.access(self.root, os.W_OK | os.X_OK):
            problems.append('local_share_root %s is not writable' % self.root)
        elif (os.stat(self.root).st_dev !=
              os.stat(os.path.join(self.root, '.snapshots')).st_dev):
            problems.append('%s/.snapshots is another file system'
                            % self.root)
        if shutil.which('cp') is None:
            problems.append('the cp command is not installed')
        if self.reload_command and shutil.which(
                self.reload_command[0]) is None:
            problems.append('local_exports_reload_command %s is not found'
                            % self.reload_command[0])
        if problems:
            raise exception.ShareDriverException(reason='; '.join(problems))

    # Size records ----------------------------------------------------

    def _write_size(self, share_id, size):
        data = json.dumps({'size': int(size)}).encode('utf-8')
        _fsutils.atomic_write(self._meta_path(share_id), data)

    def _provisioned_gb(self):
        total = 0
        meta_dir = os.path.join(self.root, '.meta')
        for name in os.listdir(meta_dir):
            if name.startswith('share-') and name.endswith('.json'):
                try:
                    with open(os.path.join(meta_dir, name)) as handle:
                        total += int(json.load(handle).get('size', 0))
                except (OSError, ValueError):
                    LOG.warning('Unreadable size record %s', name)
        return total

    def get_share_size(self, share):
        """Return the recorded size in GiB of ``share`` or None."""
        try:
            with open(self._meta_path(share.id)) as handle:
                return int(json.load(handle)['size'])
        except (OSError, ValueError, KeyError):
            return None

    # Shares ----------------------------------------------------------

    def create_share(self, share):
        path = self._share_path(share.id)
        try:
            os.mkdir(path)
            # World-writable like Manila's LVM shares: NFS clients are
            # root-squashed and must be able to write the top directory.
            os.chmod(path, 0o777)
        except FileExistsError:
            if not os.path.isdir(path):
                raise exception.ShareDriverException(
                    reason='%s exists and is not a directory' % path)
        self._write_size(share.id, share.size)
        return self._export_locations(share)

    def ensure_share(self, share):
        self.get_share_path(share)
        return self._export_locations(share)

    def delete_share(self, share):
        path = self._share_path(share.id)
        gone = self._work_path('deleting', share.id)
        self._apply_access(path, [], force_reload=False)
        try:
            os.rename(path, gone)
        except FileNotFoundError:
            pass
        _fsutils.remove_tree(gone)
        try:
            os.unlink(self._meta_path(share.id))
        except FileNotFoundError:
            pass
        try:
            os.rmdir(self._snapshots_dir(share.id))
        except FileNotFoundError:
            pass
        except OSError:
            LOG.warning('Share %s was deleted but has snapshot data left '
                        'in %s', share.id, self._snapshots_dir(share.id))

    def get_pools(self):
        st = os.statvfs(self.root)
        fs_total = st.f_blocks * st.f_frsize / GiB
        fs_free = st.f_bavail * st.f_frsize / GiB
        configured = self.config_get('local_total_capacity_gb')
        if configured:
            total = float(configured)
            free = min(fs_free, max(0.0, total - self._provisioned_gb()))
        else:
            total, free = fs_total, fs_free
        return [self.make_pool(self.backend_name,
                               total_capacity_gb=round(total, 2),
                               free_capacity_gb=round(free, 2))]

    # Access ----------------------------------------------------------

    def _apply_access(self, path, rules, force_reload):
        changed = _exports.set_share_access(self.exports_file, path, rules)
        if self.reload_command and (changed or force_reload):
            _fsutils.run(self.reload_command)

    def update_access(self, share, access_rules, add_rules, delete_rules):
        path = self._share_path(share.id)
        if access_rules and not os.path.isdir(path):
            raise exception.ShareDriverException(
                reason='the data directory of share %s is missing' % share.id)
        self._apply_access(path, list(access_rules), force_reload=False)

    # Snapshots -------------------------------------------------------

    def create_snapshot(self, snapshot):
        final = self._snapshot_path(snapshot)
        if not os.path.isdir(final):
            source = self.get_share_path(snapshot.share)
            temp = self._snapshot_path(snapshot, '.new-snapshot-')
            os.makedirs(os.path.dirname(final), exist_ok=True)
            _fsutils.remove_tree(temp)
            try:
                _fsutils.copy_tree(source, temp)
                _fsutils.sync_filesystem(self.root)
                _testhooks.pause('snapshot_copied')
                os.rename(temp, final)
            except BaseException:
                _fsutils.remove_tree(temp)
                raise
            _fsutils.fsync_dir(os.path.dirname(final))
        return base.SnapshotResult(provider_location=final)

    def delete_snapshot(self, snapshot):
        final = self._snapshot_path(snapshot)
        gone = self._snapshot_path(snapshot, '.old-snapshot-')
        try:
            os.rename(final, gone)
        except FileNotFoundError:
            pass
        _fsutils.remove_tree(gone)
        try:
            os.rmdir(os.path.dirname(final))
        except OSError:
            pass

    def create_share_from_snapshot(self, share, snapshot):
        path = self._share_path(share.id)
        if not os.path.isdir(path):
            source = self._snapshot_path(snapshot)
            if not os.path.isdir(source):
                raise exception.ShareDriverException(
                    reason='the data of snapshot %s is missing' % snapshot.id)
            temp = self._work_path('creating', share.id)
            _fsutils.remove_tree(temp)
            try:
                _fsutils.copy_tree(source, temp)
                _fsutils.sync_filesystem(self.root)
                os.rename(temp, path)
            except BaseException:
                _fsutils.remove_tree(temp)
                raise
            _fsutils.fsync_dir(self.root)
        self._write_size(share.id, share.size)
        return self._export_locations(share)

    # Backup snapshots ------------------------------------------------

    def create_backup_snapshot(self, snapshot):
        final = self._backup_snapshot_path(snapshot)
        if not os.path.isdir(final):
            source = self.get_share_path(snapshot.share)
            temp = self._backup_snapshot_path(snapshot, '.new-backup-')
            os.makedirs(os.path.dirname(final), exist_ok=True)
            _fsutils.remove_tree(temp)
            try:
                _fsutils.copy_tree(source, temp)
                _testhooks.pause('backup_snapshot_copied')
                _fsutils.sync_filesystem(self.root)
                os.rename(temp, final)
            except BaseException:
                _fsutils.remove_tree(temp)
                raise
            _fsutils.fsync_dir(os.path.dirname(final))
        self._apply_access(final, list(snapshot.access_rules),
                           force_reload=False)
        return base.BackupSnapshotResult(export_locations=(
            base.ExportLocation(path=self._export_path(final),
                                is_admin_only=True),))

    def delete_backup_snapshot(self, snapshot):
        final = self._backup_snapshot_path(snapshot)
        self._apply_access(final, [], force_reload=False)
        gone = self._backup_snapshot_path(snapshot, '.old-backup-')
        try:
            os.rename(final, gone)
        except FileNotFoundError:
            pass
        _fsutils.remove_tree(gone)
        _fsutils.remove_tree(
            self._backup_snapshot_path(snapshot, '.new-backup-'))
        try:
            os.rmdir(os.path.dirname(final))
        except OSError:
            pass

    def list_backup_snapshots(self):
        return _backup_snapshots.list_under(
            os.path.join(self.root, BACKUP_SNAPSHOTS))

    # Revert ----------------------------------------------------------

    def revert_to_snapshot(self, context, snapshot, share_access_rules,
                           snapshot_access_rules, share_server=None):
        share_id = snapshot.share.id
        share_path = self.get_share_path(snapshot.share)
        source = self._snapshot_path(snapshot)
        if not os.path.isdir(source):
            raise exception.ShareDriverException(
                reason='the data of snapshot %s is missing' % snapshot.id)
        work = self._work_path('revert', share_id)
        outcome, _ = _revert.resolve(work, share_path, self.root, False)
        if outcome == _revert.FAILED:
            raise exception.ShareDriverException(
                reason='an earlier revert left %s in an unknown state' % work)
        try:
            _revert.prepare(work, source, share_path, self.root,
                            {'snapshot_id': snapshot.id,
                             'size': snapshot.size})
            _testhooks.pause('revert_journaled')
            _revert.swap(share_path, work, self.root)
            _testhooks.pause('revert_swapped')
        except BaseException:
            # The swap may have happened before the failure: then the
            # revert is done and only the clean-up is left.
            outcome, _ = _revert.resolve(work, share_path, self.root, False)
            if outcome != _revert.COMPLETED:
                raise
        _fsutils.remove_tree(work)
        self._write_size(share_id, snapshot.size)
        self._apply_access(share_path, list(share_access_rules or ()),
                           force_reload=True)

    # Recovery --------------------------------------------------------

    def recover(self, share_ids):
        """See RecoveryInterface; ``None`` recovers every leftover found.

        Besides the base outcomes, 'failed' means the state could not be
        told and the leftovers were kept for an operator.
        """
        if share_ids is None:
            share_ids = self._leftover_ids()
        results = {}
        for share_id in share_ids:
            try:
                results[share_id] = self._recover_share(share_id)
            except Exception:
                LOG.exception('Recovery of share %s failed', share_id)
                results[share_id] = RECOVERY_FAILED
        if self.reload_command and any(
                r == self.RECOVERY_COMPLETED for r in results.values()):
            # A finished revert swapped an exported directory.
            try:
                _fsutils.run(self.reload_command)
            except exception.ShareDriverException:
                LOG.exception('Exports reload after recovery failed')
        return results

    def _recover_revert(self, share_id):
        share_path = self._share_path(share_id)
        outcome, journal = _revert.resolve(
            self._work_path('revert', share_id), share_path, self.root, True)
        if outcome == _revert.COMPLETED and 'size' in journal:
            self._write_size(share_id, journal['size'])
        return outcome

    def _recover_share(self, share_id):
        outcomes = [self._recover_revert(share_id)]
        for kind, outcome in (('creating', self.RECOVERY_ROLLED_BACK),
                              ('deleting', self.RECOVERY_COMPLETED)):
            path = self._work_path(kind, share_id)
            if os.path.lexists(path):
                _fsutils.remove_tree(path)
                outcomes.append(outcome)
        snapshots = self._snapshots_dir(share_id)
        names = os.listdir(snapshots) if os.path.isdir(snapshots) else []
        for name in names:
            if name.startswith('.new-snapshot-'):
                outcomes.append(self.RECOVERY_ROLLED_BACK)
            elif name.startswith('.old-snapshot-'):
                outcomes.append(self.RECOVERY_COMPLETED)
            else:
                continue
            _fsutils.remove_tree(os.path.join(snapshots, name))
        return max(outcomes, key=_OUTCOME_RANK.__getitem__)

    def _leftover_ids(self):
        found = set()
        for name in os.listdir(self.root):
            for prefix in ('.revert-', '.creating-', '.deleting-'):
                if name.startswith(prefix):
                    found.add(name[len(prefix):])
        snap_root = os.path.join(self.root, '.snapshots')
        for name in os.listdir(snap_root):
            path = os.path.join(snap_root, name)
            if os.path.isdir(path) and any(
                    n.startswith(('.new-', '.old-'))
                    for n in os.listdir(path)):
                found.add(name[len('share-'):])
        return sorted(i for i in found if self._is_uuid(i))

    @staticmethod
    def _is_uuid(value):
        try:
            base.validate_uuid(value)
        except exception.InvalidInput:
            return False
        return True

    # Resize ----------------------------------------------------------

    def extend_share(self, share, new_size):
        self.get_share_path(share)
        self._write_size(share.id, new_size)

    def shrink_share(self, share, new_size):
        used = _fsutils.used_bytes(self.get_share_path(share))
        if used > new_size * GiB:
            raise base.ShareShrinkingPossibleDataLoss(
                share_id=share.id, new_size=new_size, used_bytes=used)
        self._write_size(share.id, new_size)

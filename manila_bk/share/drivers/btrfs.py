"""The btrfs share driver: shares are subvolumes of a btrfs file system.

Layout under ``btrfs_mount_point`` (ids are validated as UUIDs first)::

    shares/share-<id>                      the share: a subvolume, exported
    snapshots/share-<id>/snapshot-<sid>    a snapshot: read-only subvolume
    backup-snapshots/share-<id>/backup-<bid>  a backup's temporary
                                           snapshot: read-only subvolume
    .work/creating-<id>                    a share being made (subvolume)
    .work/revert-<id>/                     the work directory of a revert
    .exports                               exports file unless configured

``shares/`` and ``.work/`` are plain directories of one subvolume, so a
subvolume moves between them by rename.  A new share is made under
``.work/`` (an empty subvolume, or a writable snapshot of a snapshot),
given its quota limit and only then renamed into ``shares/``: the final
name never holds a share without its limit.

A share's size is the referenced-size limit of its quota group; extend
and shrink change it, and a shrink below the referenced bytes is refused.
Capacity and free space are the file system's (``statvfs``); limits are
thin: together they may exceed the capacity.  Snapshots are read-only
subvolume snapshots: they take constant time and share every block.
A backup's temporary snapshot (``backup_from_snapshot``) is one too,
outside ``snapshots/`` so that no share snapshot sees it; it keeps every
file's inode number and ctime, so an incremental backup read from it
copies only what changed since the parent backup.

Revert journal protocol (``.work/revert-<id>/``, in ``_btrfs_revert``):

1. ``tree`` becomes a writable snapshot of the snapshot, and its quota
   limit is set to the snapshot's size.
2. ``journal.json`` -- the completed-marker -- is written atomically:
   ``{"snapshot_id", "size", "new_id", "old_id"}``: the snapshot, its size
   in GiB, and the subvolume ids of ``tree`` and of the live share.
3. The subvolumes are swapped: ``renameat2(share, tree, RENAME_EXCHANGE)``
   (two renames through ``old`` only where exchange is unsupported), and
   the file system is synced.
4. The old subvolume (now ``tree``) is deleted, then the work directory.

Every step takes constant time whatever the share holds (btrfs frees the
old subvolume's blocks in the background), the snapshot is kept and the
export path does not change.  :meth:`BtrfsShareDriver.recover` reads the
work directory: without a journal the revert had not started to swap and
is rolled back; with one, the subvolume id found at the share's path tells
whether the swap happened (finished: 'completed'), did not (it is done
now) or stopped between the fallback renames; an unknown id means
something else changed the share, and the work directory is kept
('failed').  As with the local driver, NFS clients may see stale file
handles after a revert; the exports are applied and reloaded again.
"""

import os
import shutil

from oslo_log import log as logging

from manila_bk import exception
from manila_bk.share.drivers import _backup_snapshots
from manila_bk.share.drivers import _btrfs_cmd
from manila_bk.share.drivers import _btrfs_revert
from manila_bk.share.drivers import _exports
from manila_bk.share.drivers import _fsutils
from manila_bk.share.drivers import base

LOG = logging.getLogger(__name__)

GiB = 1024 ** 3
BACKUP_SNAPSHOTS = 'backup-snapshots'
RECOVERY_FAILED = _btrfs_revert.FAILED
_OUTCOME_RANK = {_btrfs_revert.CLEAN: 0, _btrfs_revert.ROLLED_BACK: 1,
                 _btrfs_revert.COMPLETED: 2, _btrfs_revert.FAILED: 3}


class BtrfsShareDriver(base.ShareDriver,
                       base.SnapshotInterface,
                       base.BackupSnapshotInterface,
                       base.CreateFromSnapshotInterface,
                       base.RevertInterface,
                       base.ResizeInterface,
                       base.RecoveryInterface,
                       base.LocalPathInterface):
    """Shares as btrfs subvolumes with quota limits, exported by NFS."""

    storage_protocol = 'NFS'

    def __init__(self, configuration, backend_name, host):
        super().__init__(configuration, backend_name, host)
        root = self.config_get('btrfs_mount_point')
        if not root:
            raise exception.ConfigError(
                reason='[%s] btrfs_mount_point is not set' % backend_name)
        self.root = os.path.abspath(root)
        self.exports_file = self.config_get(
            'btrfs_exports_file', os.path.join(self.root, '.exports'))
        self.reload_command = list(
            self.config_get('btrfs_exports_reload_command', []))
        self.btrfs = _btrfs_cmd.Btrfs(
            root_helper=self.config_get('btrfs_root_helper', []))

    # Paths -----------------------------------------------------------

    def _share_path(self, share_id):
        return os.path.join(self.root, 'shares',
                            'share-' + base.validate_uuid(share_id))

    def _snapshots_dir(self, share_id):
        return os.path.join(self.root, 'snapshots',
                            'share-' + base.validate_uuid(share_id))

    def _snapshot_path(self, snapshot):
        base.validate_uuid(snapshot.id, 'snapshot')
        return os.path.join(self._snapshots_dir(snapshot.share.id),
                            'snapshot-' + snapshot.id)

    def _backup_snapshot_path(self, snapshot):
        return os.path.join(
            self.root, BACKUP_SNAPSHOTS,
            'share-' + base.validate_uuid(snapshot.share.id),
            'backup-' + base.validate_uuid(snapshot.backup_id, 'backup'))

    def _work_path(self, kind, share_id):
        return os.path.join(self.root, '.work',
                            '%s-%s' % (kind, base.validate_uuid(share_id)))

    def get_share_path(self, share):
        path = self._share_path(share.id)
        if not _btrfs_cmd.is_subvolume(path):
            raise exception.ShareDriverException(
                reason='the subvolume of share %s is missing' % share.id)
        return path

    def _export_path(self, path):
        export_host = self.config_get('btrfs_export_host')
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
        # The mount point itself is never created: an unmounted one must
        # not silently fill the root file system.
        if not os.path.isdir(self.root):
            raise exception.ShareDriverException(
                reason='btrfs_mount_point %s is not a directory' % self.root)
        try:
            self.btrfs.subvolume_id(self.root)
        except exception.ShareDriverException as exc:
            raise exception.ShareDriverException(
                reason='btrfs_mount_point %s is not on a usable btrfs file '
                       'system: %s' % (self.root, exc))
        for name in ('shares', 'snapshots', '.work'):
            os.makedirs(os.path.join(self.root, name), exist_ok=True)
        _exports.ensure_parent(self.exports_file)
        try:
            self.btrfs.clear_stale_qgroups(self.root)
        except exception.ShareDriverException as exc:
            LOG.debug('Not clearing stale quota groups: %s', exc)

    def _setup_problems(self):
        if shutil.which(self.btrfs.prefix[-1]) is None:
            return ['the btrfs command is not installed (btrfs-progs)']
        problems = []
        try:
            self.btrfs.check_quota(self.root)
        except exception.ShareDriverException as exc:
            return ['quotas are not usable on %s (run: btrfs quota enable '
                    '%s): %s' % (self.root, self.root, exc)]
        ids = {self.btrfs.subvolume_id(os.path.join(self.root, name))
               for name in ('shares', '.work')}
        if len(ids) != 1:
            problems.append('%s/shares and %s/.work are in different '
                            'subvolumes' % (self.root, self.root))
        if self.reload_command and shutil.which(
                self.reload_command[0]) is None:
            problems.append('btrfs_exports_reload_command %s is not found'
                            % self.reload_command[0])
        return problems

    def check_for_setup_error(self):
        problems = self._setup_problems()
        if problems:
            raise exception.ShareDriverException(reason='; '.join(problems))

    def get_pools(self):
        st = os.statvfs(self.root)
        total = st.f_blocks * st.f_frsize / GiB
        free = st.f_bavail * st.f_frsize / GiB
        return [self.make_pool(self.backend_name,
                               total_capacity_gb=round(total, 2),
                               free_capacity_gb=round(free, 2),
                               thin_provisioning=True)]

    # Shares ----------------------------------------------------------

    def _make_share(self, share, fill):
        """Fill a subvolume under .work, limit it, rename it into place."""
        path = self._share_path(share.id)
        temp = self._work_path('creating', share.id)
        self.btrfs.delete_subvolume(temp)
        fill(temp)
        try:
            self.btrfs.set_limit(temp, share.size * GiB)
            os.rename(temp, path)
        except BaseException:
            try:
                self.btrfs.delete_subvolume(temp)
            except Exception:
                LOG.exception('Could not delete %s', temp)
            raise
        # Subvolume creation is not durable before the next commit.
        _fsutils.sync_filesystem(self.root)

    def _new_subvolume(self, path):
        self.btrfs.create_subvolume(path)
        # World-writable like Manila's LVM shares: NFS clients are
        # root-squashed and must be able to write the top directory.
        os.chmod(path, 0o777)

    def create_share(self, share):
        path = self._share_path(share.id)
        if not os.path.lexists(path):
            self._make_share(share, self._new_subvolume)
        elif not _btrfs_cmd.is_subvolume(path):
            raise exception.ShareDriverException(
                reason='%s exists and is not a btrfs subvolume' % path)
        return self._export_locations(share)

    def ensure_share(self, share):
        self.get_share_path(share)
        return self._export_locations(share)

    def delete_share(self, share):
        path = self._share_path(share.id)
        self._apply_access(path, [], force_reload=False)
        self.btrfs.delete_subvolume(path)
        try:
            os.rmdir(self._snapshots_dir(share.id))
        except FileNotFoundError:
            pass
        except OSError:
            LOG.warning('Share %s was deleted but has snapshots left in %s',
                        share.id, self._snapshots_dir(share.id))

    # Access ----------------------------------------------------------

    def _apply_access(self, path, rules, force_reload):
        changed = _exports.set_share_access(self.exports_file, path, rules)
        if self.reload_command and (changed or force_reload):
            _fsutils.run(self.reload_command)

    def update_access(self, share, access_rules, add_rules, delete_rules):
        path = self._share_path(share.id)
        if access_rules and not _btrfs_cmd.is_subvolume(path):
            raise exception.ShareDriverException(
                reason='the subvolume of share %s is missing' % share.id)
        self._apply_access(path, list(access_rules), force_reload=False)

    # Snapshots -------------------------------------------------------

    def create_snapshot(self, snapshot):
        final = self._snapshot_path(snapshot)
        if not _btrfs_cmd.is_subvolume(final):
            source = self.get_share_path(snapshot.share)
            os.makedirs(os.path.dirname(final), exist_ok=True)
            # One ioctl that commits a transaction: the snapshot appears
            # complete under its final name, durably, or not at all.
            self.btrfs.snapshot(source, final, readonly=True)
        return base.SnapshotResult(provider_location=final)

    def delete_snapshot(self, snapshot):
        final = self._snapshot_path(snapshot)
        self.btrfs.delete_subvolume(final)
        try:
            os.rmdir(os.path.dirname(final))
        except OSError:
            pass

    def _snapshot_source(self, snapshot):
        source = self._snapshot_path(snapshot)
        if not _btrfs_cmd.is_subvolume(source):
            raise exception.ShareDriverException(
                reason='the subvolume of snapshot %s is missing'
                % snapshot.id)
        return source

    def create_share_from_snapshot(self, share, snapshot):
        path = self._share_path(share.id)
        if not os.path.lexists(path):
            source = self._snapshot_source(snapshot)
            self._make_share(share, lambda temp: self.btrfs.snapshot(
                source, temp, readonly=False))
        elif not _btrfs_cmd.is_subvolume(path):
            raise exception.ShareDriverException(
                reason='%s exists and is not a btrfs subvolume' % path)
        return self._export_locations(share)

    # Backup snapshots ------------------------------------------------

    def create_backup_snapshot(self, snapshot):
        final = self._backup_snapshot_path(snapshot)
        if not _btrfs_cmd.is_subvolume(final):
            source = self.get_share_path(snapshot.share)
            os.makedirs(os.path.dirname(final), exist_ok=True)
            # Atomic and constant-time, as for share snapshots.
            self.btrfs.snapshot(source, final, readonly=True)
        self._apply_access(final, list(snapshot.access_rules),
                           force_reload=False)
        return base.BackupSnapshotResult(export_locations=(
            base.ExportLocation(path=self._export_path(final),
                                is_admin_only=True),))

    def delete_backup_snapshot(self, snapshot):
        final = self._backup_snapshot_path(snapshot)
        self._apply_access(final, [], force_reload=False)
        self.btrfs.delete_subvolume(final)
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
        share_path = self.get_share_path(snapshot.share)
        source = self._snapshot_source(snapshot)
        work = self._work_path('revert', snapshot.share.id)
        outcome, _ = _btrfs_revert.resolve(self.btrfs, work, share_path,
                                           False)
        if outcome == _btrfs_revert.FAILED:
            raise exception.ShareDriverException(
                reason='an earlier revert left %s in an unknown state' % work)
        try:
            _btrfs_revert.prepare(
                self.btrfs, work, source, share_path, snapshot.size * GiB,
                {'snapshot_id': snapshot.id, 'size': snapshot.size})
            _btrfs_revert.swap(share_path, work)
            _fsutils.sync_filesystem(self.root)
        except BaseException:
            # The swap may have happened before the failure: then the
            # revert is done and only the clean-up is left.
            outcome, _ = _btrfs_revert.resolve(self.btrfs, work, share_path,
                                               False)
            if outcome != _btrfs_revert.COMPLETED:
                raise
        try:
            _btrfs_revert.remove_work(self.btrfs, work)
        except Exception:
            # The share is reverted; the next revert or a recovery
            # deletes the old subvolume.
            LOG.exception('Could not delete the old subvolume of share %s '
                          'in %s', snapshot.share.id, work)
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
            # A finished revert swapped an exported subvolume.
            try:
                _fsutils.run(self.reload_command)
            except exception.ShareDriverException:
                LOG.exception('Exports reload after recovery failed')
        return results

    def _recover_share(self, share_id):
        outcome, _ = _btrfs_revert.resolve(
            self.btrfs, self._work_path('revert', share_id),
            self._share_path(share_id), True)
        outcomes = [outcome]
        creating = self._work_path('creating', share_id)
        if os.path.lexists(creating):
            self.btrfs.delete_subvolume(creating)
            outcomes.append(self.RECOVERY_ROLLED_BACK)
        return max(outcomes, key=_OUTCOME_RANK.__getitem__)

    def _leftover_ids(self):
        found = set()
        for name in os.listdir(os.path.join(self.root, '.work')):
            kind, _, share_id = name.partition('-')
            if kind in ('revert', 'creating'):
                found.add(share_id)
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
        self.btrfs.set_limit(self.get_share_path(share), new_size * GiB)

    def shrink_share(self, share, new_size):
        path = self.get_share_path(share)
        # Limit first, then measure: once the limit is set the share
        # cannot grow past it, so the measure cannot go stale.
        self.btrfs.set_limit(path, new_size * GiB)
        used = self.btrfs.usage(path).referenced
        if used > new_size * GiB:
            self.btrfs.set_limit(path, share.size * GiB)
            raise base.ShareShrinkingPossibleDataLoss(
                share_id=share.id, new_size=new_size, used_bytes=used)

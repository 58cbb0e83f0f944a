"""NFSBackupDriver: backups as plain directory trees on a mounted target.

The target is ``backup_mount_export``, mounted for each operation with
``backup_mount_template`` under ``backup_mount_root`` (``mount -t nfs``
in production), or used directly as a local directory when the template
is empty (the embedded default: ``$state_path/backups``).

Layout on the target::

    <project_id>/<share_id>/<backup_id>/manifest.json   (committed backup)
    <project_id>/<share_id>/<backup_id>/data/...        (the share's tree)
    <project_id>/<share_id>/<backup_id>.partial/        (being written)
    <project_id>/<share_id>/<backup_id>.deleting/       (being deleted)

A backup is written under ``<backup_id>.partial``; its manifest is
written last (temp, fsync, rename, fsync), then the directory is renamed
to ``<backup_id>`` and its parent fsynced.  So a ``<backup_id>``
directory always holds a complete backup, and anything with a suffix is
debris that :meth:`NFSBackupDriver.cleanup_partial` removes.  Deletion
first renames the backup to ``.deleting``, so a crash in the middle never
leaves a half-deleted tree that looks complete.

Incremental backups (``parent_id`` set and the parent complete on the
target) hard-link unchanged files from the parent's tree; see
``engine.backup_tree``.  An incremental request whose parent is missing
or damaged makes a full backup, which the result reports.
"""

import contextlib
import os
import re
import shutil

from oslo_log import log as logging

from manila_bk.data.backup import base
from manila_bk.data.backup.engine import backup_tree
from manila_bk.data.backup.engine import filecopy
from manila_bk.data.backup.engine import manifest as manifest_mod
from manila_bk.data.backup.engine import progress as progress_mod
from manila_bk.data.backup.engine import restore_tree
from manila_bk.data.backup.engine import verify_tree
from manila_bk.data.backup import mount
from manila_bk import exception

LOG = logging.getLogger(__name__)

MANIFEST = 'manifest.json'
DATA = 'data'
PARTIAL = '.partial'
DELETING = '.deleting'
_COMPONENT = re.compile(r'^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,254}$')


def _component(value, what):
    """``value`` if it is safe as one path component, else InvalidInput."""
    if not isinstance(value, str) or not _COMPONENT.match(value) or \
            value.endswith((PARTIAL, DELETING)):
        raise exception.InvalidInput(
            reason='%s %r cannot name a backup directory' % (what, value))
    return value


def _remove_tree(path):
    """Remove ``path`` if present; True if something was removed."""
    try:
        shutil.rmtree(path)
    except FileNotFoundError:
        return False
    except NotADirectoryError:
        os.unlink(path)
    return True


def _fsync_parent(path):
    manifest_mod.fsync_dir(os.path.dirname(path))


def _total_bytes(manifest):
    """The bytes a verification reads; 0 when the trailer is unreadable.

    The verification itself then reports why.
    """
    try:
        return int(manifest.trailer()['total_bytes'])
    except (manifest_mod.ManifestInvalid, KeyError, TypeError, ValueError):
        return 0


class NFSBackupDriver(base.BackupDriver):
    """Backups as directory trees with manifests on an NFS export."""

    def __init__(self, configuration, backend_name):
        super().__init__(configuration, backend_name)
        self.export = self.config_get('backup_mount_export')
        self.mount_template = self.config_get('backup_mount_template', '')
        self.unmount_template = self.config_get('backup_unmount_template',
                                                'umount %(path)s')
        self.proto = self.config_get('backup_mount_proto', 'nfs')
        self.options = self.config_get('backup_mount_options', '')
        self.threads = int(self.config_get('backup_copy_threads', 4))
        self.algorithm = self.config_get('backup_checksum_algorithm',
                                         'sha256')
        self.verify_on_restore = bool(
            self.config_get('backup_verify_on_restore', True))
        self.metadata_prefetch = bool(
            self.config_get('backup_metadata_prefetch', True))
        self.mount_timeout = int(self.config_get('backup_mount_timeout',
                                                 mount.DEFAULT_TIMEOUT))

    @property
    def mount_root(self):
        root = self.config_get('backup_mount_root')
        if root:
            return root
        from manila_bk import conf  # the [DEFAULT] option, read lazily
        return conf.CONF.backup_mount_root

    @property
    def compare_content(self):
        """backup_incremental_compare_content (section, else DEFAULT)."""
        value = self.config_get('backup_incremental_compare_content')
        if value is not None:
            return bool(value)
        from manila_bk import conf  # the [DEFAULT] option, read lazily
        return bool(getattr(conf.CONF, 'backup_incremental_compare_content',
                            False))

    @contextlib.contextmanager
    def _target(self):
        """Yield the target directory, mounted for the block if needed."""
        with mount.mounted(self.export, 'backup-target',
                           self.mount_template, self.unmount_template,
                           self.mount_root if self.mount_template else None,
                           proto=self.proto, options=self.options,
                           timeout=self.mount_timeout) as root:
            yield root

    def _backup_dir(self, root, backup):
        return os.path.join(root, _component(backup.project_id, 'project'),
                            _component(backup.share_id, 'share'),
                            _component(backup.id, 'backup'))

    # Setup -----------------------------------------------------------

    def do_setup(self):
        if not self.mount_template and self.export:
            os.makedirs(mount.export_to_local_path(self.export),
                        mode=0o700, exist_ok=True)

    def check_for_setup_error(self):
        if not self.export:
            raise base.BackupDriverException(
                reason='[%s] backup_mount_export is not set' %
                self.backend_name)
        if self.algorithm not in filecopy.ALGORITHMS:
            raise base.BackupDriverException(
                reason='[%s] backup_checksum_algorithm %r is not one of %s'
                % (self.backend_name, self.algorithm,
                   ', '.join(filecopy.ALGORITHMS)))
        with self._target() as root:
            probe = os.path.join(root, '.manila-bk-probe-%d' % os.getpid())
            try:
                with open(probe, 'wb') as f:
                    f.write(b'probe')
                os.unlink(probe)
            except OSError as exc:
                raise base.BackupDriverException(
                    reason='the backup target %s is not writable: %s' % (
                        self.export, exc))

    # Reading ---------------------------------------------------------

    @staticmethod
    def _read_manifest(backup_dir, strict=False):
        """The Manifest of a complete backup dir, or None (logged).

        ``strict`` raises ManifestFormatUnsupported instead of returning
        None for a manifest of an unknown major format version.
        """
        if not os.path.isdir(os.path.join(backup_dir, DATA)):
            return None
        try:
            manifest = manifest_mod.Manifest(
                os.path.join(backup_dir, MANIFEST))
            manifest.trailer()
        except manifest_mod.ManifestInvalid as exc:
            if os.path.exists(backup_dir):
                LOG.warning('%s', exc)
            return None
        except base.ManifestFormatUnsupported as exc:
            if strict:
                raise
            LOG.error('%s', exc)
            return None
        return manifest

    def exists(self, backup):
        with self._target() as root:
            return self._read_manifest(self._backup_dir(root, backup)) \
                is not None

    def verify(self, backup):
        with self._target() as root:
            backup_dir = self._backup_dir(root, backup)
            try:
                manifest = manifest_mod.Manifest(
                    os.path.join(backup_dir, MANIFEST))
            except base.BackupDriverException as exc:
                return [str(exc)]
            if not os.path.isdir(os.path.join(backup_dir, DATA)):
                return ['the data tree of backup %s is missing' % backup.id]
            progress = progress_mod.Progress(None,
                                             'Verify of %s' % backup.id)
            progress.start(_total_bytes(manifest))
            problems = verify_tree.verify(os.path.join(backup_dir, DATA),
                                          manifest, self.threads, progress)
            progress.finish()
            return problems

    def list_backups(self):
        headers = []
        with self._target() as root:
            for backup_dir in self._complete_dirs(root):
                manifest = self._read_manifest(backup_dir)
                if manifest is not None:
                    headers.append(dict(manifest.header))
        return headers

    @staticmethod
    def _complete_dirs(root):
        for project in sorted(os.listdir(root)):
            project_dir = os.path.join(root, project)
            if not _COMPONENT.match(project) or \
                    not os.path.isdir(project_dir):
                continue
            for share in sorted(os.listdir(project_dir)):
                share_dir = os.path.join(project_dir, share)
                if not os.path.isdir(share_dir):
                    continue
                for name in sorted(os.listdir(share_dir)):
                    if _COMPONENT.match(name) and \
                            not name.endswith((PARTIAL, DELETING)):
                        yield os.path.join(share_dir, name)

    # Backup ----------------------------------------------------------

    def backup(self, backup, source, progress_cb):
        progress = progress_mod.Progress(progress_cb,
                                         'Backup %s' % backup.id)
        with self._target() as root:
            final = self._backup_dir(root, backup)
            done = self._read_manifest(final)
            if done is not None:
                LOG.info('Backup %s is already complete on the target',
                         backup.id)
                progress.finish()
                return self._result(done, 0)
            if os.path.lexists(final):
                raise base.BackupDriverException(
                    reason='%s exists on the target but is not a complete '
                    'backup; delete the backup first' % final)
            parent = self._parent(root, backup)
            try:
                stats = self._write(final, backup, source, parent, progress)
            except backup_tree.ParentUnusable as exc:
                LOG.warning('%s; backup %s is made full instead', exc,
                            backup.id)
                parent = None
                stats = self._write(final, backup, source, None, progress)
            progress.finish()
            backup_type = base.BACKUP_TYPE_INCREMENTAL if parent \
                else base.BACKUP_TYPE_FULL
            return base.BackupResult(
                size_bytes=stats.total_bytes, file_count=stats.entries - 1,
                backup_type=backup_type,
                parent_id=backup.parent_id if parent else None,
                bytes_copied=stats.bytes_copied)

    def _parent(self, root, backup):
        if not backup.parent_id:
            return None
        parent_dir = self._backup_dir(
            root, base.BackupSpec(id=backup.parent_id,
                                  share_id=backup.share_id,
                                  project_id=backup.project_id, size=0))
        manifest = self._read_manifest(parent_dir)
        if manifest is not None:
            # Checked as the backup reads it, once (ParentUnusable).
            return backup_tree.ParentTree(os.path.join(parent_dir, DATA),
                                          manifest)
        LOG.warning('Parent backup %s of backup %s is not usable on the '
                    'target; a full backup is made', backup.parent_id,
                    backup.id)
        return None

    def _header(self, backup, parent):
        created = backup.created_at
        return {
            'backup_id': backup.id, 'share_id': backup.share_id,
            'project_id': backup.project_id, 'size': backup.size,
            'parent_id': backup.parent_id if parent else None,
            'backup_type': (base.BACKUP_TYPE_INCREMENTAL if parent
                            else base.BACKUP_TYPE_FULL),
            'created_at': created.isoformat() if created else None,
            'checksum_algorithm': self.algorithm,
        }

    def _write(self, final, backup, source, parent, progress):
        partial = final + PARTIAL
        _remove_tree(partial)
        os.makedirs(os.path.join(partial, DATA), mode=0o700)
        writer = manifest_mod.ManifestWriter(
            os.path.join(partial, MANIFEST), self._header(backup, parent))
        try:
            stats = backup_tree.BackupRun(
                source.path, os.path.join(partial, DATA), writer,
                self.algorithm, self.threads, progress, parent,
                compare_content=bool(parent) and self.compare_content,
                prefetch=self.metadata_prefetch).run()
            writer.publish()
            os.rename(partial, final)
            _fsync_parent(final)
        except BaseException:
            writer.abort()
            with contextlib.suppress(OSError):
                _remove_tree(partial)
            raise
        return stats

    @staticmethod
    def _result(manifest, bytes_copied):
        header, trailer = manifest.header, manifest.trailer()
        return base.BackupResult(
            size_bytes=trailer['total_bytes'],
            file_count=trailer['entries'] - 1,
            backup_type=header.get('backup_type', base.BACKUP_TYPE_FULL),
            parent_id=header.get('parent_id'), bytes_copied=bytes_copied)

    # Restore ---------------------------------------------------------

    def restore(self, backup, target, progress_cb):
        progress = progress_mod.Progress(progress_cb,
                                         'Restore of %s' % backup.id)
        with self._target() as root:
            backup_dir = self._backup_dir(root, backup)
            manifest = self._read_manifest(backup_dir, strict=True)
            if manifest is None:
                raise base.BackupNotFoundOnTarget(backup_id=backup.id)
            restore_tree.RestoreRun(
                backup.id, os.path.join(backup_dir, DATA), manifest,
                target.path, self.threads, progress,
                verify_first=self.verify_on_restore).run()
        progress.finish()

    # Delete ----------------------------------------------------------

    def delete(self, backup):
        with self._target() as root:
            final = self._backup_dir(root, backup)
            deleting = final + DELETING
            if os.path.lexists(final):
                _remove_tree(deleting)
                os.rename(final, deleting)
                _fsync_parent(final)
            _remove_tree(deleting)
            _remove_tree(final + PARTIAL)

    def cleanup_partial(self, backup_id):
        _component(backup_id, 'backup')
        removed = False
        with self._target() as root:
            for project in os.listdir(root):
                project_dir = os.path.join(root, project)
                if not os.path.isdir(project_dir):
                    continue
                for share in os.listdir(project_dir):
                    for suffix in (PARTIAL, DELETING):
                        path = os.path.join(project_dir, share,
                                            backup_id + suffix)
                        if os.path.lexists(path):
                            LOG.info('Removing %s', path)
                            removed = _remove_tree(path) or removed
        return removed

"""The backup driver contract.

A backup driver copies a share's tree to a backup target and back.  It
runs inside the data service, which hands it plain frozen records
(:class:`BackupSpec`, :class:`ShareSource`) and stores what it returns
(:class:`BackupResult`).  It never touches the database, RPC or the API.

The data service resolves the share side before calling the driver: it
grants itself access, mounts the share's export (or uses a local path) and
passes the directory as a :class:`ShareSource`.  The target side (where
backups live) is the driver's own business.

Every complete backup carries a manifest, written last: a backup without a
complete, readable manifest does not exist (:meth:`BackupDriver.exists`),
and the manifest alone is enough to re-import a backup after the database
is lost (:meth:`BackupDriver.list_backups`).
"""

import abc
import dataclasses
import datetime

from manila_bk import exception

BACKUP_TYPE_FULL = 'full'
BACKUP_TYPE_INCREMENTAL = 'incremental'
BACKUP_TYPES = (BACKUP_TYPE_FULL, BACKUP_TYPE_INCREMENTAL)


class BackupDriverException(exception.ManilaBkException):
    message = 'Backup driver error: %(reason)s'


class BackupCorrupted(BackupDriverException):
    """The copy on the target does not match its manifest."""

    message = 'Backup %(backup_id)s is damaged: %(reason)s'


class BackupNotFoundOnTarget(BackupDriverException):
    """No complete copy of the backup (with a manifest) is on the target."""

    message = ('Backup %(backup_id)s has no complete copy on the backup '
               'target.')


class ManifestFormatUnsupported(BackupDriverException):
    """A manifest has a major format version this release cannot read."""

    message = ('Backup manifest %(path)s has format version %(version)s; '
               'this release reads format %(supported)s.x only.')


class BackupMountError(BackupDriverException):
    message = 'Could not %(action)s %(target)s: %(reason)s'


@dataclasses.dataclass(frozen=True)
class BackupSpec:
    """What a backup driver knows about one backup; ``size`` is in GiB.

    ``parent_id`` names the backup an incremental backup builds on (of the
    same share); ``backup_type`` is 'full' or 'incremental'.
    """

    id: str
    share_id: str
    project_id: str
    size: int
    parent_id: str | None = None
    backup_type: str = BACKUP_TYPE_FULL
    created_at: datetime.datetime | None = None


@dataclasses.dataclass(frozen=True)
class ShareSource:
    """A directory on this host holding a share's data (read or written)."""

    share_id: str
    path: str


@dataclasses.dataclass(frozen=True)
class BackupResult:
    """What a driver reports about a finished backup.

    ``size_bytes`` is the logical size of the backed-up tree (the sum of
    file sizes, each hardlinked inode counted once), ``file_count`` the
    number of entries below the root (files, directories, links).
    ``backup_type``/``parent_id`` tell what was really made: an
    incremental request whose parent is not on the target becomes a full
    backup.  ``bytes_copied`` is the part of
    ``size_bytes`` that was read from the share (the rest was linked from
    the parent).
    """

    size_bytes: int
    file_count: int
    backup_type: str
    parent_id: str | None
    bytes_copied: int = 0


class BackupDriver(abc.ABC):
    """Base of every backup driver.

    ``configuration`` gives attribute access to the options of the backup
    back end's section (``cfg.CONF.get(section)`` once
    ``manila_bk.conf.backup.register_backend_opts`` has run; any object
    with those attributes in tests); ``backend_name`` is the section name.
    The constructor does no I/O: :meth:`do_setup` then
    :meth:`check_for_setup_error` run at start.

    ``progress_cb`` arguments are called with an int percentage (0-100)
    that never decreases, at most about once per percent or per second,
    and with 100 exactly once when the operation succeeded.
    """

    def __init__(self, configuration, backend_name):
        self.configuration = configuration
        self.backend_name = backend_name

    def config_get(self, name, default=None):
        """Return option ``name`` of the back end, or ``default``."""
        value = getattr(self.configuration, name, None)
        return default if value is None else value

    @abc.abstractmethod
    def do_setup(self):
        """Prepare the target (create directories, check tools)."""

    @abc.abstractmethod
    def check_for_setup_error(self):
        """Raise BackupDriverException if the target cannot be used."""

    @abc.abstractmethod
    def backup(self, backup, source, progress_cb):
        """Copy the tree at ``source.path`` into a new backup.

        Returns a :class:`BackupResult`.  The backup becomes visible
        (:meth:`exists`) only when it is complete.  On failure nothing
        partial is left behind where possible; what a crash leaves is
        removed by :meth:`cleanup_partial`.  Backing up an id that already
        exists completely returns its result without copying again.
        """

    @abc.abstractmethod
    def restore(self, backup, target, progress_cb):
        """Make the tree at ``target.path`` an exact copy of ``backup``.

        Files and directories that are not in the backup are removed.
        Raises BackupNotFoundOnTarget if the backup is not complete, and
        BackupCorrupted, before changing anything in the target, when the
        backup's data does not match its manifest.
        """

    @abc.abstractmethod
    def delete(self, backup):
        """Delete ``backup`` from the target; an absent backup is success."""

    @abc.abstractmethod
    def verify(self, backup):
        """Check the backup's data against its manifest.

        Returns a list of problems found (strings); empty means good.
        """

    @abc.abstractmethod
    def exists(self, backup):
        """Whether a complete backup (valid manifest) is on the target."""

    @abc.abstractmethod
    def cleanup_partial(self, backup_id):
        """Remove any partial tree a crashed backup or delete left behind.

        Never removes a complete backup.  Returns True if something was
        removed.
        """

    @abc.abstractmethod
    def list_backups(self):
        """Yield the manifest header (a dict) of every complete backup."""

"""The share driver contract.

A share driver turns plain requests ("create this share", "revert it to
that snapshot") into work on one storage back end.  It never touches the
database, RPC or the API: the share manager hands it the frozen records
below and stores what it returns.

Every driver implements :class:`ShareDriver`.  What else it can do is told
by the optional capability interfaces it also inherits
(:class:`SnapshotInterface`, :class:`RevertInterface`, ...): the manager
checks them with ``isinstance`` and :meth:`ShareDriver.capabilities` derives
the pool flags reported to placement from them, so a driver never sets
``snapshot_support`` and friends by hand.
"""

import abc
import dataclasses
import re

from manila_bk import exception

ACCESS_LEVELS = ('rw', 'ro')

_UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-'
                      r'[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')


class ShareShrinkingPossibleDataLoss(exception.ShareDriverException):
    """Shrinking would leave less room than the data already uses."""

    message = ('Share %(share_id)s could not be shrunk to %(new_size)s GiB '
               'due to possible data loss: %(used_bytes)s bytes are in use.')


def validate_uuid(value, kind='share'):
    """Return ``value`` if it is a UUID string, else raise InvalidInput.

    Drivers call this before an id becomes a path component or a name on
    the back end, so that no id can climb out of the driver's tree.
    """
    if not isinstance(value, str) or not _UUID_RE.match(value):
        raise exception.InvalidInput(
            reason='%s id %r is not a UUID' % (kind, value))
    return value


@dataclasses.dataclass(frozen=True)
class ExportLocation:
    """One path a client mounts the share from."""

    path: str
    is_admin_only: bool = False
    preferred: bool = True

    def to_dict(self):
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class ShareSpec:
    """What a driver knows about a share; ``size`` is in GiB."""

    id: str
    size: int
    share_proto: str
    name: str | None = None
    export_locations: tuple = ()


@dataclasses.dataclass(frozen=True)
class SnapshotSpec:
    """A snapshot of ``share``; ``size`` is the share's size when taken."""

    id: str
    share: ShareSpec
    size: int
    provider_location: str | None = None


@dataclasses.dataclass(frozen=True)
class AccessRule:
    """One access rule; ``access_level`` is 'rw' or 'ro'."""

    id: str
    access_type: str
    access_to: str
    access_level: str


@dataclasses.dataclass(frozen=True)
class SnapshotResult:
    """What a driver reports about a new snapshot."""

    provider_location: str | None = None
    export_locations: tuple[ExportLocation, ...] = ()


@dataclasses.dataclass(frozen=True)
class BackupSnapshotSpec:
    """The temporary snapshot of ``share`` that backup ``backup_id`` reads.

    ``access_rules`` (read-only AccessRule records) say which data nodes
    may mount it; none means it is read through a local path.
    """

    backup_id: str
    share: ShareSpec
    access_rules: tuple = ()


@dataclasses.dataclass(frozen=True)
class BackupSnapshotResult:
    """Where the data service reads a backup's temporary snapshot."""

    export_locations: tuple[ExportLocation, ...] = ()


@dataclasses.dataclass(frozen=True)
class PoolCapabilities:
    """The capabilities and capacity of one pool, reported to placement."""

    pool_name: str
    total_capacity_gb: float
    free_capacity_gb: float
    reserved_percentage: int
    snapshot_support: bool
    create_share_from_snapshot_support: bool
    revert_to_snapshot_support: bool
    mount_snapshot_support: bool
    storage_protocol: str
    share_backend_name: str
    driver_handles_share_servers: bool = False
    vendor_name: str = 'manila_bk'
    driver_version: str = '1.0'
    qos: bool = False
    thin_provisioning: bool = False

    def to_dict(self):
        return dataclasses.asdict(self)


class SnapshotInterface(abc.ABC):
    """The driver takes snapshots of shares."""

    @abc.abstractmethod
    def create_snapshot(self, snapshot):
        """Take ``snapshot`` (a SnapshotSpec); return a SnapshotResult.

        A failure must leave no snapshot behind under the final name.
        """

    @abc.abstractmethod
    def delete_snapshot(self, snapshot):
        """Delete ``snapshot``; a snapshot that is already gone is success."""


class CreateFromSnapshotInterface(abc.ABC):
    """The driver creates new shares holding a snapshot's data."""

    @abc.abstractmethod
    def create_share_from_snapshot(self, share, snapshot):
        """Create ``share`` with ``snapshot``'s data; return its exports."""


class RevertInterface(abc.ABC):
    """The driver reverts a share in place to one of its snapshots."""

    @abc.abstractmethod
    def revert_to_snapshot(self, context, snapshot, share_access_rules,
                           snapshot_access_rules, share_server=None):
        """Make ``snapshot.share`` hold exactly the snapshot's data again.

        Manila's signature: ``context`` may be None;
        ``share_access_rules`` is the full list of the share's AccessRule
        records, for drivers that must re-apply them afterwards;
        ``snapshot_access_rules`` those of the snapshot.  The snapshot
        itself is kept.  A failure must leave the share either untouched
        or completely reverted.
        """


class ReplicatedRevertInterface(abc.ABC):
    """The driver reverts replicated shares (no driver implements it)."""

    @abc.abstractmethod
    def revert_to_replicated_snapshot(self, context, active_replica,
                                      replica_list, active_replica_snapshot,
                                      replica_snapshots, share_access_rules,
                                      snapshot_access_rules,
                                      share_server=None):
        """Revert the active replica, with Manila's signature."""


class ResizeInterface(abc.ABC):
    """The driver changes the size of shares."""

    @abc.abstractmethod
    def extend_share(self, share, new_size):
        """Grow ``share`` to ``new_size`` GiB."""

    @abc.abstractmethod
    def shrink_share(self, share, new_size):
        """Shrink ``share`` to ``new_size`` GiB.

        Raises ShareShrinkingPossibleDataLoss, changing nothing, when the
        share holds more data than ``new_size`` GiB.
        """


class RecoveryInterface(abc.ABC):
    """The driver can tidy work a crash left half done on the back end."""

    RECOVERY_CLEAN = 'clean'
    RECOVERY_COMPLETED = 'completed'
    RECOVERY_ROLLED_BACK = 'rolled_back'

    @abc.abstractmethod
    def recover(self, share_ids):
        """Finish or roll back half-done work of the given shares.

        Called by the share service at start, before it serves requests.
        Returns ``{share_id: outcome}`` for every id given, where outcome
        is 'completed' (an interrupted operation was finished),
        'rolled_back' (it was undone; the share is as before it) or
        'clean' (nothing was pending: the share is consistent, and an
        operation that may have run already can be repeated safely).
        """


class LocalPathInterface(abc.ABC):
    """The share's data is reachable as a directory on this host."""

    @abc.abstractmethod
    def get_share_path(self, share):
        """Return the absolute path on this host holding the share's data."""


class BackupSnapshotInterface(abc.ABC):
    """The driver takes temporary snapshots for share backups.

    Such a snapshot belongs to one backup, not to the tenant: it is not a
    share snapshot (no database row, no quota, never listed or reverted
    to) and does not keep the share from being deleted.  The share
    service deletes it when the backup ends, and any left after a crash
    (see :meth:`list_backup_snapshots`).  A driver without this interface
    makes the data service back up from the live share.
    """

    @abc.abstractmethod
    def create_backup_snapshot(self, snapshot):
        """Take ``snapshot`` (a BackupSnapshotSpec); return its result.

        Export the snapshot read-only to ``snapshot.access_rules``.
        Taking a snapshot that already exists returns its exports; a
        failure leaves nothing under the final name.
        """

    @abc.abstractmethod
    def delete_backup_snapshot(self, snapshot):
        """Unexport and delete ``snapshot``, complete or partial.

        A snapshot that is already gone is success.
        """

    @abc.abstractmethod
    def list_backup_snapshots(self):
        """Return ``[(share_id, backup_id)]`` of every backup snapshot.

        Partial ones (being made or deleted) are listed too.
        """


class ShareDriver(abc.ABC):
    """Base of every share driver.

    ``configuration`` gives attribute access to the options of the back
    end's manila.conf section (``cfg.CONF.get(section)`` once
    ``manila_bk.conf.share.register_backend_opts`` has run; any object with
    those attributes in tests).  ``backend_name`` is the section name and
    ``host`` the service's host name.  The constructor does no I/O:
    :meth:`do_setup` then :meth:`check_for_setup_error` run at start.
    """

    storage_protocol = 'NFS'
    vendor_name = 'manila_bk'
    driver_version = '1.0'
    #: Whether snapshots can be mounted; there is no interface for it yet.
    mount_snapshot_support = False

    def __init__(self, configuration, backend_name, host):
        self.configuration = configuration
        self.backend_name = backend_name
        self.host = host

    def config_get(self, name, default=None):
        """Return option ``name`` of the back end, or ``default``."""
        value = getattr(self.configuration, name, None)
        return default if value is None else value

    @property
    def share_backend_name(self):
        return self.config_get('share_backend_name', self.backend_name)

    def capabilities(self):
        """Return the support flags every pool of this driver reports."""
        snapshots = isinstance(self, SnapshotInterface)
        return {
            'snapshot_support': snapshots,
            'create_share_from_snapshot_support':
                snapshots and isinstance(self, CreateFromSnapshotInterface),
            'revert_to_snapshot_support':
                snapshots and isinstance(self, RevertInterface),
            'mount_snapshot_support':
                snapshots and bool(self.mount_snapshot_support),
        }

    def make_pool(self, pool_name, total_capacity_gb, free_capacity_gb,
                  **overrides):
        """Build a PoolCapabilities with this driver's flags and names."""
        fields = dict(
            pool_name=pool_name,
            total_capacity_gb=total_capacity_gb,
            free_capacity_gb=free_capacity_gb,
            reserved_percentage=int(
                self.config_get('reserved_share_percentage', 0)),
            storage_protocol=self.storage_protocol,
            share_backend_name=self.share_backend_name,
            vendor_name=self.vendor_name,
            driver_version=self.driver_version,
        )
        fields.update(self.capabilities())
        fields.update(overrides)
        return PoolCapabilities(**fields)

    @abc.abstractmethod
    def do_setup(self):
        """Prepare the back end (create directories, connect, ...)."""

    @abc.abstractmethod
    def check_for_setup_error(self):
        """Raise ShareDriverException if the back end cannot be served."""

    @abc.abstractmethod
    def create_share(self, share):
        """Create an empty ``share``; return a list of ExportLocation.

        Creating a share that already exists returns its exports.
        """

    @abc.abstractmethod
    def delete_share(self, share):
        """Delete ``share`` and its data; an absent share is success."""

    @abc.abstractmethod
    def ensure_share(self, share):
        """Check ``share`` is present and exported; return its exports.

        Raises ShareDriverException when the share's data is missing.
        """

    @abc.abstractmethod
    def get_pools(self):
        """Return a list of PoolCapabilities, one per pool."""

    @abc.abstractmethod
    def update_access(self, share, access_rules, add_rules, delete_rules):
        """Make ``access_rules`` (the full list) the share's access.

        ``add_rules`` and ``delete_rules`` tell what changed; drivers
        render the full list.  Raises InvalidShareAccess, changing
        nothing, when a rule cannot be applied.
        """

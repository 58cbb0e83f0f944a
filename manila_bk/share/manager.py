"""The share service's manager: one per share back end.

RPC methods mirror :class:`manila_bk.share.rpcapi.ShareAPI`.  Each re-reads
the record, checks it is in the transitional status the API side set, and
hands the work to a flow (:mod:`manila_bk.share.flows`) in the bounded job
pool, so RPC threads return at once.  At start the driver is set up and
what this host left unfinished is reconciled before RPC is consumed.
"""

import threading
import time

from oslo_concurrency import lockutils
from oslo_log import log as logging
import oslo_messaging as messaging
from oslo_serialization import jsonutils
from oslo_service import periodic_task

from manila_bk.common import states
from manila_bk.common import utils
from manila_bk import conf
from manila_bk.conf import share as share_conf
from manila_bk import context as ctx_module
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk import manager
from manila_bk.share import drivers
from manila_bk.share.flows import access
from manila_bk.share.flows import backup_snapshots
from manila_bk.share.flows import create_delete
from manila_bk.share.flows import recovery
from manila_bk.share.flows import resize
from manila_bk.share.flows import revert
from manila_bk.share.flows import snapshots
from manila_bk.share import rpcapi

CONF = conf.CONF
LOG = logging.getLogger(__name__)

# Statuses from which an expired soft-deleted share is deleted (Manila's
# deletable statuses).
_EXPIRED_DELETABLE = (states.STATUS_AVAILABLE, states.STATUS_ERROR,
                      states.STATUS_INACTIVE)


class ShareManager(manager.Manager):
    """Serves one share back end: ``host`` is ``<CONF.host>@<section>``."""

    RPC_API_VERSION = rpcapi.ShareAPI.RPC_API_VERSION
    target = messaging.Target(version=RPC_API_VERSION)

    #: Seconds a pool report is reused before the driver is asked again.
    CAPABILITIES_TTL = 5.0

    def __init__(self, host, backend_section):
        super().__init__(host)
        self.backend_section = backend_section
        share_conf.register_backend_opts(CONF, backend_section)
        self.configuration = CONF.get(backend_section)
        if self.configuration.driver_handles_share_servers:
            raise exception.ConfigError(
                reason='[%s] driver_handles_share_servers: manila_bk serves '
                       'only back ends that do not handle share servers '
                       '(False)' % backend_section)
        self.driver = drivers.load_driver(self.configuration.share_driver,
                                          self.configuration,
                                          backend_section, host)
        self._caps_lock = threading.Lock()
        self._caps = None
        self._caps_at = 0.0

    # Start-up ------------------------------------------------------------

    def reconcile(self):
        """Set the driver up, then resolve this host's unfinished records.

        See :mod:`manila_bk.share.flows.recovery` for what happens to each
        transitional status.  A driver that cannot be set up stops the
        service from starting.
        """
        self.driver.do_setup()
        self.driver.check_for_setup_error()
        ctx = ctx_module.get_admin_context()
        recovery.reconcile_host(ctx, self.driver, self.host)
        try:
            backup_snapshots.delete_orphans(ctx, self.driver)
        except Exception:
            LOG.exception('Could not look for orphaned backup snapshots; '
                          'the periodic task looks again')
        self._invalidate_capabilities()

    # Jobs ----------------------------------------------------------------

    def _submit(self, flow, context, *args, lock_share=None):
        return self.run_job(self._job, flow, context, *args,
                            lock_share=lock_share)

    def _job(self, flow, context, *args, lock_share=None):
        try:
            if lock_share is None:
                return flow(context, self.driver, *args)
            # Drivers render the full rule list: one access change (or
            # revert, which re-applies rules) per share at a time.
            with lockutils.lock('share-access-%s' % lock_share):
                return flow(context, self.driver, *args)
        finally:
            self._invalidate_capabilities()

    def _answer(self, flow, context, *args):
        """Run ``flow`` in the job pool and return its result (RPC call)."""
        return self._submit(flow, context, *args).result()

    def _get_share(self, context, share_id, expected):
        try:
            share = db.share_get(context.elevated(), share_id)
        except exception.ShareNotFound:
            LOG.warning('Share %s not found; request dropped', share_id)
            return None
        if expected is not None and share.status != expected:
            LOG.warning('Share %s is %s, not %s; request dropped', share_id,
                        share.status, expected)
            return None
        return share

    def _get_snapshot(self, context, snapshot_id, expected):
        try:
            snapshot = db.share_snapshot_get(context.elevated(), snapshot_id)
        except exception.ShareSnapshotNotFound:
            LOG.warning('Snapshot %s not found; request dropped', snapshot_id)
            return None
        if snapshot.status != expected:
            LOG.warning('Snapshot %s is %s, not %s; request dropped',
                        snapshot_id, snapshot.status, expected)
            return None
        return snapshot

    # RPC API (see rpcapi.ShareAPI) ---------------------------------------

    def create_share(self, context, share_id):
        """Create share ``share_id`` (creating) on the back end."""
        if self._get_share(context, share_id, states.STATUS_CREATING):
            self._submit(create_delete.create_share, context, share_id)

    def delete_share(self, context, share_id, force=False):
        """Delete share ``share_id`` (deleting); ``force`` ignores errors."""
        if self._get_share(context, share_id, states.STATUS_DELETING):
            self._submit(create_delete.delete_share, context, share_id,
                         bool(force))

    def extend_share(self, context, share_id, new_size):
        """Grow share ``share_id`` (extending) to ``new_size`` GiB."""
        if self._get_share(context, share_id, states.STATUS_EXTENDING):
            self._submit(resize.extend_share, context, share_id,
                         int(new_size))

    def shrink_share(self, context, share_id, new_size):
        """Shrink share ``share_id`` (shrinking) to ``new_size`` GiB."""
        if self._get_share(context, share_id, states.STATUS_SHRINKING):
            self._submit(resize.shrink_share, context, share_id,
                         int(new_size))

    def create_snapshot(self, context, snapshot_id):
        """Take snapshot ``snapshot_id`` (creating)."""
        if self._get_snapshot(context, snapshot_id, states.STATUS_CREATING):
            self._submit(snapshots.create_snapshot, context, snapshot_id)

    def delete_snapshot(self, context, snapshot_id, force=False):
        """Delete snapshot ``snapshot_id`` (deleting)."""
        if self._get_snapshot(context, snapshot_id, states.STATUS_DELETING):
            self._submit(snapshots.delete_snapshot, context, snapshot_id,
                         bool(force))

    def update_access(self, context, share_id):
        """Apply the queued access rule changes of share ``share_id``."""
        if self._get_share(context, share_id, None):
            self._submit(access.update_access, context, share_id,
                         lock_share=share_id)

    def revert_to_snapshot(self, context, share_id, snapshot_id):
        """Revert share ``share_id`` (reverting) to ``snapshot_id``."""
        share = self._get_share(context, share_id, states.STATUS_REVERTING)
        if share and self._get_snapshot(context, snapshot_id,
                                        states.STATUS_RESTORING):
            self._submit(revert.revert_to_snapshot, context, share_id,
                         snapshot_id, lock_share=share_id)

    def create_backup_snapshot(self, context, share_id, backup_id,
                               access_to=None):
        """Take backup ``backup_id``'s temporary snapshot of ``share_id``.

        An RPC call (see rpcapi.ShareAPI.create_backup_snapshot): answers
        the snapshot's export locations, or why there is none.
        """
        if self._get_share(context, share_id, None) is None:
            return {'error': 'share %s is not found' % share_id}
        return self._answer(backup_snapshots.create_backup_snapshot,
                            context, share_id, backup_id,
                            list(access_to or ()))

    def delete_backup_snapshot(self, context, share_id, backup_id):
        """Delete backup ``backup_id``'s temporary snapshot of ``share_id``.

        A call or a cast; deleting a snapshot that is gone succeeds.
        """
        return self._answer(backup_snapshots.delete_backup_snapshot,
                            context, share_id, backup_id)

    # Capabilities ----------------------------------------------------------

    def _invalidate_capabilities(self):
        with self._caps_lock:
            self._caps = None

    def service_capabilities(self):
        """JSON list of the back end's pools (PoolCapabilities dicts).

        Reused for CAPABILITIES_TTL seconds and recomputed after every job,
        so placement sees the capacity a create or delete changed at the
        next heartbeat.  None (keep the last report) if the driver fails.
        """
        with self._caps_lock:
            if (self._caps is not None and
                    time.monotonic() - self._caps_at < self.CAPABILITIES_TTL):
                return self._caps
        try:
            pools = self.driver.get_pools()
        except Exception:
            LOG.exception('Back end %s could not report its pools', self.host)
            return None
        caps = jsonutils.dumps([pool.to_dict() for pool in pools])
        with self._caps_lock:
            self._caps, self._caps_at = caps, time.monotonic()
        return caps

    # Periodic tasks ------------------------------------------------------

    @periodic_task.periodic_task(run_immediately=True)
    def _delete_expired_shares(self, context):
        """Delete soft-deleted shares whose retention time has passed."""
        ctx = context.elevated()
        now = utils.utcnow()
        for share in db.share_get_all_by_host(
                ctx, self.host, filters={'is_soft_deleted': True}):
            due = share.scheduled_to_be_deleted_at
            if due is None or due > now:
                continue
            if db.share_snapshot_count(ctx, share.id):
                LOG.warning('Expired soft-deleted share %s has snapshots; '
                            'not deleting it', share.id)
                continue
            if db.share_update_if(ctx, share.id,
                                  {'status': states.STATUS_DELETING},
                                  expected_status=_EXPIRED_DELETABLE):
                LOG.info('Deleting share %s: its soft-delete retention '
                         'ended at %s', share.id, due)
                self._submit(create_delete.delete_share, ctx, share.id,
                             False)

    @periodic_task.periodic_task(run_immediately=False)
    def _delete_orphan_backup_snapshots(self, context):
        """Delete temporary backup snapshots whose backup is not creating."""
        backup_snapshots.delete_orphans(context.elevated(), self.driver)

    @periodic_task.periodic_task(run_immediately=True)
    def _reap_expired_messages(self, context):
        """Delete user messages whose expiry time has passed."""
        count = db.message_destroy_expired(context.elevated())
        if count:
            LOG.info('Deleted %d expired user messages', count)

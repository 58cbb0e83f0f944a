"""The data service's manager: share backups, restores, backup deletion.

RPC methods mirror :class:`manila_bk.data.rpcapi.DataAPI`.  Each claims
the backup with a compare-and-swap (status as the API side set it, host
set to this node) and hands the work to a flow
(:mod:`manila_bk.data.flows`) in the bounded job pool.  The backup driver
comes from the manila.conf section named by ``enabled_backup_backend``;
without one the service runs but takes no backup work.  At start the
driver is set up and what this host left unfinished is reconciled before
RPC is consumed.
"""

import threading
import time

from oslo_log import log as logging
import oslo_messaging as messaging
from oslo_serialization import jsonutils
from oslo_service import periodic_task
import sqlalchemy as sa

from manila_bk.common import states
from manila_bk import conf
from manila_bk.conf import backup as backup_conf
from manila_bk import context as ctx_module
from manila_bk.data.backup import drivers
from manila_bk.data.flows import access
from manila_bk.data.flows import backup as backup_flow
from manila_bk.data.flows import delete as delete_flow
from manila_bk.data.flows import recovery
from manila_bk.data.flows import restore as restore_flow
from manila_bk.data.flows import retention as retention_flow
from manila_bk.data.flows import verify as verify_flow
from manila_bk.data import rpcapi
from manila_bk.db import api as db
from manila_bk.db import models
from manila_bk import exception
from manila_bk import manager

CONF = conf.CONF
LOG = logging.getLogger(__name__)

_HOST = models.ShareBackup.host


class DataManager(manager.Manager):
    """RPC endpoint of manila-bk-data; ``host`` defaults to CONF.host.

    ``backup_backend`` (default ``CONF.enabled_backup_backend``) names the
    section of the backup driver; the driver is loaded now (a bad name
    raises ConfigError) and set up by :meth:`setup_driver`.
    """

    RPC_API_VERSION = rpcapi.DataAPI.RPC_API_VERSION
    target = messaging.Target(version=RPC_API_VERSION)

    def __init__(self, host=None, backup_backend=None):
        super().__init__(host or CONF.host)
        self.backup_backend = backup_backend or CONF.enabled_backup_backend
        self.driver = None
        self._driver_ready = False
        self._running = set()
        self._running_lock = threading.Lock()
        self._last_verify = time.monotonic()
        self._verifying = threading.Event()
        self._last_retention = None
        self._retaining = threading.Event()
        if self.backup_backend:
            backup_conf.register_backend_opts(CONF, self.backup_backend)
            section = CONF.get(self.backup_backend)
            self.driver = drivers.load_backup_driver(
                section.backup_driver, section, self.backup_backend)

    # Start-up ------------------------------------------------------------

    def setup_driver(self):
        """Set the backup driver up once; raises ConfigError naming why."""
        if self.driver is None or self._driver_ready:
            return
        try:
            self.driver.do_setup()
            self.driver.check_for_setup_error()
        except Exception as exc:
            raise exception.ConfigError(
                reason='[%s] the backup back end cannot be used: %s'
                % (self.backup_backend, exc))
        self._driver_ready = True
        LOG.info('Backup back end %s (driver %s) is ready',
                 self.backup_backend, type(self.driver).__name__)

    def reconcile(self):
        """Set the driver up, then resolve this host's unfinished work.

        See :mod:`manila_bk.data.flows.recovery`.
        """
        self.setup_driver()
        recovery.reconcile_host(ctx_module.get_admin_context(), self.driver,
                                self.host, running=self.running())

    # Jobs ----------------------------------------------------------------

    def running(self):
        """Ids of the backups this process is working on now."""
        with self._running_lock:
            return frozenset(self._running)

    def _submit(self, flow, context, backup_id, *args):
        with self._running_lock:
            self._running.add(backup_id)
        try:
            return self.run_job(self._job, flow, context, backup_id, *args)
        except Exception:
            self._done(backup_id)
            raise

    def _job(self, flow, context, backup_id, *args):
        try:
            flow(context, self.driver, backup_id, *args, self.host)
        finally:
            self._done(backup_id)

    def _done(self, backup_id):
        with self._running_lock:
            self._running.discard(backup_id)

    def _claim(self, context, backup_id, status, values=None):
        """CAS the backup (still ``status``) to this host; True if won."""
        values = dict(values or {}, host=self.host)
        claimed = db.share_backup_update_if(
            context.elevated(), backup_id, values, expected_status=[status],
            extra_where=[sa.or_(_HOST.is_(None), _HOST == self.host)]
            if status == states.STATUS_CREATING else None)
        if claimed is None:
            LOG.warning('Backup %s is not %s (or another data service has '
                        'it); request dropped', backup_id, status)
        return claimed is not None

    # RPC API (see rpcapi.DataAPI) ------------------------------------------

    def create_backup(self, context, backup_id):
        """Back up the share of backup ``backup_id`` (creating)."""
        if self._claim(context, backup_id, states.STATUS_CREATING):
            self._submit(backup_flow.create_backup, context, backup_id)

    def restore_backup(self, context, backup_id, share_id):
        """Restore backup ``backup_id`` (restoring) onto ``share_id``."""
        if self._claim(context, backup_id, states.BACKUP_STATUS_RESTORING,
                       {'restore_progress': '0'}):
            self._submit(restore_flow.restore_backup, context, backup_id,
                         share_id)

    def delete_backup(self, context, backup_id):
        """Delete backup ``backup_id`` (deleting) from the target."""
        if self._claim(context, backup_id, states.STATUS_DELETING):
            self._submit(delete_flow.delete_backup, context, backup_id)

    # Capabilities ----------------------------------------------------------

    def service_capabilities(self):
        """JSON the heartbeat stores: the backup back end, if any.

        ``{"backup_backend": <section>, "backup_driver": <name>}``, or
        ``{}`` without one; the API refuses backups when no up data
        service names a backup back end.
        """
        if self.driver is None:
            return jsonutils.dumps({})
        return jsonutils.dumps({
            'backup_backend': self.backup_backend,
            'backup_driver': CONF.get(self.backup_backend).backup_driver})

    # Periodic tasks ------------------------------------------------------

    @periodic_task.periodic_task(run_immediately=False)
    def _revoke_leftover_access(self, context):
        """Finish removing the data node's access where it failed before."""
        access.revoke_leftovers(context.elevated(), skip=self.running())

    @periodic_task.periodic_task(run_immediately=False)
    def _fail_unclaimed_backups(self, context):
        """Error backups whose request no data service ever took."""
        recovery.fail_unclaimed(context.elevated())

    @periodic_task.periodic_task(run_immediately=False)
    def _verify_backups(self, context):
        """Every backup_verify_interval s (0: never), verify our backups.

        One pass at a time, in the job pool; the interval counts from the
        start of the previous pass (or of the service).
        """
        interval = CONF.backup_verify_interval
        if not interval or self.driver is None or self._verifying.is_set():
            return
        now = time.monotonic()
        if now - self._last_verify < interval:
            return
        self._last_verify = now
        self._verifying.set()
        try:
            self.run_job(self._verify_pass, context.elevated())
        except Exception:
            self._verifying.clear()
            raise

    def _verify_pass(self, context):
        try:
            verify_flow.verify_host_backups(context, self.driver, self.host,
                                            skip=self.running())
        finally:
            self._verifying.clear()

    @periodic_task.periodic_task(run_immediately=False)
    def _apply_backup_retention(self, context):
        """Every backup_retention_interval s (0: never), apply policies.

        Only with a backup back end; one pass at a time, in the job pool.
        Each policy is applied under its database lease, so data services
        never apply one policy together (see flows.retention).
        """
        interval = CONF.backup_retention_interval
        if not interval or self.driver is None or self._retaining.is_set():
            return
        now = time.monotonic()
        if (self._last_retention is not None
                and now - self._last_retention < interval):
            return
        self._last_retention = now
        self._retaining.set()
        try:
            self.run_job(self._retention_pass, context.elevated())
        except Exception:
            self._retaining.clear()
            raise

    def _retention_pass(self, context):
        try:
            retention_flow.apply_policies(context, self.host)
        finally:
            self._retaining.clear()

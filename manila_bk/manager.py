"""Base class of the share and data managers.

A manager is the RPC endpoint of a service.  Its RPC methods validate,
compare-and-swap statuses and hand long work to a bounded pool of native
threads (``max_concurrent_jobs``) so that RPC threads return at once.
"""

import futurist
from oslo_log import log as logging
import oslo_messaging as messaging
from oslo_service import periodic_task

from manila_bk import conf

CONF = conf.CONF
LOG = logging.getLogger(__name__)


class Manager(periodic_task.PeriodicTasks):
    """Common behaviour: job pool, start-up reconciliation hooks."""

    RPC_API_VERSION = '1.0'
    target = messaging.Target(version=RPC_API_VERSION)

    def __init__(self, host):
        super().__init__(CONF)
        # oslo.service runs a task declared without a spacing every 60 s,
        # however often periodic_tasks() is called; here such a task runs
        # every periodic_interval seconds, as that option says.
        self._periodic_spacing = {
            name: CONF.periodic_interval
            if spacing == periodic_task.DEFAULT_INTERVAL else spacing
            for name, spacing in self._periodic_spacing.items()}
        self.host = host
        self.service_id = None
        self._pool = None

    def init_host(self, service_id=None):
        """Start the job pool and reconcile what this host left unfinished.

        Called once by the service before RPC is consumed.
        """
        self.service_id = service_id
        self._pool = futurist.ThreadPoolExecutor(
            max_workers=CONF.max_concurrent_jobs)
        self.reconcile()

    def reconcile(self):
        """Resolve records this host left in transitional statuses."""

    def cleanup_host(self, timeout=None):
        """Stop taking jobs; wait up to ``timeout`` s for running ones."""
        if self._pool is not None:
            self._pool.shutdown(wait=timeout != 0)

    def run_job(self, fn, *args, **kwargs):
        """Run ``fn`` in the bounded pool; failures are logged."""
        future = self._pool.submit(fn, *args, **kwargs)
        future.add_done_callback(self._log_job_failure)
        return future

    @staticmethod
    def _log_job_failure(future):
        exc = future.exception()
        if exc is not None:
            LOG.error('Background job failed: %s', exc,
                      exc_info=(type(exc), exc, exc.__traceback__))

    def service_capabilities(self):
        """JSON text of what this service reports with its heartbeat."""
        return None

    def periodic_tasks(self, context, raise_on_error=False):
        return self.run_periodic_tasks(context,
                                       raise_on_error=raise_on_error)

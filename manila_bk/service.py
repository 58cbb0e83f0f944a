"""A service process: RPC server, heartbeat, periodic tasks, clean stop.

Native threads only.  ``Service.start()`` registers the service row,
lets the manager reconcile what was left unfinished, then consumes RPC;
``stop()`` stops consuming, waits for running jobs (bounded by
``graceful_shutdown_timeout``) and cleans up.  ``run(services)`` runs
services in the foreground until SIGTERM or SIGINT.
"""

import signal
import threading

from oslo_log import log as logging
import oslo_messaging as messaging

from manila_bk import conf
from manila_bk import context
from manila_bk import coordination
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk import rpc

CONF = conf.CONF
LOG = logging.getLogger(__name__)


class Service:
    """One RPC service (share back end or data) inside a process."""

    def __init__(self, host, binary, topic, manager):
        self.host = host
        self.binary = binary
        self.topic = topic
        self.manager = manager
        self.service_id = None
        self._server = None
        self._stopping = threading.Event()
        self._threads = []

    def start(self):
        ctx = context.get_admin_context()
        self.service_id = self._register(ctx)
        self.manager.init_host(service_id=self.service_id)
        target = messaging.Target(topic=self.topic, server=self.host,
                                  version=self.manager.RPC_API_VERSION)
        self._server = rpc.get_server(target, [self.manager])
        self._server.start()
        self._start_loop(self._heartbeat, CONF.report_interval)
        self._start_loop(self._periodic, CONF.periodic_interval)
        LOG.info('%s started on %s (topic %s)', self.binary, self.host,
                 self.topic)

    def _register(self, ctx):
        values = {'availability_zone': CONF.storage_availability_zone,
                  'topic': self.topic}
        try:
            service = db.service_get_by_args(ctx, self.host, self.binary)
            db.service_update(ctx, service.id, values)
        except exception.HostNotFound:
            values.update(host=self.host, binary=self.binary,
                          report_count=0)
            service = db.service_create(ctx, values)
        return service.id

    def _start_loop(self, fn, interval):
        def loop():
            while not self._stopping.is_set():
                try:
                    fn()
                except Exception:
                    LOG.exception('%s failed in %s', fn.__name__,
                                  self.binary)
                self._stopping.wait(interval)

        thread = threading.Thread(target=loop, daemon=True,
                                  name='%s-%s' % (self.binary, fn.__name__))
        thread.start()
        self._threads.append(thread)

    def _heartbeat(self):
        db.service_heartbeat(context.get_admin_context(), self.service_id,
                             capabilities=self.manager.service_capabilities())

    def _periodic(self):
        self.manager.periodic_tasks(context.get_admin_context())

    def stop(self):
        """Stop consuming RPC and let running jobs finish (bounded)."""
        self._stopping.set()
        if self._server is not None:
            self._server.stop()
        self.manager.cleanup_host(timeout=CONF.graceful_shutdown_timeout)

    def wait(self):
        if self._server is not None:
            self._server.wait()
        for thread in self._threads:
            thread.join(timeout=5)


def run(services, on_started=None, extra_stop=None):
    """Start ``services`` and block until SIGTERM/SIGINT, then stop them.

    ``on_started`` runs once every service is up (manila-bk-all starts its
    API there); ``extra_stop`` callables (for example the API server's
    shutdown) run first on the way out.
    """
    done = threading.Event()

    def _signal(signum, frame):
        LOG.info('Signal %s received; stopping', signum)
        done.set()

    signal.signal(signal.SIGTERM, _signal)
    signal.signal(signal.SIGINT, _signal)
    for svc in services:
        svc.start()
    if on_started is not None:
        on_started()
    done.wait()
    for stop in extra_stop or ():
        stop()
    for svc in services:
        svc.stop()
    for svc in services:
        svc.wait()
    coordination.stop()
    rpc.cleanup()

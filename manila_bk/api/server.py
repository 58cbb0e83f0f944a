"""A multi-threaded WSGI server for ``manila-bk-api``.

wsgiref's server with a bounded pool of ``osapi_share_threads`` threads per
process and ``osapi_share_workers`` processes sharing one listening socket.
SIGTERM or SIGINT stops accepting, lets requests in flight finish (at most
``graceful_shutdown_timeout`` seconds) and exits.  Deployments that prefer
uwsgi or mod_wsgi use ``manila_bk.wsgi.api:application`` instead.
"""

from concurrent import futures
import gc
import os
import signal
import socket
import threading
from wsgiref import simple_server

from oslo_config import cfg
from oslo_log import log as logging

LOG = logging.getLogger(__name__)
CONF = cfg.CONF
# What [DEFAULT] backlog defaults to (OpenStack's usual value).
DEFAULT_BACKLOG = 4096


class _RequestHandler(simple_server.WSGIRequestHandler):
    """wsgiref's handler, logging through oslo.log instead of stderr."""

    def log_message(self, fmt, *args):
        LOG.debug('%s - %s', self.address_string(), fmt % args)

    def address_string(self):
        return self.client_address[0]


class _PooledWSGIServer(simple_server.WSGIServer):
    """Serves each connection on a thread of a bounded pool."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, threads, family=socket.AF_INET,
                 backlog=DEFAULT_BACKLOG):
        self.address_family = family
        # socketserver listens with a backlog of 5: under a burst of
        # clients the kernel drops connections (retried after 1 s) or
        # resets them once the request was sent.
        self.request_queue_size = backlog
        self.pool = futures.ThreadPoolExecutor(
            max_workers=threads, thread_name_prefix='manila-bk-api')
        super().__init__(address, _RequestHandler)

    def process_request(self, request, client_address):
        self.pool.submit(self._serve_one, request, client_address)

    def _serve_one(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: B902 - a broken client must not kill us
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)

    def handle_error(self, request, client_address):
        LOG.exception('Error serving a request from %s', client_address)


def _family(host):
    return socket.AF_INET6 if ':' in host else socket.AF_INET


def _freeze_startup_objects():
    """Keep the objects made while starting up out of the collector's way.

    A detail list of a thousand records allocates a few hundred thousand
    objects, enough to trigger full collections; each one walked every
    module, option and route the process had built (a few hundred
    thousand objects too), which took tens of milliseconds inside a
    request.  Frozen objects are never collected nor scanned; they live as
    long as the process anyway.
    """
    gc.collect()
    gc.freeze()


class APIServer(object):
    """One process' server: ``start()``, ``stop()``, ``wait()``.

    ``port`` is the bound port (useful when 0 asked for any free port).
    """

    def __init__(self, app, host='0.0.0.0', port=8786, threads=16,
                 backlog=None):
        self._server = _PooledWSGIServer((host, port), threads,
                                         family=_family(host),
                                         backlog=backlog or DEFAULT_BACKLOG)
        self._server.set_app(app)
        self._thread = None

    def set_app(self, app):
        self._server.set_app(app)

    def close_socket(self):
        """Close the listening socket without serving (forking parent)."""
        self._server.server_close()

    @property
    def port(self):
        return self._server.server_address[1]

    def start(self):
        _freeze_startup_objects()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={'poll_interval': 0.2},
            name='manila-bk-api-listener', daemon=True)
        self._thread.start()
        LOG.info('manila-bk-api listening on %s:%s',
                 self._server.server_address[0], self.port)

    def stop(self):
        """Stop accepting connections; requests in flight go on."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def wait(self, timeout=None):
        """Wait until requests in flight are done (``timeout`` seconds)."""
        waiter = threading.Thread(target=self._server.pool.shutdown,
                                  kwargs={'wait': True}, daemon=True)
        waiter.start()
        waiter.join(timeout)
        if waiter.is_alive():
            LOG.warning('Requests still running after %s s; exiting anyway',
                        timeout)


def _wait_for_signal():
    stopping = threading.Event()

    def _handler(signum, frame):
        LOG.info('Signal %s received, stopping manila-bk-api', signum)
        stopping.set()

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)
    while not stopping.wait(1):
        pass


def _run_worker(server, conf):
    server.start()
    _wait_for_signal()
    server.stop()
    server.wait(conf.graceful_shutdown_timeout)


def _app_factory():
    from manila_bk.api import app
    return app.setup_app()


def serve(conf=None, app_factory=None):
    """Serve the API until SIGTERM/SIGINT (the manila-bk-api console script).

    With ``osapi_share_workers`` > 1 the parent binds the socket, forks the
    workers (each builds its own application) and forwards SIGTERM to them.
    """
    conf = conf or CONF
    app_factory = app_factory or _app_factory
    workers = conf.osapi_share_workers
    server = APIServer(None, conf.osapi_share_listen,
                       conf.osapi_share_listen_port,
                       conf.osapi_share_threads, backlog=conf.backlog)
    if workers <= 1:
        server.set_app(app_factory())
        _run_worker(server, conf)
        return
    children = []
    for _index in range(workers):
        pid = os.fork()
        if pid == 0:
            server.set_app(app_factory())
            _run_worker(server, conf)
            os._exit(0)
        children.append(pid)
    server.close_socket()
    _wait_for_signal()
    for pid in children:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for pid in children:
        os.waitpid(pid, 0)

"""Retry a database API call whose connection was lost (server restart).

oslo.db reconnects a pooled connection that went stale, but a call made
while the server is down, or whose connection dies under it, raises
``DBConnectionError``.  In a service that is fatal at the wrong moment: a
backup or revert whose final status update fails stays ``creating`` or
``reverting`` until the service is restarted.  So every function of
:mod:`manila_bk.db.api` retries such a call, as oslo.db's
``[database]`` options say: when ``use_db_reconnect`` is true (manila_bk
turns it on by default), up to ``db_max_retries`` times (-1: without
limit), ``db_retry_interval`` seconds apart, doubling up to
``db_max_retry_interval`` when ``db_inc_retry_interval`` is set.

A call inside a transaction another call opened on the same context is
not retried on its own (the transaction is lost with its connection);
the outermost call is.  Only a lost connection is retried: a failed
statement, a deadlock or a constraint error is raised at once.  A write
whose connection is lost exactly at its commit may have been applied; the
compare-and-swap updates the flows use then find the row already changed
and say so, which the flows handle as a lost race.
"""

import functools
import time

from oslo_db import exception as db_exc
from oslo_log import log as logging

from manila_bk import conf

CONF = conf.CONF
LOG = logging.getLogger(__name__)

MARK = '_manila_bk_reconnecting'


def _in_transaction(context):
    try:
        return context.transaction_ctx is not None
    except Exception:  # NoEngineContextEstablished, or not a context
        return False


def reconnecting(fn, sleep=time.sleep):
    """``fn(context, ...)`` retried on ``DBConnectionError`` (see above)."""
    if getattr(fn, MARK, False):
        return fn

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        opts = CONF.database
        if not opts.use_db_reconnect or (
                args and _in_transaction(args[0])):
            return fn(*args, **kwargs)
        interval = max(0, opts.db_retry_interval)
        attempt = 0
        while True:
            try:
                return fn(*args, **kwargs)
            except db_exc.DBConnectionError as exc:
                attempt += 1
                if 0 <= opts.db_max_retries < attempt:
                    LOG.error('Database call %s failed: the connection was '
                              'lost %d times', fn.__name__, attempt)
                    raise
                LOG.warning('Database connection lost in %s (%s); retry %d '
                            'in %s s', fn.__name__, exc.inner_exception or
                            exc, attempt, interval)
                sleep(interval)
                if opts.db_inc_retry_interval:
                    interval = min(max(interval, 1) * 2,
                                   opts.db_max_retry_interval)

    setattr(wrapper, MARK, True)
    return wrapper


def wrap_namespace(namespace, exclude=()):
    """Make the public functions in ``namespace`` retry a lost connection.

    ``namespace`` is a module's globals; ``exclude`` names functions left
    alone.
    """
    for name, value in list(namespace.items()):
        if name.startswith('_') or name in exclude or not callable(value) \
                or isinstance(value, type):
            continue
        namespace[name] = reconnecting(value)

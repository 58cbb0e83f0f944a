"""Per-share locks shared by the API and the services.

Snapshot create and delete, revert and backup serialise on one lock per
share, so that a share's snapshots get ``created_at`` values in the order
they were taken and revert always sees the real latest snapshot (seed 003).

With ``[coordination] backend_url`` set the lock is a tooz lock that every
node shares (one coordinator per process, started on first use, with a
heartbeat thread).  Without it the lock is an oslo.concurrency file lock
under ``[oslo_concurrency] lock_path`` (default ``$state_path/locks``),
which excludes threads of this process and processes of this host only.
"""

import contextlib
import os
import threading
import time
import uuid

from oslo_concurrency import lockutils
from oslo_log import log as logging
from tooz import coordination as tooz_coordination

from manila_bk import conf
from manila_bk import exception

CONF = conf.CONF
LOG = logging.getLogger(__name__)

LOCK_PREFIX = 'manila-bk-share-'

_LOCK = threading.Lock()
_STATE = {'coordinator': None, 'pid': None, 'url': None}


def lock_name(share_id):
    return LOCK_PREFIX + str(share_id)


def _lock_path():
    return (CONF.oslo_concurrency.lock_path
            or os.path.join(CONF.state_path, 'locks'))


def _coordinator():
    """The process's tooz coordinator, (re)started when needed.

    A forked worker must not share its parent's connection and heartbeat
    thread, so the coordinator is recreated when the pid changes.
    """
    url = CONF.coordination.backend_url
    with _LOCK:
        current = _STATE['coordinator']
        if (current is not None and _STATE['pid'] == os.getpid()
                and _STATE['url'] == url):
            return current
        member = ('manila-bk-%s-%s-%s' % (CONF.host, os.getpid(),
                                          uuid.uuid4().hex[:8])).encode()
        coordinator = tooz_coordination.get_coordinator(url, member)
        coordinator.start(start_heart=True)
        _STATE.update(coordinator=coordinator, pid=os.getpid(), url=url)
        return coordinator


def stop():
    """Stop this process's tooz coordinator (services call it on exit)."""
    with _LOCK:
        coordinator = _STATE['coordinator']
        owned = _STATE['pid'] == os.getpid()
        _STATE.update(coordinator=None, pid=None, url=None)
    if coordinator is not None and owned:
        try:
            coordinator.stop()
        except tooz_coordination.ToozError:
            LOG.warning('Could not stop the coordination back end cleanly',
                        exc_info=True)


def _timeout(timeout):
    if timeout is None:
        return CONF.coordination.lock_acquire_timeout
    return timeout


@contextlib.contextmanager
def _tooz_lock(name, share_id, timeout):
    lock = _coordinator().get_lock(name.encode())
    if not lock.acquire(blocking=timeout):
        raise exception.LockTimeout(share_id=share_id)
    try:
        yield
    finally:
        try:
            lock.release()
        except tooz_coordination.ToozError:
            # The lock expired (heartbeat lost); another holder may
            # already have it.  Nothing to undo here.
            LOG.warning('Lock %s was lost before release', name)


@contextlib.contextmanager
def _file_lock(name, share_id, timeout):
    deadline = time.monotonic() + timeout
    # fcntl locks belong to the process: threads of this process are
    # excluded by the internal semaphore first.
    internal = lockutils.internal_lock(name)
    if not internal.acquire(timeout=timeout):
        raise exception.LockTimeout(share_id=share_id)
    try:
        external = lockutils.external_lock(name, lock_path=_lock_path())
        remaining = max(deadline - time.monotonic(), 0)
        if not external.acquire(blocking=True, delay=0.01, max_delay=0.1,
                                timeout=remaining):
            raise exception.LockTimeout(share_id=share_id)
        try:
            yield
        finally:
            external.release()
    finally:
        internal.release()


@contextlib.contextmanager
def share_lock(share_id, timeout=None):
    """Hold the lock of one share; LockTimeout (409) after ``timeout`` s.

    ``timeout`` defaults to ``[coordination] lock_acquire_timeout``.  The
    lock is not re-entrant.
    """
    name = lock_name(share_id)
    timeout = _timeout(timeout)
    if CONF.coordination.backend_url:
        manager = _tooz_lock(name, share_id, timeout)
    else:
        manager = _file_lock(name, share_id, timeout)
    with manager:
        yield

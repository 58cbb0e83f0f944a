"""Get the target share of a restore ready: created, and large enough.

The API side accepted the restore and set the backup ``restoring``; the
target share is one of:

==========================  ================================================
target share                what happens before the data is copied
==========================  ================================================
``creating``: a new share   wait until its share service has created it;
created from the backup     the share service moves such a share to
(``source_backup_id`` set,  ``backup_restoring`` instead of ``available``.
``progress`` below 100%)    A share that ends in ``error`` (or is not
                            created within ``restore_share_ready_timeout``
                            and is then set to ``error``) is not restored.
``backup_restoring``,       extended through its share service, as
smaller than the backup     ``extend`` does: the ``gigabytes`` quota of the
                            growth is charged now (the share service gives
                            it back if its driver fails), the share goes
                            ``extending``, then ``available`` at the new
                            size, and is taken back to ``backup_restoring``
                            with a compare-and-swap that also checks the
                            size.  Over quota, a driver failure (the share
                            is set back to ``available``) or a share taken
                            by another request meanwhile: not restored.
``backup_restoring``,       nothing
large enough
==========================  ================================================

A share that is not ready raises :class:`NotReady`; the share was not
changed and :mod:`restore` ends the restore as one that failed before it
touched the share.  A share still ``extending`` after the timeout is left
to its share service (which reconciles it when it restarts).
"""

import time

from oslo_log import log as logging

from manila_bk.common import states
from manila_bk import conf
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.message import message_field
from manila_bk import quota
from manila_bk.share import rpcapi as share_rpcapi

CONF = conf.CONF
LOG = logging.getLogger(__name__)

POLL = 0.5
PHASE_PREPARE = 'preparing the share (creating it, or extending it to the ' \
                'size of the backup)'
DETAIL_EXTEND_FAILED = message_field.Detail.RESTORE_EXTEND_FAILED
DETAIL_NOT_READY = message_field.Detail.RESTORE_SHARE_NOT_READY
# A new share created from a backup is complete once restored.
PROGRESS_DONE = '100%'
PROGRESS_NEW = '0%'

_clock = time.monotonic
_sleep = time.sleep


class NotReady(exception.ManilaBkException):
    """The share cannot take the restore; it was not changed."""

    message = 'Share %(share_id)s is not ready for the restore: %(reason)s'

    def __init__(self, detail=DETAIL_NOT_READY, **kwargs):
        super().__init__(**kwargs)
        self.detail = detail


def is_new_share(share, backup):
    """Whether ``share`` was created from ``backup`` and is not done yet."""
    return (share.source_backup_id == backup.id and
            share.progress is not None and share.progress != PROGRESS_DONE)


def prepare(context, backup, share):
    """The target share, ready: ``backup_restoring`` and large enough.

    A share in any other status than ``creating`` or ``backup_restoring``
    is returned as it is (the caller refuses it).  Raises NotReady.
    """
    if share.status == states.STATUS_CREATING:
        share = _wait_created(context, share)
    if share.status != states.STATUS_BACKUP_RESTORING:
        return share
    if share.size < int(backup.size or 0):
        share = _extend(context, share, int(backup.size))
    return share


def _wait(context, share_id, status):
    """The share once it leaves ``status``; None after the timeout."""
    deadline = _clock() + CONF.restore_share_ready_timeout
    while True:
        try:
            share = db.share_get(context, share_id)
        except exception.ShareNotFound:
            raise NotReady(share_id=share_id, reason='it was deleted')
        if share.status != status:
            return share
        if _clock() >= deadline:
            return None
        _sleep(POLL)


def _wait_created(context, share):
    LOG.info('Restore into new share %s waits for its creation', share.id)
    created = _wait(context, share.id, states.STATUS_CREATING)
    if created is None:
        # Never let it become a share that looks restored: its share
        # service keeps ``error`` when it finishes creating it later.
        db.share_update_if(context, share.id,
                           {'status': states.STATUS_ERROR},
                           expected_status=[states.STATUS_CREATING])
        raise NotReady(share_id=share.id, reason='it was not created within '
                       '%d s' % CONF.restore_share_ready_timeout)
    if created.status == states.STATUS_AVAILABLE:
        # A share service that predates restores into new shares.
        return _take_back(context, created, created.size)
    if created.status != states.STATUS_BACKUP_RESTORING:
        raise NotReady(share_id=share.id, reason='its creation ended in '
                       'status %s' % created.status)
    return created


def _take_back(context, share, size):
    """CAS available -> backup_restoring at ``size``; NotReady if lost."""
    taken = db.share_update_if(
        context, share.id, {'status': states.STATUS_BACKUP_RESTORING},
        expected_status=[states.STATUS_AVAILABLE], extra_where={'size': size})
    if taken is None:
        current = db.share_get(context, share.id)
        raise NotReady(share_id=share.id,
                       reason='another request took it (status %s, size %s '
                              'GiB)' % (current.status, current.size))
    return taken


def _charge(context, share, new_size):
    delta = {'gigabytes': new_size - share.size}
    try:
        quota.check_per_share_gigabytes(context, share.project_id, new_size)
        quota.consume(context, share.project_id, delta)
    except exception.QuotaError as exc:
        raise NotReady(detail=DETAIL_EXTEND_FAILED, share_id=share.id,
                       reason='extending it from %s to %s GiB exceeds the '
                              'quota (%s)' % (share.size, new_size, exc))
    return delta


def _extend(context, share, new_size):
    """Extend the share through its share service; wait for it."""
    delta = _charge(context, share, new_size)
    moved = db.share_update_if(
        context, share.id, {'status': states.STATUS_EXTENDING},
        expected_status=[states.STATUS_BACKUP_RESTORING],
        extra_where={'size': share.size})
    if moved is None:
        quota.release(context, share.project_id, delta)
        raise NotReady(share_id=share.id, reason='its status changed')
    LOG.info('Extending share %s from %s to %s GiB before restoring into '
             'it', share.id, share.size, new_size)
    try:
        share_rpcapi.ShareAPI().extend_share(context, share.id, share.host,
                                             new_size)
    except Exception as exc:
        LOG.exception('Could not ask for share %s to be extended', share.id)
        quota.release(context, share.project_id, delta)
        db.share_update_if(context, share.id,
                           {'status': states.STATUS_BACKUP_RESTORING},
                           expected_status=[states.STATUS_EXTENDING])
        raise NotReady(detail=DETAIL_EXTEND_FAILED, share_id=share.id,
                       reason='its share service could not be asked to '
                              'extend it: %s' % exc)
    return _extended(context, share, new_size)


def _extended(context, share, new_size):
    done = _wait(context, share.id, states.STATUS_EXTENDING)
    if done is None:
        raise NotReady(share_id=share.id, reason='it was not extended within '
                       '%d s' % CONF.restore_share_ready_timeout)
    if done.status == states.STATUS_AVAILABLE and done.size >= new_size:
        return _take_back(context, done, done.size)
    if done.status == states.STATUS_EXTENDING_ERROR:
        # The share service gave the quota back and left its message; the
        # restore never touched the share: back to its status before it.
        db.share_update_if(context, share.id,
                           {'status': states.STATUS_AVAILABLE},
                           expected_status=[states.STATUS_EXTENDING_ERROR])
        raise NotReady(detail=DETAIL_EXTEND_FAILED, share_id=share.id,
                       reason='its share driver failed to extend it')
    raise NotReady(share_id=share.id, reason='it is %s at %s GiB after the '
                   'extension' % (done.status, done.size))

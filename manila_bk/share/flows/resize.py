"""Extend and shrink shares.

Extend: the API side took the ``gigabytes`` quota of the growth and moved
the share ``available -> extending``; a failure gives that quota back.
Shrink: the API side moved the share to ``shrinking`` and took nothing;
the released gigabytes are given back once the driver shrank the share.
"""

from oslo_log import log as logging

from manila_bk.common import states
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.share.drivers import base
from manila_bk.share.flows import common

LOG = logging.getLogger(__name__)

# Where a shrink the driver refused (the data would not fit) leaves the
# share.  Manila's message for it (detail 018) says the share was set back
# to available: the share is intact and usable, so it is.
REFUSED_SHRINK_STATUS = states.STATUS_AVAILABLE


def _resize_driver(driver):
    if not isinstance(driver, base.ResizeInterface):
        raise exception.ShareDriverNotSupported(operation='resizing shares')
    return driver


def _finish(context, share, new_size, expected):
    done = db.share_update_if(context, share.id,
                              {'status': states.STATUS_AVAILABLE,
                               'size': new_size},
                              expected_status=[expected])
    if done is None:
        LOG.warning('Share %s was resized to %s GiB but left %s meanwhile; '
                    'only its size is updated', share.id, new_size, expected)
        db.share_update(context, share.id, {'size': new_size})


def extend_share(context, driver, share_id, new_size):
    """Grow share ``share_id`` (status ``extending``) to ``new_size`` GiB.

    Failure: ``extending_error``, the growth's quota released, a message.
    """
    ctx = common.admin(context)
    share = db.share_get(ctx, share_id)
    if share.status != states.STATUS_EXTENDING:
        LOG.warning('Not extending share %s: it is %s, not extending',
                    share_id, share.status)
        return
    try:
        _resize_driver(driver).extend_share(common.share_spec(share),
                                            new_size)
    except Exception:
        LOG.exception('Extending share %s to %s GiB failed', share_id,
                      new_size)
        common.release_quota(ctx, share.project_id,
                             {'gigabytes': max(0, new_size - share.size)})
        common.share_error(ctx, share, states.STATUS_EXTENDING_ERROR,
                           common.Action.EXTEND,
                           common.Detail.DRIVER_FAILED_EXTEND,
                           expected=states.STATUS_EXTENDING)
        return
    _finish(ctx, share, new_size, states.STATUS_EXTENDING)
    LOG.info('Share %s extended to %s GiB', share_id, new_size)


def shrink_share(context, driver, share_id, new_size):
    """Shrink share ``share_id`` (status ``shrinking``) to ``new_size`` GiB.

    Success: the freed gigabytes are released.  The driver refusing
    because the data would not fit: REFUSED_SHRINK_STATUS and message
    018.  Any other failure: ``shrinking_error`` and a message.
    """
    ctx = common.admin(context)
    share = db.share_get(ctx, share_id)
    if share.status != states.STATUS_SHRINKING:
        LOG.warning('Not shrinking share %s: it is %s, not shrinking',
                    share_id, share.status)
        return
    try:
        _resize_driver(driver).shrink_share(common.share_spec(share),
                                            new_size)
    except base.ShareShrinkingPossibleDataLoss as exc:
        LOG.warning('Share %s not shrunk: %s', share_id, exc)
        common.share_error(ctx, share, REFUSED_SHRINK_STATUS,
                           common.Action.SHRINK,
                           common.Detail.DRIVER_REFUSED_SHRINK,
                           expected=states.STATUS_SHRINKING)
        return
    except Exception as exc:
        LOG.exception('Shrinking share %s to %s GiB failed', share_id,
                      new_size)
        # Manila's detail 019 says the driver cannot shrink at all.
        detail = (common.Detail.DRIVER_FAILED_SHRINK
                  if isinstance(exc, exception.ShareDriverNotSupported)
                  else common.Detail.UNKNOWN_ERROR)
        common.share_error(ctx, share, states.STATUS_SHRINKING_ERROR,
                           common.Action.SHRINK, detail,
                           expected=states.STATUS_SHRINKING)
        return
    common.release_quota(ctx, share.project_id,
                         {'gigabytes': max(0, share.size - new_size)})
    _finish(ctx, share, new_size, states.STATUS_SHRINKING)
    LOG.info('Share %s shrunk to %s GiB', share_id, new_size)

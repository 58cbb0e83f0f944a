"""Revert a share in place to its latest snapshot (seed 003).

The API side checked that the snapshot is the share's latest and
available, took the ``gigabytes`` quota of any growth (snapshot size above
share size) and moved share ``available -> reverting`` and snapshot
``available -> restoring`` under the per-share lock.  Here the driver
reverts; the share's size then follows the snapshot's.  The snapshot is
never deleted.
"""

from oslo_log import log as logging

from manila_bk.common import states
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.share.drivers import base
from manila_bk.share.flows import common

LOG = logging.getLogger(__name__)


def _active_rules(context, share_id):
    rules = db.share_access_get_all_for_share(
        context, share_id, filters={'state': states.ACCESS_STATE_ACTIVE})
    return [common.access_rule(rule) for rule in rules]


def revert_to_snapshot(context, driver, share_id, snapshot_id):
    """Revert ``share_id`` (reverting) to ``snapshot_id`` (restoring).

    Success: share ``available`` with the snapshot's size, snapshot
    ``available``, quota for any shrink released, an INFO user message.
    Failure: share ``reverting_error``, snapshot ``available``, the quota
    the API took for growth released, an ERROR user message.
    """
    ctx = common.admin(context)
    share = db.share_get(ctx, share_id)
    snapshot = db.share_snapshot_get(ctx, snapshot_id)
    if (share.status != states.STATUS_REVERTING
            or snapshot.status != states.STATUS_RESTORING
            or snapshot.share_id != share.id):
        LOG.warning('Not reverting share %s (%s) to snapshot %s (%s of '
                    'share %s): expected reverting/restoring of that share',
                    share_id, share.status, snapshot_id, snapshot.status,
                    snapshot.share_id)
        return
    try:
        if not isinstance(driver, base.RevertInterface):
            raise exception.ShareDriverNotSupported(
                operation='revert to snapshot')
        driver.revert_to_snapshot(None, common.snapshot_spec(snapshot, share),
                                  _active_rules(ctx, share_id), [])
    except Exception:
        LOG.exception('Reverting share %s to snapshot %s failed', share_id,
                      snapshot_id)
        revert_failed(ctx, share, snapshot)
        return
    revert_succeeded(ctx, share, snapshot)


def revert_succeeded(context, share, snapshot):
    """Record a finished revert of ``share`` to ``snapshot``.

    Quota, message and snapshot come first: clients wait for the share.
    """
    # Growth was charged by the API before the cast; a shrink is given
    # back only now that it happened.
    common.release_quota(context, share.project_id,
                         {'gigabytes': max(0, share.size - snapshot.size)})
    common.user_message(context, common.RESOURCE_SHARE, share.id,
                        common.Action.REVERT_TO_SNAPSHOT,
                        common.DETAIL_REVERT_SUCCEEDED, share.project_id,
                        level='INFO')
    db.share_snapshot_update_if(context, snapshot.id,
                                {'status': states.STATUS_AVAILABLE},
                                expected_status=[states.STATUS_RESTORING])
    done = db.share_update_if(
        context, share.id, {'status': states.STATUS_AVAILABLE,
                            'size': snapshot.size},
        expected_status=[states.STATUS_REVERTING])
    if done is None:
        LOG.warning('Share %s was reverted but left reverting meanwhile; '
                    'only its size is updated', share.id)
        db.share_update(context, share.id, {'size': snapshot.size})
    LOG.info('Share %s reverted to snapshot %s', share.id, snapshot.id)


def revert_failed(context, share, snapshot,
                  detail=common.Detail.DRIVER_FAILED_REVERT):
    """Record a failed revert: the share keeps its data and size."""
    common.release_quota(context, share.project_id,
                         {'gigabytes': max(0, snapshot.size - share.size)})
    db.share_snapshot_update_if(context, snapshot.id,
                                {'status': states.STATUS_AVAILABLE},
                                expected_status=[states.STATUS_RESTORING])
    common.share_error(context, share, states.STATUS_REVERTING_ERROR,
                       common.Action.REVERT_TO_SNAPSHOT, detail,
                       expected=states.STATUS_REVERTING)

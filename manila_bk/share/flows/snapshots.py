"""Create and delete share snapshots on the back end.

The API side created the snapshot row (``creating``), moved the share
``available -> snapshotting`` under the per-share lock and took quota
(``snapshots``, ``snapshot_gigabytes``).  The share goes back to
``available`` whatever happens to the snapshot.  A snapshot that fails
keeps its quota until it is deleted, as in Manila.
"""

from oslo_log import log as logging

from manila_bk.common import states
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.share.drivers import base
from manila_bk.share.flows import common

LOG = logging.getLogger(__name__)


def release_share(context, share_id):
    """Move the share back from snapshotting to available (CAS)."""
    db.share_update_if(context, share_id,
                       {'status': states.STATUS_AVAILABLE},
                       expected_status=[states.STATUS_SNAPSHOTTING])


def snapshot_error(context, snapshot, status, action, detail, expected):
    """Tell the snapshot's project, then set ``status`` (CAS)."""
    common.user_message(context, common.RESOURCE_SNAPSHOT, snapshot.id,
                        action, detail, snapshot.project_id)
    done = db.share_snapshot_update_if(
        context, snapshot.id, {'status': status},
        expected_status=[expected])
    if done is None:
        LOG.warning('Snapshot %s left %s before it could be set to %s',
                    snapshot.id, expected, status)


def _share_of(context, snapshot):
    return db.share_get(context.with_read_deleted('yes'), snapshot.share_id)


def create_snapshot(context, driver, snapshot_id):
    """Take snapshot ``snapshot_id`` (status ``creating``).

    Success: provider location and export locations stored, snapshot
    ``available``, share ``snapshotting -> available``.  Failure: snapshot
    ``error``, share back to ``available``, a user message.
    """
    ctx = common.admin(context)
    snapshot = db.share_snapshot_get(ctx, snapshot_id)
    if snapshot.status != states.STATUS_CREATING:
        LOG.warning('Not taking snapshot %s: it is %s, not creating',
                    snapshot_id, snapshot.status)
        return
    share = _share_of(ctx, snapshot)
    try:
        if not isinstance(driver, base.SnapshotInterface):
            raise exception.ShareDriverNotSupported(operation='snapshots')
        result = driver.create_snapshot(common.snapshot_spec(snapshot, share))
    except Exception:
        LOG.exception('Creating snapshot %s of share %s failed',
                      snapshot_id, share.id)
        snapshot_error(ctx, snapshot, states.STATUS_ERROR,
                       common.Action.CREATE,
                       common.Detail.DRIVER_FAILED_SNAPSHOT,
                       states.STATUS_CREATING)
        release_share(ctx, share.id)
        return
    # Clients wait for the snapshot; the share must be free by then (a
    # revert to this snapshot may follow at once).
    release_share(ctx, share.id)
    finish_create(ctx, snapshot, result)


def finish_create(context, snapshot, result):
    """Store the driver's ``result`` and make the snapshot available."""
    result = result or base.SnapshotResult()
    db.share_snapshot_export_locations_update(
        context, snapshot.id,
        [{'path': loc.path, 'is_admin_only': loc.is_admin_only}
         for loc in result.export_locations])
    done = db.share_snapshot_update_if(
        context, snapshot.id,
        {'status': states.STATUS_AVAILABLE, 'progress': '100%',
         'provider_location': result.provider_location},
        expected_status=[states.STATUS_CREATING])
    if done is None:
        LOG.warning('Snapshot %s was taken but left creating meanwhile; '
                    'its status is kept', snapshot.id)
    else:
        LOG.info('Snapshot %s of share %s created', snapshot.id,
                 snapshot.share_id)


def delete_snapshot(context, driver, snapshot_id, force=False):
    """Delete snapshot ``snapshot_id`` (status ``deleting``).

    Success: the row is soft-deleted and ``snapshots`` and
    ``snapshot_gigabytes`` usage released.  Failure: ``error_deleting``
    and a user message, unless ``force``.
    """
    ctx = common.admin(context)
    snapshot = db.share_snapshot_get(ctx, snapshot_id)
    if snapshot.status != states.STATUS_DELETING:
        LOG.warning('Not deleting snapshot %s: it is %s, not deleting',
                    snapshot_id, snapshot.status)
        return
    share = _share_of(ctx, snapshot)
    try:
        if not isinstance(driver, base.SnapshotInterface):
            raise exception.ShareDriverNotSupported(operation='snapshots')
        driver.delete_snapshot(common.snapshot_spec(snapshot, share))
    except Exception:
        if not force:
            LOG.exception('Deleting snapshot %s failed', snapshot_id)
            snapshot_error(ctx, snapshot, states.STATUS_ERROR_DELETING,
                           common.Action.DELETE,
                           common.Detail.UNKNOWN_ERROR,
                           states.STATUS_DELETING)
            return
        LOG.exception('Deleting snapshot %s failed on the back end; force '
                      'delete removes it from the database anyway',
                      snapshot_id)
    common.release_quota(ctx, snapshot.project_id,
                         {'snapshots': 1, 'snapshot_gigabytes': snapshot.size})
    db.share_snapshot_delete(ctx, snapshot.id)
    LOG.info('Snapshot %s deleted', snapshot_id)

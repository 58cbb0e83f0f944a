"""Create and delete shares on the back end.

The API side has already taken quota (``shares``, ``gigabytes``) and
created the row in ``creating``, or moved it to ``deleting``.  A share that
fails to be created keeps its quota until it is deleted, as in Manila.
"""

from oslo_log import log as logging

from manila_bk.common import states
from manila_bk.common import utils
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.share.drivers import base
from manila_bk.share.flows import common

LOG = logging.getLogger(__name__)


def _create_on_backend(context, driver, share):
    spec = common.share_spec(share)
    if not share.snapshot_id:
        return driver.create_share(spec)
    if not isinstance(driver, base.CreateFromSnapshotInterface):
        raise exception.ShareDriverNotSupported(
            operation='creating shares from snapshots')
    snapshot = db.share_snapshot_get(context, share.snapshot_id)
    parent = db.share_get(context.with_read_deleted('yes'),
                          snapshot.share_id)
    return driver.create_share_from_snapshot(
        spec, common.snapshot_spec(snapshot, parent))


def create_share(context, driver, share_id):
    """Create share ``share_id`` (status ``creating``) on the back end.

    Success: export locations stored, status ``available``, launched_at
    set.  Failure: status ``error`` and a user message.
    """
    ctx = common.admin(context)
    share = db.share_get(ctx, share_id)
    if share.status != states.STATUS_CREATING:
        LOG.warning('Not creating share %s: it is %s, not creating',
                    share_id, share.status)
        return
    try:
        exports = _create_on_backend(ctx, driver, share)
    except Exception:
        LOG.exception('Creating share %s failed', share_id)
        detail = (common.Detail.DRIVER_FAILED_CREATING_FROM_SNAP
                  if share.snapshot_id else common.Detail.UNKNOWN_ERROR)
        common.share_error(ctx, share, states.STATUS_ERROR,
                           common.Action.CREATE, detail,
                           expected=states.STATUS_CREATING)
        return
    finish_create(ctx, share, exports)


def finish_create(context, share, exports):
    """Store ``exports`` and move ``share`` from creating to available.

    A share created from a backup goes to backup_restoring instead: the
    data service restores the backup into it, then makes it available.
    """
    db.share_export_locations_update(context, share.id,
                                     common.export_dicts(exports))
    status = (states.STATUS_BACKUP_RESTORING if share.source_backup_id
              else states.STATUS_AVAILABLE)
    done = db.share_update_if(
        context, share.id, {'status': status,
                            'launched_at': utils.utcnow()},
        expected_status=[states.STATUS_CREATING])
    if done is None:
        LOG.warning('Share %s was created on the back end but left '
                    'creating meanwhile; its status is kept', share.id)
    else:
        LOG.info('Share %s created', share.id)


def delete_share(context, driver, share_id, force=False):
    """Delete share ``share_id`` (status ``deleting``) and its data.

    Success: the row is soft-deleted and the project's ``shares`` and
    ``gigabytes`` usage released.  Failure: ``error_deleting`` and a user
    message, unless ``force``, which deletes the row whatever the driver
    said.
    """
    ctx = common.admin(context)
    share = db.share_get(ctx, share_id)
    if share.status != states.STATUS_DELETING:
        LOG.warning('Not deleting share %s: it is %s, not deleting',
                    share_id, share.status)
        return
    try:
        driver.delete_share(common.share_spec(share))
    except Exception:
        if not force:
            LOG.exception('Deleting share %s failed', share_id)
            common.share_error(ctx, share, states.STATUS_ERROR_DELETING,
                               common.Action.DELETE,
                               expected=states.STATUS_DELETING)
            return
        LOG.exception('Deleting share %s failed on the back end; force '
                      'delete removes it from the database anyway',
                      share_id)
    common.release_quota(ctx, share.project_id,
                         {'shares': 1, 'gigabytes': share.size})
    db.share_delete(ctx, share.id)
    LOG.info('Share %s deleted', share_id)

"""Start-up reconciliation of what a share service left unfinished.

Runs before the service consumes RPC, after the driver is set up.  Every
record of this host in a transitional status is finished when the driver
can tell it finished, otherwise moved to its error status with a user
message:

=================  =========================================================
share creating     ``ensure_share`` finds it: available; else error
share deleting     the delete is run again (drivers delete idempotently)
share extending    extending_error (the requested size is not recorded)
share shrinking    shrinking_error
share reverting    driver ``recover()``: 'completed' -> reverted;
                   'clean' or 'rolled_back' (the share holds its old data
                   again) -> the accepted revert is run again (safe by
                   the driver contract); otherwise, or without
                   RecoveryInterface, reverting_error.  Each ends with the
                   revert's user message (success or failure).
share snapshotting available, once its snapshots are resolved
snapshot creating  error (the share's data may have changed since)
snapshot deleting  the delete is run again
snapshot restoring available when its share is no longer reverting
share available    ``ensure_share`` refreshes export locations; access
                   rules are rendered again, queued changes applied
other settled      queued access rule changes are applied
=================  =========================================================

Shares in backup_creating / backup_restoring belong to the data service.
"""

from oslo_log import log as logging

from manila_bk.common import states
from manila_bk.db import api as db
from manila_bk.share.drivers import base
from manila_bk.share.flows import access
from manila_bk.share.flows import common
from manila_bk.share.flows import create_delete
from manila_bk.share.flows import revert
from manila_bk.share.flows import snapshots

LOG = logging.getLogger(__name__)

_INTERRUPTED = common.Detail.INTERRUPTED_BY_RESTART
_SNAPSHOT_WORK = (states.STATUS_CREATING, states.STATUS_DELETING,
                  states.STATUS_RESTORING)
_RERUN_REVERT = (base.RecoveryInterface.RECOVERY_CLEAN,
                 base.RecoveryInterface.RECOVERY_ROLLED_BACK)


def _recover(driver, share_ids):
    """Let the driver tidy half-done work; ``{share_id: outcome}``."""
    if not share_ids or not isinstance(driver, base.RecoveryInterface):
        return {}
    try:
        return driver.recover(sorted(share_ids)) or {}
    except Exception:
        LOG.exception('Driver recovery failed; unfinished work is treated '
                      'as failed')
        return {share_id: 'failed' for share_id in share_ids}


def _creating(context, driver, share, outcome):
    try:
        exports = driver.ensure_share(common.share_spec(share))
    except Exception as exc:
        LOG.warning('Share %s was being created when the service stopped '
                    'and is not on the back end (%s); setting error',
                    share.id, exc)
        common.share_error(context, share, states.STATUS_ERROR,
                           common.Action.CREATE, _INTERRUPTED,
                           expected=states.STATUS_CREATING)
        return
    create_delete.finish_create(context, share, exports)


def _deleting(context, driver, share, outcome):
    create_delete.delete_share(context, driver, share.id)


def _extending(context, driver, share, outcome):
    common.share_error(context, share, states.STATUS_EXTENDING_ERROR,
                       common.Action.EXTEND, _INTERRUPTED,
                       expected=states.STATUS_EXTENDING)


def _shrinking(context, driver, share, outcome):
    common.share_error(context, share, states.STATUS_SHRINKING_ERROR,
                       common.Action.SHRINK, _INTERRUPTED,
                       expected=states.STATUS_SHRINKING)


def _reverting(context, driver, share, outcome):
    restoring = db.share_snapshot_get_all(
        context, filters={'share_id': share.id,
                          'status': states.STATUS_RESTORING})
    if len(restoring) != 1:
        LOG.error('Share %s is reverting but %d of its snapshots are '
                  'restoring; setting reverting_error', share.id,
                  len(restoring))
        common.share_error(context, share, states.STATUS_REVERTING_ERROR,
                           common.Action.REVERT_TO_SNAPSHOT, _INTERRUPTED,
                           expected=states.STATUS_REVERTING)
        return
    snapshot = restoring[0]
    if outcome == base.RecoveryInterface.RECOVERY_COMPLETED:
        revert.revert_succeeded(context, share, snapshot)
    elif outcome in _RERUN_REVERT:
        # The share holds complete data from before the revert; the
        # snapshot is still the latest (nothing can be snapshotted while
        # the share is reverting): carry out the revert that was accepted.
        LOG.info('Running the interrupted revert of share %s to snapshot '
                 '%s again (recovery: %s)', share.id, snapshot.id, outcome)
        revert.revert_to_snapshot(context, driver, share.id, snapshot.id)
    else:
        LOG.warning('Revert of share %s to snapshot %s was interrupted and '
                    'cannot be finished (recovery: %s)', share.id,
                    snapshot.id, outcome)
        revert.revert_failed(context, share, snapshot, _INTERRUPTED)


_SHARE_HANDLERS = {
    states.STATUS_CREATING: _creating,
    states.STATUS_DELETING: _deleting,
    states.STATUS_EXTENDING: _extending,
    states.STATUS_SHRINKING: _shrinking,
    states.STATUS_REVERTING: _reverting,
}


def _resolve_snapshot(context, driver, snapshot):
    if snapshot.status == states.STATUS_CREATING:
        LOG.warning('Snapshot %s was being taken when the service stopped; '
                    'setting error', snapshot.id)
        snapshots.snapshot_error(context, snapshot, states.STATUS_ERROR,
                                 common.Action.CREATE, _INTERRUPTED,
                                 states.STATUS_CREATING)
    elif snapshot.status == states.STATUS_DELETING:
        snapshots.delete_snapshot(context, driver, snapshot.id)
    elif snapshot.status == states.STATUS_RESTORING:
        share = db.share_get(context, snapshot.share_id)
        if share.status != states.STATUS_REVERTING:
            db.share_snapshot_update_if(
                context, snapshot.id, {'status': states.STATUS_AVAILABLE},
                expected_status=[states.STATUS_RESTORING])


def _guarded(fn, what, *args):
    try:
        fn(*args)
    except Exception:
        LOG.exception('Reconciling %s failed; it is left as it is', what)


def reconcile_host(context, driver, host):
    """Resolve every transitional record of ``host`` (see module doc)."""
    ctx = common.admin(context)
    shares = db.share_get_all_by_host(ctx, host)
    ids = [share.id for share in shares]
    snaps = db.share_snapshot_get_all(
        ctx, filters={'share_id': ids, 'status': list(_SNAPSHOT_WORK)}
    ) if ids else []
    busy = {s.id for s in shares if s.status in _SHARE_HANDLERS}
    busy.update(snap.share_id for snap in snaps)
    outcomes = _recover(driver, busy)
    for share in shares:
        handler = _SHARE_HANDLERS.get(share.status)
        if handler is not None:
            _guarded(handler, 'share %s' % share.id, ctx, driver, share,
                     outcomes.get(share.id))
    for snap in snaps:
        _guarded(_resolve_snapshot, 'snapshot %s' % snap.id, ctx, driver,
                 db.share_snapshot_get(ctx, snap.id))
    for share in shares:
        if share.status == states.STATUS_SNAPSHOTTING:
            snapshots.release_share(ctx, share.id)
    ensure_available(ctx, driver, host)


def ensure_available(context, driver, host):
    """Check the host's settled shares; refresh exports and access.

    Available shares are ensured and their rules rendered again; shares
    in other settled statuses (error, ...) only get queued rule changes
    applied, which a stop may have left behind.
    """
    for share in db.share_get_all_by_host(context, host):
        if share.status == states.STATUS_AVAILABLE:
            _guarded(_ensure_one, 'share %s' % share.id, context, driver,
                     share)
        elif share.status not in states.SHARE_TRANSITIONAL:
            _guarded(access.update_access, 'access of share %s' % share.id,
                     context, driver, share.id)


def _ensure_one(context, driver, share):
    try:
        exports = driver.ensure_share(common.share_spec(share))
    except Exception as exc:
        LOG.error('Share %s is available in the database but the back end '
                  'does not serve it: %s', share.id, exc)
        return
    db.share_export_locations_update(context, share.id,
                                     common.export_dicts(exports))
    access.update_access(context, driver, share.id, always=True)

"""Temporary snapshots that share backups read (``backup_from_snapshot``).

The data service asks for one by RPC call once it holds the share (share
``backup_creating``, backup ``creating``), then frees the share and copies
from the snapshot.  Such a snapshot is the driver's alone
(:class:`~manila_bk.share.drivers.base.BackupSnapshotInterface`): it has
no share_snapshots row, so tenants never see it, quotas never count it and
revert never picks it.

* create: under a per-backup lock, the backup must be creating and its
  share held by it; the driver takes and exports the snapshot; if the
  backup stopped creating meanwhile (the data service gave up waiting),
  the snapshot is deleted at once.
* delete: the driver deletes it (idempotent), then the backup's
  ``temp_snapshot_host`` is cleared.
* :func:`delete_orphans`, when the share service starts and periodically:
  every snapshot the driver lists whose backup is no longer creating (or
  is gone) is deleted, so neither a crash of the data service nor of the
  share service leaves one behind for longer than its backup runs.

Answers are plain dicts, as the RPC call returns them: failures are
answered as text (``{"error": ...}``), never raised, so that the data
service can put them into the backup's ``fail_reason``.
"""

from oslo_concurrency import lockutils
from oslo_log import log as logging

from manila_bk.common import states
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.share.drivers import base
from manila_bk.share.flows import common

LOG = logging.getLogger(__name__)


class BackupNotCreating(exception.ManilaBkException):
    message = ('Backup %(backup_id)s of share %(share_id)s cannot get a '
               'temporary snapshot: %(reason)s.')


def _lock(backup_id, blocking=True):
    # One create or delete per backup at a time; the orphan sweep skips
    # a snapshot that is being worked on.
    return lockutils.lock('backup-snapshot-%s' % backup_id,
                          blocking=blocking)


def _reason(exc):
    if isinstance(exc, OSError) and exc.strerror:
        return '%s: %s' % (exc.strerror, exc.filename) if exc.filename \
            else exc.strerror
    if isinstance(exc, exception.ManilaBkException):
        return str(exc)
    return '%s: %s' % (type(exc).__name__, exc)


def _share_spec(context, share_id):
    """The driver's view of the share, deleted or not (ids suffice)."""
    try:
        share = db.share_get(context.with_read_deleted('yes'), share_id)
    except exception.ShareNotFound:
        return base.ShareSpec(id=share_id, size=0, share_proto='NFS')
    return common.share_spec(share)


def _spec(share_spec, backup_id, access_to=()):
    rules = tuple(
        base.AccessRule(id='backup-%s-%d' % (backup_id, index),
                        access_type='ip', access_to=address,
                        access_level='ro')
        for index, address in enumerate(access_to or ()))
    return base.BackupSnapshotSpec(backup_id=backup_id, share=share_spec,
                                   access_rules=rules)


def _check_creating(context, share_id, backup_id, share_held=True):
    try:
        backup = db.share_backup_get(context, backup_id)
    except exception.ShareBackupNotFound:
        backup = None
    if backup is None or backup.share_id != share_id:
        raise BackupNotCreating(backup_id=backup_id, share_id=share_id,
                                reason='no such backup of this share')
    if backup.status != states.STATUS_CREATING:
        raise BackupNotCreating(backup_id=backup_id, share_id=share_id,
                                reason='the backup is %s' % backup.status)
    if share_held:
        share = db.share_get(context, share_id)
        if share.status != states.STATUS_BACKUP_CREATING:
            raise BackupNotCreating(
                backup_id=backup_id, share_id=share_id,
                reason='the share is %s, not backup_creating'
                % share.status)


def create_backup_snapshot(context, driver, share_id, backup_id,
                           access_to=()):
    """Take the snapshot; ``{"export_locations": [...]}`` or why not."""
    ctx = common.admin(context)
    if not isinstance(driver, base.BackupSnapshotInterface):
        return {'unsupported': 'share driver %s takes no backup snapshots'
                % type(driver).__name__}
    try:
        with _lock(backup_id):
            _check_creating(ctx, share_id, backup_id)
            spec = _spec(_share_spec(ctx, share_id), backup_id, access_to)
            result = driver.create_backup_snapshot(spec)
            try:
                _check_creating(ctx, share_id, backup_id, share_held=False)
            except BackupNotCreating:
                driver.delete_backup_snapshot(spec)
                raise
    except Exception as exc:
        LOG.warning('No temporary snapshot of share %s for backup %s: %s',
                    share_id, backup_id, _reason(exc),
                    exc_info=not isinstance(exc, BackupNotCreating))
        return {'error': _reason(exc)}
    LOG.info('Took the temporary snapshot of share %s for backup %s',
             share_id, backup_id)
    return {'export_locations': common.export_dicts(
        result.export_locations)}


def _delete(context, driver, share_id, backup_id, blocking=True):
    with _lock(backup_id, blocking=blocking):
        driver.delete_backup_snapshot(
            _spec(_share_spec(context, share_id), backup_id))
    try:
        db.share_backup_update(context.with_read_deleted('yes'), backup_id,
                               {'temp_snapshot_host': None})
    except exception.ShareBackupNotFound:
        pass


def delete_backup_snapshot(context, driver, share_id, backup_id):
    """Delete the snapshot; ``{"deleted": True}`` or ``{"error": ...}``."""
    ctx = common.admin(context)
    if not isinstance(driver, base.BackupSnapshotInterface):
        return {'deleted': True}
    try:
        _delete(ctx, driver, share_id, backup_id)
    except Exception as exc:
        LOG.exception('Could not delete the temporary snapshot of share %s '
                      'for backup %s; it is retried periodically',
                      share_id, backup_id)
        return {'error': _reason(exc)}
    LOG.info('Deleted the temporary snapshot of share %s for backup %s',
             share_id, backup_id)
    return {'deleted': True}


def _backup_status(context, backup_id):
    try:
        return db.share_backup_get(context, backup_id).status
    except exception.ShareBackupNotFound:
        return None


def delete_orphans(context, driver):
    """Delete snapshots whose backup is not creating; lines saying so."""
    if not isinstance(driver, base.BackupSnapshotInterface):
        return []
    ctx = common.admin(context)
    report = []
    for share_id, backup_id in driver.list_backup_snapshots():
        status = _backup_status(ctx, backup_id)
        if status == states.STATUS_CREATING:
            continue
        try:
            _delete(ctx, driver, share_id, backup_id, blocking=False)
        except lockutils.AcquireLockFailedException:
            continue
        except Exception:
            LOG.exception('Could not delete the orphaned temporary snapshot '
                          'of share %s for backup %s', share_id, backup_id)
            continue
        report.append('temporary snapshot of share %s for backup %s '
                      '(%s) deleted' % (share_id, backup_id,
                                        status or 'gone'))
    for line in report:
        LOG.info('Backup snapshots: %s', line)
    return report

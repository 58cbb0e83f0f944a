"""Restore a backup: the backup is restoring, the target share
backup_restoring (the backup's own share, or another from API 2.91), or
creating (a new share created from the backup).

First the target is made ready (:mod:`restore_target`: a new share is
waited for, a share smaller than the backup is extended through its share
service).  Then grant the data node read-write access, reach the share's
data, let the driver make it an exact mirror of the backup, then unmount
and revoke in every outcome.

=============================  ==============================================
outcome                        result
=============================  ==============================================
restored                       share available, backup available, 100%
                               (a new share: progress 100%)
failed before the share was    share available, backup available, message;
changed (not ready, access,    a backup found damaged or missing on the
mount, the backup damaged or   target becomes error with a fail_reason
missing)
failed while changing it       share backup_restoring_error, backup
                               available, message
a new share, any failure       share error (its quota is given back when it
                               is deleted), backup as above, message
=============================  ==============================================
"""

from oslo_log import log as logging

from manila_bk.common import states
from manila_bk.data.backup import base
from manila_bk.data.flows import access
from manila_bk.data.flows import common
from manila_bk.data.flows import restore_target
from manila_bk.db import api as db
from manila_bk import exception

LOG = logging.getLogger(__name__)

_BROKEN_BACKUP = (base.BackupCorrupted, base.BackupNotFoundOnTarget,
                  base.ManifestFormatUnsupported)


def restore_backup(context, driver, backup_id, share_id, host):
    """Restore claimed backup ``backup_id`` onto share ``share_id``."""
    ctx = common.admin(context)
    try:
        backup = db.share_backup_get(ctx, backup_id)
        share = db.share_get(ctx, share_id)
    except (exception.ShareBackupNotFound, exception.ShareNotFound) as exc:
        LOG.warning('Restore of backup %s cannot run: %s', backup_id, exc)
        common.set_share(ctx, share_id, states.STATUS_AVAILABLE,
                         (states.STATUS_BACKUP_RESTORING,))
        common.set_backup(ctx, backup_id,
                          {'status': states.STATUS_AVAILABLE},
                          (states.BACKUP_STATUS_RESTORING,))
        return
    new = restore_target.is_new_share(share, backup)
    phase = common.PHASE_CHECK
    try:
        if driver is None:
            raise common.NoBackupBackend(host=host)
        phase = restore_target.PHASE_PREPARE
        share = restore_target.prepare(ctx, backup, share)
        phase = common.PHASE_CHECK
        common.check_share(share, states.STATUS_BACKUP_RESTORING)
    except exception.ManilaBkException as exc:
        _failed(ctx, driver, backup, share, phase, exc, touched=False,
                new=new)
        return
    LOG.info('Restore of backup %s onto share %s started on %s', backup.id,
             share.id, host)
    try:
        _copy(ctx, driver, backup, share)
    except _Failed as failed:
        _failed(ctx, driver, backup, share, failed.phase, failed.exc,
                failed.touched and not _untouched(driver, failed.exc),
                new=new)
        return
    _finish(ctx, backup, share, new)


class _Failed(Exception):
    def __init__(self, phase, exc, touched):
        super().__init__(str(exc))
        self.phase, self.exc, self.touched = phase, exc, touched


def _copy(ctx, driver, backup, share):
    """Run the driver's restore; raises _Failed naming the phase."""
    progress = common.ProgressWriter(ctx, backup.id, 'restore_progress')
    phase, touched, done = common.PHASE_ACCESS, False, False
    try:
        with access.granted(ctx, share, backup.id, access.LEVEL_RESTORE):
            phase = common.PHASE_MOUNT
            with common.local_share(share) as path:
                phase, touched = common.PHASE_RESTORE, True
                driver.restore(common.backup_spec(backup),
                               base.ShareSource(share.id, path), progress)
                done = True
    except Exception as exc:
        if not done:
            LOG.exception('Restore of backup %s onto share %s failed while '
                          '%s', backup.id, share.id, phase)
            raise _Failed(phase, exc, touched)
        # The share is restored; only unmounting failed.  The mount is
        # undone when the data service next starts.
        LOG.exception('Backup %s is restored but cleaning up after it '
                      'failed', backup.id)


def _untouched(driver, exc):
    """Whether the driver failed before it changed the target.

    A driver says so with ``target_untouched`` on the exception.  Without
    it: a missing or unreadable backup is found before anything is
    changed, and so is damage when the driver verifies before restoring.
    """
    flag = getattr(exc, 'target_untouched', None)
    if flag is not None:
        return bool(flag)
    if isinstance(exc, (base.BackupNotFoundOnTarget,
                        base.ManifestFormatUnsupported)):
        return True
    return isinstance(exc, base.BackupCorrupted) and \
        bool(getattr(driver, 'verify_on_restore', False))


def _finish(ctx, backup, share, new):
    values = {'status': states.STATUS_AVAILABLE}
    if new:
        values['progress'] = restore_target.PROGRESS_DONE
    if db.share_update_if(ctx, share.id, values, expected_status=[
            states.STATUS_BACKUP_RESTORING]) is None:
        LOG.warning('Share %s was no longer backup_restoring; not setting '
                    'it available', share.id)
    if common.set_backup(ctx, backup.id,
                         {'status': states.STATUS_AVAILABLE,
                          'restore_progress': '100'},
                         (states.BACKUP_STATUS_RESTORING,)):
        LOG.info('Backup %s restored onto share %s', backup.id, share.id)


def _share_outcome(phase, exc, touched, broken, new):
    """(action, detail, status, expected statuses) for the share."""
    if new:
        return (common.Action.CREATE, common.Detail.CREATE_FROM_BACKUP_FAILED,
                states.STATUS_ERROR, (states.STATUS_BACKUP_RESTORING,
                                      states.STATUS_CREATING))
    if touched:
        detail = common.Detail.RESTORE_FAILED
    elif broken:
        detail = common.DETAIL_BACKUP_DAMAGED
    else:
        detail = getattr(exc, 'detail', None) or \
            common.detail_for(phase, exc) or common.DETAIL_RESTORE_NOT_STARTED
    return (common.Action.RESTORE_BACKUP, detail,
            states.STATUS_BACKUP_RESTORING_ERROR if touched
            else states.STATUS_AVAILABLE, (states.STATUS_BACKUP_RESTORING,))


def _failed(ctx, driver, backup, share, phase, exc, touched, new=False):
    reason = common.fail_reason(phase, exc)
    broken = isinstance(exc, _BROKEN_BACKUP)
    action, detail, status, expected = _share_outcome(phase, exc, touched,
                                                      broken, new)
    common.user_message(ctx, common.RESOURCE_SHARE, share.id, action,
                        detail, share.project_id)
    if broken:
        # DETAIL_BACKUP_DAMAGED says the share was not changed: only true
        # when the damage was found before writing (verify_on_restore).
        common.user_message(ctx, common.RESOURCE_BACKUP, backup.id,
                            common.Action.RESTORE_BACKUP,
                            common.Detail.BACKUP_VERIFY_FAILED if touched
                            else common.DETAIL_BACKUP_DAMAGED,
                            backup.project_id)
    common.set_share(ctx, share.id, status, expected)
    values = {'status': states.STATUS_AVAILABLE}
    if broken:
        values = {'status': states.STATUS_ERROR, 'fail_reason': reason}
    common.set_backup(ctx, backup.id, values,
                      (states.BACKUP_STATUS_RESTORING,))
    LOG.error('Restore of backup %s onto share %s failed (%s): %s',
              backup.id, share.id,
              'share changed' if touched else 'share unchanged', reason)

"""Delete a backup: the manager claimed it (deleting, host = this node).

The driver deletes idempotently (an absent backup is success), so a
delete interrupted by a crash is simply run again.  Success: the quota
the backup counted is released, then the row is soft-deleted (clients
that waited for the 404 see the usage already released).  Failure:
``error_deleting`` and a user message.
"""

from oslo_log import log as logging

from manila_bk.common import states
from manila_bk.data.flows import common
from manila_bk.db import api as db
from manila_bk import exception

LOG = logging.getLogger(__name__)


def delete_backup(context, driver, backup_id, host):
    """Delete claimed backup ``backup_id`` with ``driver``."""
    ctx = common.admin(context)
    try:
        backup = db.share_backup_get(ctx, backup_id)
    except exception.ShareBackupNotFound:
        LOG.info('Backup %s is already deleted', backup_id)
        return
    try:
        if driver is None:
            raise common.NoBackupBackend(host=host)
        driver.delete(common.backup_spec(backup))
    except Exception as exc:
        LOG.exception('Deleting backup %s failed', backup_id)
        _failed(ctx, backup, exc)
        return
    common.release_quota(ctx, backup)
    db.share_backup_delete(ctx, backup.id)
    LOG.info('Backup %s deleted', backup.id)


def _failed(ctx, backup, exc):
    reason = common.fail_reason(common.PHASE_DELETE, exc)
    detail = common.detail_for(common.PHASE_DELETE, exc) or \
        common.Detail.UNKNOWN_ERROR
    common.user_message(ctx, common.RESOURCE_BACKUP, backup.id,
                        common.Action.DELETE_BACKUP, detail,
                        backup.project_id)
    common.set_backup(ctx, backup.id,
                      {'status': states.STATUS_ERROR_DELETING,
                       'fail_reason': reason},
                      (states.STATUS_DELETING,))

"""Reconcile what a data service left unfinished.

Runs when the data service starts (before it consumes RPC) and on demand
(``manila-bk-manage backup cleanup``).  Work still running in this
process (``running``) is never touched.

=======================  ====================================================
backup creating (here)   complete on the target: finished (available);
                         otherwise partial data removed, error, message;
                         either way its temporary snapshot (if it was
                         made with ``backup_from_snapshot``) is queued for
                         deletion on the share service, which also
                         deletes, when it starts and periodically, any
                         such snapshot whose backup is not creating
backup restoring (here)  target share backup_restoring_error (it may be
                         half restored), backup available, message
backup deleting (here)   the delete is run again (drivers are idempotent)
backup creating, no      error after ``backup_unclaimed_timeout`` (the
host                     request was lost); its share is freed
share backup_creating    available, once ``backup_reconcile_grace`` passed
with no backup creating  and nothing explains the status (a backup copying
                         a temporary snapshot freed its share already)
share backup_restoring   backup_restoring_error and a message, likewise
with no restore running
mounts                   anything mounted below ``backup_mount_root`` is
                         unmounted (``local`` only)
access                   data-node rules left on shares are queued for
                         removal (see ``access``)
=======================  ====================================================
"""

import datetime

from oslo_log import log as logging

from manila_bk.common import states
from manila_bk.common import utils
from manila_bk import conf
from manila_bk.data.backup import base
from manila_bk.data.backup import mount
from manila_bk.data.flows import access
from manila_bk.data.flows import backup as backup_flow
from manila_bk.data.flows import common
from manila_bk.data.flows import delete as delete_flow
from manila_bk.db import api as db
from manila_bk.db import models
from manila_bk import exception

CONF = conf.CONF
LOG = logging.getLogger(__name__)

_INTERRUPTED = common.Detail.INTERRUPTED_BY_RESTART
_WORK = (states.STATUS_CREATING, states.BACKUP_STATUS_RESTORING,
         states.STATUS_DELETING)


class Interrupted(exception.ManilaBkException):
    message = ('The data service on %(host)s stopped before the work was '
               'finished; start it again with a new request.')


def reconcile_host(context, driver, host, running=(), local=True,
                   progress_cb=None):
    """Resolve what ``host`` left; returns lines saying what was done.

    ``local`` means this process runs on ``host``: leftover mounts and
    the access journal on this node are handled too.  A step that fails
    is logged and reported; the others still run.  ``progress_cb(done,
    total)`` is told of each step and each backup reconciled.
    """
    ctx = common.admin(context)
    running = set(running)
    touched = set()
    counter = common.WorkCounter(progress_cb)
    steps = []
    if local and not running:
        steps.append(('unmounting leftover mounts',
                      lambda: cleanup_mounts(driver)))
    steps += [
        ('backups of %s' % host,
         lambda: _host_backups(ctx, driver, host, running, touched,
                               counter)),
        ('unclaimed backups', lambda: fail_unclaimed(ctx)),
        ('busy shares', lambda: free_orphan_shares(ctx)),
        ('data node access', lambda: [
            'access of the data node to share %s is queued for removal'
            % share_id for share_id in access.revoke_leftovers(
                ctx, skip=running, share_ids=sorted(touched),
                journal=local)]),
    ]
    report = []
    counter.grow(len(steps))
    for what, step in steps:
        try:
            report += step()
        except Exception as exc:
            LOG.exception('Reconciling %s failed', what)
            report.append('%s: failed: %s' % (what, exc))
        counter.advance()
    for line in report:
        LOG.info('Reconcile: %s', line)
    return report


def _host_backups(ctx, driver, host, running, touched, counter):
    report = []
    backups = [backup for backup in db.share_backup_get_all_by_host(
        ctx, host, _WORK) if backup.id not in running]
    counter.grow(len(backups))
    for backup in backups:
        touched.update({backup.share_id, backup.restore_share_id} - {None})
        with common.logged('Reconciling backup %s' % backup.id):
            report.append(_backup(ctx, driver, host, backup))
        counter.advance()
    return report


def _backup(ctx, driver, host, backup):
    if backup.status == states.STATUS_CREATING:
        return _creating(ctx, driver, host, backup)
    if backup.status == states.BACKUP_STATUS_RESTORING:
        return _restoring(ctx, host, backup)
    delete_flow.delete_backup(ctx, driver, backup.id, host)
    return 'backup %s: delete run again' % backup.id


def _creating(ctx, driver, host, backup):
    spec = common.backup_spec(backup)
    if driver is not None:
        try:
            if driver.exists(spec):
                result = driver.backup(
                    spec, base.ShareSource(backup.share_id, ''), None)
                backup_flow.finish(ctx, backup, result, wait=False)
                return 'backup %s: complete on the target, available' % (
                    backup.id)
        except Exception:
            LOG.exception('Could not check backup %s on the target',
                          backup.id)
    backup_flow.fail(ctx, backup, common.PHASE_BACKUP,
                     Interrupted(host=host), driver=driver,
                     detail=_INTERRUPTED, wait=False)
    return 'backup %s: interrupted, partial data removed, error' % (
        backup.id)


def _restoring(ctx, host, backup):
    share_id = backup.restore_share_id or backup.share_id
    common.user_message(ctx, common.RESOURCE_SHARE, share_id,
                        common.Action.RESTORE_BACKUP, _INTERRUPTED,
                        backup.project_id)
    common.set_share(ctx, share_id, states.STATUS_BACKUP_RESTORING_ERROR,
                     (states.STATUS_BACKUP_RESTORING,))
    common.set_backup(ctx, backup.id, {'status': states.STATUS_AVAILABLE},
                      (states.BACKUP_STATUS_RESTORING,))
    return ('backup %s: restore onto share %s interrupted, share '
            'backup_restoring_error' % (backup.id, share_id))


def _older_than(row, seconds, now):
    stamp = row.updated_at or row.created_at
    return stamp is None or now - stamp >= datetime.timedelta(
        seconds=seconds)


def fail_unclaimed(ctx):
    """Error backups no data service took within the timeout.

    The CAS requires the host to be still unset, so a data service that
    claims the backup at the same moment wins or loses cleanly.
    """
    now = utils.utcnow()
    report = []
    exc = _Unclaimed(seconds=CONF.backup_unclaimed_timeout)
    values = {'status': states.STATUS_ERROR,
              'fail_reason': common.fail_reason(common.PHASE_CHECK, exc)}
    for backup in db.share_backup_get_all(
            ctx, filters={'status': states.STATUS_CREATING, 'host': None},
            project_only=False):
        if not _older_than(backup, CONF.backup_unclaimed_timeout, now):
            continue
        if not db.share_backup_update_if(
                ctx, backup.id, values,
                expected_status=[states.STATUS_CREATING],
                extra_where=[models.ShareBackup.host.is_(None)]):
            continue
        common.user_message(ctx, common.RESOURCE_BACKUP, backup.id,
                            common.Action.CREATE_BACKUP,
                            common.Detail.BACKUP_FAILED, backup.project_id)
        common.release_share(ctx, backup.share_id)
        report.append('backup %s: no data service took it, error'
                      % backup.id)
    return report


class _Unclaimed(exception.ManilaBkException):
    message = ('No data service with a backup back end took the backup '
               'within %(seconds)s s; check that manila-bk-data runs with '
               'enabled_backup_backend set.')


def _live_backup_shares(ctx):
    """Share ids held by a backup being created or restored onto."""
    creating, restoring = set(), set()
    for backup in db.share_backup_get_all(
            ctx, filters={'status': [states.STATUS_CREATING,
                                     states.BACKUP_STATUS_RESTORING]},
            project_only=False):
        if backup.status == states.STATUS_CREATING:
            if not backup.from_snapshot:
                creating.add(backup.share_id)
        else:
            restoring.add(backup.restore_share_id or backup.share_id)
    return creating, restoring


def free_orphan_shares(ctx):
    """Shares busy with a backup operation that no longer exists."""
    now = utils.utcnow()
    creating, restoring = _live_backup_shares(ctx)
    report = []
    for share in db.share_get_all(
            ctx, filters={'status': [states.STATUS_BACKUP_CREATING,
                                     states.STATUS_BACKUP_RESTORING]},
            project_only=False):
        if not _older_than(share, CONF.backup_reconcile_grace, now):
            continue
        if share.status == states.STATUS_BACKUP_CREATING:
            if share.id not in creating and common.release_share(
                    ctx, share.id):
                report.append('share %s: no backup running, available'
                              % share.id)
        elif share.id not in restoring:
            common.user_message(ctx, common.RESOURCE_SHARE, share.id,
                                common.Action.RESTORE_BACKUP, _INTERRUPTED,
                                share.project_id)
            if common.set_share(ctx, share.id,
                                states.STATUS_BACKUP_RESTORING_ERROR,
                                (states.STATUS_BACKUP_RESTORING,)):
                report.append('share %s: no restore running, '
                              'backup_restoring_error' % share.id)
    return report


def cleanup_mounts(driver):
    """Unmount what a crash left below the mount root(s)."""
    roots = {CONF.backup_mount_root}
    root = getattr(driver, 'mount_root', None)
    if root:
        roots.add(root)
    report = []
    for root in sorted(roots):
        for path in mount.find_leftover_mounts(root):
            if path.rstrip('/') == root.rstrip('/'):
                continue
            template = _unmount_template(driver, path)
            try:
                mount.unmount(path, template)
            except base.BackupMountError as exc:
                report.append('mount %s could not be unmounted: %s'
                              % (path, exc))
                continue
            report.append('leftover mount %s unmounted' % path)
        with common.logged('Cleaning mount points below %s' % root):
            mount.cleanup_leftover_mounts(root, CONF.share_unmount_template)
    return report


def _unmount_template(driver, path):
    name = path.rstrip('/').rsplit('/', 1)[-1]
    if name.startswith('backup-target-'):
        return getattr(driver, 'unmount_template', None) or \
            CONF.share_unmount_template
    return CONF.share_unmount_template

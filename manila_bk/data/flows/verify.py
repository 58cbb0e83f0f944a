"""Verify a backup: re-read it on the target and check it against its manifest.

Run on demand (``manila-bk-manage backup verify <backup>``) and, every
``backup_verify_interval`` seconds when that is not 0, by the data
service for the available backups it made.  The driver's ``verify`` reads
every file of the backup and compares it with the manifest (checksums,
sizes, types, modes, links; nothing missing, nothing extra).

A damaged backup is set from ``available`` to ``error`` (compare and
swap: a backup that started a restore or a deletion meanwhile is left
alone) with a ``fail_reason`` naming the first problems, and a user
message for its project.  An intact backup is not changed: a backup in
``error`` that verifies clean is only reported; an administrator may
reset it.
"""

import dataclasses

from oslo_log import log as logging

from manila_bk.common import states
from manila_bk.data.flows import common
from manila_bk.db import api as db
from manila_bk import exception

LOG = logging.getLogger(__name__)

PHASE_VERIFY = 'verifying the backup on the backup target'
# Statuses in which a backup is stable enough to be read.
VERIFIABLE = (states.STATUS_AVAILABLE, states.STATUS_ERROR)
_SHOWN_PROBLEMS = 5


class BackupDamaged(exception.ManilaBkException):
    message = ('The backup does not match its manifest (%(count)d '
               'problem(s)): %(problems)s')


@dataclasses.dataclass
class Outcome:
    """What one verification found; ``problems`` empty means intact."""

    backup_id: str
    problems: list
    status: str

    @property
    def intact(self):
        return not self.problems


def verify_backup(context, driver, backup_id):
    """Verify backup ``backup_id`` with ``driver``; returns an Outcome.

    Raises InvalidInput when the backup is busy (creating, restoring,
    deleting) and ShareBackupNotFound when it does not exist.
    """
    ctx = common.admin(context)
    backup = db.share_backup_get(ctx, backup_id)
    if backup.status not in VERIFIABLE:
        raise exception.InvalidInput(
            reason='backup %s is %s; only %s backups can be verified'
            % (backup.id, backup.status, ' or '.join(VERIFIABLE)))
    if driver is None:
        raise common.NoBackupBackend(host='this node')
    try:
        problems = list(driver.verify(common.backup_spec(backup)))
    except Exception as exc:
        # The target could not be read: not proof of damage.
        LOG.exception('Verifying backup %s failed', backup.id)
        raise exception.ManilaBkException(
            common.fail_reason(PHASE_VERIFY, exc))
    if not problems:
        LOG.info('Backup %s verified: intact', backup.id)
        return Outcome(backup.id, [], backup.status)
    _damaged(ctx, backup, problems)
    return Outcome(backup.id, problems, db.share_backup_get(
        ctx, backup.id).status)


def _damaged(ctx, backup, problems):
    exc = BackupDamaged(count=len(problems),
                        problems='; '.join(problems[:_SHOWN_PROBLEMS]))
    reason = common.fail_reason(PHASE_VERIFY, exc)
    LOG.error('Backup %s is damaged: %s', backup.id, '; '.join(problems))
    if backup.status == states.STATUS_AVAILABLE and not common.set_backup(
            ctx, backup.id, {'status': states.STATUS_ERROR,
                             'fail_reason': reason},
            (states.STATUS_AVAILABLE,)):
        return
    if backup.status == states.STATUS_ERROR:
        common.set_backup(ctx, backup.id, {'fail_reason': reason},
                          (states.STATUS_ERROR,))
    common.user_message(ctx, common.RESOURCE_BACKUP, backup.id,
                        common.Action.CREATE_BACKUP,
                        common.Detail.BACKUP_VERIFY_FAILED,
                        backup.project_id)


def verify_host_backups(context, driver, host, skip=()):
    """Verify every available backup ``host`` made; lines of report.

    A backup whose verification cannot run (target unreachable, backup
    busy meanwhile) is reported and the pass goes on.
    """
    ctx = common.admin(context)
    report = []
    for backup in db.share_backup_get_all_by_host(
            ctx, host, (states.STATUS_AVAILABLE,)):
        if backup.id in skip:
            continue
        try:
            outcome = verify_backup(ctx, driver, backup.id)
        except Exception as exc:
            report.append('backup %s: not verified: %s' % (backup.id, exc))
            continue
        report.append('backup %s: %s' % (
            backup.id, 'intact' if outcome.intact else
            'damaged, %s' % outcome.status))
    for line in report:
        LOG.info('Verify: %s', line)
    return report

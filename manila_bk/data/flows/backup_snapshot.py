"""Backups read from a temporary snapshot (``backup_from_snapshot``).

With ``backup_from_snapshot = True`` in the backup back end's section,
and when the share's back end reports ``snapshot_support``, the backup
flow holds the share (``backup_creating``) only while the share service
takes a temporary snapshot for the backup, then frees it and copies from
the snapshot's export::

    record temp_snapshot_host on the backup     (a crash cannot lose it)
    call share service: create_backup_snapshot  (share backup_creating)
    share available, backup from_snapshot       (writers are free again)
    mount the snapshot's export and copy
    call share service: delete_backup_snapshot  (in every outcome)

The share is freed before ``from_snapshot`` is recorded: a crash in
between must not leave the share busy.  So :func:`holds_share` does not
trust a missing ``from_snapshot`` alone when another backup of the share
already holds it.

A share driver that takes no such snapshots answers "unsupported" and the
backup reads the live share instead, holding it to the end as usual.  A
deletion that fails or cannot be awaited is left to the share service,
which deletes every temporary snapshot whose backup is no longer creating
(at start and periodically).
"""

from oslo_log import log as logging
import oslo_messaging as messaging
from oslo_serialization import jsonutils

from manila_bk.common import states
from manila_bk import conf
from manila_bk.data.backup import mount
from manila_bk.data.flows import common
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.share import rpcapi as share_rpcapi

CONF = conf.CONF
LOG = logging.getLogger(__name__)

# The binary a share service registers with (manila_bk.cmd.share.BINARY).
SHARE_BINARY = 'manila-bk-share'
PHASE_SNAPSHOT = 'taking the temporary snapshot of the share'


class BackupSnapshotFailed(exception.ManilaBkException):
    message = ('The share service of host %(host)s took no temporary '
               'snapshot of share %(share_id)s: %(reason)s')


class ShareServiceTimeout(BackupSnapshotFailed):
    message = ('The share service of host %(host)s did not answer within '
               '%(seconds)s s (backup_snapshot_timeout); check that it is '
               'running.')


def enabled(driver):
    """Whether the backup back end asks for backups from snapshots."""
    return bool(driver is not None and
                driver.config_get('backup_from_snapshot', False) is True)


def snapshot_support(context, share):
    """Whether the share's pool reports ``snapshot_support``."""
    server, _sep, pool = (share.host or '').partition('#')
    try:
        service = db.service_get_by_args(context, server, SHARE_BINARY)
        pools = jsonutils.loads(service.capabilities or '[]')
    except (exception.NotFound, ValueError):
        return False
    if isinstance(pools, dict):
        pools = [pools]
    for caps in pools if isinstance(pools, list) else ():
        if isinstance(caps, dict) and (
                not pool or caps.get('pool_name') == pool):
            return bool(caps.get('snapshot_support'))
    return False


def _export(share, answer):
    locations = [loc for loc in answer.get('export_locations') or ()
                 if isinstance(loc, dict) and loc.get('path')]
    if not locations:
        raise BackupSnapshotFailed(host=share.host, share_id=share.id,
                                   reason='it answered no export location')
    for wanted in (lambda loc: loc.get('is_admin_only'),
                   lambda loc: loc.get('preferred')):
        for loc in locations:
            if wanted(loc):
                return loc['path']
    return locations[0]['path']


def take(context, backup, share):
    """Snapshot the held share, then free it; the snapshot's export.

    Returns None when the share's driver takes no backup snapshots (the
    backup then reads the live share).  Raises BackupSnapshotFailed.
    """
    if not common.set_backup(context, backup.id,
                             {'temp_snapshot_host': share.host},
                             (states.STATUS_CREATING,)):
        raise BackupSnapshotFailed(host=share.host, share_id=share.id,
                                   reason='the backup is no longer creating')
    try:
        answer = share_rpcapi.ShareAPI().create_backup_snapshot(
            context, share.id, backup.id, share.host,
            access_to=CONF.data_node_access_ips,
            timeout=CONF.backup_snapshot_timeout)
    except messaging.MessagingTimeout:
        raise ShareServiceTimeout(host=share.host, share_id=share.id,
                                  seconds=CONF.backup_snapshot_timeout)
    except Exception as exc:
        raise BackupSnapshotFailed(host=share.host, share_id=share.id,
                                   reason='%s: %s' % (type(exc).__name__,
                                                      exc))
    answer = answer if isinstance(answer, dict) else {}
    if 'unsupported' in answer:
        LOG.info('Backup %s reads share %s itself: %s', backup.id, share.id,
                 answer['unsupported'])
        db.share_backup_update(context, backup.id,
                               {'temp_snapshot_host': None})
        return None
    if 'error' in answer:
        raise BackupSnapshotFailed(host=share.host, share_id=share.id,
                                   reason=answer['error'])
    export = _export(share, answer)
    common.release_share(context, share.id)
    common.set_backup(context, backup.id, {'from_snapshot': True},
                      (states.STATUS_CREATING,))
    LOG.info('Backup %s copies a temporary snapshot of share %s; the share '
             'is available again', backup.id, share.id)
    return export


def mounted(share, export):
    """Context manager: a directory on this node with the snapshot."""
    return mount.share_mounted(CONF, share.id, export,
                               proto=share.share_proto or 'nfs')


def drop(context, backup_id, wait=True):
    """Delete the backup's temporary snapshot, if it has one.

    With ``wait`` the deletion is awaited (up to backup_snapshot_timeout
    seconds); otherwise it is only requested.  True once it is known to
    be gone.  Never raises: whatever is left, the share service deletes.
    """
    try:
        backup = db.share_backup_get(context.elevated(read_deleted='yes'),
                                     backup_id)
    except exception.ShareBackupNotFound:
        return True
    host = backup.temp_snapshot_host
    if not host:
        return True
    try:
        answer = share_rpcapi.ShareAPI().delete_backup_snapshot(
            context, backup.share_id, backup.id, host, wait=wait,
            timeout=CONF.backup_snapshot_timeout)
    except Exception as exc:
        LOG.warning('Could not have the temporary snapshot of backup %s '
                    'deleted on %s (%s); the share service deletes it '
                    'later', backup.id, host, exc)
        return False
    if not wait:
        return False
    if not (isinstance(answer, dict) and answer.get('deleted')):
        LOG.warning('The temporary snapshot of backup %s was not deleted '
                    'on %s (%s); the share service deletes it later',
                    backup.id, host, (answer or {}).get('error'))
        return False
    return True


def holds_share(context, backup_id):
    """Whether backup ``backup_id`` still holds its share (to free it).

    A backup from a snapshot frees its share once the snapshot is taken.
    """
    try:
        backup = db.share_backup_get(context.elevated(read_deleted='yes'),
                                     backup_id)
    except exception.ShareBackupNotFound:
        return True
    if backup.from_snapshot:
        return False
    if not backup.temp_snapshot_host:
        return True
    # Taken, freed, and stopped before from_snapshot was recorded?  Then
    # another backup may hold the share now: leave it alone.
    others = db.share_backup_get_all(
        context, filters={'share_id': backup.share_id,
                          'status': states.STATUS_CREATING},
        project_only=False)
    return not any(other.id != backup.id and not other.from_snapshot
                   for other in others)

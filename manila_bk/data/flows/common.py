"""What every data flow needs: driver records, progress, reasons, messages.

A failure leaves two things behind: a ``fail_reason`` on the backup (when
the backup itself failed) that tells an operator what to fix, and a user
message for the project that names the action and a fixed detail text.
"""

import contextlib
import time

from oslo_log import log as logging

from manila_bk.common import states
from manila_bk import conf
from manila_bk.data.backup import base
from manila_bk.data.backup import mount
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.message import api as message_api
from manila_bk.message import message_field
from manila_bk import quota

CONF = conf.CONF
LOG = logging.getLogger(__name__)

RESOURCE_SHARE = message_field.Resource.SHARE
RESOURCE_BACKUP = message_field.Resource.SHARE_BACKUP
Action = message_field.Action
Detail = message_field.Detail

DETAIL_BACKUP_DAMAGED = Detail.BACKUP_DAMAGED
DETAIL_RESTORE_NOT_STARTED = Detail.RESTORE_NOT_STARTED
DETAIL_DATA_ACCESS_FAILED = Detail.DATA_NODE_ACCESS_FAILED

MAX_REASON = 1023

# What a flow was doing when it failed, in words for fail_reason.
PHASE_ACCESS = 'getting access to the share for the data node'
PHASE_MOUNT = 'mounting the share on the data node'
PHASE_BACKUP = 'copying the share to the backup target'
PHASE_RESTORE = 'restoring the backup into the share'
PHASE_DELETE = 'deleting the backup from the backup target'
PHASE_CHECK = 'checking the backup back end'

_MESSAGES = message_api.API()


class DataAccessError(exception.ManilaBkException):
    message = ('The data node could not get access to share %(share_id)s: '
               '%(reason)s')


class ShareNotReady(exception.ManilaBkException):
    message = ('Share %(share_id)s is %(status)s, not %(expected)s; its '
               'status was changed before the data service started.')


def check_share(share, expected):
    """Raise ShareNotReady unless ``share`` is in status ``expected``."""
    if share.status != expected:
        raise ShareNotReady(share_id=share.id, status=share.status,
                            expected=expected)


class NoBackupBackend(exception.ManilaBkException):
    message = ('Data service %(host)s has no backup back end enabled; set '
               '[DEFAULT] enabled_backup_backend on it.')


def admin(context):
    """The flow's context: admin rights, the caller's request id."""
    return context.elevated()


def backup_spec(backup):
    """The driver's view of a backup row."""
    return base.BackupSpec(
        id=backup.id, share_id=backup.share_id,
        project_id=backup.project_id, size=int(backup.size or 0),
        parent_id=backup.parent_id,
        backup_type=backup.backup_type or base.BACKUP_TYPE_FULL,
        created_at=backup.created_at)


def share_export(share):
    """The export location the data node uses: admin-only, preferred, any.

    Manila's data service also prefers an admin-only location: it is the
    one meant for the cloud's own nodes.
    """
    locations = list(share.export_locations or ())
    if not locations:
        raise DataAccessError(share_id=share.id,
                              reason='the share has no export location')
    for wanted in (lambda loc: loc.is_admin_only,
                   lambda loc: loc.preferred):
        for loc in locations:
            if wanted(loc):
                return loc.path
    return locations[0].path


def local_share(share):
    """Context manager yielding a directory on this node with the share.

    Mounted through ``share_mount_template``, or the export's path used
    as is when that template is empty.
    """
    return mount.share_mounted(CONF, share.id, share_export(share),
                               proto=share.share_proto or 'nfs')


class ProgressWriter:
    """A driver progress callback that stores the percentage.

    ``field`` is 'progress' or 'restore_progress'.  Writes happen at most
    every ``backup_progress_interval`` seconds (100 is always written).
    """

    def __init__(self, context, backup_id, field, clock=time.monotonic,
                 sleep=time.sleep):
        self.context = context
        self.backup_id = backup_id
        self.field = field
        self.clock = clock
        self.sleep = sleep
        self.last_percent = -1
        self.last_write = None

    def __call__(self, percent):
        percent = max(0, min(100, int(percent)))
        now = self.clock()
        due = (self.last_write is None or percent == 100 or
               now - self.last_write >= CONF.backup_progress_interval)
        if percent > self.last_percent and due:
            self.last_percent, self.last_write = percent, now
            try:
                db.share_backup_update(self.context, self.backup_id,
                                       {self.field: str(percent)})
            except Exception:
                LOG.exception('Could not record %s %d%% of backup %s',
                              self.field, percent, self.backup_id)
        delay = CONF.test_only_progress_delay
        if delay and percent < 100:
            self.sleep(delay)


class WorkCounter:
    """Units of work done out of a total that may grow (admin commands).

    ``callback(done, total)`` is called after each change, for a progress
    bar; a callback that raises is logged and otherwise ignored.
    """

    def __init__(self, callback=None):
        self.callback = callback
        self.done = 0
        self.total = 0

    def grow(self, count):
        self.total += count
        self._report()

    def advance(self, count=1):
        self.done += count
        self._report()

    def _report(self):
        if self.callback is None:
            return
        try:
            self.callback(self.done, self.total)
        except Exception:
            LOG.exception('A progress callback failed')


def fail_reason(phase, exc):
    """Words for ``fail_reason``: what was being done, and what went wrong."""
    if isinstance(exc, OSError) and exc.strerror:
        detail = exc.strerror
        if exc.filename:
            detail = '%s: %s' % (detail, exc.filename)
    elif isinstance(exc, exception.ManilaBkException):
        detail = str(exc)
    else:
        detail = '%s: %s' % (type(exc).__name__, exc)
    reason = 'Failed while %s. %s' % (phase, detail)
    return reason[:MAX_REASON]


def detail_for(phase, exc):
    """The user message detail that fits a failure."""
    if phase in (PHASE_ACCESS, PHASE_MOUNT):
        return DETAIL_DATA_ACCESS_FAILED
    if isinstance(exc, base.BackupMountError):
        return Detail.BACKUP_TARGET_UNAVAILABLE
    return None


def user_message(context, resource_type, resource_id, action, detail,
                 project_id, level='ERROR'):
    """Leave a message for the resource's project (never raises)."""
    _MESSAGES.create(context, resource_type, resource_id, action, detail,
                     project_id=project_id, level=level)


def release_quota(context, backup):
    """Give back what the backup counted (``backups``, ``backup_gigabytes``).

    Called once, when the backup is deleted: like Manila and Cinder, a
    backup in error keeps counting until it is deleted.  Never raises.
    """
    deltas = {'backups': 1, 'backup_gigabytes': int(backup.size or 0)}
    try:
        quota.release(context, backup.project_id, deltas)
    except Exception:
        LOG.exception('Could not release quota %s of project %s', deltas,
                      backup.project_id)


def set_backup(context, backup_id, values, expected):
    """CAS the backup from ``expected`` statuses; False (logged) if lost."""
    if db.share_backup_update_if(context, backup_id, values,
                                 expected_status=list(expected)):
        return True
    LOG.warning('Backup %s left %s before it could be updated with %s',
                backup_id, '/'.join(expected), values)
    return False


def set_share(context, share_id, status, expected):
    """CAS the share from ``expected`` to ``status``; False (logged)."""
    if db.share_update_if(context, share_id, {'status': status},
                          expected_status=list(expected)):
        return True
    LOG.warning('Share %s was no longer %s; not setting it %s', share_id,
                '/'.join(expected), status)
    return False


def release_share(context, share_id, status=states.STATUS_AVAILABLE,
                  expected=(states.STATUS_BACKUP_CREATING,)):
    """Share back from a backup status (default backup_creating)."""
    return set_share(context, share_id, status, expected)


@contextlib.contextmanager
def logged(what):
    """Log and swallow an exception of a best-effort step."""
    try:
        yield
    except Exception:
        LOG.exception('%s failed', what)

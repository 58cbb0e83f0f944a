"""Business rules of share backups, called by the REST controller.

The API side checks, counts quota, changes statuses with compare-and-swap
under the share's lock (``coordination.share_lock``, the lock snapshot
create and revert hold too) and casts the work to a data service; the data
service copies, sets the final statuses and releases quota when the work
fails or the backup goes away.

Everything a request can be refused for is checked before the 202: a
restore to another share (2.91) fails here, not later on the data node.
Backups belong to the project of their share, which is charged for them.
"""

from oslo_log import log as logging
from oslo_serialization import jsonutils

from manila_bk.common import states
from manila_bk.common import utils
from manila_bk import conf
from manila_bk import coordination
from manila_bk.data import rpcapi as data_rpcapi
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk import quota

CONF = conf.CONF
LOG = logging.getLogger(__name__)

# The binary a data service registers with (manila_bk.cmd.data.BINARY).
DATA_BINARY = 'manila-bk-data'
BACKUP_TYPES = ('full', 'incremental')
DELETABLE = (states.STATUS_AVAILABLE, states.STATUS_ERROR)
# What ``reset_status`` may set: every backup status but "deleted" (the
# statuses ``openstack share backup set --status`` offers, and more).
RESET_STATUSES = (states.STATUS_AVAILABLE, states.STATUS_ERROR,
                  states.STATUS_CREATING, states.STATUS_DELETING,
                  states.STATUS_ERROR_DELETING,
                  states.BACKUP_STATUS_RESTORING)
UPDATABLE = ('display_name', 'display_description')

_FILTER_RENAMES = {'name': 'display_name', 'name~': 'display_name~',
                   'description': 'display_description',
                   'description~': 'display_description~'}
USER_FILTERS = ('display_name', 'display_name~', 'display_description',
                'display_description~', 'status', 'share_id', 'topic',
                'backup_type')
ADMIN_FILTERS = USER_FILTERS + ('host', 'availability_zone')
SORT_RENAMES = {'name': 'display_name', 'description': 'display_description'}


class BackupShareForbidden(exception.NotAuthorized):
    message = '%(reason)s'


class ShareBusyWithTask(exception.Conflict):
    message = 'Share %(share_id)s is busy as part of an active task: %(task)s.'


class BackupBackendUnavailable(exception.Invalid):
    message = ('Share backups are not available: no backup back end is '
               'enabled on a running data service (manila-bk-data with '
               '[DEFAULT] enabled_backup_backend set). Ask your '
               'administrator to enable one.')


class BackupLimitExceeded(exception.QuotaError):
    message = 'Maximum number of backups allowed (%(allowed)d) exceeded.'


class RestoreExtendOverQuota(exception.QuotaError):
    message = ('Restoring backup %(backup_id)s needs share %(share_id)s '
               'extended from %(size)sG to %(new_size)sG, which exceeds the '
               'allowed gigabytes quota: %(consumed)sG of %(quota)sG has '
               'been consumed.')


class ShareBackupSizeExceedsAvailableQuota(exception.QuotaError):
    message = ('Requested backup exceeds allowed Backup gigabytes quota. '
               'Requested %(requested)sG, quota is %(quota)sG and '
               '%(consumed)sG has been consumed.')


def _as_bool(value):
    if isinstance(value, bool):
        return value
    return utils.parse_bool(str(value), strict=False) or False


def _as_list(value):
    if value is None:
        return None
    if isinstance(value, str):
        return [v.strip() for v in value.split(',') if v.strip()] or None
    return list(value) or None


def sort_keys(sort_key):
    """API sort keys (name, description...) as column names."""
    keys = _as_list(sort_key)
    return [SORT_RENAMES.get(k, k) for k in keys] if keys else None


def backup_type_of(backup_options):
    """'full' (default) or 'incremental' from the request's options."""
    if backup_options is None:
        return 'full'
    if not isinstance(backup_options, dict):
        raise exception.InvalidInput(reason='backup_options must be an '
                                            'object of key/value pairs')
    value = backup_options.get('backup_type') or 'full'
    if not isinstance(value, str) or value.lower() not in BACKUP_TYPES:
        raise exception.InvalidInput(
            reason='backup_type must be one of %s, not %r'
            % (', '.join(BACKUP_TYPES), value))
    return value.lower()


def _is_up(service, now):
    last = service.updated_at or service.created_at
    return (last is not None
            and (now - last).total_seconds() <= CONF.service_down_time)


def backup_backend_service(context):
    """An up, enabled data service reporting a backup back end, or None."""
    now = utils.utcnow()
    services = db.service_get_all(context, {'binary': DATA_BINARY,
                                            'disabled': False})
    for service in services:
        if not _is_up(service, now):
            continue
        try:
            capabilities = jsonutils.loads(service.capabilities or '{}')
        except ValueError:
            continue
        if isinstance(capabilities, dict) and capabilities.get(
                'backup_backend'):
            return service
    return None


def _scope(context, opts):
    """(project_only, project filter): as for shares and snapshots."""
    all_tenants = _as_bool(opts.pop('all_tenants', False))
    project_id = opts.pop('project_id', None)
    if not context.is_admin:
        return True, None
    if project_id:
        return False, project_id
    if all_tenants or not context.project_id:
        return False, None
    return False, context.project_id


def _check_usable_share(context, share, action):
    """Refusals common to backup create and restore (403/409/400)."""
    if not context.is_admin and share.project_id != context.project_id:
        raise BackupShareForbidden(
            reason='Share %s belongs to another project; only its own '
                   'project can %s it.' % (share.id, action))
    if share.is_soft_deleted:
        raise BackupShareForbidden(
            reason="Cannot %s share '%s' since it has been soft deleted."
                   % (action, share.id))
    if share.task_state:
        raise ShareBusyWithTask(share_id=share.id, task=share.task_state)


class API:
    """Share backups: create, list, change, restore, delete."""

    def __init__(self):
        self.data_rpcapi = data_rpcapi.DataAPI()

    # -- reading ----------------------------------------------------------

    def get(self, context, backup_id):
        """The backup, if the context's project owns it (else 404)."""
        return db.share_backup_get(context, backup_id, project_only=True)

    def get_all(self, context, search_opts=None, limit=None, offset=None,
                marker=None, sort_key=None, sort_dir=None):
        """Backups visible to ``context``.

        search_opts: name, name~, description, description~, status,
        share_id, topic, backup_type (and host, availability_zone,
        project_id, all_tenants for admins).  An unknown share_id is 400.
        """
        opts = {_FILTER_RENAMES.get(k, k): v
                for k, v in (search_opts or {}).items()}
        project_only, project = _scope(context, opts)
        allowed = ADMIN_FILTERS if context.is_admin else USER_FILTERS
        filters = {k: opts[k] for k in allowed if k in opts}
        if 'share_id' in filters:
            try:
                db.share_get(context, filters['share_id'],
                             project_only=True)
            except exception.ShareNotFound:
                raise exception.Invalid(message='No share exists with ID '
                                                '%s.' % filters['share_id'])
        if project:
            filters['project_id'] = project
        return db.share_backup_get_all(
            context, filters=filters, limit=limit, offset=offset,
            marker=marker, sort_keys=sort_keys(sort_key),
            sort_dirs=_as_list(sort_dir), project_only=project_only)

    # -- create -------------------------------------------------------------

    def create(self, context, share_id, name=None, description=None,
               backup_options=None):
        """Back up a share: share backup_creating, backup row creating.

        404 unknown share; 403 another project's or soft-deleted share;
        409 share busy; 400 share not available, with snapshots, bad
        options or no backup back end; 413 over the backups quotas.
        """
        share = db.share_get(context, share_id, project_only=True)
        _check_usable_share(context, share, 'back up')
        if share.status != states.STATUS_AVAILABLE:
            raise exception.InvalidShare(
                reason="Share %s is in '%s' state, but it must be in "
                       "'available' state to create a backup"
                       % (share.id, share.status))
        self._check_no_snapshots(context, share)
        backup_type = backup_type_of(backup_options)
        if backup_backend_service(context) is None:
            raise BackupBackendUnavailable()
        deltas = {'backups': 1, 'backup_gigabytes': share.size}
        self._consume_quota(context, share, deltas)
        try:
            with coordination.share_lock(share.id):
                backup = self._start_backup(context, share, name,
                                            description, backup_type)
        except Exception:
            quota.release(context, share.project_id, deltas)
            raise
        try:
            self.data_rpcapi.create_backup(context, backup.id)
        except Exception:
            LOG.exception('Could not cast backup %s of share %s', backup.id,
                          share.id)
            self._undo_create(context, share, backup, deltas)
            raise
        return self.get(context, backup.id)

    @staticmethod
    def _check_no_snapshots(context, share):
        # The spec and Manila: no backup of a share that has snapshots.
        if db.share_snapshot_count(context, share.id):
            raise exception.InvalidShare(
                reason='Cannot backup share %s while it has snapshots'
                       % share.id)

    @staticmethod
    def _consume_quota(context, share, deltas):
        try:
            quota.consume(context, share.project_id, deltas)
        except exception.OverQuota as exc:
            resources = exc.kwargs.get('resources') or []
            limits = exc.kwargs.get('limits') or {}
            usages = exc.kwargs.get('usages') or {}
            if 'backup_gigabytes' in resources:
                raise ShareBackupSizeExceedsAvailableQuota(
                    requested=share.size, quota=limits['backup_gigabytes'],
                    consumed=usages.get('backup_gigabytes', {}).get(
                        'in_use', 0))
            if 'backups' in resources:
                raise BackupLimitExceeded(allowed=limits['backups'])
            raise

    def _start_backup(self, context, share, name, description, backup_type):
        # Under the share lock no snapshot can start; the CAS settles
        # every other operation on the share.
        self._check_no_snapshots(context, share)
        if db.share_update_if(
                context, share.id,
                {'status': states.STATUS_BACKUP_CREATING},
                expected_status=[states.STATUS_AVAILABLE]) is None:
            current = db.share_get(context, share.id)
            raise exception.ShareBusy(share_id=share.id,
                                      status=current.status)
        values = {
            'share_id': share.id, 'user_id': context.user_id,
            'project_id': share.project_id,
            'status': states.STATUS_CREATING, 'size': share.size,
            'display_name': name, 'display_description': description,
            'availability_zone': share.availability_zone,
            'topic': CONF.data_topic, 'progress': '0',
            'restore_progress': '0', 'backup_type': backup_type,
        }
        try:
            return db.share_backup_create(context, values)
        except Exception:
            db.share_update_if(context, share.id,
                               {'status': states.STATUS_AVAILABLE},
                               expected_status=[
                                   states.STATUS_BACKUP_CREATING])
            raise

    @staticmethod
    def _undo_create(context, share, backup, deltas):
        db.share_backup_delete(context, backup.id)
        db.share_update_if(context, share.id,
                           {'status': states.STATUS_AVAILABLE},
                           expected_status=[states.STATUS_BACKUP_CREATING])
        quota.release(context, share.project_id, deltas)

    # -- changes ------------------------------------------------------------

    def update(self, context, backup_id, values):
        """Rename or re-describe a backup (any status)."""
        backup = self.get(context, backup_id)
        values = {k: v for k, v in values.items() if k in UPDATABLE}
        if not values:
            return backup
        return db.share_backup_update(context, backup.id, values)

    def reset_status(self, context, backup_id, status):
        """Set any backup status but "deleted" (administrators)."""
        if status not in RESET_STATUSES:
            raise exception.InvalidInput(
                reason='Invalid state. Valid states: %s'
                % ', '.join(RESET_STATUSES))
        backup = self.get(context, backup_id)
        return db.share_backup_update(context, backup.id,
                                      {'status': status})

    def delete(self, context, backup_id, statuses=DELETABLE):
        """Move an available or error backup to deleting and cast.

        ``statuses`` narrows what may be deleted (backup retention deletes
        only available backups).
        """
        backup = self.get(context, backup_id)
        wanted = ' or '.join(statuses)
        if backup.status not in statuses:
            raise exception.InvalidShareBackup(
                reason='Backup %s status must be %s, not %s'
                       % (backup.id, wanted, backup.status))
        if db.share_backup_update_if(
                context, backup.id, {'status': states.STATUS_DELETING},
                expected_status=list(statuses)) is None:
            current = self.get(context, backup.id)
            raise exception.InvalidShareBackup(
                reason='Backup %s status must be %s, not %s'
                       % (backup.id, wanted, current.status))
        try:
            # The data service that made the backup deletes it (its
            # back end holds it); one never claimed goes to any of them.
            self.data_rpcapi.delete_backup(context, backup.id,
                                           host=backup.host)
        except Exception:
            LOG.exception('Could not cast deletion of backup %s', backup.id)
            db.share_backup_update_if(
                context, backup.id, {'status': backup.status},
                expected_status=[states.STATUS_DELETING])
            raise

    # -- restore ------------------------------------------------------------

    def restore(self, context, backup_id, target_share_id=None):
        """Restore into the source share, or (2.91) into another share.

        A target smaller than the backup is accepted: the data service has
        its share service extend it to the backup's size first, charging
        the growth to the ``gigabytes`` quota like an extend.  404 unknown
        backup or share; 400 backup not available, share not available;
        403 another project's or a soft-deleted share; 409 share busy; 413
        when the extension would exceed the gigabytes or per-share quota.
        Returns {backup_id, share_id}.
        """
        backup = self._available_backup(self.get(context, backup_id))
        share = db.share_get(context, target_share_id or backup.share_id,
                             project_only=True)
        _check_usable_share(context, share, 'restore a backup to')
        if share.status != states.STATUS_AVAILABLE:
            raise exception.InvalidShare(
                reason="Share to be restored to must be available, but "
                       "share %s is '%s'" % (share.id, share.status))
        if (backup.size or 0) > share.size:
            self._check_extension(context, backup, share)
        with coordination.share_lock(share.id):
            self._start_restore(context, backup, share)
        try:
            self.data_rpcapi.restore_backup(context, backup.id, share.id)
        except Exception:
            LOG.exception('Could not cast restore of backup %s', backup.id)
            self._undo_restore(context, backup, share)
            raise
        return {'backup_id': backup.id, 'share_id': share.id}

    @staticmethod
    def _available_backup(backup):
        if backup.status != states.STATUS_AVAILABLE:
            raise exception.InvalidShareBackup(
                reason='Backup %s status must be available, not %s'
                       % (backup.id, backup.status))
        return backup

    @staticmethod
    def _check_extension(context, backup, share):
        """413 now if extending ``share`` to the backup's size cannot fit.

        Only a check: the data service charges the quota when it asks for
        the extension (and fails the restore cleanly if it no longer fits).
        """
        new_size = int(backup.size)
        quota.check_per_share_gigabytes(context, share.project_id, new_size)
        usage = quota.get_project_quotas(context, share.project_id,
                                         usages=True)['gigabytes']
        consumed = usage['in_use'] + usage['reserved']
        if 0 <= usage['limit'] < consumed + new_size - share.size:
            raise RestoreExtendOverQuota(
                backup_id=backup.id, share_id=share.id, size=share.size,
                new_size=new_size, quota=usage['limit'], consumed=consumed)

    def _start_restore(self, context, backup, share):
        self._claim_for_restore(context, backup, share)
        if db.share_update_if(
                context, share.id,
                {'status': states.STATUS_BACKUP_RESTORING,
                 'source_backup_id': backup.id},
                expected_status=[states.STATUS_AVAILABLE]) is None:
            db.share_backup_update_if(
                context, backup.id, {'status': states.STATUS_AVAILABLE},
                expected_status=[states.BACKUP_STATUS_RESTORING])
            current = db.share_get(context, share.id)
            raise exception.ShareBusy(share_id=share.id,
                                      status=current.status)

    def _claim_for_restore(self, context, backup, share):
        if db.share_backup_update_if(
                context, backup.id,
                {'status': states.BACKUP_STATUS_RESTORING,
                 'restore_share_id': share.id, 'restore_progress': '0'},
                expected_status=[states.STATUS_AVAILABLE]) is None:
            current = self.get(context, backup.id)
            raise exception.InvalidShareBackup(
                reason='Backup %s status must be available, not %s'
                       % (backup.id, current.status))

    @staticmethod
    def _undo_restore(context, backup, share):
        db.share_update_if(context, share.id,
                           {'status': states.STATUS_AVAILABLE,
                            'source_backup_id': share.source_backup_id},
                           expected_status=[states.STATUS_BACKUP_RESTORING])
        db.share_backup_update_if(
            context, backup.id,
            {'status': states.STATUS_AVAILABLE, 'restore_share_id': None},
            expected_status=[states.BACKUP_STATUS_RESTORING])

    # -- a new share from a backup (share API create) ----------------------

    def source_backup(self, context, backup_id):
        """The backup a new share is to be created from.

        400 for a backup that does not exist or that the context's
        project may not see (as for any id in a request body), that is
        not available, or when no data service can restore it.
        """
        try:
            backup = self.get(context, backup_id)
        except exception.ShareBackupNotFound:
            raise exception.Invalid(
                message='No backup exists with ID %s.' % backup_id)
        self._available_backup(backup)
        if backup_backend_service(context) is None:
            raise BackupBackendUnavailable()
        return backup

    def restore_to_new_share(self, context, backup, share):
        """Claim ``backup`` for ``share`` (new, creating) and cast.

        The data service waits until the share service created the share,
        then restores.  400 if the backup is no longer available; on a
        cast failure the backup is available again and the error raised.
        """
        self._claim_for_restore(context, backup, share)
        try:
            self.data_rpcapi.restore_backup(context, backup.id, share.id)
        except Exception:
            LOG.exception('Could not cast restore of backup %s into new '
                          'share %s', backup.id, share.id)
            db.share_backup_update_if(
                context, backup.id,
                {'status': states.STATUS_AVAILABLE, 'restore_share_id': None},
                expected_status=[states.BACKUP_STATUS_RESTORING])
            raise

"""Business rules of shares, called by the REST controllers.

The API side validates, counts quota, places new shares, changes statuses
with compare-and-swap and casts the work to the share service that owns the
share; the service does the driver work and sets the final status (and
releases quota when the work fails).  Snapshots and revert live in
``_snapshots``, access rules, metadata and export locations in ``_access``.

Policy is the controllers' business; this layer enforces visibility
(a project sees its own shares and public ones) and Manila's rules.
"""

import copy
import datetime

from oslo_log import log as logging

from manila_bk.backup import api as backup_api
from manila_bk.common import states
from manila_bk.common import utils
from manila_bk import conf
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.message import api as message_api
from manila_bk.message import message_field
from manila_bk import quota
from manila_bk.share import _access
from manila_bk.share import _common
from manila_bk.share import _errors
from manila_bk.share import _snapshots
from manila_bk.share import info
from manila_bk.share import placement
from manila_bk.share import rpcapi
from manila_bk.share import share_types

CONF = conf.CONF
LOG = logging.getLogger(__name__)

_UPDATABLE = ('display_name', 'display_description', 'is_public')
# The progress of a share created from a backup until it is restored
# (the data service sets 100% then).
FROM_BACKUP_PROGRESS = '0%'


def _retention_seconds():
    return CONF.soft_deleted_share_retention_time


def _backup_count(context, share_id):
    return db.share_backup_count(context, share_id)


class API(_snapshots.SnapshotsMixin, _access.AccessMixin):
    """Shares: create, list, change, delete."""

    def __init__(self):
        self.share_rpcapi = rpcapi.ShareAPI()
        self.message_api = message_api.API()
        self.types_api = share_types.API()
        self.backup_api = backup_api.API()

    # -- reading ----------------------------------------------------------

    def get(self, context, share_id):
        """The share, if the context's project may see it (else 404)."""
        return db.share_get(context, share_id, project_only=True)

    def get_all(self, context, search_opts=None, limit=None, offset=None,
                marker=None, sort_key=None, sort_dir=None):
        opts = _common.rename_opts(search_opts)
        project_only, project = _common.scope(context, opts)
        filters = {k: opts[k] for k in _common.SHARE_FILTERS if k in opts}
        include_public = _common.as_bool(filters.pop('is_public', False))
        filters['is_soft_deleted'] = _common.as_bool(
            opts.get('is_soft_deleted', False))
        if project and include_public:
            # "my project's shares or public ones": the database applies
            # that OR for a project-scoped context.
            context = copy.copy(context)
            context.is_admin, context.project_id = False, project
            project_only = True
        elif project:
            filters['project_id'] = project
        filters['include_public'] = include_public
        return db.share_get_all(
            context, filters=filters, project_only=project_only,
            **_common.paging(limit, offset, marker, sort_key, sort_dir))

    # -- create -------------------------------------------------------------

    def create(self, context, share_proto, size, name=None, description=None,
               share_type_id=None, availability_zone=None, metadata=None,
               is_public=False, snapshot_id=None, source_backup_id=None):
        """Create a share (status creating), place it and cast creation.

        With ``source_backup_id`` the share holds that backup's data: it
        is at least as large as the backup (its size by default), goes
        creating -> backup_restoring -> available (error if the restore
        fails) and its progress reaches 100% once restored.  400 when the
        backup is unknown to the project, not available or cannot be
        restored, or with ``snapshot_id`` too.
        """
        proto = self._check_proto(share_proto)
        metadata = _common.check_metadata(metadata)
        if not context.project_id:
            raise exception.InvalidInput(reason='a share needs a project')
        snapshot, parent, backup, size = self._sources(
            context, snapshot_id, source_backup_id, size)
        share_type = self._resolve_type(context, share_type_id, parent)
        availability_zone = self._known_zone(context, availability_zone)
        if parent is not None:
            availability_zone = self._source_zone(parent, availability_zone)
        quota.check_per_share_gigabytes(context, context.project_id, size)
        self._consume_share_quota(context, context.project_id, size)
        values = {
            'user_id': context.user_id, 'project_id': context.project_id,
            'display_name': name, 'display_description': description,
            'size': size, 'share_proto': proto,
            'share_type_id': share_type.id,
            'status': states.STATUS_CREATING,
            'is_public': _common.as_bool(is_public),
            'snapshot_id': snapshot_id,
            'availability_zone': availability_zone,
        }
        if backup is not None:
            values.update(source_backup_id=backup.id,
                          progress=FROM_BACKUP_PROGRESS)
        values.update(share_types.get_capability_specs(share_type))
        try:
            share = db.share_create(context, values, metadata=metadata)
        except Exception:
            quota.release(context, context.project_id,
                          {'shares': 1, 'gigabytes': size})
            raise
        if backup is not None:
            self._restore_into_new(context, share, backup)
        return self._schedule(context, share, share_type, parent)

    def _sources(self, context, snapshot_id, source_backup_id, size):
        """(snapshot, parent share, backup, checked size) of a create."""
        snapshot = parent = backup = None
        if snapshot_id and source_backup_id:
            raise exception.InvalidInput(
                reason='a share is created from a snapshot or from a '
                       'backup, not both')
        if snapshot_id:
            snapshot, parent = self._source_snapshot(context, snapshot_id)
            source, what = snapshot, 'snapshot'
        elif source_backup_id:
            backup = self.backup_api.source_backup(context, source_backup_id)
            source, what = backup, 'backup'
        else:
            return None, None, None, _common.check_size(size)
        size = _common.check_size(source.size if size is None else size)
        if size < (source.size or 0):
            raise exception.InvalidInput(
                reason="Share size '%s' must be equal or greater than "
                       "%s size" % (size, what))
        return snapshot, parent, backup, size

    def _restore_into_new(self, context, share, backup):
        # Cast before the share service is asked to create the share: if
        # the data service cannot be asked, nothing exists yet to undo.
        try:
            self.backup_api.restore_to_new_share(context, backup, share)
        except Exception:
            db.share_delete(context, share.id)
            quota.release(context, share.project_id,
                          {'shares': 1, 'gigabytes': share.size})
            raise

    @staticmethod
    def _check_proto(share_proto):
        proto = (share_proto or '').upper()
        if proto not in _common.SHARE_PROTOCOLS:
            raise exception.InvalidInput(
                reason='Invalid share protocol provided: %s. It is either '
                       'disabled or unsupported. Available protocols: %s'
                       % (share_proto, list(_common.SHARE_PROTOCOLS)))
        return proto

    def _source_snapshot(self, context, snapshot_id):
        snapshot = self.get_snapshot(context, snapshot_id)
        if snapshot.status != states.STATUS_AVAILABLE:
            raise exception.InvalidShareSnapshot(
                reason="status must be '%s'" % states.STATUS_AVAILABLE)
        parent = db.share_get(context, snapshot.share_id)
        if not parent.create_share_from_snapshot_support:
            raise exception.InvalidInput(
                reason="A new share may not be created from snapshot '%s', "
                       "because the snapshot's parent share does not have "
                       "that capability" % snapshot_id)
        return snapshot, parent

    @staticmethod
    def _known_zone(context, availability_zone):
        """Name of the zone named (or identified) by the request; 404."""
        if not availability_zone:
            return availability_zone
        for zone in info.list_availability_zones(context):
            if availability_zone in (zone['name'], zone['id']):
                return zone['name']
        raise exception.AvailabilityZoneNotFound(id=availability_zone)

    @staticmethod
    def _source_zone(parent, availability_zone):
        if availability_zone and availability_zone != \
                parent.availability_zone:
            raise exception.InvalidInput(
                reason='The specified availability zone must be the same '
                       'as the parent share when creating from snapshot')
        return parent.availability_zone

    def _resolve_type(self, context, share_type_id, parent):
        if share_type_id is None and parent is not None:
            share_type_id = parent.share_type_id
        if share_type_id is None:
            share_type = self.types_api.get_default(context)
            if share_type is None:
                raise _errors.DefaultShareTypeNotConfigured()
        else:
            share_type = self.types_api.get(context, share_type_id)
        if parent is not None and share_type.id != parent.share_type_id:
            raise exception.InvalidInput(
                reason='Invalid share type specified: the requested share '
                       'type must match the type of the source share')
        if share_types.driver_handles_share_servers(share_type):
            raise exception.InvalidInput(
                reason='Share network must be set when the '
                       'driver_handles_share_servers is true')
        return share_type

    @staticmethod
    def _consume_share_quota(context, project_id, size):
        try:
            quota.consume(context, project_id,
                          {'shares': 1, 'gigabytes': size})
        except exception.OverQuota as exc:
            _common.raise_share_over_quota(
                exc, (exc.kwargs.get('limits') or {}).get('shares', 0))

    def _schedule(self, context, share, share_type, parent):
        if parent is not None:
            host, zone = parent.host, parent.availability_zone
        else:
            try:
                pool = placement.choose(context, share_type, share.size,
                                        share.availability_zone,
                                        share.share_proto)
            except exception.NoValidHost as exc:
                return self._no_valid_host(context, share, exc)
            host, zone = pool.name, pool.availability_zone
        share = db.share_update(context, share.id,
                                {'host': host, 'availability_zone': zone})
        try:
            self.share_rpcapi.create_share(context, share.id, host)
        except Exception:
            LOG.exception('Could not cast creation of share %s', share.id)
            db.share_update(context, share.id,
                            {'status': states.STATUS_ERROR})
            raise
        return share

    def _no_valid_host(self, context, share, exc):
        # Manila keeps the share in error, quota counted until delete.
        LOG.warning('No pool for share %s: %s', share.id, exc.msg)
        share = db.share_update(context, share.id,
                                {'status': states.STATUS_ERROR})
        self.message_api.create(
            context, message_field.Resource.SHARE, share.id,
            message_field.Action.CREATE, exc=exc,
            project_id=share.project_id)
        return share

    # -- changes ------------------------------------------------------------

    def update(self, context, share_id, values):
        share = self.get(context, share_id)
        _common.forbid_soft_deleted(share, 'update')
        values = {k: v for k, v in values.items() if k in _UPDATABLE}
        if 'is_public' in values:
            values['is_public'] = _common.as_bool(values['is_public'])
        for key in ('display_name', 'display_description'):
            if values.get(key) is not None and len(values[key]) > 255:
                raise exception.InvalidInput(
                    reason='%s must be at most 255 characters' % key)
        if not values:
            return share
        return db.share_update(context, share.id, values)

    def delete(self, context, share_id, force=False):
        """Move the share to deleting and cast; 403 when it may not go."""
        share = self.get(context, share_id)
        if not force:
            if share.is_soft_deleted:
                raise _errors.ShareForbidden(
                    reason='share %s is in the recycle bin; restore it '
                           'first' % share.id)
            self._check_status(share, _common.DELETABLE)
        self._check_no_dependents(context, share)
        expected = None if force else _common.DELETABLE
        updated = db.share_update_if(
            context, share.id, {'status': states.STATUS_DELETING,
                                'terminated_at': utils.utcnow()},
            expected_status=expected)
        if updated is None:
            current = self.get(context, share_id)
            self._check_status(current, _common.DELETABLE)
            raise exception.ShareBusy(share_id=share.id,
                                      status=current.status)
        self._recheck_dependents(context, share)
        if not share.host:
            db.share_delete(context, share.id)
            quota.release(context, share.project_id,
                          {'shares': 1, 'gigabytes': share.size})
            return
        self.share_rpcapi.delete_share(context, share.id, share.host,
                                       force=force)

    @staticmethod
    def _check_status(share, allowed):
        if share.status not in allowed:
            raise _errors.ShareForbidden(
                reason='Share status must be one of %s, not %s'
                % ('(%s)' % ', '.join(allowed), share.status))

    @staticmethod
    def _check_no_dependents(context, share):
        snapshots = db.share_snapshot_count(context, share.id)
        if snapshots:
            raise _errors.ShareForbidden(
                reason='Share still has %d dependent snapshots' % snapshots)
        backups = _backup_count(context, share.id)
        if backups:
            raise _errors.ShareForbidden(
                reason='Share still has %d dependent backups' % backups)

    def _recheck_dependents(self, context, share):
        # A snapshot or backup that finished between the first check and
        # the CAS would be orphaned; none can start once the share left
        # its previous status, so one more count settles it.
        try:
            self._check_no_dependents(context, share)
        except _errors.ShareForbidden:
            db.share_update_if(context, share.id, {'status': share.status},
                               expected_status=[states.STATUS_DELETING])
            raise

    def soft_delete(self, context, share_id):
        """Move the share to the recycle bin (2.69)."""
        share = self.get(context, share_id)
        if share.is_soft_deleted:
            raise _errors.ShareForbidden(
                reason='The share has been soft deleted already')
        self._check_status(share, _common.SOFT_DELETABLE)
        self._check_no_dependents(context, share)
        due = utils.utcnow() + datetime.timedelta(
            seconds=_retention_seconds())
        updated = db.share_update_if(
            context, share.id, {'is_soft_deleted': True,
                                'scheduled_to_be_deleted_at': due},
            expected_status=_common.SOFT_DELETABLE)
        if updated is None:
            raise _errors.ShareForbidden(
                reason='share %s changed while being soft deleted; try '
                       'again' % share.id)
        return updated

    def restore(self, context, share_id):
        """Take the share out of the recycle bin (no-op if not in it)."""
        share = self.get(context, share_id)
        if not share.is_soft_deleted:
            return share
        if share.status in (states.STATUS_DELETING,
                            states.STATUS_ERROR_DELETING):
            raise _errors.ShareActionForbidden(
                reason='Share %s is being deleted or has suffered an error '
                       'during deletion, cannot be restored.' % share.id)
        return db.share_update(context, share.id,
                               {'is_soft_deleted': False,
                                'scheduled_to_be_deleted_at': None})

    def extend(self, context, share_id, new_size, force=False):
        """Grow the share (status extending) and cast.

        ``force`` (2.64) changes nothing here: there is no scheduler to
        skip.
        """
        share = self.get(context, share_id)
        _common.forbid_soft_deleted(share, 'extend')
        new_size = _common.check_size(new_size, 'New share size')
        if share.status != states.STATUS_AVAILABLE:
            raise exception.InvalidShare(
                reason="Share %s status must be 'available' to extend, but "
                       "current status is: %s" % (share.id, share.status))
        if new_size <= share.size:
            raise exception.InvalidInput(
                reason='New size for extend must be greater than current '
                       'size. (current: %s, extended: %s)'
                % (share.size, new_size))
        quota.check_per_share_gigabytes(context, share.project_id, new_size)
        delta = {'gigabytes': new_size - share.size}
        try:
            quota.consume(context, share.project_id, delta)
        except exception.OverQuota as exc:
            raise _common.gigabytes_forbidden(
                exc, share.project_id,
                'extending share %s to %sG' % (share.id, new_size))
        # The delta was computed from share.size: the CAS only succeeds if
        # the size is still that (a revert or shrink may have just ended).
        self._cas_and_cast(
            context, share, states.STATUS_EXTENDING, [states.STATUS_AVAILABLE],
            lambda: self.share_rpcapi.extend_share(context, share.id,
                                                   share.host, new_size),
            release=delta)

    def shrink(self, context, share_id, new_size):
        """Shrink the share; quota is released by the service on success."""
        share = self.get(context, share_id)
        _common.forbid_soft_deleted(share, 'shrink')
        if share.status not in _common.SHRINKABLE:
            raise exception.InvalidShare(
                reason='Share %s status must in (%s) to shrink, but current '
                       'status is: %s' % (share.id,
                                          ', '.join(_common.SHRINKABLE),
                                          share.status))
        try:
            new_size = int(new_size)
        except (TypeError, ValueError):
            new_size = 0
        if new_size <= 0 or new_size >= share.size:
            raise exception.InvalidInput(
                reason='New size for shrink must be less than current size '
                       'and greater than 0 (current: %s, new: %s)'
                % (share.size, new_size))
        self._cas_and_cast(
            context, share, states.STATUS_SHRINKING, _common.SHRINKABLE,
            lambda: self.share_rpcapi.shrink_share(context, share.id,
                                                   share.host, new_size))

    def _cas_and_cast(self, context, share, status, expected, cast,
                      release=None):
        """CAS the status (and the size the request was checked against)."""
        updated = db.share_update_if(context, share.id, {'status': status},
                                     expected_status=expected,
                                     extra_where={'size': share.size})
        if updated is None:
            if release:
                quota.release(context, share.project_id, release)
            current = self.get(context, share.id)
            raise exception.ShareBusy(share_id=share.id,
                                      status=current.status)
        try:
            cast()
        except Exception:
            LOG.exception('Cast for share %s failed; status restored',
                          share.id)
            db.share_update_if(context, share.id, {'status': share.status},
                               expected_status=[status])
            if release:
                quota.release(context, share.project_id, release)
            raise

    def reset_status(self, context, share_id, status):
        if status not in states.SHARE_RESET_STATUSES:
            raise exception.InvalidInput(
                reason='Invalid state. Valid states: %s'
                % ', '.join(states.SHARE_RESET_STATUSES))
        share = self.get(context, share_id)
        _common.forbid_soft_deleted(share, 'reset status of')
        return db.share_update(context, share.id, {'status': status})

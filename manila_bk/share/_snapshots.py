"""Snapshots and revert-to-snapshot (seed 003) of the share API.

Snapshot create, snapshot delete and revert hold the share's lock
(``coordination.share_lock``) while they change statuses, and snapshot
create moves the share to ``snapshotting``: so snapshots of a share get
``created_at`` values in the order they were taken, and a revert always
checks "is this the latest snapshot" against a settled list.
"""

from oslo_log import log as logging

from manila_bk.common import states
from manila_bk import coordination
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk import quota
from manila_bk.share import _common
from manila_bk.share import _errors

LOG = logging.getLogger(__name__)

_SNAPSHOT_UPDATABLE = ('display_name', 'display_description')
_ACTIVE = states.ACCESS_STATE_ACTIVE


def _check_not_busy(share, error):
    if share.task_state:
        raise error(reason='Share %s is busy as part of an active task: %s.'
                    % (share.id, share.task_state))


class SnapshotsMixin:
    """Snapshot methods of share.api.API (needs share_rpcapi, get)."""

    # -- reading ----------------------------------------------------------

    def get_snapshot(self, context, snapshot_id):
        return db.share_snapshot_get(context, snapshot_id, project_only=True)

    def get_all_snapshots(self, context, search_opts=None, limit=None,
                          offset=None, marker=None, sort_key=None,
                          sort_dir=None):
        opts = _common.rename_opts(search_opts)
        project_only, project = _common.scope(context, opts)
        filters = {k: opts[k] for k in _common.SNAPSHOT_FILTERS if k in opts}
        if 'size' in filters:
            filters['size'] = _common.check_size(filters['size'],
                                                 'Snapshot size')
        if project:
            filters['project_id'] = project
        return db.share_snapshot_get_all(
            context, filters=filters, project_only=project_only,
            **_common.paging(limit, offset, marker, sort_key, sort_dir))

    def get_snapshot_export_locations(self, context, snapshot_id):
        snapshot = self.get_snapshot(context, snapshot_id)
        locations = db.share_snapshot_export_locations_get(context,
                                                           snapshot.id)
        if context.is_admin:
            return locations
        return [loc for loc in locations if not loc.is_admin_only]

    def get_snapshot_export_location(self, context, snapshot_id, el_uuid):
        snapshot = self.get_snapshot(context, snapshot_id)
        return db.share_snapshot_export_location_get_by_uuid(
            context, snapshot.id, el_uuid)

    # -- changes ------------------------------------------------------------

    def update_snapshot(self, context, snapshot_id, values):
        snapshot = self.get_snapshot(context, snapshot_id)
        values = {k: v for k, v in values.items() if k in _SNAPSHOT_UPDATABLE}
        if not values:
            return snapshot
        return db.share_snapshot_update(context, snapshot.id, values)

    def reset_snapshot_status(self, context, snapshot_id, status):
        if status not in states.SNAPSHOT_RESET_STATUSES:
            raise exception.InvalidInput(
                reason='Invalid state. Valid states: %s'
                % ', '.join(states.SNAPSHOT_RESET_STATUSES))
        snapshot = self.get_snapshot(context, snapshot_id)
        return db.share_snapshot_update(context, snapshot.id,
                                        {'status': status})

    def create_snapshot(self, context, share_id, name=None,
                        description=None, force=False):
        """Take a snapshot: share -> snapshotting, snapshot row creating.

        ``force`` is accepted for compatibility; the share must be
        available all the same, because the service puts it back to
        available when the snapshot is done.
        """
        share = self.get(context, share_id)
        if not share.snapshot_support:
            raise _errors.ShareActionUnprocessable(
                reason="Snapshots cannot be created for share '%s' since it "
                       "does not have that capability." % share.id)
        if share.is_soft_deleted:
            raise _errors.ShareActionForbidden(
                reason="Snapshots cannot be created for share '%s' since it "
                       "has been soft deleted." % share.id)
        if share.status != states.STATUS_AVAILABLE:
            raise exception.InvalidShare(
                reason='Source share status must be %s'
                % states.STATUS_AVAILABLE)
        _check_not_busy(share, exception.InvalidShare)
        project_id = context.project_id or share.project_id
        deltas = {'snapshots': 1, 'snapshot_gigabytes': share.size}
        try:
            quota.consume(context, project_id, deltas)
        except exception.OverQuota as exc:
            _common.raise_snapshot_over_quota(exc)
        try:
            with coordination.share_lock(share.id):
                snapshot = self._start_snapshot(context, share, project_id,
                                                name, description)
        except Exception:
            quota.release(context, project_id, deltas)
            raise
        try:
            self.share_rpcapi.create_snapshot(context, snapshot.id,
                                              share.host)
        except Exception:
            LOG.exception('Could not cast snapshot %s', snapshot.id)
            db.share_snapshot_update(context, snapshot.id,
                                     {'status': states.STATUS_ERROR})
            db.share_update_if(context, share.id,
                               {'status': states.STATUS_AVAILABLE},
                               expected_status=[states.STATUS_SNAPSHOTTING])
            raise
        return snapshot

    def _start_snapshot(self, context, share, project_id, name,
                        description):
        updated = db.share_update_if(
            context, share.id, {'status': states.STATUS_SNAPSHOTTING},
            expected_status=[states.STATUS_AVAILABLE])
        if updated is None:
            current = self.get(context, share.id)
            raise exception.ShareBusy(share_id=share.id,
                                      status=current.status)
        values = {'share_id': share.id, 'size': share.size,
                  'share_size': share.size, 'share_proto': share.share_proto,
                  'user_id': context.user_id, 'project_id': project_id,
                  'status': states.STATUS_CREATING, 'progress': '0%',
                  'display_name': name, 'display_description': description}
        try:
            return db.share_snapshot_create(context, values)
        except Exception:
            db.share_update_if(context, share.id,
                               {'status': states.STATUS_AVAILABLE},
                               expected_status=[states.STATUS_SNAPSHOTTING])
            raise

    def delete_snapshot(self, context, snapshot_id, force=False):
        """Move the snapshot to deleting and cast (no host: delete now)."""
        snapshot = self.get_snapshot(context, snapshot_id)
        if not force and snapshot.status not in _common.SNAPSHOT_DELETABLE:
            raise exception.InvalidShareSnapshot(
                reason='Share Snapshot status must be one of (%s)'
                % ', '.join(_common.SNAPSHOT_DELETABLE))
        share = db.share_get(context, snapshot.share_id)
        expected = None if force else _common.SNAPSHOT_DELETABLE
        with coordination.share_lock(share.id):
            updated = db.share_snapshot_update_if(
                context, snapshot.id, {'status': states.STATUS_DELETING},
                expected_status=expected)
        if updated is None:
            current = self.get_snapshot(context, snapshot.id)
            raise exception.InvalidShareSnapshot(
                reason='Share Snapshot status must be one of (%s), not %s'
                % (', '.join(_common.SNAPSHOT_DELETABLE), current.status))
        if not share.host:
            db.share_snapshot_delete(context, snapshot.id)
            quota.release(context, snapshot.project_id,
                          {'snapshots': 1,
                           'snapshot_gigabytes': snapshot.size})
            return
        self.share_rpcapi.delete_snapshot(context, snapshot.id, share.host,
                                          force=force)

    # -- revert (seed 003) --------------------------------------------------

    def revert_to_snapshot(self, context, share_id, snapshot_id):
        """Revert the share in place to its latest snapshot (>= 2.27).

        404 share; 400 snapshot missing, of another share, or share
        without revert support; 403 soft deleted or quota; 409 share or
        snapshot not available, share busy, snapshot not the latest.
        """
        share = self.get(context, share_id)
        try:
            snapshot = self.get_snapshot(context, snapshot_id)
        except exception.ShareSnapshotNotFound:
            raise _errors.RevertSnapshotNotFound(snapshot_id=snapshot_id)
        _common.forbid_soft_deleted(share, 'revert to snapshot')
        self._check_revertable(context, share, snapshot)
        self._precheck_revert_quota(context, share, snapshot)
        with coordination.share_lock(share.id):
            delta = self._start_revert(context, share, snapshot)
        try:
            self.share_rpcapi.revert_to_snapshot(
                context, share.id, snapshot.id, share.host)
        except Exception:
            LOG.exception('Could not cast revert of share %s', share.id)
            self._undo_revert(context, share, snapshot, delta)
            raise

    @staticmethod
    def _undo_revert(context, share, snapshot, delta=0):
        db.share_snapshot_update_if(
            context, snapshot.id, {'status': states.STATUS_AVAILABLE},
            expected_status=[states.STATUS_RESTORING])
        db.share_update_if(context, share.id,
                           {'status': states.STATUS_AVAILABLE},
                           expected_status=[states.STATUS_REVERTING])
        if delta > 0:
            quota.release(context, share.project_id, {'gigabytes': delta})

    @staticmethod
    def _precheck_revert_quota(context, share, snapshot):
        """403 before any status changes when growth cannot fit.

        Only a first answer: the charge itself is taken after the CAS,
        from the size the share has then (see _start_revert).
        """
        delta = snapshot.size - share.size
        if delta <= 0:
            return
        usage = quota.get_project_quotas(context, share.project_id,
                                         usages=True)['gigabytes']
        if 0 <= usage['limit'] < usage['in_use'] + delta:
            raise _errors.ShareGigabytesQuotaForbidden(
                reason="Quota exceeded for %s: reverting share %s to "
                       "snapshot %s will increase the share's size by %sG "
                       "(%sG of %sG already consumed)."
                       % (share.project_id, share.id, snapshot.id, delta,
                          usage['in_use'], usage['limit']))

    @staticmethod
    def _consume_revert_quota(context, share, snapshot, delta):
        # The service releases it if the revert fails; a smaller snapshot
        # gives gigabytes back only once the revert succeeded.
        try:
            quota.consume(context, share.project_id, {'gigabytes': delta})
        except exception.OverQuota as exc:
            raise _common.gigabytes_forbidden(
                exc, share.project_id,
                "reverting share %s to snapshot %s will increase the "
                "share's size by %sG" % (share.id, snapshot.id, delta))

    def _check_revertable(self, context, share, snapshot):
        ids = {'share_id': share.id, 'snap_id': snapshot.id}
        if not share.revert_to_snapshot_support:
            raise exception.InvalidShare(
                reason='Share %(share_id)s may not be reverted to snapshot '
                       '%(snap_id)s, because the share does not have that '
                       'capability' % ids)
        if snapshot.share_id != share.id:
            raise exception.InvalidShareSnapshot(
                reason='Snapshot %(snap_id)s is not associated with share '
                       '%(share_id)s' % ids)
        self._check_revert_statuses(share, snapshot)
        self._check_latest(context, share, snapshot)
        pending = [rule.id for rule in
                   db.share_access_get_all_for_share(context, share.id)
                   if rule.state != _ACTIVE]
        if pending:
            raise _errors.ShareActionConflict(
                reason='Snapshot %(snap_id)s belongs to a share %(share_id)s '
                       'which has access rules that are not active.' % ids)

    @staticmethod
    def _check_revert_statuses(share, snapshot):
        if share.status != states.STATUS_AVAILABLE:
            raise _errors.ShareActionConflict(
                reason="Share %s is in '%s' state, but it must be in "
                       "'available' state to be reverted to a snapshot."
                       % (share.id, share.status))
        if snapshot.status != states.STATUS_AVAILABLE:
            raise _errors.ShareActionConflict(
                reason="Snapshot %s is in '%s' state, but it must be in "
                       "'available' state to be restored."
                       % (snapshot.id, snapshot.status))
        _check_not_busy(share, _errors.ShareActionConflict)

    @staticmethod
    def _check_latest(context, share, snapshot):
        latest = db.share_snapshot_get_latest_for_share(context, share.id)
        if latest is None:
            raise exception.InvalidShare(
                reason='Could not determine the latest snapshot for share '
                       '%s' % share.id)
        if latest.id != snapshot.id:
            raise _errors.ShareActionConflict(
                reason='Snapshot %s may not be restored because it is not '
                       'the most recent snapshot of share %s. Currently the '
                       'latest snapshot is %s.'
                       % (snapshot.id, share.id, latest.id))

    def _start_revert(self, context, share, snapshot):
        """CAS share -> reverting, charge growth, snapshot -> restoring.

        Returns the gigabytes charged.  Under the share lock no snapshot
        can be created or deleted, so "latest" checked here stays true
        until the CAS; the growth is computed from the size the CAS saw,
        which cannot change while the share is reverting.
        """
        self._check_latest(context, share, snapshot)
        updated = db.share_update_if(
            context, share.id, {'status': states.STATUS_REVERTING},
            expected_status=[states.STATUS_AVAILABLE])
        if updated is None:
            current = self.get(context, share.id)
            raise exception.ShareBusy(share_id=share.id,
                                      status=current.status)
        delta = max(0, snapshot.size - updated.size)
        try:
            self._consume_revert_quota(context, updated, snapshot, delta)
        except Exception:
            self._undo_revert(context, share, snapshot)
            raise
        restoring = db.share_snapshot_update_if(
            context, snapshot.id, {'status': states.STATUS_RESTORING},
            expected_status=[states.STATUS_AVAILABLE])
        if restoring is None:
            self._undo_revert(context, share, snapshot, delta)
            current = self.get_snapshot(context, snapshot.id)
            raise exception.ShareSnapshotIsBusy(snapshot_id=snapshot.id,
                                                status=current.status)
        return delta

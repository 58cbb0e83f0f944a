"""Share snapshots and their export locations."""

import datetime

import sqlalchemy as sa

from manila_bk.common import utils
from manila_bk.db import models
from manila_bk.db import session as db_session
from manila_bk.db.impl import query as q
from manila_bk import exception

SNAP = models.ShareSnapshot
SEL = models.ShareSnapshotExportLocation

_EXACT = ('id', 'share_id', 'status', 'project_id', 'user_id', 'size',
          'display_name', 'display_description', 'share_proto')
_ONE_US = datetime.timedelta(microseconds=1)


def share_snapshot_create(context, values):
    """Create a snapshot row whose created_at is later than any sibling's.

    The share row is locked (``SELECT ... FOR UPDATE``; a write lock on
    SQLite) so that two creations on one share are ordered, and
    ``created_at`` is bumped by a microsecond past the newest existing
    snapshot of the share (deleted ones included) when the clock has not
    moved on: revert identifies the latest snapshot by this column.
    """
    values = dict(values)
    values.setdefault('id', utils.generate_uuid())
    with db_session.writer(context) as session:
        session.query(models.Share.id).filter(
            models.Share.id == values['share_id']).with_for_update().first()
        latest = session.query(sa.func.max(SNAP.created_at)).filter(
            SNAP.share_id == values['share_id']).scalar()
        created_at = values.get('created_at') or utils.utcnow()
        if latest is not None and created_at <= latest:
            created_at = latest + _ONE_US
        values['created_at'] = created_at
        session.add(SNAP(**values))
        session.flush()
    return share_snapshot_get(context, values['id'])


def share_snapshot_get(context, snapshot_id, project_only=False):
    with db_session.reader(context) as session:
        snap = q.model_query(context, SNAP, session,
                             project_only=project_only).filter(
            SNAP.id == snapshot_id).first()
        if snap is None:
            raise exception.ShareSnapshotNotFound(snapshot_id=snapshot_id)
        return snap


def share_snapshot_get_all(context, filters=None, limit=None, offset=None,
                           marker=None, sort_keys=None, sort_dirs=None,
                           project_only=True):
    with db_session.reader(context) as session:
        query = q.model_query(context, SNAP, session,
                              project_only=project_only)
        query = q.apply_filters(query, SNAP, filters, _EXACT)
        query = q.paginate(query, SNAP, limit, offset, marker, sort_keys,
                           sort_dirs)
        return query.all()


def share_snapshot_get_latest_for_share(context, share_id):
    """The share's newest live snapshot by created_at, in any status."""
    with db_session.reader(context) as session:
        return session.query(SNAP).filter(
            SNAP.share_id == share_id, SNAP.deleted == 'False').order_by(
            SNAP.created_at.desc(), SNAP.id.desc()).first()


def share_snapshot_update(context, snapshot_id, values):
    with db_session.writer(context) as session:
        snap = q.model_query(context, SNAP, session).filter(
            SNAP.id == snapshot_id).first()
        if snap is None:
            raise exception.ShareSnapshotNotFound(snapshot_id=snapshot_id)
        for key, value in values.items():
            setattr(snap, key, value)
        session.flush()
    return share_snapshot_get(context, snapshot_id)


def share_snapshot_update_if(context, snapshot_id, values, expected_status,
                             extra_where=None):
    with db_session.writer(context) as session:
        return q.update_if(context, session, SNAP, snapshot_id, values,
                           expected_status, extra_where)


def share_snapshot_delete(context, snapshot_id):
    now = utils.utcnow()
    with db_session.writer(context) as session:
        values = q.soft_delete_values(snapshot_id)
        values['status'] = 'deleted'
        session.execute(sa.update(SNAP).where(SNAP.id == snapshot_id)
                        .values(**values))
        session.execute(
            sa.update(SEL).where(SEL.snapshot_id == snapshot_id,
                                 SEL.deleted == 'False')
            .values(deleted=SEL.id.cast(sa.String), deleted_at=now))


def share_snapshot_export_locations_get(context, snapshot_id):
    with db_session.reader(context) as session:
        return session.query(SEL).filter(
            SEL.snapshot_id == snapshot_id, SEL.deleted == 'False').order_by(
            SEL.id).all()


def share_snapshot_export_location_get_by_uuid(context, snapshot_id,
                                               el_uuid):
    with db_session.reader(context) as session:
        row = session.query(SEL).filter(
            SEL.snapshot_id == snapshot_id, SEL.uuid == el_uuid,
            SEL.deleted == 'False').first()
        if row is None:
            raise exception.ShareExportLocationNotFound(uuid=el_uuid)
        return row


def share_snapshot_export_locations_update(context, snapshot_id, locations):
    now = utils.utcnow()
    with db_session.writer(context) as session:
        session.execute(
            sa.update(SEL).where(SEL.snapshot_id == snapshot_id,
                                 SEL.deleted == 'False')
            .values(deleted=SEL.id.cast(sa.String), deleted_at=now))
        for loc in locations:
            session.add(SEL(uuid=utils.generate_uuid(),
                            snapshot_id=snapshot_id, path=loc['path'],
                            is_admin_only=bool(loc.get('is_admin_only'))))

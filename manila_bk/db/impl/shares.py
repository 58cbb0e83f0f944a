"""Shares, their metadata and export locations."""

import sqlalchemy as sa

from manila_bk.common import utils
from manila_bk.db import models
from manila_bk.db import session as db_session
from manila_bk.db.impl import query as q
from manila_bk import exception

S = models.Share
META = models.ShareMetadata
EL = models.ShareExportLocation

_EXACT = ('id', 'status', 'host', 'share_type_id', 'project_id', 'user_id',
          'is_public', 'is_soft_deleted', 'snapshot_id', 'share_proto',
          'availability_zone', 'source_backup_id', 'display_name',
          'display_description', 'size', 'task_state')


def share_create(context, values, metadata=None):
    values = dict(values)
    values.setdefault('id', utils.generate_uuid())
    with db_session.writer(context) as session:
        session.add(S(**values))
        for key, value in (metadata or {}).items():
            session.add(META(share_id=values['id'], key=key, value=value))
        session.flush()
    return share_get(context, values['id'])


def _share_query(context, session, project_only=False, include_public=False):
    query = q.model_query(context, S, session)
    if project_only and q.is_user_context(context):
        visible = S.project_id == context.project_id
        if include_public:
            visible = sa.or_(visible, S.is_public.is_(True))
        query = query.filter(visible)
    return query


def share_get(context, share_id, project_only=False):
    with db_session.reader(context) as session:
        share = _share_query(context, session, project_only,
                             include_public=True).filter(
            S.id == share_id).first()
        if share is None:
            raise exception.ShareNotFound(share_id=share_id)
        return share


def _filter_shares(query, filters):
    filters = dict(filters or {})
    metadata = filters.pop('metadata', None)
    for key, value in (metadata or {}).items():
        query = query.filter(S.id.in_(sa.select(META.share_id).where(
            META.key == key, META.value == value, META.deleted == 'False')))
    el_id = filters.pop('export_location_id', None)
    el_path = filters.pop('export_location_path', None)
    if el_id or el_path:
        sub = sa.select(EL.share_id).where(EL.deleted == 'False')
        if el_id:
            sub = sub.where(EL.uuid == el_id)
        if el_path:
            sub = sub.where(EL.path == el_path)
        query = query.filter(S.id.in_(sub))
    return q.apply_filters(query, S, filters, _EXACT)


def _listed_shares(session, query):
    """The shares ``query`` selects, as records with their relationships.

    As the model's relationships load them: ``share_type`` (a ShareType,
    deleted or not), ``share_metadata`` and ``export_locations`` (live
    rows, by id).  A few queries for the whole list instead of ORM
    objects and collections for each share: a thousand shares load in a
    fraction of the time.
    """
    shares = q.records(session, query, S)
    if not shares:
        return shares
    metadata = q.records_of_parents(session, META, META.share_id, query,
                                    order_by=META.id)
    locations = q.records_of_parents(session, EL, EL.share_id, query,
                                     order_by=EL.id)
    type_ids = {share.share_type_id for share in shares} - {None}
    types = {}
    if type_ids:
        types = {share_type.id: share_type for share_type in session.query(
            models.ShareType).filter(models.ShareType.id.in_(type_ids))}
    for share in shares:
        share.share_type = types.get(share.share_type_id)
        share.share_metadata = metadata.get(share.id, [])
        share.export_locations = locations.get(share.id, [])
    return shares


def share_get_all(context, filters=None, limit=None, offset=None, marker=None,
                  sort_keys=None, sort_dirs=None, project_only=True):
    """Shares visible to ``context``, as read-only records (see Record)."""
    filters = dict(filters or {})
    include_public = filters.pop('include_public', False)
    with db_session.reader(context) as session:
        query = _share_query(context, session, project_only, include_public)
        query = _filter_shares(query, filters)
        query = q.paginate(query, S, limit, offset, marker, sort_keys,
                           sort_dirs)
        return _listed_shares(session, query)


def share_get_all_by_host(context, host, filters=None):
    """Shares on ``host`` (exact) or below it (``host@backend#pool``)."""
    with db_session.reader(context) as session:
        query = q.model_query(context, S, session).filter(
            sa.or_(S.host == host, S.host.like(host + '@%'),
                   S.host.like(host + '#%')))
        query = q.apply_filters(query, S, filters, _EXACT)
        return query.order_by(S.created_at).all()


def share_update(context, share_id, values):
    with db_session.writer(context) as session:
        share = q.model_query(context, S, session).filter(
            S.id == share_id).first()
        if share is None:
            raise exception.ShareNotFound(share_id=share_id)
        for key, value in values.items():
            setattr(share, key, value)
        session.flush()
    return share_get(context, share_id)


def share_update_if(context, share_id, values, expected_status,
                    extra_where=None):
    with db_session.writer(context) as session:
        return q.update_if(context, session, S, share_id, values,
                           expected_status, extra_where)


def share_delete(context, share_id):
    """Soft-delete a share and the rows that hang off it."""
    now = utils.utcnow()
    with db_session.writer(context) as session:
        values = q.soft_delete_values(share_id)
        values.update(status='deleted', terminated_at=now)
        session.execute(sa.update(S).where(S.id == share_id).values(**values))
        # The backup retention policy goes with its share.
        for model in (META, EL, models.BackupRetentionPolicy):
            session.execute(
                sa.update(model).where(model.share_id == share_id,
                                       model.deleted == 'False')
                .values(deleted=model.id.cast(sa.String), deleted_at=now))
        rules = models.ShareAccessRule
        session.execute(
            sa.update(rules).where(rules.share_id == share_id,
                                   rules.deleted == 'False')
            .values(deleted=rules.id, deleted_at=now, state='deleted'))


def share_count_by_type(context, type_id):
    with db_session.reader(context) as session:
        return q.model_query(context, S, session).filter(
            S.share_type_id == type_id).count()


def share_snapshot_count(context, share_id):
    snap = models.ShareSnapshot
    with db_session.reader(context) as session:
        return q.model_query(context, snap, session).filter(
            snap.share_id == share_id).count()


def share_metadata_get(context, share_id):
    with db_session.reader(context) as session:
        rows = session.query(META).filter(META.share_id == share_id,
                                          META.deleted == 'False')
        return {row.key: row.value for row in rows}


def share_metadata_update(context, share_id, metadata, delete=False):
    """Set keys; with ``delete`` the result is exactly ``metadata``."""
    now = utils.utcnow()
    with db_session.writer(context) as session:
        rows = {row.key: row for row in session.query(META).filter(
            META.share_id == share_id, META.deleted == 'False')}
        for key, row in rows.items():
            if delete and key not in metadata:
                row.deleted, row.deleted_at = str(row.id), now
        for key, value in metadata.items():
            if key in rows:
                rows[key].value = value
            else:
                session.add(META(share_id=share_id, key=key, value=value))
        session.flush()
    return share_metadata_get(context, share_id)


def share_metadata_delete(context, share_id, key):
    with db_session.writer(context) as session:
        row = session.query(META).filter(
            META.share_id == share_id, META.key == key,
            META.deleted == 'False').first()
        if row is None:
            raise exception.ShareMetadataNotFound(key=key)
        row.deleted, row.deleted_at = str(row.id), utils.utcnow()


def share_export_locations_get(context, share_id):
    with db_session.reader(context) as session:
        return session.query(EL).filter(
            EL.share_id == share_id, EL.deleted == 'False').order_by(
            EL.id).all()


def share_export_location_get_by_uuid(context, share_id, el_uuid):
    with db_session.reader(context) as session:
        row = session.query(EL).filter(
            EL.share_id == share_id, EL.uuid == el_uuid,
            EL.deleted == 'False').first()
        if row is None:
            raise exception.ShareExportLocationNotFound(uuid=el_uuid)
        return row


def share_export_locations_update(context, share_id, locations):
    """Replace the export locations of a share (keeping unchanged uuids)."""
    now = utils.utcnow()
    with db_session.writer(context) as session:
        current = {row.path: row for row in session.query(EL).filter(
            EL.share_id == share_id, EL.deleted == 'False')}
        wanted = {loc['path']: loc for loc in locations}
        for path, row in current.items():
            if path not in wanted:
                row.deleted, row.deleted_at = str(row.id), now
        for path, loc in wanted.items():
            row = current.get(path)
            if row is None:
                row = EL(uuid=utils.generate_uuid(), share_id=share_id,
                         path=path)
                session.add(row)
            row.is_admin_only = bool(loc.get('is_admin_only', False))
            row.preferred = bool(loc.get('preferred', False))
        session.flush()

"""Share backups."""

import sqlalchemy as sa

from manila_bk.common import utils
from manila_bk.db import models
from manila_bk.db import session as db_session
from manila_bk.db.impl import query as q
from manila_bk import exception

B = models.ShareBackup

_EXACT = ('id', 'share_id', 'status', 'project_id', 'user_id', 'host',
          'topic', 'availability_zone', 'display_name',
          'display_description', 'backup_type', 'parent_id', 'size')


def share_backup_count(context, share_id):
    """Count a share's live backups, in any project.

    A share with backups cannot be deleted, as in Manila.
    """
    with db_session.reader(context) as session:
        return session.query(B).filter(B.share_id == share_id,
                                       B.deleted == 'False').count()


def share_backup_create(context, values):
    values = dict(values)
    values.setdefault('id', utils.generate_uuid())
    with db_session.writer(context) as session:
        session.add(B(**values))
        session.flush()
    return share_backup_get(context, values['id'])


def share_backup_get(context, backup_id, project_only=False):
    with db_session.reader(context) as session:
        backup = q.model_query(context, B, session,
                               project_only=project_only).filter(
            B.id == backup_id).first()
        if backup is None:
            raise exception.ShareBackupNotFound(backup_id=backup_id)
        return backup


def share_backup_get_all(context, filters=None, limit=None, offset=None,
                         marker=None, sort_keys=None, sort_dirs=None,
                         project_only=True):
    """List backups; filters are exact columns plus ``column~`` substrings.

    ``status`` may be a list.  The backups come as read-only records
    (``query.Record``: the columns as attributes), which a long list loads
    several times faster than ORM objects.
    """
    with db_session.reader(context) as session:
        query = q.model_query(context, B, session, project_only=project_only)
        query = q.apply_filters(query, B, filters, _EXACT)
        query = q.paginate(query, B, limit, offset, marker, sort_keys,
                           sort_dirs)
        return q.records(session, query, B)


def share_backup_get_latest_available(context, share_id):
    """The share's newest available backup (the parent of an incremental)."""
    with db_session.reader(context) as session:
        return session.query(B).filter(
            B.share_id == share_id, B.status == 'available',
            B.deleted == 'False').order_by(B.created_at.desc(),
                                           B.id.desc()).first()


def share_backup_update(context, backup_id, values):
    with db_session.writer(context) as session:
        backup = q.model_query(context, B, session).filter(
            B.id == backup_id).first()
        if backup is None:
            raise exception.ShareBackupNotFound(backup_id=backup_id)
        for key, value in values.items():
            setattr(backup, key, value)
        session.flush()
    return share_backup_get(context, backup_id)


def share_backup_update_if(context, backup_id, values, expected_status,
                           extra_where=None):
    """CAS on the backup's status; None when it was not expected."""
    with db_session.writer(context) as session:
        return q.update_if(context, session, B, backup_id, values,
                           expected_status, extra_where)


def share_backup_delete(context, backup_id):
    """Soft-delete: the row keeps its data, status becomes deleted."""
    with db_session.writer(context) as session:
        values = q.soft_delete_values(backup_id)
        values['status'] = 'deleted'
        session.execute(sa.update(B).where(B.id == backup_id)
                        .values(**values))


def share_backup_get_all_by_host(context, host, statuses=None):
    """Backups a data service host owns, optionally in some statuses."""
    with db_session.reader(context) as session:
        query = session.query(B).filter(B.host == host,
                                        B.deleted == 'False')
        if statuses:
            query = query.filter(B.status.in_(list(statuses)))
        return query.order_by(B.created_at).all()

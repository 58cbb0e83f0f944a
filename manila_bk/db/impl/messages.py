"""User messages."""

import sqlalchemy as sa

from manila_bk.common import utils
from manila_bk.db import models
from manila_bk.db import session as db_session
from manila_bk.db.impl import query as q
from manila_bk import exception

M = models.Message
_EXACT = ('id', 'project_id', 'request_id', 'resource_type', 'resource_id',
          'action_id', 'detail_id', 'message_level')


def message_create(context, values):
    values = dict(values)
    values.setdefault('id', utils.generate_uuid())
    with db_session.writer(context) as session:
        message = M(**values)
        session.add(message)
        session.flush()
        return message


def message_get(context, message_id):
    with db_session.reader(context) as session:
        message = q.model_query(context, M, session,
                                project_only=True).filter(
            M.id == message_id).first()
        if message is None:
            raise exception.MessageNotFound(message_id=message_id)
        return message


def message_get_all(context, filters=None, limit=None, offset=None,
                    marker=None, sort_keys=None, sort_dirs=None):
    filters = dict(filters or {})
    since = filters.pop('created_since', None)
    before = filters.pop('created_before', None)
    with db_session.reader(context) as session:
        query = q.model_query(context, M, session, project_only=True)
        if since:
            query = query.filter(M.created_at >= since)
        if before:
            query = query.filter(M.created_at <= before)
        query = q.apply_filters(query, M, filters, _EXACT)
        return q.paginate(query, M, limit, offset, marker, sort_keys,
                          sort_dirs).all()


def message_destroy(context, message_id):
    with db_session.writer(context) as session:
        result = session.execute(
            sa.update(M).where(M.id == message_id, M.deleted == 'False')
            .values(**q.soft_delete_values(message_id)))
        if result.rowcount != 1:
            raise exception.MessageNotFound(message_id=message_id)


def message_destroy_expired(context):
    now = utils.utcnow()
    with db_session.writer(context) as session:
        result = session.execute(
            sa.update(M).where(M.expires_at < now, M.deleted == 'False')
            .values(deleted=M.id, deleted_at=now))
        return result.rowcount

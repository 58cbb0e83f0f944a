"""Share access rules."""

from manila_bk.common import utils
from manila_bk.db import models
from manila_bk.db import session as db_session
from manila_bk.db.impl import query as q
from manila_bk import exception

R = models.ShareAccessRule


def share_access_create(context, values):
    values = dict(values)
    values.setdefault('id', utils.generate_uuid())
    with db_session.writer(context) as session:
        rule = R(**values)
        session.add(rule)
        session.flush()
        return rule


def share_access_get(context, access_id):
    with db_session.reader(context) as session:
        rule = q.model_query(context, R, session).filter(
            R.id == access_id).first()
        if rule is None:
            raise exception.AccessRuleNotFound(access_id=access_id)
        return rule


def share_access_get_all_for_share(context, share_id, filters=None):
    with db_session.reader(context) as session:
        query = q.model_query(context, R, session).filter(
            R.share_id == share_id)
        query = q.apply_filters(query, R, filters,
                                ('state', 'access_type', 'access_to',
                                 'access_level'))
        return query.order_by(R.created_at, R.id).all()


def share_access_get_by_type_and_access(context, share_id, access_type,
                                        access_to):
    with db_session.reader(context) as session:
        return q.model_query(context, R, session).filter(
            R.share_id == share_id, R.access_type == access_type,
            R.access_to == access_to).first()


def share_access_update(context, access_id, values):
    with db_session.writer(context) as session:
        rule = q.model_query(context, R, session).filter(
            R.id == access_id).first()
        if rule is None:
            raise exception.AccessRuleNotFound(access_id=access_id)
        for key, value in values.items():
            setattr(rule, key, value)
        session.flush()
        return rule


def share_access_delete(context, access_id):
    with db_session.writer(context) as session:
        rule = session.query(R).filter(R.id == access_id,
                                       R.deleted == 'False').first()
        if rule is None:
            raise exception.AccessRuleNotFound(access_id=access_id)
        rule.deleted, rule.deleted_at = rule.id, utils.utcnow()
        rule.state = 'deleted'

"""Quota limits and usage counters.

Usage changes are single conditional UPDATEs (``in_use = in_use + d WHERE
in_use + d <= limit``) inside one transaction per request, so concurrent
requests can neither exceed a limit nor lose an update, on any back end.
"""

from oslo_db import exception as db_exc
import sqlalchemy as sa

from manila_bk.common import utils
from manila_bk.db import models
from manila_bk.db import session as db_session
from manila_bk import exception

QU = models.QuotaUsage


def _limits(context, model, key_column, key):
    with db_session.reader(context) as session:
        rows = session.query(model).filter(key_column == key,
                                           model.deleted == 'False')
        return {row.resource: row.hard_limit for row in rows}


def quota_get_all_by_project(context, project_id):
    return _limits(context, models.Quota, models.Quota.project_id,
                   project_id)


def quota_class_get_all_by_name(context, class_name):
    return _limits(context, models.QuotaClass, models.QuotaClass.class_name,
                   class_name)


def _create_or_update(context, model, key_name, key, resource, limit):
    key_column = getattr(model, key_name)
    with db_session.writer(context) as session:
        row = session.query(model).filter(
            key_column == key, model.resource == resource,
            model.deleted == 'False').first()
        if row is None:
            session.add(model(**{key_name: key, 'resource': resource,
                                 'hard_limit': limit}))
        else:
            row.hard_limit = limit


def quota_create_or_update(context, project_id, resource, limit):
    _create_or_update(context, models.Quota, 'project_id', project_id,
                      resource, limit)


def quota_class_create_or_update(context, class_name, resource, limit):
    _create_or_update(context, models.QuotaClass, 'class_name', class_name,
                      resource, limit)


def quota_destroy_all_by_project(context, project_id):
    with db_session.writer(context) as session:
        session.execute(
            sa.update(models.Quota)
            .where(models.Quota.project_id == project_id,
                   models.Quota.deleted == 'False')
            .values(deleted=models.Quota.id.cast(sa.String),
                    deleted_at=utils.utcnow()))


def quota_usage_get_all_by_project(context, project_id):
    with db_session.reader(context) as session:
        rows = session.query(QU).filter(QU.project_id == project_id,
                                        QU.deleted == 'False')
        return {row.resource: {'in_use': row.in_use,
                               'reserved': row.reserved} for row in rows}


def _ensure_usage_rows(context, project_id, resources):
    existing = quota_usage_get_all_by_project(context, project_id)
    for resource in resources:
        if resource in existing:
            continue
        try:
            with db_session.writer(context) as session:
                session.add(QU(project_id=project_id, resource=resource,
                               in_use=0, reserved=0))
        except db_exc.DBDuplicateEntry:
            pass  # another request created it first


def quota_usage_change(context, project_id, deltas, limits):
    """Apply all ``deltas`` atomically, or none if one would pass its limit.

    ``limits`` maps resource to hard limit (-1: unlimited).  Negative
    deltas never take a counter below zero.  Raises OverQuota naming
    every resource that would exceed its limit.
    """
    deltas = {r: d for r, d in deltas.items() if d}
    if not deltas:
        return
    _ensure_usage_rows(context, project_id, deltas)
    overs = []
    try:
        with db_session.writer(context) as session:
            for resource, delta in sorted(deltas.items()):
                if not _change_one(session, project_id, resource, delta,
                                   limits.get(resource, -1)):
                    overs.append(resource)
            if overs:
                raise exception.OverQuota(overs=', '.join(overs))
    except exception.OverQuota:
        usages = quota_usage_get_all_by_project(context, project_id)
        raise exception.OverQuota(overs=', '.join(
            '%s (requested %s, in use %s, limit %s)' % (
                r, deltas[r], usages.get(r, {}).get('in_use', 0),
                limits.get(r)) for r in overs))


def _change_one(session, project_id, resource, delta, limit):
    new_value = QU.in_use + delta
    stmt = sa.update(QU).where(QU.project_id == project_id,
                               QU.resource == resource,
                               QU.deleted == 'False')
    if delta > 0 and limit is not None and limit >= 0:
        stmt = stmt.where(new_value <= limit)
    if delta < 0:
        new_value = sa.case((new_value < 0, 0), else_=new_value)
    result = session.execute(stmt.values(in_use=new_value,
                                         updated_at=utils.utcnow()))
    return result.rowcount == 1


def quota_usage_set(context, project_id, resource, in_use):
    """Set a counter to a recounted value."""
    _ensure_usage_rows(context, project_id, [resource])
    with db_session.writer(context) as session:
        session.execute(sa.update(QU).where(
            QU.project_id == project_id, QU.resource == resource,
            QU.deleted == 'False').values(in_use=in_use,
                                          updated_at=utils.utcnow()))

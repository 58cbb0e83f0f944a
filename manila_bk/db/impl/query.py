"""Query helpers shared by the database modules: visibility, paging, CAS."""

from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import utils as db_utils
import sqlalchemy as sa

from manila_bk.common import utils
from manila_bk import exception


def is_user_context(context):
    return bool(context and not context.is_admin and context.project_id)


def model_query(context, model, session, read_deleted=None,
                project_only=False):
    """Select ``model`` rows visible to ``context``.

    ``read_deleted`` (default: the context's) is ``no``, ``yes`` or
    ``only``; ``project_only`` limits non-admin contexts to their project.
    """
    read_deleted = read_deleted or getattr(context, 'read_deleted', 'no')
    query = session.query(model)
    if read_deleted == 'no':
        query = query.filter(model.deleted == 'False')
    elif read_deleted == 'only':
        query = query.filter(model.deleted != 'False')
    if project_only and is_user_context(context):
        query = query.filter(model.project_id == context.project_id)
    return query


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(',') if v.strip()]
    return list(value)


def paginate(query, model, limit=None, offset=None, marker=None,
             sort_keys=None, sort_dirs=None, default_key='created_at'):
    """Sort and page ``query``; the marker is the id of the last row seen.

    Ties are broken by ``id`` so that marker paging never skips or repeats a
    row.  Unknown sort keys and markers are the caller's error (400).
    """
    sort_keys = _as_list(sort_keys) or [default_key]
    sort_dirs = _as_list(sort_dirs) or ['desc'] * len(sort_keys)
    if len(sort_dirs) < len(sort_keys):
        sort_dirs += [sort_dirs[-1]] * (len(sort_keys) - len(sort_dirs))
    for key in sort_keys:
        if key not in model.__table__.columns:
            raise exception.InvalidSortKey(key=key)
    for direction in sort_dirs:
        if direction not in ('asc', 'desc'):
            raise exception.InvalidInput(
                reason='sort_dir must be asc or desc, not %s' % direction)
    if 'id' not in sort_keys:
        sort_keys.append('id')
        sort_dirs.append(sort_dirs[0])
    marker_row = None
    if marker is not None:
        marker_row = query.session.query(model).filter(
            model.id == marker).first()
        if marker_row is None:
            raise exception.InvalidMarker(marker=marker)
    try:
        query = db_utils.paginate_query(query, model, limit, sort_keys,
                                        marker=marker_row,
                                        sort_dirs=sort_dirs)
    except db_exc.InvalidSortKey:
        raise exception.InvalidSortKey(key=','.join(sort_keys))
    if offset:
        query = query.offset(offset)
    return query


def apply_filters(query, model, filters, exact_keys):
    """Exact match on ``exact_keys``; ``key~`` is a substring match."""
    for key, value in (filters or {}).items():
        if key.endswith('~'):
            column = getattr(model, key[:-1], None)
            if column is not None and value is not None:
                query = query.filter(column.contains(str(value),
                                                     autoescape=True))
        elif key in exact_keys:
            column = getattr(model, key)
            if isinstance(value, (list, tuple, set)):
                query = query.filter(column.in_(list(value)))
            else:
                query = query.filter(column == value)
    return query


def update_if(context, session, model, row_id, values, expected_status,
              extra_where=None):
    """Compare-and-swap: update the row only if its status is expected.

    ``extra_where`` adds conditions: a dict of column name to the value the
    column must still hold (for example the size a quota delta was computed
    from), or SQLAlchemy clauses.  Returns the updated row, or None when
    the row did not match (or is gone); nothing is changed then.
    """
    values = dict(values)
    values.setdefault('updated_at', utils.utcnow())
    stmt = sa.update(model).where(model.id == row_id,
                                  model.deleted == 'False')
    if expected_status is not None:
        stmt = stmt.where(model.status.in_(list(expected_status)))
    if isinstance(extra_where, dict):
        extra_where = [getattr(model, column) == value
                       for column, value in extra_where.items()]
    for clause in extra_where or ():
        stmt = stmt.where(clause)
    result = session.execute(stmt.values(**values).execution_options(
        synchronize_session=False))
    if result.rowcount != 1:
        return None
    session.expire_all()
    return session.query(model).filter(model.id == row_id).one()


def soft_delete_values(row_id):
    return {'deleted': str(row_id), 'deleted_at': utils.utcnow()}


class Record(object):
    """One row of a long list, read only: the model's columns as attributes.

    Lists of many rows skip the ORM's bookkeeping for each object (instance
    state, identity map, relationship collections), which costs more than
    the query itself for a thousand rows.  A record answers attribute
    access, ``to_dict()``, ``get()`` and ``[key]`` as a model does; the
    list functions add what the model's relationships would load.
    """

    def __init__(self, names, values):
        self.__dict__.update(zip(names, values))
        self._names = names

    def to_dict(self):
        return {name: getattr(self, name) for name in self._names}

    def __getitem__(self, key):
        return getattr(self, key)

    def get(self, key, default=None):
        return getattr(self, key, default)

    def __repr__(self):
        return '<%s record %s>' % (type(self).__name__,
                                   getattr(self, 'id', '?'))


def column_names(model):
    """Names of ``model``'s column attributes, in table order."""
    return tuple(prop.key for prop in sa.inspect(model).column_attrs)


def records(session, query, model, record_class=Record):
    """The rows ``query`` (of ``model``) selects, as ``record_class``es.

    The query keeps its filters, order, limit and offset; only the columns
    are fetched, not ORM objects.
    """
    names = column_names(model)
    statement = query.with_entities(
        *(getattr(model, name) for name in names)).statement
    rows = session.connection().execute(statement).fetchall()
    return [record_class(names, row) for row in rows]


def records_of_parents(session, model, parent_column, parent_query,
                       order_by=None):
    """{parent id: [live records of ``model``]} of a query's parents.

    ``parent_query`` is the parents' ORM query (filters, order, limit and
    offset included); its ids are joined as a derived table, which every
    back end accepts with a LIMIT (an ``IN`` subquery with a LIMIT is
    refused by MySQL, and an ``IN`` list of bound ids hits SQLite's limit
    on parameters).
    """
    names = column_names(model)
    key = names.index(parent_column.key)
    parents = parent_query.with_entities(
        parent_query.column_descriptions[0]['entity'].id).subquery()
    statement = sa.select(*(getattr(model, name) for name in names)).join(
        parents, parent_column == parents.c.id).where(
        model.deleted == 'False')
    if order_by is not None:
        statement = statement.order_by(order_by)
    found = {}
    for row in session.connection().execute(statement).fetchall():
        found.setdefault(row[key], []).append(Record(names, row))
    return found

"""Share types, their extra specs and their project access lists."""

from oslo_db import exception as db_exc
import sqlalchemy as sa

from manila_bk.common import utils
from manila_bk.db import models
from manila_bk.db import session as db_session
from manila_bk.db.impl import query as q
from manila_bk import exception

ST = models.ShareType
SPEC = models.ShareTypeExtraSpec
PROJ = models.ShareTypeProject


def share_type_create(context, values, extra_specs=None, projects=None):
    values = dict(values)
    values.setdefault('id', utils.generate_uuid())
    try:
        with db_session.writer(context) as session:
            share_type = ST(**values)
            session.add(share_type)
            session.flush()
            for key, value in (extra_specs or {}).items():
                session.add(SPEC(share_type_id=share_type.id, spec_key=key,
                                 spec_value=value))
            for project_id in projects or ():
                session.add(PROJ(share_type_id=share_type.id,
                                 project_id=project_id))
    except db_exc.DBDuplicateEntry:
        raise exception.ShareTypeExists(id=values.get('name'))
    return share_type_get(context, values['id'])


def _type_query(context, session):
    return q.model_query(context, ST, session)


def share_type_get(context, type_id):
    with db_session.reader(context) as session:
        share_type = _type_query(context, session).filter(
            ST.id == type_id).first()
        if share_type is None:
            raise exception.ShareTypeNotFound(share_type_id=type_id)
        return share_type


def share_type_get_by_name(context, name):
    with db_session.reader(context) as session:
        share_type = _type_query(context, session).filter(
            ST.name == name).first()
        if share_type is None:
            raise exception.ShareTypeNotFoundByName(share_type_name=name)
        return share_type


def share_type_get_by_name_or_id(context, value):
    if utils.is_uuid_like(value):
        try:
            return share_type_get(context, value)
        except exception.ShareTypeNotFound:
            pass
    try:
        return share_type_get_by_name(context, value)
    except exception.ShareTypeNotFoundByName:
        raise exception.ShareTypeNotFound(share_type_id=value)


def share_type_get_all(context, filters=None):
    """List types; ``project_id`` adds the private types it may use."""
    filters = filters or {}
    with db_session.reader(context) as session:
        query = _type_query(context, session)
        is_public = filters.get('is_public')
        project_id = filters.get('project_id')
        if is_public is not None and project_id:
            access = sa.select(PROJ.share_type_id).where(
                PROJ.project_id == project_id, PROJ.deleted == 'False')
            query = query.filter(sa.or_(ST.is_public == is_public,
                                        ST.id.in_(access)))
        elif is_public is not None:
            query = query.filter(ST.is_public == is_public)
        return query.order_by(ST.created_at, ST.id).all()


def share_type_update(context, type_id, values):
    try:
        with db_session.writer(context) as session:
            share_type = _type_query(context, session).filter(
                ST.id == type_id).first()
            if share_type is None:
                raise exception.ShareTypeNotFound(share_type_id=type_id)
            for key, value in values.items():
                setattr(share_type, key, value)
            session.flush()
    except db_exc.DBDuplicateEntry:
        raise exception.ShareTypeExists(id=values.get('name'))
    return share_type_get(context, type_id)


def share_type_destroy(context, type_id):
    with db_session.writer(context) as session:
        in_use = session.query(models.Share).filter(
            models.Share.share_type_id == type_id,
            models.Share.deleted == 'False').count()
        if in_use:
            raise exception.ShareTypeInUse(share_type_id=type_id)
        result = session.execute(
            sa.update(ST).where(ST.id == type_id, ST.deleted == 'False')
            .values(**q.soft_delete_values(type_id)))
        if result.rowcount != 1:
            raise exception.ShareTypeNotFound(share_type_id=type_id)
        for model in (SPEC, PROJ):
            session.execute(
                sa.update(model).where(model.share_type_id == type_id,
                                       model.deleted == 'False')
                .values(deleted=model.id.cast(sa.String),
                        deleted_at=utils.utcnow()))


def share_type_extra_specs_get(context, type_id):
    with db_session.reader(context) as session:
        rows = session.query(SPEC).filter(SPEC.share_type_id == type_id,
                                          SPEC.deleted == 'False').all()
        return {row.spec_key: row.spec_value for row in rows}


def share_type_extra_specs_update_or_create(context, type_id, specs):
    with db_session.writer(context) as session:
        share_type_get(context, type_id)
        rows = {row.spec_key: row for row in session.query(SPEC).filter(
            SPEC.share_type_id == type_id, SPEC.deleted == 'False')}
        for key, value in specs.items():
            if key in rows:
                rows[key].spec_value = value
            else:
                session.add(SPEC(share_type_id=type_id, spec_key=key,
                                 spec_value=value))
        session.flush()
    return share_type_extra_specs_get(context, type_id)


def share_type_extra_specs_delete(context, type_id, key):
    with db_session.writer(context) as session:
        row = session.query(SPEC).filter(
            SPEC.share_type_id == type_id, SPEC.spec_key == key,
            SPEC.deleted == 'False').first()
        if row is None:
            raise exception.ShareTypeExtraSpecsNotFound(
                share_type_id=type_id, extra_specs_key=key)
        row.deleted = str(row.id)
        row.deleted_at = utils.utcnow()


def share_type_access_get_all(context, type_id):
    with db_session.reader(context) as session:
        rows = session.query(PROJ).filter(PROJ.share_type_id == type_id,
                                          PROJ.deleted == 'False')
        return [row.project_id for row in rows.order_by(PROJ.id)]


def share_type_access_add(context, type_id, project_id):
    try:
        with db_session.writer(context) as session:
            session.add(PROJ(share_type_id=type_id, project_id=project_id))
            session.flush()
    except db_exc.DBDuplicateEntry:
        raise exception.ShareTypeAccessExists(share_type_id=type_id,
                                              project_id=project_id)


def share_type_access_remove(context, type_id, project_id):
    with db_session.writer(context) as session:
        row = session.query(PROJ).filter(
            PROJ.share_type_id == type_id, PROJ.project_id == project_id,
            PROJ.deleted == 'False').first()
        if row is None:
            raise exception.ShareTypeAccessNotFound(share_type_id=type_id,
                                                    project_id=project_id)
        row.deleted = str(row.id)
        row.deleted_at = utils.utcnow()

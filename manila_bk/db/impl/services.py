"""Service records and heartbeats."""

import sqlalchemy as sa

from manila_bk.common import utils
from manila_bk.db import models
from manila_bk.db import session as db_session
from manila_bk.db.impl import query as q
from manila_bk import exception

_FILTERS = ('binary', 'host', 'topic', 'disabled', 'availability_zone')


def service_create(context, values):
    with db_session.writer(context) as session:
        service = models.Service(**values)
        session.add(service)
        session.flush()
        return service


def service_get(context, service_id):
    with db_session.reader(context) as session:
        service = q.model_query(context, models.Service, session).filter(
            models.Service.id == service_id).first()
        if service is None:
            raise exception.ServiceNotFound(service_id=service_id)
        return service


def service_get_by_args(context, host, binary):
    with db_session.reader(context) as session:
        service = q.model_query(context, models.Service, session).filter(
            models.Service.host == host,
            models.Service.binary == binary).first()
        if service is None:
            raise exception.HostNotFound(host=host)
        return service


def service_get_all(context, filters=None):
    with db_session.reader(context) as session:
        query = q.model_query(context, models.Service, session)
        query = q.apply_filters(query, models.Service, filters, _FILTERS)
        return query.order_by(models.Service.id).all()


def service_update(context, service_id, values):
    with db_session.writer(context) as session:
        service = q.model_query(context, models.Service, session).filter(
            models.Service.id == service_id).first()
        if service is None:
            raise exception.ServiceNotFound(service_id=service_id)
        for key, value in values.items():
            setattr(service, key, value)
        session.flush()
        return service


def service_heartbeat(context, service_id, capabilities=None):
    """Count a heartbeat; optionally store the pools a service reports."""
    now = utils.utcnow()
    values = {'report_count': models.Service.report_count + 1,
              'updated_at': now}
    if capabilities is not None:
        values['capabilities'] = capabilities
        values['capabilities_updated_at'] = now
    with db_session.writer(context) as session:
        result = session.execute(
            sa.update(models.Service)
            .where(models.Service.id == service_id,
                   models.Service.deleted == 'False')
            .values(**values))
        if result.rowcount != 1:
            raise exception.ServiceNotFound(service_id=service_id)


def service_destroy(context, service_id):
    with db_session.writer(context) as session:
        session.execute(
            sa.update(models.Service)
            .where(models.Service.id == service_id)
            .values(**q.soft_delete_values(service_id)))

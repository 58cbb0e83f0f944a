"""Operator information: services, pools and availability zones.

Availability zones are not stored: they are the distinct zones the services
report.  Each gets a stable id (a UUID5 of its name), so the same zone keeps
its id across restarts and nodes, as Manila's stored zones do.
"""

import re
import uuid

from oslo_log import log as logging

from manila_bk.common import utils
from manila_bk import conf
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.share import placement
from manila_bk.share import share_types

CONF = conf.CONF
LOG = logging.getLogger(__name__)

_AZ_NAMESPACE = uuid.UUID('5e0a4c9e-2f4b-5d6a-9c51-6d616e696c61')


def availability_zone_id(name):
    return str(uuid.uuid5(_AZ_NAMESPACE, name))


def _service_dict(service, now):
    return {
        'id': service.id,
        'binary': service.binary,
        'host': service.host,
        'zone': service.availability_zone,
        'status': 'disabled' if service.disabled else 'enabled',
        'state': 'up' if placement.service_is_up(service, now) else 'down',
        'updated_at': service.updated_at,
        'disabled_reason': service.disabled_reason,
    }


def list_services(context, filters=None):
    """Services as Manila shows them.

    filters: host, binary, zone, status, state (exact matches).
    """
    filters = {k: v for k, v in (filters or {}).items() if v is not None}
    now = utils.utcnow()
    services = [_service_dict(s, now) for s in db.service_get_all(context)]
    for key in ('host', 'binary', 'zone', 'status', 'state'):
        if key in filters:
            services = [s for s in services if s[key] == filters[key]]
    return services


def update_service(context, host, binary, disabled, reason=None):
    """Enable or disable one service; 404 when there is no such service."""
    try:
        service = db.service_get_by_args(context, host, binary)
    except exception.HostNotFound:
        raise exception.ServiceNotFound(service_id='%s/%s' % (host, binary))
    if reason is not None and len(reason) > 255:
        raise exception.InvalidInput(
            reason='disabled_reason must be at most 255 characters')
    values = {'disabled': bool(disabled),
              'disabled_reason': reason if disabled else None}
    service = db.service_update(context, service.id, values)
    return {'host': service.host, 'binary': service.binary,
            'disabled': service.disabled,
            'status': 'disabled' if service.disabled else 'enabled',
            'disabled_reason': service.disabled_reason}


def _matches(pattern, value):
    """Manila matches pool filters as regular expressions."""
    if pattern is None:
        return True
    value = '' if value is None else str(value)
    try:
        return re.match('^(?:%s)$' % pattern, value) is not None
    except re.error:
        return pattern == value


def _capabilities_match(capabilities, wanted):
    for key, value in (wanted or {}).items():
        have = capabilities.get(key)
        if isinstance(have, bool) or key in share_types.BOOLEAN_SPECS:
            parsed = utils.parse_bool(value, strict=False)
            if parsed is None or parsed != bool(have):
                return False
        elif str(have) != str(value):
            return False
    return True


def _pool_dict(pool, updated_at):
    host, _, backend = pool.host.partition('@')
    capabilities = dict(pool.capabilities)
    capabilities['timestamp'] = utils.isotime(updated_at)
    capabilities.setdefault('share_backend_name', backend)
    return {'name': pool.name, 'host': host, 'backend': backend,
            'pool': pool.capabilities['pool_name'],
            'capabilities': capabilities}


def list_pools(context, filters=None):
    """Pools of the share services that are up.

    filters: host, backend, pool (regular expressions, as Manila),
    capabilities (dict of exact values), share_type (name or id: pools that
    could hold a share of that type).
    """
    filters = dict(filters or {})
    share_type = None
    if filters.get('share_type'):
        share_type = share_types.API().get(context, filters['share_type'])
    reports = {s.host: s.capabilities_updated_at for s in db.service_get_all(
        context, {'binary': placement.SHARE_BINARY})}
    result = []
    for pool in placement.get_pools(context, fresh_only=False):
        item = _pool_dict(pool, reports.get(pool.host))
        if not (_matches(filters.get('host'), item['host'])
                and _matches(filters.get('backend'), item['backend'])
                and _matches(filters.get('pool'), item['pool'])
                and _capabilities_match(pool.capabilities,
                                        filters.get('capabilities'))):
            continue
        if share_type is not None and not placement.pool_fits(
                pool, placement.Request(share_type=share_type, size=0),
                check_capacity=False):
            continue
        result.append(item)
    return sorted(result, key=lambda p: p['name'])


def list_availability_zones(context):
    """Zones of the services: [{id, name, created_at, updated_at}]."""
    zones = {}
    for service in db.service_get_all(context):
        name = service.availability_zone
        if not name:
            continue
        zone = zones.setdefault(name, {
            'id': availability_zone_id(name), 'name': name,
            'created_at': service.created_at, 'updated_at': None})
        zone['created_at'] = min(zone['created_at'], service.created_at)
        if service.updated_at and (zone['updated_at'] is None
                                   or service.updated_at
                                   > zone['updated_at']):
            zone['updated_at'] = service.updated_at
    return sorted(zones.values(), key=lambda z: z['name'])

"""Choose a pool for a new share (manila_bk has no scheduler process).

Every share service stores the pools it serves in ``services.capabilities``
(a JSON list of ``PoolCapabilities.to_dict()``) with each periodic report.
Placement reads the reports of the share services that are up and enabled,
drops stale reports, filters the pools against the share type and the
request, and picks the pool with the most free space.

Pool capacity is what the last report said, minus the shares placed on the
pool since that report: a burst of requests between two reports cannot
overfill a pool.

When no pool fits, NoValidHost says for each pool why it was rejected, so
an operator can act on it, and carries ``detail_id``: the user message
detail of the filter that removed the last candidates (Manila's ids).
"""

import dataclasses
import datetime

from oslo_log import log as logging
from oslo_serialization import jsonutils

from manila_bk.common import utils
from manila_bk import conf
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.message import message_field
from manila_bk.share import share_types

CONF = conf.CONF
LOG = logging.getLogger(__name__)

SHARE_BINARY = 'manila-bk-share'
_DETAIL = message_field.Detail


@dataclasses.dataclass(frozen=True)
class Pool:
    """One pool of an up share service, as placement sees it."""

    name: str
    host: str
    availability_zone: str
    capabilities: dict
    allocated_since_report_gb: int = 0

    @property
    def reserved_gb(self):
        total = float(self.capabilities.get('total_capacity_gb') or 0)
        percent = float(self.capabilities.get('reserved_percentage') or 0)
        return total * percent / 100.0

    @property
    def usable_gb(self):
        free = float(self.capabilities.get('free_capacity_gb') or 0)
        return free - self.reserved_gb - self.allocated_since_report_gb


@dataclasses.dataclass(frozen=True)
class Request:
    share_type: object
    size: int
    availability_zone: str | None = None
    share_proto: str | None = None


def service_is_up(service, now=None):
    """Heartbeat within service_down_time (enabled or not)."""
    now = now or utils.utcnow()
    last = service.updated_at or service.created_at
    if last is None:
        return False
    age = (now - last).total_seconds()
    return age <= CONF.service_down_time


def _parse_pools(service):
    try:
        pools = jsonutils.loads(service.capabilities or '[]')
    except ValueError:
        LOG.warning('Service %s reported unreadable capabilities',
                    service.host)
        return []
    if isinstance(pools, dict):
        pools = [pools]
    return [p for p in pools if isinstance(p, dict) and p.get('pool_name')]


def _allocated_since(context, pool_name, since):
    if since is None:
        return 0
    shares = db.share_get_all_by_host(context, pool_name)
    return sum(s.size for s in shares
               if s.host == pool_name and s.created_at > since)


def report_is_fresh(service, now=None):
    now = now or utils.utcnow()
    if service.capabilities_updated_at is None:
        return False
    age = now - service.capabilities_updated_at
    return age <= datetime.timedelta(seconds=CONF.pool_stale_time)


def get_pools(context, fresh_only=True):
    """Pools of up, enabled share services (with fresh reports)."""
    now = utils.utcnow()
    pools = []
    for service in db.service_get_all(context, {'binary': SHARE_BINARY,
                                                'disabled': False}):
        if not service_is_up(service, now):
            continue
        if fresh_only and not report_is_fresh(service, now):
            continue
        for caps in _parse_pools(service):
            name = '%s#%s' % (service.host, caps['pool_name'])
            pools.append(Pool(
                name=name, host=service.host,
                availability_zone=service.availability_zone,
                capabilities=caps,
                allocated_since_report_gb=_allocated_since(
                    context, name, service.capabilities_updated_at)))
    return pools


# Filters: (detail, check) where check(pool, request) returns why the pool
# does not fit, or None when it fits.

def _check_driver(pool, request):
    wanted = share_types.driver_handles_share_servers(request.share_type)
    has = bool(pool.capabilities.get('driver_handles_share_servers'))
    if wanted is None:
        return 'the share type has an invalid %s' % share_types.DHSS
    if wanted != has:
        return '%s is %s, the share type wants %s' % (
            share_types.DHSS, has, wanted)
    return None


def _check_protocol(pool, request):
    if not request.share_proto:
        return None
    protocols = str(pool.capabilities.get('storage_protocol') or '')
    if request.share_proto.upper() not in protocols.upper().split('_'):
        return 'serves %s, not %s' % (protocols or 'no protocol',
                                      request.share_proto.upper())
    return None


def _check_capabilities(pool, request):
    missing = [key for key, wanted in share_types.get_capability_specs(
        request.share_type).items()
        if wanted and not pool.capabilities.get(key)]
    if missing:
        return 'lacks %s' % ', '.join(missing)
    specs = share_types.extra_specs_of(request.share_type)
    backend = specs.get('share_backend_name')
    if backend and backend != pool.capabilities.get('share_backend_name'):
        return 'share_backend_name is %s, the share type wants %s' % (
            pool.capabilities.get('share_backend_name'), backend)
    return None


def _check_zone(pool, request):
    zone = request.availability_zone
    if zone and zone != pool.availability_zone:
        return 'is in availability zone %s, not %s' % (
            pool.availability_zone, zone)
    return None


def _check_capacity(pool, request):
    if pool.usable_gb < request.size:
        return 'has %.1f GiB usable (free %s, reserved %.1f, placed since '\
               'last report %s), %s GiB requested' % (
                   pool.usable_gb, pool.capabilities.get('free_capacity_gb'),
                   pool.reserved_gb, pool.allocated_since_report_gb,
                   request.size)
    return None


FILTERS = (
    (_DETAIL.FILTER_DRIVER, _check_driver),
    (_DETAIL.FILTER_PROTOCOL, _check_protocol),
    (_DETAIL.FILTER_CAPABILITIES, _check_capabilities),
    (_DETAIL.FILTER_AVAILABILITY, _check_zone),
    (_DETAIL.FILTER_CAPACITY, _check_capacity),
)


def _no_valid_host(reason, detail):
    exc = exception.NoValidHost(reason=reason)
    exc.detail_id = detail[0]
    return exc


def filter_pools(pools, request):
    """Return the pools that fit, or raise NoValidHost naming why not."""
    rejected = []
    for detail, check in FILTERS:
        fitting = []
        for pool in pools:
            why = check(pool, request)
            if why is None:
                fitting.append(pool)
            else:
                rejected.append('pool %s %s' % (pool.name, why))
        pools = fitting
        if not pools:
            raise _no_valid_host('No pool fits: %s.' % '; '.join(rejected),
                                 detail)
    return pools


def pool_fits(pool, request, check_capacity=True):
    """Whether one pool passes every filter (capacity optional)."""
    return all(check(pool, request) is None for _detail, check in FILTERS
               if check_capacity or check is not _check_capacity)


def weigh(pools):
    """Most usable space first; the name breaks ties for stable choices."""
    return sorted(pools, key=lambda p: (-p.usable_gb, p.name))


def choose(context, share_type, size, availability_zone=None,
           share_proto=None):
    """The Pool a new share goes to; NoValidHost when there is none."""
    pools = get_pools(context)
    if not pools:
        raise _no_valid_host(
            'No share service is up with a pool report newer than %s '
            'seconds.' % CONF.pool_stale_time,
            _DETAIL.SHARE_BACKEND_NOT_READY_YET)
    request = Request(share_type=share_type, size=size,
                      availability_zone=availability_zone,
                      share_proto=share_proto)
    best = weigh(filter_pools(pools, request))[0]
    LOG.debug('Placing a %s GiB share on %s', size, best.name)
    return best


def choose_pool(context, share_type, size, availability_zone=None,
                share_proto=None):
    """Full pool name 'host@backend#pool' for a new share."""
    return choose(context, share_type, size, availability_zone,
                  share_proto).name

"""``GET /scheduler-stats/pools[/detail]``: the storage pools."""

import pecan
from pecan import rest

from manila_bk.api import common
from manila_bk.api import microversion
from manila_bk.api.views import scheduler_stats as views
from manila_bk import exception
from manila_bk.share import info as share_info
from manila_bk.share import share_types

# share.info.list_pools filter -> query parameter (regular expressions).
FILTERS = {'host': 'host_name', 'backend': 'backend_name',
           'pool': 'pool_name'}


def _filters(context, params):
    filters = {key: params[name] for key, name in FILTERS.items()
               if params.get(name)}
    requested_type = params.get('share_type')
    if requested_type and microversion.at_least('2.23'):
        # Manila answers 400, not 404, for an unknown type here.
        try:
            share_types.API().get(context, requested_type)
        except exception.ShareTypeNotFound:
            raise exception.InvalidInput(
                reason='Share type %s not found.' % requested_type)
        filters['share_type'] = requested_type
    return filters


class PoolsController(rest.RestController):
    """Pools with their capacity and capabilities (operators only)."""

    _custom_actions = {'detail': ['GET']}

    def _pools(self, rule, detail):
        common.authorize(rule)
        context = common.context()
        pools = share_info.list_pools(
            context, _filters(context, pecan.request.GET))
        return views.pools(pools, detail=detail)

    @pecan.expose('json')
    def get_all(self):
        return self._pools('scheduler_stats:pools:index', detail=False)

    @pecan.expose('json')
    def detail(self):
        return self._pools('scheduler_stats:pools:detail', detail=True)


class SchedulerStatsController(object):
    """``/scheduler-stats`` only holds ``pools``."""

    pools = PoolsController()

"""``/services`` (>= 2.7) and ``/os-services``: list, enable, disable."""

import pecan
from pecan import rest

from manila_bk.api import common
from manila_bk.api import microversion
from manila_bk.api.schemas import services as schemas
from manila_bk.api.views import services as views
from manila_bk import exception
from manila_bk.share import info as share_info

FILTERS = ('host', 'binary', 'zone', 'state', 'status')


class ServicesController(rest.RestController):
    """Operators list the services and take them in or out of service."""

    def __init__(self, legacy=False):
        super().__init__()
        self._legacy = legacy

    @pecan.expose('json')
    def get_all(self):
        common.require_url_version(self._legacy)
        common.authorize('service:index')
        filters = common.search_opts(pecan.request.GET, FILTERS)
        services = share_info.list_services(common.context(), filters)
        # Exact matches on the rendered values, as Manila filters.
        services = [service for service in services
                    if all(str(service.get(key)) == value
                           for key, value in filters.items())]
        return views.index(services)

    @pecan.expose('json')
    def put(self, action):
        common.require_url_version(self._legacy)
        common.authorize('service:update')
        if action not in ('enable', 'disable'):
            raise exception.NotFound("Unknown action '%s'" % action)
        body = common.validate(schemas.update, common.body())
        reason = None
        if action == 'disable' and microversion.at_least('2.83'):
            reason = body.get('disabled_reason')
        elif 'disabled_reason' in body:
            raise exception.InvalidInput(
                reason='disabled_reason is accepted only when disabling a '
                       'service, from API version 2.83')
        service = share_info.update_service(
            common.context(), body['host'], body['binary'],
            disabled=(action == 'disable'), reason=reason)
        return views.summary(service)

"""``GET /availability-zones`` (>= 2.7) and ``/os-availability-zone``."""

import pecan
from pecan import rest

from manila_bk.api import common
from manila_bk.api.views import availability_zones as views
from manila_bk.share import info as share_info


class AvailabilityZonesController(rest.RestController):
    """List the availability zones services run in."""

    def __init__(self, legacy=False):
        super().__init__()
        self._legacy = legacy

    @pecan.expose('json')
    def get_all(self):
        common.require_url_version(self._legacy)
        common.authorize('availability_zone:index')
        zones = share_info.list_availability_zones(common.context())
        return views.index(zones)

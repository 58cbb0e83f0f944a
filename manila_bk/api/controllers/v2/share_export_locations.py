"""/v2/shares/{share_id}/export_locations[/{export_location_id}] (>= 2.9).

Non-administrators do not see admin-only export locations, and asking for
one by id answers 403, as in Manila.
"""

import pecan
from pecan import rest

from manila_bk.api import common
from manila_bk.api.controllers.v2 import _params
from manila_bk.api.views import export_locations as views
from manila_bk import exception
from manila_bk.share import api as share_api


class ShareExportLocationsController(rest.RestController):
    """Export locations of one share; the share id comes from the route."""

    def __init__(self):
        super().__init__()
        self.share_api = share_api.API()

    @pecan.expose('json')
    def get_all(self, share_id):
        _params.require_version('2.9')
        common.authorize('share_export_location:index')
        _params.get_share(self.share_api, share_id)
        locations = self.share_api.get_export_locations(common.context(),
                                                        share_id)
        return views.share_export_locations(locations)

    @pecan.expose('json')
    def get_one(self, share_id, export_location_id):
        _params.require_version('2.9')
        common.authorize('share_export_location:show')
        _params.get_share(self.share_api, share_id)
        _params.require_uuid(
            export_location_id, lambda: exception.ShareExportLocationNotFound(
                uuid=export_location_id))
        location = self.share_api.get_export_location(
            common.context(), share_id, export_location_id)
        if location.is_admin_only and not common.context().is_admin:
            raise exception.NotAuthorized()
        return {'export_location': views.share_export_location(
            location, detailed=True)}

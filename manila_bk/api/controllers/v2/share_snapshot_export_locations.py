"""/v2/snapshots/{snapshot_id}/export-locations[/{id}] (>= 2.32)."""

import pecan
from pecan import rest

from manila_bk.api import common
from manila_bk.api.controllers.v2 import _params
from manila_bk.api.views import export_locations as views
from manila_bk import exception
from manila_bk.share import api as share_api


class SnapshotExportLocationsController(rest.RestController):
    """Export locations of one snapshot; its id comes from the route."""

    def __init__(self):
        super().__init__()
        self.share_api = share_api.API()

    def _check_snapshot(self, snapshot_id, rule):
        _params.require_version('2.32')
        common.authorize(rule)
        _params.require_uuid(
            snapshot_id,
            lambda: exception.ShareSnapshotNotFound(snapshot_id=snapshot_id))

    @pecan.expose('json')
    def get_all(self, snapshot_id):
        self._check_snapshot(snapshot_id,
                             'share_snapshot_export_location:index')
        locations = self.share_api.get_snapshot_export_locations(
            common.context(), snapshot_id)
        return views.snapshot_export_locations(locations)

    @pecan.expose('json')
    def get_one(self, snapshot_id, export_location_id):
        self._check_snapshot(snapshot_id,
                             'share_snapshot_export_location:show')
        _params.require_uuid(
            export_location_id, lambda: exception.ShareExportLocationNotFound(
                uuid=export_location_id))
        location = self.share_api.get_snapshot_export_location(
            common.context(), snapshot_id, export_location_id)
        if location.is_admin_only and not common.context().is_admin:
            raise exception.NotAuthorized()
        return {'share_snapshot_export_location':
                views.snapshot_export_location(location, detailed=True)}

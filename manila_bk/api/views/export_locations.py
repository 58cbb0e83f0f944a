"""Export location views of shares (>= 2.9) and snapshots (>= 2.32).

Non-administrators never see admin-only export locations.  manila_bk has no
share instances, so the admin-only ``share_instance_id`` and
``share_snapshot_instance_id`` keys are present with null values.
"""

from manila_bk.api import common
from manila_bk.api import microversion as mv
from manila_bk.common import utils

SNAPSHOT_COLLECTION = 'share_snapshot_export_locations'


def visible(export_locations):
    """The export locations the current caller may see."""
    ctx = common.context()
    return [el for el in export_locations
            if ctx.is_admin or not el.is_admin_only]


def share_export_location(el, detailed=False):
    view = {'id': el.uuid, 'path': el.path}
    if mv.at_least('2.14'):
        view['preferred'] = bool(el.preferred)
    if mv.at_least('2.87'):
        view['metadata'] = {}
    if common.context().is_admin:
        view['share_instance_id'] = None
        view['is_admin_only'] = bool(el.is_admin_only)
    if detailed:
        view['created_at'] = utils.isotime(el.created_at)
        view['updated_at'] = utils.isotime(el.updated_at)
    return view


def share_export_locations(export_locations):
    return {'export_locations': [share_export_location(el)
                                 for el in visible(export_locations)]}


def snapshot_export_location(el, detailed=False):
    view = {
        'id': el.uuid,
        'path': el.path,
        'links': common.resource_links(SNAPSHOT_COLLECTION, el.uuid),
    }
    if common.context().is_admin:
        view['share_snapshot_instance_id'] = None
        view['is_admin_only'] = bool(el.is_admin_only)
    if detailed:
        view['created_at'] = utils.isotime(el.created_at)
        view['updated_at'] = utils.isotime(el.updated_at)
    return view


def snapshot_export_locations(export_locations):
    return {SNAPSHOT_COLLECTION: [snapshot_export_location(el)
                                  for el in visible(export_locations)]}

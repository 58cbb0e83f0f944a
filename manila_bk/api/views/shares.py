"""Share views: Manila's keys at every microversion up to 2.91.

Fields of features manila_bk does not have (share networks, share servers,
share groups, replication, encryption) are rendered with their null/false
values so that clients see the same shape as from Manila.
"""

from manila_bk.api import common
from manila_bk.api import microversion as mv
from manila_bk.common import utils

COLLECTION = 'shares'

# Access rules status values (Manila's names).
RULES_ACTIVE = 'active'
RULES_SYNCING = 'syncing'
RULES_OUT_OF_SYNC = 'out_of_sync'
RULES_ERROR = 'error'


def _between(min_ver, max_ver=None):
    """True if the request's microversion is in [min_ver, max_ver]."""
    if not mv.at_least(min_ver):
        return False
    if max_ver is None:
        return True
    major, minor = max_ver.split('.')
    return not mv.at_least('%s.%d' % (major, int(minor) + 1))


def metadata_dict(share):
    items = getattr(share, 'share_metadata', None) or []
    if isinstance(items, dict):
        return dict(items)
    return {item.key: item.value for item in items}


def _visible_export_paths(share, ctx):
    locations = getattr(share, 'export_locations', None) or []
    return [el.path for el in locations
            if ctx.is_admin or not el.is_admin_only]


def _share_type(share):
    """(type id, type name or None) of the share."""
    share_type = getattr(share, 'share_type', None)
    name = getattr(share_type, 'name', None) if share_type else None
    return share.share_type_id, name


def access_rules_status(share):
    return getattr(share, 'access_rules_status', None) or RULES_ACTIVE


def summary(share):
    return {
        'id': share.id,
        'name': share.display_name,
        'links': common.resource_links(COLLECTION, share.id),
    }


def _base(share, ctx):
    type_id, type_name = _share_type(share)
    # Before 2.6 "share_type" holds the type's name; "volume_type" keeps
    # doing so at every version.
    legacy_type = type_name if type_name else type_id
    paths = _visible_export_paths(share, ctx)
    return {
        'id': share.id,
        'size': share.size,
        'availability_zone': share.availability_zone,
        'created_at': utils.isotime(share.created_at),
        'status': share.status,
        'name': share.display_name,
        'description': share.display_description,
        'project_id': share.project_id,
        'snapshot_id': share.snapshot_id,
        'share_network_id': None,
        'share_proto': share.share_proto,
        'export_location': paths[0] if paths else None,
        'metadata': metadata_dict(share),
        'share_type': legacy_type,
        'volume_type': legacy_type,
        'links': common.resource_links(COLLECTION, share.id),
        'is_public': share.is_public,
        'export_locations': paths,
    }


def _add_early_fields(view, share):
    if mv.at_least('2.2'):
        view['snapshot_support'] = share.snapshot_support
    if mv.at_least('2.5'):
        view['task_state'] = share.task_state
    if mv.at_least('2.6'):
        type_id, type_name = _share_type(share)
        view['share_type_name'] = type_name
        view['share_type'] = type_id
    if mv.at_least('2.9'):
        view.pop('export_location')
        view.pop('export_locations')
    if mv.at_least('2.10'):
        status = access_rules_status(share)
        if _between('2.10', '2.27') and status == RULES_SYNCING:
            status = RULES_OUT_OF_SYNC
        view['access_rules_status'] = status
    if mv.at_least('2.11'):
        view['replication_type'] = None
        view['has_replicas'] = False
    if mv.at_least('2.16'):
        view['user_id'] = share.user_id


def _add_late_fields(view, share):
    if mv.at_least('2.24'):
        view['create_share_from_snapshot_support'] = (
            share.create_share_from_snapshot_support)
    if mv.at_least('2.27'):
        view['revert_to_snapshot_support'] = share.revert_to_snapshot_support
    if mv.at_least('2.31'):
        view['share_group_id'] = None
        view['source_share_group_snapshot_member_id'] = None
    if mv.at_least('2.32'):
        view['mount_snapshot_support'] = share.mount_snapshot_support
    if mv.at_least('2.54'):
        view['progress'] = share.progress
    if mv.at_least('2.69'):
        view['is_soft_deleted'] = share.is_soft_deleted
        view['scheduled_to_be_deleted_at'] = utils.isotime(
            share.scheduled_to_be_deleted_at)
    if mv.at_least('2.80'):
        view['source_backup_id'] = share.source_backup_id
    if mv.at_least('2.90'):
        view['encryption_key_ref'] = None


def detail(share):
    ctx = common.context()
    view = _base(share, ctx)
    _add_early_fields(view, share)
    _add_late_fields(view, share)
    if ctx.is_admin:
        view['share_server_id'] = None
        view['host'] = share.host
    return view


def list_view(shares, detailed, limit=None, count=None):
    render = detail if detailed else summary
    items = [render(share) for share in shares]
    body = {'shares': items}
    if count is not None:
        body['count'] = count
    links = common.collection_links(items, COLLECTION, limit)
    if links:
        body['shares_links'] = links
    return body

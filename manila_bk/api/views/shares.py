"""Share views: Manila's keys at every microversion up to 2.91.

Fields of features manila_bk does not have (share networks, share servers,
share groups, replication, encryption) are rendered with their null/false
values so that clients see the same shape as from Manila.

What depends on the request rather than on the share (the microversion's
fields, whether the caller is an administrator, the links' prefixes) is
worked out once per response by :class:`Renderer`, so that a list of a
thousand shares does not parse the microversion or build the base URL a
thousand times.
"""

from manila_bk.api import common
from manila_bk.api.views import timefmt
from manila_bk.api import microversion as mv

COLLECTION = 'shares'

# Access rules status values (Manila's names).
RULES_ACTIVE = 'active'
RULES_SYNCING = 'syncing'
RULES_OUT_OF_SYNC = 'out_of_sync'
RULES_ERROR = 'error'

# An id that cannot occur in a URL path: it checks that the links of an
# id are the links of the empty id with the id appended.
_PROBE = '\x00probe'


def metadata_dict(share):
    items = getattr(share, 'share_metadata', None) or []
    if isinstance(items, dict):
        return dict(items)
    return {item.key: item.value for item in items}


def _visible_export_paths(share, is_admin):
    locations = getattr(share, 'export_locations', None) or []
    return [el.path for el in locations
            if is_admin or not el.is_admin_only]


def _share_type(share):
    """(type id, type name or None) of the share."""
    share_type = getattr(share, 'share_type', None)
    name = getattr(share_type, 'name', None) if share_type else None
    return share.share_type_id, name


def access_rules_status(share):
    return getattr(share, 'access_rules_status', None) or RULES_ACTIVE


class Links(object):
    """``common.resource_links`` of one collection, for many ids.

    The links of an id are those of the empty id with the id appended;
    when that holds (it is checked with a probe id) only the prefixes are
    kept, otherwise every call goes to ``common.resource_links``.
    """

    def __init__(self, collection):
        self.collection = collection
        self._prefixes = None
        empty = common.resource_links(collection, '')
        probe = common.resource_links(collection, _PROBE)
        if len(empty) == len(probe) and all(
                set(e) == set(p) == {'rel', 'href'} and
                e['rel'] == p['rel'] and p['href'] == e['href'] + _PROBE
                for e, p in zip(empty, probe)):
            self._prefixes = [(e['rel'], e['href']) for e in empty]

    def __call__(self, resource_id):
        if self._prefixes is None:
            return common.resource_links(self.collection, resource_id)
        return [{'rel': rel, 'href': prefix + resource_id}
                for rel, prefix in self._prefixes]


class Renderer(object):
    """What every share of one response is rendered with."""

    # Microversions that add or change fields, as attribute names.
    _VERSIONS = ('2.2', '2.5', '2.6', '2.9', '2.10', '2.11', '2.16', '2.24',
                 '2.27', '2.28', '2.31', '2.32', '2.54', '2.69', '2.80',
                 '2.90')

    def __init__(self, detailed=True):
        self._links = None
        if not detailed:
            return      # a summary needs neither the version nor the caller
        version = mv.request_version()
        self.at = {v: version >= mv.APIVersion.parse(v)
                   for v in self._VERSIONS}
        self.is_admin = bool(common.context().is_admin)

    def links(self, share_id):
        if self._links is None:
            self._links = Links(COLLECTION)
        return self._links(share_id)

    def detail(self, share):
        at = self.at
        type_id, type_name = _share_type(share)
        # Before 2.6 "share_type" holds the type's name; "volume_type"
        # keeps doing so at every version.
        legacy_type = type_name if type_name else type_id
        view = {
            'id': share.id,
            'size': share.size,
            'availability_zone': share.availability_zone,
            'created_at': timefmt.isotime(share.created_at),
            'status': share.status,
            'name': share.display_name,
            'description': share.display_description,
            'project_id': share.project_id,
            'snapshot_id': share.snapshot_id,
            'share_network_id': None,
            'share_proto': share.share_proto,
        }
        if not at['2.9']:
            paths = _visible_export_paths(share, self.is_admin)
            view['export_location'] = paths[0] if paths else None
        view['metadata'] = metadata_dict(share)
        view['share_type'] = type_id if at['2.6'] else legacy_type
        view['volume_type'] = legacy_type
        view['links'] = self.links(share.id)
        view['is_public'] = share.is_public
        if not at['2.9']:
            view['export_locations'] = paths
        self._add_early_fields(view, share, type_name)
        self._add_late_fields(view, share)
        if self.is_admin:
            view['share_server_id'] = None
            view['host'] = share.host
        return view

    def _add_early_fields(self, view, share, type_name):
        at = self.at
        if at['2.2']:
            view['snapshot_support'] = share.snapshot_support
        if at['2.5']:
            view['task_state'] = share.task_state
        if at['2.6']:
            view['share_type_name'] = type_name
        if at['2.10']:
            status = access_rules_status(share)
            if not at['2.28'] and status == RULES_SYNCING:
                status = RULES_OUT_OF_SYNC
            view['access_rules_status'] = status
        if at['2.11']:
            view['replication_type'] = None
            view['has_replicas'] = False
        if at['2.16']:
            view['user_id'] = share.user_id

    def _add_late_fields(self, view, share):
        at = self.at
        if at['2.24']:
            view['create_share_from_snapshot_support'] = (
                share.create_share_from_snapshot_support)
        if at['2.27']:
            view['revert_to_snapshot_support'] = (
                share.revert_to_snapshot_support)
        if at['2.31']:
            view['share_group_id'] = None
            view['source_share_group_snapshot_member_id'] = None
        if at['2.32']:
            view['mount_snapshot_support'] = share.mount_snapshot_support
        if at['2.54']:
            view['progress'] = share.progress
        if at['2.69']:
            view['is_soft_deleted'] = share.is_soft_deleted
            view['scheduled_to_be_deleted_at'] = timefmt.isotime(
                share.scheduled_to_be_deleted_at)
        if at['2.80']:
            view['source_backup_id'] = share.source_backup_id
        if at['2.90']:
            view['encryption_key_ref'] = None

    def summary(self, share):
        return {
            'id': share.id,
            'name': share.display_name,
            'links': self.links(share.id),
        }


def summary(share):
    return Renderer(detailed=False).summary(share)


def detail(share):
    return Renderer().detail(share)


def list_view(shares, detailed, limit=None, count=None):
    renderer = Renderer(detailed)
    render = renderer.detail if detailed else renderer.summary
    items = [render(share) for share in shares]
    body = {'shares': items}
    if count is not None:
        body['count'] = count
    links = common.collection_links(items, COLLECTION, limit)
    if links:
        body['shares_links'] = links
    return body

"""/v2/snapshots: list, show, create, update, delete and snapshot actions.

Nested: /snapshots/detail, /snapshots/{id}/action,
/snapshots/{id}/export-locations[/{id}] (>= 2.32),
/snapshots/{id}/metadata (>= 2.73; snapshots carry no metadata here, so
it is always empty and setting it is refused with 400),
/snapshots/{id}/access-list (>= 2.32).
"""

import pecan
from pecan import rest

from manila_bk.api import common
from manila_bk.api.controllers.v2 import _params
from manila_bk.api.controllers.v2 import share_snapshot_export_locations
from manila_bk.api import microversion as mv
from manila_bk.api.schemas import share_snapshots as schema
from manila_bk.api.views import share_snapshots as views
from manila_bk.common import states
from manila_bk import exception
from manila_bk.share import api as share_api

SORT_KEYS = {
    'id': 'id', 'status': 'status', 'size': 'size', 'share_id': 'share_id',
    'user_id': 'user_id', 'project_id': 'project_id',
    'progress': 'progress', 'name': 'display_name',
    'display_name': 'display_name', 'description': 'display_description',
    'display_description': 'display_description',
    'created_at': 'created_at', 'updated_at': 'updated_at',
    'share_proto': 'share_proto', 'share_size': 'share_size',
}

_PLAIN_FILTERS = ('name', 'status', 'share_id', 'size', 'project_id',
                  'usage')


class SnapshotNotSupported(exception.Invalid):
    """Manila answers 422 for a snapshot of a share without snapshots."""

    code = 422
    message = ("Snapshots cannot be created for share '%(share_id)s' since "
               "it does not have that capability.")


def _not_found(snapshot_id):
    return lambda: exception.ShareSnapshotNotFound(snapshot_id=snapshot_id)


def get_snapshot(api, snapshot_id):
    """The snapshot, or 404 (also for ids that are not UUIDs)."""
    _params.require_uuid(snapshot_id, _not_found(snapshot_id))
    return api.get_snapshot(common.context(), snapshot_id)


def search_opts(params):
    opts = {key: params[key] for key in _PLAIN_FILTERS if key in params}
    if 'size' in opts:
        opts['size'] = _params.parse_int(opts['size'], 'Snapshot size',
                                         minimum=1)
    if 'display_name' in params and 'name' not in opts:
        opts['name'] = params['display_name']
    if mv.at_least('2.36'):
        for key in ('name~', 'description~', 'description'):
            if key in params:
                opts[key] = params[key]
    if _params.all_tenants(params, 'share_snapshot:list_all_projects'):
        opts['all_tenants'] = True
    return opts


def _names(data):
    values = {}
    for key, alias in (('display_name', 'name'),
                       ('display_description', 'description')):
        if alias in data:
            values[key] = data[alias]
        elif key in data:
            values[key] = data[key]
    return values


def _reset_status(api, snapshot_id, payload):
    common.validate(schema.reset_status, payload)
    status = payload.get('status', payload.get('os-status'))
    if status is None:
        raise _params.bad_request("Must specify 'status'")
    if status not in states.SNAPSHOT_RESET_STATUSES:
        raise _params.bad_request(
            'Invalid state. Valid states: %s.'
            % ', '.join(states.SNAPSHOT_RESET_STATUSES))
    snapshot = get_snapshot(api, snapshot_id)
    common.authorize('share_snapshot:reset_status',
                     _params.owner_target(snapshot))
    api.reset_snapshot_status(common.context(), snapshot_id, status)
    return _params.empty_response(202)


def _force_delete(api, snapshot_id, payload):
    snapshot = get_snapshot(api, snapshot_id)
    common.authorize('share_snapshot:force_delete',
                     _params.owner_target(snapshot))
    api.delete_snapshot(common.context(), snapshot_id, force=True)
    return _params.empty_response(202)


def _no_mount_support(api, snapshot_id, payload=None):
    """Refuse snapshot access rules: no back end mounts snapshots here.

    Manila answers 400 for snapshots of shares without that capability.
    """
    snapshot = get_snapshot(api, snapshot_id)
    raise _params.bad_request(
        'Cannot control access to the snapshot %s since the parent share '
        '%s does not support mounting its snapshots.'
        % (snapshot.id, snapshot.share_id))


ACTIONS = {
    'os-reset_status': ('2.0', '2.6', _reset_status),
    'reset_status': ('2.7', None, _reset_status),
    'os-force_delete': ('2.0', '2.6', _force_delete),
    'force_delete': ('2.7', None, _force_delete),
    'allow_access': ('2.32', None, _no_mount_support),
    'deny_access': ('2.32', None, _no_mount_support),
}


class SnapshotMetadataController(rest.RestController):
    """/snapshots/{id}/metadata: always empty (>= 2.73)."""

    def __init__(self):
        super().__init__()
        self.share_api = share_api.API()

    def _snapshot(self, snapshot_id):
        _params.require_version('2.73')
        common.authorize('share_snapshot:get_snapshot')
        return get_snapshot(self.share_api, snapshot_id)

    @pecan.expose('json')
    def get_all(self, snapshot_id):
        self._snapshot(snapshot_id)
        return {'metadata': {}}

    @pecan.expose('json')
    def get_one(self, snapshot_id, key):
        self._snapshot(snapshot_id)
        raise exception.ShareMetadataNotFound(key=key)

    @pecan.expose('json')
    def post(self, snapshot_id, key=None):
        self._snapshot(snapshot_id)
        raise _params.bad_request('Snapshot metadata is not supported by '
                                  'this service.')

    put = post

    @pecan.expose('json')
    def delete(self, snapshot_id, key):
        self._snapshot(snapshot_id)
        raise exception.ShareMetadataNotFound(key=key)


class ShareSnapshotsController(rest.RestController):
    """Share snapshots, as Manila's /v2/snapshots."""

    _custom_actions = {'detail': ['GET'], 'action': ['POST'],
                       'access-list': ['GET']}

    metadata = SnapshotMetadataController()

    def __init__(self):
        super().__init__()
        self.share_api = share_api.API()

    def _list(self, detailed):
        common.authorize('share_snapshot:get_all_snapshots')
        params = _params.query_params()
        page = common.sort_columns(
            common.paging_params(params, tuple(SORT_KEYS)), SORT_KEYS)
        opts = search_opts(params)
        ctx = common.context()
        if mv.at_least('2.73') and 'metadata' in params and (
                _params.parse_dict_literal(params['metadata'], 'metadata')):
            # Snapshots carry no metadata here: nothing matches.
            return views.list_view([], detailed)
        snapshots = self.share_api.get_all_snapshots(ctx, search_opts=opts,
                                                     **page)
        count = None
        if mv.at_least('2.79') and _params.parse_bool(
                params.get('with_count', False), 'with_count'):
            count = len(self.share_api.get_all_snapshots(
                ctx, search_opts=dict(opts)))
        return views.list_view(snapshots, detailed, limit=page.get('limit'),
                               count=count)

    @pecan.expose('json')
    def get_all(self):
        return self._list(detailed=False)

    @pecan.expose('json')
    def detail(self):
        return self._list(detailed=True)

    @pecan.expose('json')
    def get_one(self, snapshot_id):
        common.authorize('share_snapshot:get_snapshot')
        snapshot = get_snapshot(self.share_api, snapshot_id)
        return {'snapshot': views.detail(snapshot)}

    @pecan.expose('json')
    def post(self):
        common.authorize('share_snapshot:create_snapshot')
        body = _params.require_entity(common.body(), 'snapshot')
        common.validate(schema.create, body)
        data = body['snapshot']
        force = False
        if data.get('force') is not None:
            force = _params.parse_bool(data['force'], 'force')
        if mv.at_least('2.73') and data.get('metadata'):
            raise _params.bad_request('Snapshot metadata is not supported '
                                      'by this service.')
        share = _params.get_share(self.share_api, data['share_id'])
        if not share.snapshot_support:
            raise SnapshotNotSupported(share_id=share.id)
        if share.is_soft_deleted:
            raise _params.forbidden(
                "Snapshots cannot be created for share '%s' since it has "
                "been soft deleted." % share.id)
        names = _names(data)
        snapshot = self.share_api.create_snapshot(
            common.context(), share.id, name=names.get('display_name'),
            description=names.get('display_description'), force=force)
        common.set_status(202)
        return {'snapshot': views.detail(snapshot)}

    @pecan.expose('json')
    def put(self, snapshot_id):
        body = _params.require_entity(common.body(), 'snapshot',
                                      must_be_object=False)
        common.validate(schema.update, body)
        snapshot = get_snapshot(self.share_api, snapshot_id)
        common.authorize('share_snapshot:snapshot_update',
                         _params.owner_target(snapshot))
        snapshot = self.share_api.update_snapshot(
            common.context(), snapshot_id, _names(body['snapshot']))
        return {'snapshot': views.detail(snapshot)}

    @pecan.expose('json')
    def delete(self, snapshot_id):
        snapshot = get_snapshot(self.share_api, snapshot_id)
        common.authorize('share_snapshot:delete_snapshot',
                         _params.owner_target(snapshot))
        self.share_api.delete_snapshot(common.context(), snapshot_id)
        return _params.empty_response(202)

    @pecan.expose('json')
    def action(self, snapshot_id):
        name, payload = _params.action_of(common.body())
        if name not in ACTIONS:
            raise _params.no_such_action(name)
        min_ver, max_ver, handler = ACTIONS[name]
        _params.require_version(min_ver, max_ver)
        return handler(self.share_api, snapshot_id,
                       {} if payload is None else payload)

    @pecan.expose('json')
    def access_list(self, snapshot_id):
        _params.require_version('2.32')
        common.authorize('share_snapshot:get_snapshot')
        _no_mount_support(self.share_api, snapshot_id)


setattr(ShareSnapshotsController, 'access-list',
        ShareSnapshotsController.access_list)
setattr(ShareSnapshotsController, 'export-locations',
        share_snapshot_export_locations.SnapshotExportLocationsController())

"""/v2/shares: list, show, create, update, delete and the share actions.

Nested: /shares/detail, /shares/{id}/action, /shares/{id}/metadata[/{key}],
/shares/{id}/export_locations[/{id}].
"""

import pecan
from pecan import rest

from manila_bk.api import common
from manila_bk.api.controllers.v2 import _params
from manila_bk.api.controllers.v2 import share_actions
from manila_bk.api.controllers.v2 import share_export_locations
from manila_bk.api.controllers.v2 import share_metadata
from manila_bk.api import microversion as mv
from manila_bk.api.schemas import shares as schema
from manila_bk.api.views import shares as views
from manila_bk.backup import api as backup_api
from manila_bk import exception
from manila_bk.share import api as share_api
from manila_bk.share import share_types

# Manila's sort keys (python-manilaclient's list) and the column each means
# here; there are no share networks, so sorting by one keeps creation order.
SORT_KEYS = {
    'id': 'id', 'status': 'status', 'size': 'size', 'host': 'host',
    'share_proto': 'share_proto', 'availability_zone': 'availability_zone',
    'availability_zone_id': 'availability_zone', 'user_id': 'user_id',
    'project_id': 'project_id', 'created_at': 'created_at',
    'updated_at': 'updated_at', 'display_name': 'display_name',
    'name': 'display_name', 'display_description': 'display_description',
    'share_type_id': 'share_type_id', 'share_type': 'share_type_id',
    'snapshot_id': 'snapshot_id', 'snapshot': 'snapshot_id',
    'share_network_id': 'created_at', 'share_network': 'created_at',
    'is_public': 'is_public', 'task_state': 'task_state',
    'progress': 'progress', 'source_backup_id': 'source_backup_id',
}

# From this version a share create body may name a backup to create the
# share from (``source_backup_id``, manila_bk's extension of Manila's API).
SOURCE_BACKUP_VERSION = '2.80'

# Query parameters passed through unchanged to the business layer.
_PLAIN_FILTERS = ('name', 'status', 'share_type_id', 'project_id',
                  'snapshot_id', 'share_proto', 'source_backup_id', 'host')
_ALIASES = {'display_name': 'name', 'volume_type_id': 'share_type_id'}


def _versioned_filters(params, opts):
    if mv.at_least('2.35'):
        for key in ('export_location_id', 'export_location_path'):
            if key in params:
                opts[key] = params[key]
    if mv.at_least('2.36'):
        for key in ('name~', 'description~', 'description'):
            if key in params:
                opts[key] = params[key]
    if mv.at_least('2.69') and 'is_soft_deleted' in params:
        opts['is_soft_deleted'] = _params.parse_bool(
            params['is_soft_deleted'], 'is_soft_deleted')


def search_opts(params):
    """Manila's share list filters, as the business layer takes them."""
    opts = {key: params[key] for key in _PLAIN_FILTERS if key in params}
    for alias, key in _ALIASES.items():
        if alias in params and key not in opts:
            opts[key] = params[alias]
    _versioned_filters(params, opts)
    if 'metadata' in params:
        # Metadata are strings: {'k': 1} means the value '1'.
        opts['metadata'] = {
            str(key): str(value) for key, value in _params.parse_dict_literal(
                params['metadata'], 'metadata').items()}
    if 'is_public' in params:
        opts['is_public'] = _params.parse_bool(params['is_public'],
                                               'is_public')
    if _params.all_tenants(params, 'share:list_all_projects'):
        opts['all_tenants'] = True
    if 'host' in opts:
        common.authorize('share:list_by_host')
    return opts


def paging(params):
    values = common.paging_params(params, tuple(SORT_KEYS))
    return common.sort_columns(values, SORT_KEYS)


class SharesController(rest.RestController):
    """Shares, as Manila's /v2/shares."""

    _custom_actions = {'detail': ['GET'], 'action': ['POST']}

    metadata = share_metadata.ShareMetadataController()
    export_locations = (
        share_export_locations.ShareExportLocationsController())

    def __init__(self):
        super().__init__()
        self.share_api = share_api.API()
        self.types_api = share_types.API()
        self.backup_api = backup_api.API()

    def _list(self, detailed):
        common.authorize('share:get_all')
        params = _params.query_params()
        opts = search_opts(params)
        page = paging(params)
        ctx = common.context()
        shares = self.share_api.get_all(ctx, search_opts=opts, **page)
        count = None
        if mv.at_least('2.42') and _params.parse_bool(
                params.get('with_count', False), 'with_count'):
            count = len(self.share_api.get_all(ctx, search_opts=dict(opts)))
        return views.list_view(shares, detailed, limit=page.get('limit'),
                               count=count)

    @pecan.expose('json')
    def get_all(self):
        return self._list(detailed=False)

    @pecan.expose('json')
    def detail(self):
        return self._list(detailed=True)

    @pecan.expose('json')
    def get_one(self, share_id):
        common.authorize('share:get')
        share = _params.get_share(self.share_api, share_id)
        return {'share': views.detail(share)}

    @pecan.expose('json')
    def post(self):
        common.authorize('share:create')
        body = _params.require_entity(common.body(), 'share')
        common.validate(schema.create, body)
        data = dict(body['share'])
        backup_id = self._source_backup(data)
        kwargs = share_actions.create_args(self.share_api, self.types_api,
                                           data)
        if backup_id:
            kwargs['source_backup_id'] = backup_id
        share = self.share_api.create(common.context(), **kwargs)
        return {'share': views.detail(share)}

    def _source_backup(self, data):
        """The id of the backup to create the share from, or None.

        From 2.80 only (before, the key is ignored like any unknown one);
        the backup's size is the default size.  400 for a backup the
        caller cannot see, or with ``snapshot_id``.
        """
        backup_id = data.get('source_backup_id')
        if not backup_id or not mv.at_least(SOURCE_BACKUP_VERSION):
            if 'size' not in data:
                raise exception.InvalidRequestBody(
                    reason="share: 'size' is a required property")
            return None
        if data.get('snapshot_id'):
            raise _params.bad_request('A share is created from a snapshot '
                                      'or from a backup, not both.')
        _params.require_uuid(backup_id, lambda: _params.bad_request(
            'No backup exists with ID %s.' % backup_id))
        backup = self.backup_api.source_backup(common.context(), backup_id)
        common.authorize('share_backup:restore',
                         _params.owner_target(backup))
        data.setdefault('size', backup.size)
        return backup.id

    @pecan.expose('json')
    def put(self, share_id):
        body = _params.require_entity(common.body(), 'share',
                                      must_be_object=False)
        common.validate(schema.update, body)
        values = share_actions.update_values(body['share'])
        share = _params.get_share(self.share_api, share_id)
        target = _params.owner_target(share)
        common.authorize('share:update', target)
        if share.is_soft_deleted:
            raise _params.forbidden("Share '%s cannot be updated, since it "
                                    "has been soft deleted." % share_id)
        if values.get('is_public'):
            common.authorize('share:set_public_share', target)
        share = self.share_api.update(common.context(), share_id, values)
        return {'share': views.detail(share)}

    @pecan.expose('json')
    def delete(self, share_id):
        share = _params.get_share(self.share_api, share_id)
        common.authorize('share:delete', _params.owner_target(share))
        try:
            self.share_api.delete(common.context(), share_id)
        except exception.InvalidShare as e:
            # Manila answers 403 when a share may not be deleted yet.
            raise _params.forbidden(e.msg)
        return _params.empty_response(202)

    @pecan.expose('json')
    def action(self, share_id):
        return share_actions.dispatch(self.share_api, share_id,
                                      common.body())

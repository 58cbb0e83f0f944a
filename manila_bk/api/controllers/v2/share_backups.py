"""/v2/share-backups: Manila's share backup API (>= 2.80, experimental).

Every method needs microversion 2.80 and the header
``X-OpenStack-Manila-API-Experimental: True``; without them the resource
does not exist (404), as in Manila.  Nested: ``/share-backups/detail``
and ``/share-backups/{id}/action`` (``restore``, ``reset_status``).
"""

import pecan
from pecan import rest

from manila_bk.api import common
from manila_bk.api.controllers.v2 import _params
from manila_bk.api import microversion as mv
from manila_bk.api.schemas import share_backups as schema
from manila_bk.api.views import share_backups as views
from manila_bk.backup import api as backup_api
from manila_bk import exception

MIN_VERSION = '2.80'
TARGETED_RESTORE_VERSION = '2.91'

# Sort keys python-manilaclient offers, plus the other columns shown.
SORT_KEYS = ('id', 'status', 'size', 'share_id', 'progress',
             'restore_progress', 'name', 'description', 'host', 'topic',
             'project_id', 'created_at', 'updated_at', 'availability_zone',
             'backup_type', 'display_name', 'display_description')
FILTERS = ('name', 'name~', 'description', 'description~', 'status',
           'share_id', 'topic', 'backup_type', 'host', 'availability_zone')
_ALIASES = (('display_name', 'name'), ('display_description', 'description'))
_ALL_PROJECTS_RULE = 'share_backup:get_all_project'


class BodyUnprocessable(exception.Invalid):
    """Manila answers 422 when the body lacks the resource's key."""

    code = 422
    message = "Body does not contain 'share_backup' information."


def _require_version():
    _params.require_version(MIN_VERSION, experimental=True)


def get_backup(api, backup_id):
    """The backup, or 404 (also for ids that are not UUIDs)."""
    _params.require_uuid(
        backup_id, lambda: exception.ShareBackupNotFound(backup_id=backup_id))
    return api.get(common.context(), backup_id)


def _resource_body(schema_):
    body = common.body()
    if not isinstance(body.get('share_backup'), dict):
        raise BodyUnprocessable()
    common.validate(schema_, body)
    return body['share_backup']


def _names(data):
    values = {}
    for key, alias in (('display_name', 'name'),
                       ('display_description', 'description')):
        if alias in data:
            values[key] = data[alias]
        elif key in data:
            values[key] = data[key]
    return values


def search_opts(params):
    """Filters of a list request; project scope only when allowed."""
    opts = {key: params[key] for key in FILTERS if key in params}
    for key, alias in _ALIASES:
        if key in params and alias not in opts:
            opts[alias] = params[key]
    params = dict(params)
    if 'all_tenants' not in params and 'all_projects' in params:
        params['all_tenants'] = params['all_projects']
    if _params.all_tenants(params, _ALL_PROJECTS_RULE):
        opts['all_tenants'] = True
    if params.get('project_id') and _params.allowed(_ALL_PROJECTS_RULE):
        opts['project_id'] = params['project_id']
    return opts


def _restore_target(payload):
    """The 2.91 target share id of a restore body, or None."""
    if not mv.at_least(TARGETED_RESTORE_VERSION):
        return None     # Manila ignores the value before 2.91
    common.validate(schema.restore_target, payload)
    if isinstance(payload, dict):
        payload = payload.get('target_share_id') or payload.get('share_id')
    if payload:
        _params.require_uuid(
            payload, lambda: exception.ShareNotFound(share_id=payload))
    return payload or None


def _restore(api, backup_id, payload):
    target = _restore_target(payload)
    backup = get_backup(api, backup_id)
    common.authorize('share_backup:restore', _params.owner_target(backup))
    result = api.restore(common.context(), backup.id,
                         target_share_id=target)
    common.set_status(202)
    return views.restore(result)


def _reset_status(api, backup_id, payload):
    backup = get_backup(api, backup_id)
    common.authorize('share_backup:reset_status',
                     _params.owner_target(backup))
    common.validate(schema.reset_status, payload)
    api.reset_status(common.context(), backup.id, payload['status'])
    return _params.empty_response(202)


ACTIONS = {'restore': _restore, 'reset_status': _reset_status}


class ShareBackupsController(rest.RestController):
    """Share backups, as Manila's /v2/share-backups."""

    _custom_actions = {'detail': ['GET'], 'action': ['POST']}

    def __init__(self):
        super().__init__()
        self.backup_api = backup_api.API()

    def _list(self, detailed):
        _require_version()
        common.authorize('share_backup:get_all')
        params = _params.query_params()
        page = common.paging_params(params, SORT_KEYS)
        backups = self.backup_api.get_all(
            common.context(), search_opts=search_opts(params), **page)
        return views.list_view(backups, detailed, limit=page['limit'])

    @pecan.expose('json')
    def get_all(self):
        return self._list(detailed=False)

    @pecan.expose('json')
    def detail(self):
        return self._list(detailed=True)

    @pecan.expose('json')
    def get_one(self, backup_id):
        _require_version()
        common.authorize('share_backup:get')
        backup = get_backup(self.backup_api, backup_id)
        return {'share_backup': views.detail(backup)}

    @pecan.expose('json')
    def post(self):
        _require_version()
        common.authorize('share_backup:create')
        data = _resource_body(schema.create)
        share_id = data.get('share_id') or data.get('share')
        _params.require_uuid(
            share_id, lambda: exception.ShareNotFound(share_id=share_id))
        names = _names(data)
        backup = self.backup_api.create(
            common.context(), share_id, name=names.get('display_name'),
            description=names.get('display_description'),
            backup_options=data.get('backup_options'))
        common.set_status(202)
        return {'share_backup': views.detail(backup)}

    @pecan.expose('json')
    def put(self, backup_id):
        _require_version()
        data = _resource_body(schema.update)
        backup = get_backup(self.backup_api, backup_id)
        common.authorize('share_backup:update', _params.owner_target(backup))
        backup = self.backup_api.update(common.context(), backup.id,
                                        _names(data))
        return {'share_backup': views.detail(backup)}

    @pecan.expose('json')
    def delete(self, backup_id):
        _require_version()
        backup = get_backup(self.backup_api, backup_id)
        common.authorize('share_backup:delete', _params.owner_target(backup))
        self.backup_api.delete(common.context(), backup.id)
        return _params.empty_response(202)

    @pecan.expose('json')
    def action(self, backup_id):
        _require_version()
        name, payload = _params.action_of(common.body())
        if name not in ACTIONS:
            raise _params.no_such_action(name)
        return ACTIONS[name](self.backup_api, backup_id, payload)

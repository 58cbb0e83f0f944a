"""/v2/types: share types, their extra specs and project access.

Nested: /types/default, /types/{id}/extra_specs[/{key}],
/types/{id}/action (addProjectAccess, removeProjectAccess),
/types/{id}/share_type_access (and the pre-2.7 os-share-type-access).
"""

import pecan
from pecan import rest

from manila_bk.api import common
from manila_bk.api.controllers.v2 import _params
from manila_bk.api.controllers.v2 import share_type_extra_specs as specs_ctl
from manila_bk.api import microversion as mv
from manila_bk.api.schemas import share_types as schema
from manila_bk.api.views import share_types as views
from manila_bk.common import utils
from manila_bk import exception
from manila_bk.share import share_types

_ACCESS_ACTIONS = {
    'addProjectAccess': 'share_type:add_project_access',
    'removeProjectAccess': 'share_type:remove_project_access',
}


def _type_body(body):
    """The inner object of {"share_type": {...}} or {"volume_type": ...}."""
    data = body.get('share_type', body.get('volume_type'))
    if not isinstance(data, dict):
        raise _params.bad_request('Malformed request body')
    return data


def _is_public_filter(params):
    """Manila's is_public list filter, as the business layer takes it."""
    if not common.context().is_admin:
        return 'true'
    value = params.get('is_public')
    if value is None:
        return 'true'
    if str(value).lower() == 'all':
        return 'all'
    try:
        return 'true' if utils.parse_bool(value) else 'false'
    except ValueError:
        raise _params.bad_request('Invalid is_public filter [%s]' % value)


def _create_values(data):
    name = data.get('name')
    description = data.get('description')
    if description and not mv.at_least('2.41'):
        raise _params.bad_request(
            "'description' key is not supported by this microversion. Use "
            "2.41 or greater microversion to be able to use 'description' "
            "in share type.")
    if not name or not name.strip():
        raise _params.bad_request('Type name or description is not valid.')
    is_public = data.get('os-share-type-access:is_public',
                         data.get('share_type_access:is_public', True))
    is_public = _params.parse_bool(is_public, 'share_type_access:is_public')
    specs = dict(data.get('extra_specs') or {})
    if not mv.at_least('2.24'):
        specs.setdefault(schema.SNAPSHOT_SUPPORT, True)
    specs_ctl.validate_specs(specs, require_all=True)
    return {'name': name, 'extra_specs': specs_ctl.sanitize(specs),
            'is_public': is_public, 'description': description}


def _update_values(data):
    values = {'name': data.get('name'),
              'description': data.get('description'),
              'is_public': None}
    if values['name'] is not None and not values['name'].strip():
        raise _params.bad_request('Share type name cannot be empty.')
    if data.get('share_type_access:is_public') is not None:
        values['is_public'] = _params.parse_bool(
            data['share_type_access:is_public'],
            'share_type_access:is_public')
    if all(value is None for value in values.values()):
        raise _params.bad_request(
            'Specify share type name, description, '
            'share_type_access:is_public or a combination thereof.')
    return values


class ShareTypesController(rest.RestController):
    """Share types, as Manila's /v2/types."""

    _custom_actions = {
        'default': ['GET'],
        'action': ['POST'],
        'share_type_access': ['GET'],
        'os-share-type-access': ['GET'],
    }

    extra_specs = specs_ctl.ShareTypeExtraSpecsController()

    def __init__(self):
        super().__init__()
        self.types_api = share_types.API()

    @pecan.expose('json')
    def get_all(self):
        common.authorize('share_type:index')
        params = _params.query_params()
        opts = {'is_public': _is_public_filter(params)}
        if params.get('extra_specs'):
            if not mv.at_least('2.43'):
                raise _params.bad_request(
                    "Filter by 'extra_specs' is not supported by this "
                    "microversion. Use 2.43 or greater microversion to be "
                    "able to use filter search by 'extra_specs.")
            opts['extra_specs'] = specs_ctl.sanitize(
                _params.parse_dict_literal(params['extra_specs'],
                                           'extra_specs'))
        types = self.types_api.get_all(common.context(), search_opts=opts)
        return views.index(types)

    @pecan.expose('json')
    def get_one(self, type_id):
        common.authorize('share_type:show')
        return views.show(self.types_api.get(common.context(), type_id))

    @pecan.expose('json')
    def default(self):
        common.authorize('share_type:default')
        share_type = self.types_api.get_default(common.context())
        if share_type is None:
            raise exception.NotFound(message='Default share type not found')
        return views.show(share_type)

    @pecan.expose('json')
    def post(self):
        common.authorize('share_type:create')
        body = common.body()
        common.validate(schema.create, body)
        values = _create_values(_type_body(body))
        share_type = self.types_api.create(common.context(), **values)
        return views.show(share_type)

    @pecan.expose('json')
    def put(self, type_id):
        _params.require_version('2.50')
        common.authorize('share_type:update')
        body = common.body()
        common.validate(schema.update, body)
        values = _update_values(_type_body(body))
        share_type = self.types_api.update(common.context(), type_id,
                                           **values)
        return views.show(share_type)

    @pecan.expose('json')
    def delete(self, type_id):
        common.authorize('share_type:delete')
        self.types_api.delete(common.context(), type_id)
        return _params.empty_response(202)

    @pecan.expose('json')
    def share_type_access(self, type_id):
        common.authorize('share_type:list_project_access')
        ctx = common.context()
        share_type = self.types_api.get(ctx, type_id)
        if share_type.is_public:
            raise exception.NotFound(
                message='Access list not available for public share types.')
        projects = self.types_api.access_list(ctx, share_type.id)
        return views.type_access(share_type.id, projects)

    @pecan.expose('json')
    def action(self, type_id):
        name, payload = _params.action_of(common.body())
        if name not in _ACCESS_ACTIONS:
            raise _params.no_such_action(name)
        common.authorize(_ACCESS_ACTIONS[name])
        common.validate(schema.project_access, payload)
        project = payload['project']
        if not utils.is_uuid_like(project):
            raise _params.bad_request('Bad project format: project is not '
                                      'in proper format (%s)' % project)
        ctx = common.context()
        share_type = self.types_api.get(ctx, type_id)
        if share_type.is_public:
            raise exception.Conflict(
                message='Type access modification is not applicable to '
                        'public share type.')
        if name == 'addProjectAccess':
            self.types_api.add_access(ctx, share_type.id, project)
        else:
            self.types_api.remove_access(ctx, share_type.id, project)
        return _params.empty_response(202)


# Before 2.7 the access list was /types/{id}/os-share-type-access.
setattr(ShareTypesController, 'os-share-type-access',
        ShareTypesController.share_type_access)

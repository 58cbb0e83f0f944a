"""Share create/update arguments and POST /v2/shares/{id}/action.

The action is named by the body's single key; its name depends on the
microversion as in Manila ("os-extend" up to 2.6, "extend" from 2.7, ...).
A known action outside its microversions answers 404, an unknown one 400.
"""

from manila_bk.api import common
from manila_bk.api.controllers.v2 import _params
from manila_bk.api.controllers.v2 import share_access
from manila_bk.api import microversion as mv
from manila_bk.api.schemas import share_types as type_schema
from manila_bk.api.schemas import shares as schema
from manila_bk.api.views import share_types as type_views
from manila_bk.common import states
from manila_bk.common import utils
from manila_bk import exception


def _unsupported(field, feature):
    return _params.bad_request(
        "'%s' is not supported: this service has no %s." % (field, feature))


def _check_unsupported(share):
    if share.get('share_network_id'):
        raise _unsupported('share_network_id', 'share networks')
    if mv.at_least('2.31') and share.get('share_group_id'):
        raise _unsupported('share_group_id', 'share groups')
    if mv.at_least('2.84') and share.get('mount_point_name'):
        raise _unsupported('mount_point_name', 'mount point names')
    if mv.at_least('2.90') and share.get('encryption_key_ref'):
        raise _unsupported('encryption_key_ref', 'share encryption')


def _source_snapshot(api, snapshot_id):
    """(snapshot id, parent share) of a create-from-snapshot request."""
    ctx = common.context()
    snapshot = api.get_snapshot(ctx, snapshot_id)
    parent = api.get(ctx, snapshot.share_id)
    if (mv.at_least('2.24')
            and not parent.create_share_from_snapshot_support):
        raise _params.bad_request(
            "A new share may not be created from snapshot '%s', because "
            "the snapshot's parent share does not have that capability."
            % snapshot_id)
    return snapshot.id, parent


def _share_type_id(types_api, share, parent):
    """The id of the requested type (name or id), the parent's, or None."""
    if 'share_type' in share and 'volume_type' in share:
        raise _params.bad_request(
            'Cannot specify both share_type and volume_type')
    requested = share.get('share_type') or share.get('volume_type')
    ctx = common.context()
    if requested:
        share_type = types_api.get(ctx, requested)
    elif parent is not None:
        return parent.share_type_id
    else:
        share_type = types_api.get_default(ctx)
    if share_type is None:
        return None
    specs = type_views.extra_specs_dict(share_type)
    if utils.parse_bool(specs.get(type_schema.DHSS, False), strict=False):
        raise _params.bad_request('Share network must be set when the '
                                  'driver_handles_share_servers is true.')
    return share_type.id


def create_args(api, types_api, share):
    """Keyword arguments of share API create() from a validated body."""
    _check_unsupported(share)
    is_public = False
    if share.get('is_public') is not None:
        is_public = _params.parse_bool(share['is_public'], 'is_public')
        if is_public:
            common.authorize('share:create_public_share')
    snapshot_id = parent = None
    if share.get('snapshot_id'):
        snapshot_id, parent = _source_snapshot(api, share['snapshot_id'])
    return {
        'share_proto': share['share_proto'].upper(),
        'size': _params.parse_int(share['size'], 'Share size', minimum=1),
        'name': share.get('name') or share.get('display_name'),
        'description': (share.get('description')
                        or share.get('display_description')),
        'share_type_id': _share_type_id(types_api, share, parent),
        'availability_zone': share.get('availability_zone'),
        'metadata': share.get('metadata') or {},
        'is_public': is_public,
        'snapshot_id': snapshot_id,
    }


def update_values(data):
    """Values of share API update() from a validated PUT body."""
    values = {}
    for key, alias in (('display_name', 'name'),
                       ('display_description', 'description')):
        if key in data:
            values[key] = data[key]
        elif alias in data:
            values[key] = data[alias]
    if 'is_public' in data:
        values['is_public'] = _params.parse_bool(data['is_public'],
                                                 'is_public')
    return values


def _share_for(api, share_id, rule, action):
    """The share, once ``rule`` allows the caller to act on it."""
    share = _params.get_share(api, share_id)
    common.authorize(rule, _params.owner_target(share))
    if share.is_soft_deleted:
        raise _params.forbidden("Cannot %s share '%s' since it has been "
                                "soft deleted." % (action, share_id))
    return share


def _resize(api, share_id, payload, shrink):
    common.validate(schema.resize, payload)
    size = _params.parse_int(payload['new_size'], 'New share size')
    ctx = common.context()
    if shrink:
        _share_for(api, share_id, 'share:shrink', 'shrink')
        api.shrink(ctx, share_id, size)
        return _params.empty_response(202)
    _share_for(api, share_id, 'share:extend', 'extend')
    force = False
    if mv.at_least('2.64') and payload.get('force') is not None:
        force = _params.parse_bool(payload['force'], 'force')
        if force:
            common.authorize('share:force_extend')
    api.extend(ctx, share_id, size, force=force)
    return _params.empty_response(202)


def _extend(api, share_id, payload):
    return _resize(api, share_id, payload, shrink=False)


def _shrink(api, share_id, payload):
    return _resize(api, share_id, payload, shrink=True)


def _reset_status(api, share_id, payload):
    common.validate(schema.reset_status, payload)
    status = payload.get('status', payload.get('os-status'))
    if status is None:
        raise _params.bad_request("Must specify 'status'")
    if status not in states.SHARE_RESET_STATUSES:
        raise _params.bad_request('Invalid state. Valid states: %s.'
                                  % ', '.join(states.SHARE_RESET_STATUSES))
    _share_for(api, share_id, 'share:reset_status', 'reset status of')
    api.reset_status(common.context(), share_id, status)
    return _params.empty_response(202)


def _force_delete(api, share_id, payload):
    share = _params.get_share(api, share_id)
    common.authorize('share:force_delete', _params.owner_target(share))
    api.delete(common.context(), share_id, force=True)
    return _params.empty_response(202)


def _soft_delete(api, share_id, payload):
    share = _params.get_share(api, share_id)
    common.authorize('share:soft_delete', _params.owner_target(share))
    try:
        api.soft_delete(common.context(), share_id)
    except (exception.InvalidShare, exception.ShareBusy) as e:
        raise _params.forbidden(e.msg)
    return _params.empty_response(202)


def _restore(api, share_id, payload):
    share = _params.get_share(api, share_id)
    common.authorize('share:restore', _params.owner_target(share))
    if not share.is_soft_deleted:
        return _params.empty_response(200)
    if share.status in (states.STATUS_DELETING,
                        states.STATUS_ERROR_DELETING):
        raise _params.forbidden(
            'Share %s is being deleted or has suffered an error during '
            'deletion, cannot be restored.' % share_id)
    api.restore(common.context(), share_id)
    return _params.empty_response(202)


def _revert(api, share_id, payload):
    common.validate(schema.revert, payload)
    snapshot_id = payload['snapshot_id']
    _share_for(api, share_id, 'share:revert_to_snapshot',
               'revert to snapshot')
    if not utils.is_uuid_like(snapshot_id):
        raise _params.bad_request("Invalid snapshot_id '%s'." % snapshot_id)
    try:
        api.revert_to_snapshot(common.context(), share_id, snapshot_id)
    except exception.ShareSnapshotNotFound as e:
        # Manila answers 400 for a snapshot that does not exist.
        raise _params.bad_request(e.msg)
    return _params.empty_response(202)


def _reset_task_state(api, share_id, payload):
    """Manila's migration task state reset (admin, experimental <= 2.95).

    manila_bk has no share migration, so a share's task_state is always
    null: resetting it to null (what ``openstack share set`` sends on every
    call) succeeds without change, any other state is refused.
    """
    _params.require_version('2.22', experimental=True)
    common.validate(schema.reset_task_state, payload)
    task_state = payload.get('task_state', payload.get('os-task_state'))
    share = _params.get_share(api, share_id)
    # Resetting to null changes nothing here, and python-manilaclient sends
    # it on every "share set": members may do that no-op, so that "share
    # set" works for them (upstream answers them 403).
    common.authorize('share:reset_task_state' if task_state is not None
                     else 'share:update', _params.owner_target(share))
    if share.is_soft_deleted:
        raise _params.forbidden("task state cannot be reset for share '%s' "
                                "since it has been soft deleted." % share_id)
    if task_state is not None:
        raise _params.bad_request(
            "Invalid task state '%s': this service has no share migration; "
            "only null is accepted." % task_state)
    return _params.empty_response(202)


# action name -> (first microversion, last microversion or None, handler)
ACTIONS = {
    'os-extend': ('2.0', '2.6', _extend),
    'extend': ('2.7', None, _extend),
    'os-shrink': ('2.0', '2.6', _shrink),
    'shrink': ('2.7', None, _shrink),
    'os-reset_status': ('2.0', '2.6', _reset_status),
    'reset_status': ('2.7', None, _reset_status),
    'os-force_delete': ('2.0', '2.6', _force_delete),
    'force_delete': ('2.7', None, _force_delete),
    'soft_delete': ('2.69', None, _soft_delete),
    'restore': ('2.69', None, _restore),
    'revert': ('2.27', None, _revert),
    'reset_task_state': ('2.22', None, _reset_task_state),
    'os-allow_access': ('2.0', '2.6', share_access.allow_access),
    'allow_access': ('2.7', None, share_access.allow_access),
    'os-deny_access': ('2.0', '2.6', share_access.deny_access),
    'deny_access': ('2.7', None, share_access.deny_access),
    'os-access_list': ('2.0', '2.6', share_access.access_list),
    'access_list': ('2.7', '2.44', share_access.access_list),
}


def dispatch(api, share_id, body):
    """Run the action the body names; returns the response body."""
    name, payload = _params.action_of(body)
    if name not in ACTIONS:
        raise _params.no_such_action(name)
    min_ver, max_ver, handler = ACTIONS[name]
    _params.require_version(min_ver, max_ver)
    if payload is None:
        payload = {}
    return handler(api, share_id, payload)

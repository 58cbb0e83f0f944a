"""Shared pieces of the share business layer: statuses, search, quota
errors and validation helpers."""

from manila_bk.common import states
from manila_bk import exception
from manila_bk.share import _errors

# Manila's list; which protocols a pool serves is placement's business.
SHARE_PROTOCOLS = ('NFS', 'CIFS', 'GLUSTERFS', 'HDFS', 'CEPHFS', 'MAPRFS')

# A share may be deleted (without force) from these statuses.
DELETABLE = (states.STATUS_AVAILABLE, states.STATUS_ERROR,
             states.STATUS_INACTIVE, states.STATUS_EXTENDING_ERROR,
             states.STATUS_SHRINKING_ERROR,
             states.STATUS_SHRINKING_POSSIBLE_DATA_LOSS_ERROR,
             states.STATUS_REVERTING_ERROR,
             states.STATUS_BACKUP_RESTORING_ERROR,
             states.STATUS_ERROR_DELETING)
SOFT_DELETABLE = (states.STATUS_AVAILABLE, states.STATUS_ERROR,
                  states.STATUS_INACTIVE)
SHRINKABLE = (states.STATUS_AVAILABLE,
              states.STATUS_SHRINKING_POSSIBLE_DATA_LOSS_ERROR)
# Access rules cannot change while the share is in these statuses (Manila:
# the transitional ones).  A snapshot in progress does not touch exports.
ACCESS_FROZEN = tuple(s for s in states.SHARE_TRANSITIONAL
                      if s != states.STATUS_SNAPSHOTTING) + (
    states.STATUS_ERROR_DELETING,)
SNAPSHOT_DELETABLE = (states.STATUS_AVAILABLE, states.STATUS_ERROR)

ACCESS_TYPES = ('ip', 'user', 'cert', 'cephx')
ACCESS_LEVELS = ('rw', 'ro')

_RENAMES = {'name': 'display_name', 'name~': 'display_name~',
            'description': 'display_description',
            'description~': 'display_description~'}
SHARE_FILTERS = ('display_name', 'display_name~', 'display_description',
                 'display_description~', 'status', 'share_type_id',
                 'is_public', 'host', 'share_proto', 'snapshot_id',
                 'metadata', 'export_location_id', 'export_location_path',
                 'availability_zone', 'source_backup_id')
SNAPSHOT_FILTERS = ('display_name', 'display_name~', 'display_description',
                    'display_description~', 'status', 'share_id', 'size')
_SORT_RENAMES = {'name': 'display_name',
                 'description': 'display_description'}


def as_bool(value):
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    return str(value).strip().lower() in ('1', 't', 'true', 'yes', 'y',
                                          'on')


def rename_opts(search_opts):
    opts = {}
    for key, value in (search_opts or {}).items():
        opts[_RENAMES.get(key, key)] = value
    return opts


def scope(context, opts):
    """(project_only, project filter) for a list request.

    Non-admins see their project.  Admins (as in Manila) see their own
    project unless they ask for ``all_tenants`` or name a ``project_id``;
    a context with no project (a service) sees everything.
    """
    all_tenants = as_bool(opts.pop('all_tenants', False))
    project_id = opts.pop('project_id', None)
    if not context.is_admin:
        return True, None
    if project_id:
        return False, project_id
    if all_tenants or not context.project_id:
        return False, None
    return False, context.project_id


def paging(limit, offset, marker, sort_key, sort_dir):
    keys = sort_key
    if isinstance(keys, str):
        keys = [k.strip() for k in keys.split(',') if k.strip()]
    keys = [_SORT_RENAMES.get(k, k) for k in keys or ()] or None
    return {'limit': limit, 'offset': offset, 'marker': marker,
            'sort_keys': keys, 'sort_dirs': sort_dir}


def raise_share_over_quota(exc, allowed_shares):
    resources = exc.kwargs.get('resources') or []
    if 'gigabytes' in resources:
        raise _errors.ShareSizeExceedsAvailableQuota()
    if 'shares' in resources:
        raise _errors.ShareLimitExceeded(allowed=allowed_shares)
    raise exc


def raise_snapshot_over_quota(exc):
    resources = exc.kwargs.get('resources') or []
    limits = exc.kwargs.get('limits') or {}
    if 'snapshot_gigabytes' in resources:
        raise _errors.SnapshotSizeExceedsAvailableQuota()
    if 'snapshots' in resources:
        raise _errors.SnapshotLimitExceeded(
            allowed=limits.get('snapshots', 0))
    raise exc


def gigabytes_forbidden(exc, project_id, action):
    """403 for extend/revert, with usage numbers an owner can act on."""
    limits = exc.kwargs.get('limits') or {}
    usage = (exc.kwargs.get('usages') or {}).get('gigabytes', {})
    return _errors.ShareGigabytesQuotaForbidden(
        reason='Quota exceeded for %s: %s (%sG of %sG already consumed).'
        % (project_id, action, usage.get('in_use', 0),
           limits.get('gigabytes')))


def check_metadata(metadata):
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise exception.InvalidInput(reason='metadata must be an object')
    for key, value in metadata.items():
        if not isinstance(key, str) or not 1 <= len(key) <= 255:
            raise exception.InvalidInput(
                reason='metadata key %r must be a string of 1 to 255 '
                       'characters' % (key,))
        if not isinstance(value, str) or len(value) > 1023:
            raise exception.InvalidInput(
                reason='metadata value of %s must be a string of at most '
                       '1023 characters' % key)
    return dict(metadata)


def check_size(size, what='Share size'):
    try:
        value = int(size)
        if isinstance(size, bool) or str(value) != str(size).strip():
            raise ValueError(size)
    except (TypeError, ValueError):
        value = None
    if value is None or value <= 0:
        raise exception.InvalidInput(
            reason="%s '%s' must be an integer and greater than 0"
            % (what, size))
    return value


def forbid_soft_deleted(share, action):
    if share.is_soft_deleted:
        raise _errors.ShareActionForbidden(
            reason="Cannot %s share '%s' since it has been soft deleted."
            % (action, share.id))

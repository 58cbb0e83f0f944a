"""The fixed texts of user messages (Manila's ids, plus manila_bk's own).

A user message never carries free text: it names an action and a detail
by id, and ``GET /messages`` renders ``"<action text>: <detail text>"``.
Ids up to 099 are Manila's and mean what they mean there; manila_bk's own
ids start at 100 so they can never collide with ids Manila adds later.
"""


class Resource:
    SHARE = 'SHARE'
    SHARE_SNAPSHOT = 'SHARE_SNAPSHOT'
    SHARE_BACKUP = 'SHARE_BACKUP'
    SHARE_REPLICA = 'SHARE_REPLICA'
    SHARE_GROUP = 'SHARE_GROUP'
    SECURITY_SERVICE = 'SECURITY_SERVICE'
    SHARE_NETWORK_SUBNET = 'SHARE_NETWORK_SUBNET'

    ALL = (SHARE, SHARE_SNAPSHOT, SHARE_BACKUP, SHARE_REPLICA, SHARE_GROUP,
           SECURITY_SERVICE, SHARE_NETWORK_SUBNET)


class Action:
    ALLOCATE_HOST = ('001', 'allocate host')
    CREATE = ('002', 'create')
    DELETE_ACCESS_RULES = ('003', 'delete access rules')
    PROMOTE = ('004', 'promote')
    UPDATE = ('005', 'update')
    REVERT_TO_SNAPSHOT = ('006', 'revert to snapshot')
    DELETE = ('007', 'delete')
    EXTEND = ('008', 'extend')
    SHRINK = ('009', 'shrink')
    UPDATE_ACCESS_RULES = ('010', 'update access rules')
    ADD_UPDATE_SECURITY_SERVICE = ('011', 'add or update security service')
    TRANSFER_ACCEPT = ('026', 'transfer accept')
    UPDATE_METADATA = ('027', 'update_metadata')
    RESTORE_BACKUP = ('028', 'restore share backup')
    # manila_bk
    CREATE_BACKUP = ('100', 'create share backup')
    DELETE_BACKUP = ('101', 'delete share backup')
    RECONCILE = ('102', 'recover after service restart')

    ALL = (ALLOCATE_HOST, CREATE, DELETE_ACCESS_RULES, PROMOTE, UPDATE,
           REVERT_TO_SNAPSHOT, DELETE, EXTEND, SHRINK, UPDATE_ACCESS_RULES,
           ADD_UPDATE_SECURITY_SERVICE, TRANSFER_ACCEPT, UPDATE_METADATA,
           RESTORE_BACKUP, CREATE_BACKUP, DELETE_BACKUP, RECONCILE)


_NO_STORAGE = ('No storage could be allocated for this share request, %s '
               'filter didn\'t succeed.')


class Detail:
    UNKNOWN_ERROR = ('001', 'An unknown error occurred.')
    NO_VALID_HOST = (
        '002', 'No storage could be allocated for this share request. '
               'Trying again with a different size or share type may '
               'succeed.')
    FILTER_AVAILABILITY = ('007', _NO_STORAGE % 'AvailabilityZone')
    FILTER_CAPABILITIES = ('008', _NO_STORAGE % 'Capabilities')
    FILTER_CAPACITY = ('009', _NO_STORAGE % 'Capacity')
    FILTER_DRIVER = ('010', _NO_STORAGE % 'Driver')
    DRIVER_FAILED_EXTEND = (
        '015', 'Share Driver failed to extend share, The share status has '
               'been set to extending_error. This action cannot be '
               're-attempted until the status has been rectified. Contact '
               'your administrator to determine the cause of this failure.')
    FILTER_CREATE_FROM_SNAPSHOT = ('016', _NO_STORAGE % 'CreateFromSnapshot')
    DRIVER_FAILED_CREATING_FROM_SNAP = (
        '017', 'Share Driver has failed to create the share from snapshot. '
               'This operation can be re-attempted by creating a new share. '
               'Contact your administrator to determine the cause of this '
               'failure.')
    DRIVER_REFUSED_SHRINK = (
        '018', 'Share Driver refused to shrink the share. The size to be '
               'shrunk is smaller than the current used space. The share '
               'status has been set to available. Please select a size '
               'greater than the current used space.')
    DRIVER_FAILED_SHRINK = (
        '019', 'Share Driver does not support shrinking shares. Shrinking '
               'share operation failed.')
    FORBIDDEN_CLIENT_ACCESS = (
        '020', 'Failed to grant access to client. The client ID used may be '
               'forbidden. You may try again with a different client '
               'identifier.')
    UNSUPPORTED_CLIENT_ACCESS = (
        '021', 'Failed to grant access to client. The access level or type '
               'may be unsupported. You may try again with a different '
               'access level or access type.')
    NO_DEFAULT_SHARE_TYPE = (
        '024', 'No default share type has been made available. You must '
               'specify a share type for creating shares.')
    SHARE_BACKEND_NOT_READY_YET = (
        '028', 'No storage could be allocated for this share request. Share '
               'back end services are not ready yet. Contact your '
               'administrator in case retrying does not help.')
    TARGETED_RESTORE_UNSUPPORTED = (
        '032', 'Cannot restore a given backup to a target share, not '
               'supported by share driver.')
    # manila_bk
    FILTER_PROTOCOL = ('100', _NO_STORAGE % 'ShareProtocol')
    DRIVER_FAILED_REVERT = (
        '101', 'The share could not be reverted to the snapshot. The share '
               'status has been set to reverting_error and the snapshot is '
               'kept. Contact your administrator to determine the cause of '
               'this failure.')
    DRIVER_FAILED_SNAPSHOT = (
        '102', 'The share driver failed to take the snapshot. The snapshot '
               'status has been set to error; you may delete it and try '
               'again.')
    BACKUP_FAILED = (
        '103', 'The share backup failed. Its fail_reason tells why; you may '
               'delete it and try again.')
    RESTORE_FAILED = (
        '104', 'Restoring the share backup failed. The share status has '
               'been set to backup_restoring_error; the backup is kept.')
    BACKUP_TARGET_UNAVAILABLE = (
        '105', 'The backup target could not be reached. Contact your '
               'administrator.')
    INTERRUPTED_BY_RESTART = (
        '106', 'The operation was interrupted because the service handling '
               'it restarted; its resource was set to an error status.')
    REVERT_SUCCEEDED = (
        '107', 'The share was reverted to the snapshot successfully.')
    BACKUP_DAMAGED = (
        '108', 'The backup does not match its manifest; it was not restored '
               'and the share was not changed. The backup status has been '
               'set to error.')
    RESTORE_NOT_STARTED = (
        '109', 'Restoring the share backup failed before the share was '
               'changed; the share is available again.')
    INCREMENTAL_MADE_FULL = (
        '111', 'No earlier available backup of the share could be used, so '
               'a full backup was made instead of an incremental one.')
    BACKUP_VERIFY_FAILED = (
        '112', 'Verification found that the backup does not match its '
               'manifest; the backup status has been set to error.')
    DATA_NODE_ACCESS_FAILED = (
        '110', 'The data service could not reach the share (access rule or '
               'mount failed). Contact your administrator.')
    # manila_bk: restores into a share of another size, or a new share
    RESTORE_EXTEND_FAILED = (
        '120', 'The share could not be extended to the size of the backup '
               '(the gigabytes quota is exceeded or the share driver '
               'failed), so the backup was not restored. The share was not '
               'changed and its status has been set back to available.')
    RESTORE_SHARE_NOT_READY = (
        '121', 'The share was not ready for the restore in time (it was '
               'still being created or extended, or its status changed), so '
               'the backup was not restored and the share was not changed.')
    CREATE_FROM_BACKUP_FAILED = (
        '122', 'The share could not be created from the backup. The share '
               'status has been set to error; delete it and try again. The '
               'backup is kept.')

    ALL = (UNKNOWN_ERROR, NO_VALID_HOST, FILTER_AVAILABILITY,
           FILTER_CAPABILITIES, FILTER_CAPACITY, FILTER_DRIVER,
           DRIVER_FAILED_EXTEND, FILTER_CREATE_FROM_SNAPSHOT,
           DRIVER_FAILED_CREATING_FROM_SNAP, DRIVER_REFUSED_SHRINK,
           DRIVER_FAILED_SHRINK, FORBIDDEN_CLIENT_ACCESS,
           UNSUPPORTED_CLIENT_ACCESS, NO_DEFAULT_SHARE_TYPE,
           SHARE_BACKEND_NOT_READY_YET, TARGETED_RESTORE_UNSUPPORTED,
           FILTER_PROTOCOL, DRIVER_FAILED_REVERT, DRIVER_FAILED_SNAPSHOT,
           BACKUP_FAILED, RESTORE_FAILED, BACKUP_TARGET_UNAVAILABLE,
           INTERRUPTED_BY_RESTART, REVERT_SUCCEEDED, BACKUP_DAMAGED,
           RESTORE_NOT_STARTED, DATA_NODE_ACCESS_FAILED,
           INCREMENTAL_MADE_FULL, BACKUP_VERIFY_FAILED,
           RESTORE_EXTEND_FAILED, RESTORE_SHARE_NOT_READY,
           CREATE_FROM_BACKUP_FAILED)


_ACTIONS = dict(Action.ALL)
_DETAILS = dict(Detail.ALL)


def _id(value):
    """Accept an id ('002') or an (id, text) pair from the classes above."""
    if isinstance(value, (tuple, list)):
        return value[0]
    return value


def translate_action(action_id):
    return _ACTIONS.get(_id(action_id), 'unknown action')


def translate_detail(detail_id):
    return _DETAILS.get(_id(detail_id), Detail.UNKNOWN_ERROR[1])


def user_message(action_id, detail_id):
    """The text ``GET /messages`` shows: "<action>: <detail>"."""
    return '%s: %s' % (translate_action(action_id),
                       translate_detail(detail_id))


def detail_for_exception(exc):
    """The detail id that best explains ``exc`` (placement sets one)."""
    detail = getattr(exc, 'detail_id', None)
    if detail in _DETAILS:
        return detail
    if type(exc).__name__ == 'NoValidHost':
        return Detail.NO_VALID_HOST[0]
    return Detail.UNKNOWN_ERROR[0]

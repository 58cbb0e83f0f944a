"""Exceptions of manila_bk.

Every exception carries the HTTP ``code`` the API answers with and a message
that is safe to show to the caller.  Names are ``<Noun><Problem>``.  The
``fault_name`` of an exception is the key of Manila's fault body
(``{"itemNotFound": {"code": 404, "message": ...}}``).
"""

from oslo_log import log as logging

LOG = logging.getLogger(__name__)

_FAULT_NAMES = {
    400: 'badRequest',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'itemNotFound',
    405: 'badMethod',
    406: 'notAcceptable',
    409: 'conflictingRequest',
    413: 'overLimit',
    415: 'badMediaType',
    501: 'notImplemented',
    503: 'serviceUnavailable',
}


def fault_name(code):
    return _FAULT_NAMES.get(code, 'computeFault')


class ManilaBkException(Exception):
    """Base exception: ``message`` is a template filled from kwargs."""

    message = 'An unknown exception occurred.'
    code = 500
    headers = {}
    safe = False

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        self.kwargs.setdefault('code', self.code)
        if message is None:
            try:
                message = self.message % kwargs
            except (KeyError, TypeError):
                LOG.exception('Exception message template %r could not be '
                              'filled from %r', self.message, kwargs)
                message = self.message
        self.msg = str(message)
        super().__init__(self.msg)

    @property
    def fault_name(self):
        return fault_name(self.code)


# 400
class Invalid(ManilaBkException):
    message = 'Unacceptable parameters.'
    code = 400
    safe = True


class InvalidInput(Invalid):
    message = 'Invalid input received: %(reason)s'


class InvalidParameterValue(Invalid):
    message = '%(err)s'


class InvalidRequestBody(Invalid):
    message = 'Invalid request body: %(reason)s'


class InvalidShare(Invalid):
    message = 'Invalid share: %(reason)s.'


class InvalidShareSnapshot(Invalid):
    message = 'Invalid share snapshot: %(reason)s.'


class InvalidShareType(Invalid):
    message = 'Invalid share type: %(reason)s.'


class InvalidExtraSpec(Invalid):
    message = 'Invalid extra spec: %(reason)s.'


class InvalidShareAccess(Invalid):
    message = 'Invalid access rule: %(reason)s.'


class InvalidShareBackup(Invalid):
    message = 'Invalid share backup: %(reason)s.'


class InvalidQuotaValue(Invalid):
    message = 'Change would make usage less than 0 for the following ' \
              'resources: %(unders)s.'


class InvalidSortKey(Invalid):
    message = 'Invalid sort key: %(key)s.'


class InvalidMarker(Invalid):
    message = 'Marker %(marker)s could not be found.'


class InvalidAPIVersionString(Invalid):
    message = ('API Version String %(version)s is of invalid format. Must '
               'be of format MajorNum.MinorNum.')


class InvalidGlobalAPIVersion(ManilaBkException):
    message = ('Version %(req_ver)s is not supported by the API. Minimum '
               'is %(min_ver)s and maximum is %(max_ver)s.')
    code = 406
    safe = True


# 401 / 403
class NotAuthenticated(ManilaBkException):
    message = 'Authentication required.'
    code = 401
    safe = True


class NotAuthorized(ManilaBkException):
    message = 'Not authorized.'
    code = 403
    safe = True


class PolicyNotAuthorized(NotAuthorized):
    message = "Policy doesn't allow %(action)s to be performed."


class AdminRequired(NotAuthorized):
    message = 'User does not have admin privileges.'


# 404
class NotFound(ManilaBkException):
    message = 'Resource could not be found.'
    code = 404
    safe = True


class ShareNotFound(NotFound):
    message = 'Share %(share_id)s could not be found.'


class ShareSnapshotNotFound(NotFound):
    message = 'Snapshot %(snapshot_id)s could not be found.'


class ShareTypeNotFound(NotFound):
    message = 'Share type %(share_type_id)s could not be found.'


class ShareTypeNotFoundByName(ShareTypeNotFound):
    message = 'Share type with name %(share_type_name)s could not be found.'


class ShareTypeExtraSpecsNotFound(NotFound):
    message = ('Share Type %(share_type_id)s has no extra specs with key '
               '%(extra_specs_key)s.')


class ShareTypeAccessNotFound(NotFound):
    message = ('Share type access not found for %(share_type_id)s / '
               '%(project_id)s combination.')


class ShareMetadataNotFound(NotFound):
    message = 'Metadata item %(key)s could not be found.'


class ShareExportLocationNotFound(NotFound):
    message = 'Export location %(uuid)s could not be found.'


class AccessRuleNotFound(NotFound):
    message = 'Access rule %(access_id)s could not be found.'


class ShareBackupNotFound(NotFound):
    message = 'Backup %(backup_id)s could not be found.'


class ServiceNotFound(NotFound):
    message = 'Service %(service_id)s could not be found.'


class HostNotFound(NotFound):
    message = 'Host %(host)s could not be found.'


class MessageNotFound(NotFound):
    message = 'Message %(message_id)s could not be found.'


class AvailabilityZoneNotFound(NotFound):
    message = 'Availability zone %(id)s could not be found.'


class VersionNotFoundForAPIMethod(NotFound):
    message = 'API version %(version)s is not supported on this method.'


class ProjectQuotaNotFound(NotFound):
    message = 'Quota for project %(project_id)s could not be found.'


class QuotaResourceUnknown(NotFound):
    message = 'Unknown quota resources %(unknown)s.'


# 409
class Conflict(ManilaBkException):
    message = 'The request conflicts with the current state.'
    code = 409
    safe = True


class ShareBusy(Conflict):
    message = ('Share %(share_id)s is busy (status %(status)s); try again '
               'when it is available.')


class ShareSnapshotIsBusy(Conflict):
    message = 'Snapshot %(snapshot_id)s is busy (status %(status)s).'


class ShareTypeExists(Conflict):
    message = 'Share Type %(id)s already exists.'


class ShareTypeInUse(Invalid):
    message = ('Share Type %(share_type_id)s deletion is not allowed with '
               'shares present with the type.')


class ShareTypeAccessExists(Conflict):
    message = ('Share type access for %(share_type_id)s / %(project_id)s '
               'combination already exists.')


class ShareAccessExists(Invalid):
    message = ('Share access %(access_type)s:%(access)s exists.')


class LockTimeout(Conflict):
    message = ('Share %(share_id)s is busy with another operation; try '
               'again later.')


class StatusChangeConflict(Conflict):
    message = ('%(resource)s %(id)s is in status %(status)s, which does not '
               'allow this operation.')


# 413 / quota
class QuotaError(ManilaBkException):
    message = 'Quota exceeded: code=%(code)s'
    code = 413
    headers = {'Retry-After': '0'}
    safe = True


class OverQuota(QuotaError):
    message = 'Quota exceeded for resources: %(overs)s'


class ShareSizeExceedsLimit(QuotaError):
    message = ('Requested share size %(size)d is larger than the maximum '
               'allowed limit %(limit)d.')


class RequestBodyTooLarge(ManilaBkException):
    message = 'Request is too large.'
    code = 413
    safe = True


# 5xx and internal
class ServiceUnavailable(ManilaBkException):
    message = 'Service is unavailable at this time: %(reason)s'
    code = 503
    safe = True


class ConfigError(ManilaBkException):
    message = 'Invalid configuration: %(reason)s'


class DriverNotLoaded(ConfigError):
    message = 'Driver %(name)s could not be loaded: %(reason)s'


class ShareDriverException(ManilaBkException):
    message = 'Share driver error: %(reason)s'


class ShareDriverNotSupported(ShareDriverException):
    message = 'The share driver does not support %(operation)s.'


class NoValidHost(ManilaBkException):
    message = 'No valid host was found. %(reason)s'

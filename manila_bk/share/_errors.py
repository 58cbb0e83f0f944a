"""Errors of the share business layer whose HTTP code depends on the call.

Manila answers the same underlying problem with different codes depending
on the request (an unusable share status is 403 on delete but 400 on
extend; exceeding the gigabytes quota is 413 on create but 403 on extend
and revert).  These subclasses carry the code each call needs, so the
controllers can let every exception propagate.
"""

from manila_bk import exception


class ShareForbidden(exception.NotAuthorized):
    """403 with Manila's "Invalid share" text (delete, soft delete...)."""

    message = 'Invalid share: %(reason)s.'


class ShareActionForbidden(exception.NotAuthorized):
    message = '%(reason)s'


class ShareActionConflict(exception.Conflict):
    message = '%(reason)s'


class ShareActionUnprocessable(exception.Invalid):
    message = '%(reason)s'
    code = 422


class RevertSnapshotNotFound(exception.Invalid):
    """The snapshot of a revert request is not in the URL: 400."""

    message = 'Snapshot %(snapshot_id)s could not be found.'


class DefaultShareTypeNotConfigured(exception.Invalid):
    message = ('No default share type has been made available. You must '
               'specify a share type for creating shares.')


class ShareSizeExceedsAvailableQuota(exception.QuotaError):
    message = ('Requested share exceeds allowed project/user or share type '
               'gigabytes quota.')


class ShareLimitExceeded(exception.QuotaError):
    message = ('Maximum number of shares allowed (%(allowed)d) either per '
               'project/user or share type quota is exceeded.')


class SnapshotSizeExceedsAvailableQuota(exception.QuotaError):
    message = ('Requested snapshot exceeds allowed project/user or share '
               'type gigabytes quota.')


class SnapshotLimitExceeded(exception.QuotaError):
    message = ('Maximum number of snapshots allowed (%(allowed)d) either '
               'per project/user or share type quota is exceeded.')


class ShareGigabytesQuotaForbidden(exception.NotAuthorized):
    """Extend and revert answer 403, not 413, when gigabytes run out."""

    message = '%(reason)s'


class ExtraSpecForbidden(exception.NotAuthorized):
    message = '%(reason)s'


class ShareTypeAccessNotAvailable(exception.NotFound):
    message = 'Access list not available for public share types.'


class ShareTypeAccessNotApplicable(exception.Conflict):
    message = ('Type access modification is not applicable to public share '
               'type.')

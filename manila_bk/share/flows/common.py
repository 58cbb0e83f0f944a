"""What every share flow needs: driver records, quota release, messages."""

from oslo_log import log as logging

from manila_bk.db import api as db
from manila_bk.message import api as message_api
from manila_bk.message import message_field
from manila_bk import quota
from manila_bk.share.drivers import base

LOG = logging.getLogger(__name__)

RESOURCE_SHARE = message_field.Resource.SHARE
RESOURCE_SNAPSHOT = message_field.Resource.SHARE_SNAPSHOT

Action = message_field.Action
Detail = message_field.Detail

# An INFO message after a successful revert (seed 003 asks for one);
# Manila has no such detail.
DETAIL_REVERT_SUCCEEDED = Detail.REVERT_SUCCEEDED

_MESSAGES = message_api.API()


def admin(context):
    """The flow's context: admin rights, the caller's request id."""
    return context.elevated()


def share_spec(share):
    """The driver's view of a share row."""
    return base.ShareSpec(
        id=share.id, size=share.size, share_proto=share.share_proto,
        name=share.display_name,
        export_locations=tuple(
            base.ExportLocation(path=loc.path,
                                is_admin_only=bool(loc.is_admin_only),
                                preferred=bool(loc.preferred))
            for loc in share.export_locations))


def snapshot_spec(snapshot, share):
    """The driver's view of a snapshot row of ``share``."""
    return base.SnapshotSpec(id=snapshot.id, share=share_spec(share),
                             size=snapshot.size,
                             provider_location=snapshot.provider_location)


def access_rule(rule):
    """The driver's view of an access rule row."""
    return base.AccessRule(id=rule.id, access_type=rule.access_type,
                           access_to=rule.access_to,
                           access_level=rule.access_level)


def export_dicts(locations):
    """ExportLocation records as the database layer takes them."""
    return [loc.to_dict() for loc in locations or ()]


def release_quota(context, project_id, deltas):
    """Give usage back (``deltas`` are positive amounts to release).

    Flows release before they set the final status: clients that waited
    for the status then read usage must see it released.

    A failure is logged, never raised: the operation's outcome is already
    decided and a usage recount can fix the counter.
    """
    deltas = {res: amount for res, amount in deltas.items() if amount}
    if not deltas or project_id is None:
        return
    try:
        quota.release(context, project_id, deltas)
    except Exception:
        LOG.exception('Could not release quota %s of project %s',
                      deltas, project_id)


def user_message(context, resource_type, resource_id, action, detail,
                 project_id, level='ERROR'):
    """Leave a message for the resource's project (never raises).

    ``action``/``detail`` are message_field (id, text) pairs.
    """
    _MESSAGES.create(context, resource_type, resource_id, action, detail,
                     project_id=project_id, level=level)


def share_error(context, share, status, action, detail=Detail.UNKNOWN_ERROR,
                expected=None):
    """Tell the share's project, then move it to error ``status`` (CAS).

    The message comes first because clients look for it once they see
    the status.  ``expected`` is the transitional status the share must
    still be in; when it is not (an administrator reset it meanwhile) the
    status is kept.  Returns whether the status was set.
    """
    user_message(context, RESOURCE_SHARE, share.id, action, detail,
                 share.project_id)
    updated = db.share_update_if(context, share.id, {'status': status},
                                 expected_status=[expected or share.status])
    if updated is None:
        LOG.warning('Share %s left %s before it could be set to %s',
                    share.id, expected or share.status, status)
        return False
    return True

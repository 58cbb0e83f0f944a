"""Apply a share's access rules on the back end.

The API side creates rules in ``queued_to_apply`` and moves rules to
deny to ``queued_to_deny``, then casts.  Drivers render the full list, so
every run sends all ``active`` rules plus the ones being applied; the
manager runs at most one access job per share at a time.
"""

from oslo_log import log as logging

from manila_bk.common import states
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.share.flows import common

LOG = logging.getLogger(__name__)

_ADDING = (states.ACCESS_STATE_QUEUED_TO_APPLY, states.ACCESS_STATE_APPLYING)
_DENYING = (states.ACCESS_STATE_QUEUED_TO_DENY, states.ACCESS_STATE_DENYING)


def _move(context, rules, state):
    for rule in rules:
        if rule.state != state:
            db.share_access_update(context, rule.id, {'state': state})


def _settle(context, rule_id, expected, values):
    """Update a rule only if it is still in ``expected`` state."""
    try:
        current = db.share_access_get(context, rule_id)
    except exception.AccessRuleNotFound:
        return
    if current.state == expected:
        db.share_access_update(context, rule_id, values)


def update_access(context, driver, share_id, always=False):
    """Apply queued rule changes of ``share_id``; render the full list.

    Success: applied rules become ``active``, denied rules are deleted.
    Failure: the rules that were being applied or denied go to ``error``
    and the project gets a user message.  With nothing queued the driver
    is only called when ``always`` (re-applying at service start).
    """
    ctx = common.admin(context)
    try:
        share = db.share_get(ctx, share_id)
    except exception.ShareNotFound:
        LOG.info('Share %s is gone; no access to update', share_id)
        return
    rules = db.share_access_get_all_for_share(ctx, share_id)
    adding = [r for r in rules if r.state in _ADDING]
    denying = [r for r in rules if r.state in _DENYING]
    if not (adding or denying or always):
        return
    _move(ctx, adding, states.ACCESS_STATE_APPLYING)
    _move(ctx, denying, states.ACCESS_STATE_DENYING)
    keep = [r for r in rules if r.state == states.ACCESS_STATE_ACTIVE]
    try:
        driver.update_access(
            common.share_spec(share),
            [common.access_rule(r) for r in keep + adding],
            [common.access_rule(r) for r in adding],
            [common.access_rule(r) for r in denying])
    except Exception as exc:
        LOG.exception('Updating access rules of share %s failed', share_id)
        _failed(ctx, share, adding + denying, exc)
        return
    for rule in adding:
        _settle(ctx, rule.id, states.ACCESS_STATE_APPLYING,
                {'state': states.ACCESS_STATE_ACTIVE})
    for rule in denying:
        try:
            db.share_access_delete(ctx, rule.id)
        except exception.AccessRuleNotFound:
            pass
    LOG.info('Access rules of share %s updated (%d applied, %d denied)',
             share_id, len(adding), len(denying))


def _failed(context, share, rules, exc):
    for rule in rules:
        _settle(context, rule.id, states.ACCESS_STATE_APPLYING
                if rule.state in _ADDING else states.ACCESS_STATE_DENYING,
                {'state': states.ACCESS_STATE_ERROR})
    detail = (common.Detail.UNSUPPORTED_CLIENT_ACCESS
              if isinstance(exc, exception.InvalidShareAccess)
              else common.Detail.UNKNOWN_ERROR)
    common.user_message(context, common.RESOURCE_SHARE, share.id,
                        common.Action.UPDATE_ACCESS_RULES, detail,
                        share.project_id)

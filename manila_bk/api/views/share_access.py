"""Share access rule views (allow_access, access_list, share-access-rules).

Before 2.28 Manila showed the share's aggregated rules status instead of a
per-rule state; manila_bk keeps per-rule states and translates them into
the values old clients know ('new', 'active', 'error').
"""

from manila_bk.api import microversion as mv
from manila_bk.common import states
from manila_bk.common import utils

_LEGACY_STATES = {
    states.ACCESS_STATE_QUEUED_TO_APPLY: 'new',
    states.ACCESS_STATE_APPLYING: 'new',
    states.ACCESS_STATE_ERROR: 'error',
}


def _state(rule):
    if mv.at_least('2.28'):
        return rule.state
    return _LEGACY_STATES.get(rule.state, states.ACCESS_STATE_ACTIVE)


def _add_versioned(view, rule):
    if mv.at_least('2.21'):
        view['access_key'] = rule.access_key
    if mv.at_least('2.33'):
        view['created_at'] = utils.isotime(rule.created_at)
        view['updated_at'] = utils.isotime(rule.updated_at)
    if mv.at_least('2.45'):
        view['metadata'] = {}
    return view


def summary(rule):
    view = {
        'id': rule.id,
        'access_level': rule.access_level,
        'access_to': rule.access_to,
        'access_type': rule.access_type,
        'state': _state(rule),
    }
    return _add_versioned(view, rule)


def detail(rule):
    view = {
        'id': rule.id,
        'share_id': rule.share_id,
        'access_level': rule.access_level,
        'access_to': rule.access_to,
        'access_type': rule.access_type,
        'state': _state(rule),
    }
    return _add_versioned(view, rule)


def show(rule):
    return {'access': detail(rule)}


def list_view(rules):
    return {'access_list': [summary(rule) for rule in rules]}

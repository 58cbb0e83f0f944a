"""Policy enforcement (oslo.policy) with the rules of manila_bk.policies.

Defaults live in code; an operator's ``policy.yaml`` (``[oslo_policy]
policy_file``, looked up like any config file) overrides single rules.
"""

import threading

from oslo_config import cfg
from oslo_log import log as logging
from oslo_policy import policy as oslo_policy

from manila_bk import exception
from manila_bk import policies

LOG = logging.getLogger(__name__)
CONF = cfg.CONF

_ENFORCER = None
_LOCK = threading.Lock()


def init(conf=None, policy_file=None, suppress_deprecation_warnings=True):
    """Build the global enforcer once (thread-safe) and return it."""
    global _ENFORCER
    with _LOCK:
        if _ENFORCER is None:
            enforcer = oslo_policy.Enforcer(conf or CONF,
                                            policy_file=policy_file)
            enforcer.suppress_deprecation_warnings = (
                suppress_deprecation_warnings)
            enforcer.register_defaults(policies.list_rules())
            _ENFORCER = enforcer
        return _ENFORCER


def reset():
    """Forget the global enforcer (tests, config reload)."""
    global _ENFORCER
    with _LOCK:
        if _ENFORCER is not None:
            _ENFORCER.clear()
        _ENFORCER = None


def get_enforcer():
    """Entry point of ``oslopolicy-sample-generator`` and friends.

    The oslo.policy command line tools run in a process of their own; they
    get an enforcer on a private config object that reads manila.conf from
    the usual places, so ``policy_file`` overrides are honoured.
    """
    conf = cfg.ConfigOpts()
    conf([], project='manila_bk',
         default_config_files=cfg.find_config_files(project='manila_bk',
                                                    prog='manila'))
    enforcer = oslo_policy.Enforcer(conf)
    enforcer.register_defaults(policies.list_rules())
    return enforcer


def _credentials(context):
    creds = context.to_policy_values()
    # oslo.context leaves is_admin out; 'is_admin:True' checks need it.
    creds['is_admin'] = context.is_admin
    return creds


def authorize(context, action, target=None, do_raise=True):
    """Check ``action`` for ``context`` on ``target``.

    ``target`` defaults to the caller's own project.  Raises
    exception.PolicyNotAuthorized (403) when denied and ``do_raise``;
    otherwise returns the boolean result.
    """
    if target is None:
        target = {'project_id': context.project_id,
                  'user_id': context.user_id}
    enforcer = init()
    try:
        return enforcer.authorize(
            action, target, _credentials(context), do_raise=do_raise,
            exc=exception.PolicyNotAuthorized, action=action)
    except oslo_policy.PolicyNotRegistered:
        LOG.exception('Policy rule %s is not registered', action)
        raise
    except oslo_policy.InvalidScope:
        LOG.debug('Policy %s refused for the scope of the token', action)
        if do_raise:
            raise exception.PolicyNotAuthorized(action=action)
        return False


def check_is_admin(context):
    """True when the roles of ``context`` satisfy ``context_is_admin``."""
    target = {'project_id': context.project_id,
              'user_id': context.user_id}
    return init().authorize('context_is_admin', target,
                            _credentials(context), do_raise=False)

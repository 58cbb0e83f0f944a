"""Share access rules: the allow/deny/list share actions and
/v2/share-access-rules (>= 2.45).

Access rule metadata (2.45) and locks (2.82) are not kept by manila_bk:
rules are rendered with empty metadata, and a request that asks to set
either is refused with 400 rather than silently dropped.
"""

import ipaddress
import re
import string

import pecan
from pecan import rest

from manila_bk.api import common
from manila_bk.api.controllers.v2 import _params
from manila_bk.api import microversion as mv
from manila_bk.api.schemas import shares as schema
from manila_bk.api.views import share_access as views
from manila_bk import exception
from manila_bk.share import api as share_api

ACCESS_TYPES = ('ip', 'user', 'cert', 'cephx')
ACCESS_LEVELS = ('rw', 'ro')
_USERNAME_RE = re.compile(r'.[^\"\/\\\[\]\:\;\|\=\,\+\*\?\<\>]{3,254}$')
_BLANK_RE = re.compile(r'[\s|\.]+$')


def _validate_ip(access_to, enable_ipv6):
    network = ipaddress.ip_network if enable_ipv6 else ipaddress.IPv4Network
    try:
        network(str(access_to))
    except ValueError as e:
        raise _params.bad_request(str(e))


def _validate_user(access_to):
    if _BLANK_RE.match(access_to):
        raise _params.bad_request('Invalid user or group name,cannot consist '
                                  'solely of periods or spaces.')
    if not _USERNAME_RE.match(access_to):
        raise _params.bad_request(
            'Invalid user or group name. Must be 4-255 characters and '
            'consist of alphanumeric characters and exclude special '
            'characters "/\\[]:;|=,+*?<>')


def _validate_cephx(access_to):
    if not access_to:
        raise _params.bad_request('Ceph IDs may not be empty.')
    if not set(access_to) <= set(string.printable):
        raise _params.bad_request(
            'Ceph IDs must consist of ASCII printable characters.')
    if '.' in access_to:
        raise _params.bad_request('Ceph IDs may not contain periods.')


def validate_access(access_type, access_to, enable_ceph, enable_ipv6):
    """Manila's syntax checks of an access rule (400 when invalid)."""
    if access_type == 'ip':
        _validate_ip(access_to, enable_ipv6)
    elif access_type == 'user':
        _validate_user(access_to)
    elif access_type == 'cert':
        if not 0 < len(access_to.strip()) < 65:
            raise _params.bad_request(
                'Invalid CN (common name). Must be 1-64 chars long.')
    elif access_type == 'cephx' and enable_ceph:
        _validate_cephx(access_to)
    elif enable_ceph:
        raise _params.bad_request("Only 'ip', 'user', 'cert' or 'cephx' "
                                  "access types are supported.")
    else:
        raise _params.bad_request("Only 'ip', 'user' or 'cert' access "
                                  "types are supported.")


def _check_unsupported(payload):
    locks = [key for key in ('lock_visibility', 'lock_deletion')
             if payload.get(key) is not None
             and _params.parse_bool(payload[key], key)]
    if mv.at_least('2.82') and payload.get('lock_reason') and not locks:
        raise _params.bad_request(
            'Lock reason can only be specified when locking the visibility '
            'or the deletion of an access rule.')
    if mv.at_least('2.82') and locks:
        raise _params.bad_request('Access rule locks are not supported by '
                                  'this service.')
    if mv.at_least('2.45') and payload.get('metadata'):
        raise _params.bad_request('Access rule metadata is not supported '
                                  'by this service.')


def _share_for(api, share_id, rule, action):
    share = _params.get_share(api, share_id)
    common.authorize(rule, _params.owner_target(share))
    if share.is_soft_deleted:
        raise _params.forbidden("Cannot %s access for share '%s' since it "
                                "has been soft deleted." % (action, share_id))
    return share


def allow_access(api, share_id, payload):
    """The allow_access (os-allow_access) share action."""
    common.validate(schema.allow_access, payload)
    _check_unsupported(payload)
    _share_for(api, share_id, 'share:allow_access', 'allow')
    access_type = payload['access_type']
    access_to = payload['access_to']
    validate_access(access_type, access_to,
                    enable_ceph=mv.at_least('2.13'),
                    enable_ipv6=mv.at_least('2.38'))
    rule = api.allow_access(common.context(), share_id, access_type,
                            access_to, payload.get('access_level') or 'rw',
                            allow_on_error_state=mv.at_least('2.74'))
    return views.show(rule)


def deny_access(api, share_id, payload):
    """The deny_access (os-deny_access) share action."""
    common.validate(schema.deny_access, payload)
    _share_for(api, share_id, 'share:deny_access', 'deny')
    api.deny_access(common.context(), share_id, payload['access_id'],
                    allow_on_error_state=mv.at_least('2.74'))
    return _params.empty_response(202)


def access_list(api, share_id, payload):
    """The access_list (os-access_list) share action (up to 2.44)."""
    common.authorize('share:access_get_all')
    _params.get_share(api, share_id)
    return views.list_view(api.access_list(common.context(), share_id))


def _filter_values(params):
    """The 2.82 filters of the rules list, validated as Manila does."""
    wanted = {key: params[key] for key in
              ('access_type', 'access_to', 'access_level', 'access_key')
              if params.get(key)}
    access_type = wanted.get('access_type')
    if access_type and access_type not in ACCESS_TYPES:
        raise _params.bad_request('Invalid or unsupported share access '
                                  'type: %s.' % access_type)
    if wanted.get('access_to') and not access_type:
        raise _params.bad_request("'access_type' parameter must be provided "
                                  "when specifying 'access_to'.")
    if access_type and wanted.get('access_to'):
        validate_access(access_type, wanted['access_to'], True, True)
    level = wanted.get('access_level')
    if level and level not in ACCESS_LEVELS:
        raise _params.bad_request('Invalid or unsupported share access '
                                  'level: %s.' % level)
    return wanted


class ShareAccessRulesController(rest.RestController):
    """/v2/share-access-rules: list a share's rules, show one rule."""

    def __init__(self):
        super().__init__()
        self.share_api = share_api.API()

    @pecan.expose('json')
    def get_all(self):
        _params.require_version('2.45')
        common.authorize('share_access_rule:index')
        params = _params.query_params()
        share_id = params.get('share_id')
        if not share_id:
            raise _params.bad_request("The field 'share_id' has to be "
                                      "specified.")
        wanted = _filter_values(params) if mv.at_least('2.82') else {}
        try:
            _params.get_share(self.share_api, share_id)
        except exception.ShareNotFound:
            raise _params.bad_request('Share %s not found.' % share_id)
        if 'metadata' in params and _params.parse_dict_literal(
                params['metadata'], 'metadata'):
            # Rules carry no metadata here: nothing matches.
            return views.list_view([])
        rules = self.share_api.access_list(common.context(), share_id)
        rules = [rule for rule in rules
                 if all(getattr(rule, key) == value
                        for key, value in wanted.items())]
        return views.list_view(rules)

    @pecan.expose('json')
    def get_one(self, access_id):
        _params.require_version('2.45')
        common.authorize('share_access_rule:get')
        _params.require_uuid(
            access_id, lambda: exception.AccessRuleNotFound(
                access_id=access_id))
        return views.show(self.share_api.access_get(common.context(),
                                                    access_id))

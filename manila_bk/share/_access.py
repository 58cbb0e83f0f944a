"""Access rules, metadata and export locations of the share API.

An allowed rule starts ``queued_to_apply`` and a denied one becomes
``queued_to_deny``; one ``update_access`` cast asks the share service to
render the share's whole rule set, after which it marks the rules active
and deletes the denied rows.
"""

import ipaddress

from manila_bk.common import states
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.share import _common

_MAX_ACCESS_TO = 255


def _ip_network(value):
    try:
        return ipaddress.ip_network(str(value))
    except ValueError:
        return None


def _check_rule(access_type, access_to, access_level):
    if access_type not in _common.ACCESS_TYPES:
        raise exception.InvalidShareAccess(
            reason='access type %s is not one of %s'
            % (access_type, ', '.join(_common.ACCESS_TYPES)))
    if access_level not in _common.ACCESS_LEVELS:
        raise exception.InvalidShareAccess(
            reason='invalid share access level: %s' % access_level)
    if (not isinstance(access_to, str) or not access_to.strip()
            or len(access_to) > _MAX_ACCESS_TO):
        raise exception.InvalidShareAccess(
            reason='access_to must be a string of 1 to %d characters'
            % _MAX_ACCESS_TO)
    if access_type == 'ip' and _ip_network(access_to) is None:
        raise exception.InvalidShareAccess(
            reason='%s is not an IP address or network' % access_to)


def _same_client(access_type, a, b):
    if access_type == 'ip':
        return _ip_network(a) == _ip_network(b)
    return a == b


class AccessMixin:
    """Access, metadata and export location methods of share.api.API."""

    # -- access rules -----------------------------------------------------

    def _check_access_updatable(self, share, allow_on_error_state, verb):
        frozen = _common.ACCESS_FROZEN
        if not allow_on_error_state:
            frozen = frozen + (states.STATUS_ERROR,)
        if not share.host or share.status in frozen:
            raise exception.InvalidShare(
                reason='Access rules cannot be %s while the share lacks a '
                       'valid host or is in an invalid state (%s)'
                       % (verb, share.status))

    def allow_access(self, context, share_id, access_type, access_to,
                     access_level=None, allow_on_error_state=True):
        """Add a rule (queued_to_apply) and ask the service to apply it.

        ``allow_on_error_state`` is Manila's 2.74 behaviour: rules may be
        changed on a share in error.
        """
        share = self.get(context, share_id)
        _common.forbid_soft_deleted(share, 'allow access for')
        access_level = access_level or 'rw'
        _check_rule(access_type, access_to, access_level)
        for rule in db.share_access_get_all_for_share(
                context, share.id, filters={'access_type': access_type}):
            if (rule.state != states.ACCESS_STATE_QUEUED_TO_DENY
                    and _same_client(access_type, rule.access_to,
                                     access_to)):
                raise exception.ShareAccessExists(access_type=access_type,
                                                  access=access_to)
        self._check_access_updatable(share, allow_on_error_state,
                                     'applied')
        rule = db.share_access_create(context, {
            'share_id': share.id, 'access_type': access_type,
            'access_to': access_to, 'access_level': access_level,
            'state': states.ACCESS_STATE_QUEUED_TO_APPLY})
        self.share_rpcapi.update_access(context, share.id, share.host)
        return rule

    def deny_access(self, context, share_id, access_id,
                    allow_on_error_state=True):
        """Queue the rule for removal and ask the service to render."""
        share = self.get(context, share_id)
        _common.forbid_soft_deleted(share, 'deny access for')
        rule = db.share_access_get(context, access_id)
        if rule.share_id != share.id:
            raise exception.AccessRuleNotFound(access_id=access_id)
        self._check_access_updatable(share, allow_on_error_state, 'denied')
        db.share_access_update(context, rule.id,
                               {'state': states.ACCESS_STATE_QUEUED_TO_DENY})
        self.share_rpcapi.update_access(context, share.id, share.host)

    def access_list(self, context, share_id):
        share = self.get(context, share_id)
        return db.share_access_get_all_for_share(context, share.id)

    def access_get(self, context, access_id):
        """One rule, if the context may see its share (else 404)."""
        rule = db.share_access_get(context, access_id)
        try:
            self.get(context, rule.share_id)
        except exception.ShareNotFound:
            raise exception.AccessRuleNotFound(access_id=access_id)
        return rule

    # -- metadata -----------------------------------------------------------

    def get_metadata(self, context, share_id):
        share = self.get(context, share_id)
        return db.share_metadata_get(context, share.id)

    def set_metadata(self, context, share_id, metadata, replace=False):
        """Set keys (``replace``: the result is exactly ``metadata``)."""
        share = self.get(context, share_id)
        metadata = _common.check_metadata(metadata)
        return db.share_metadata_update(context, share.id, metadata,
                                        delete=replace)

    def delete_metadata(self, context, share_id, key):
        share = self.get(context, share_id)
        db.share_metadata_delete(context, share.id, key)

    # -- export locations ---------------------------------------------------

    def get_export_locations(self, context, share_id):
        """Export locations; admin-only ones only for admins."""
        share = self.get(context, share_id)
        locations = db.share_export_locations_get(context, share.id)
        if context.is_admin:
            return locations
        return [loc for loc in locations if not loc.is_admin_only]

    def get_export_location(self, context, share_id, el_uuid):
        share = self.get(context, share_id)
        return db.share_export_location_get_by_uuid(context, share.id,
                                                    el_uuid)

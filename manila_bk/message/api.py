"""User messages: why an asynchronous request failed, told to its project.

Services write a message when work they were cast fails (a share that found
no pool, a revert the driver refused...).  A message names its action and
detail by id (``message_field``); it expires ``message_ttl`` seconds after
it was written and the reaper deletes it then.
"""

import datetime

from oslo_log import log as logging

from manila_bk.common import utils
from manila_bk import conf
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.message import message_field

CONF = conf.CONF
LOG = logging.getLogger(__name__)

LEVELS = ('ERROR', 'WARNING', 'INFO')
_FILTERS = ('resource_type', 'resource_id', 'action_id', 'detail_id',
            'message_level', 'request_id', 'project_id', 'created_since',
            'created_before')


def _with_text(message):
    # Views render this; it is derived, not stored.
    message.user_message = message_field.user_message(message.action_id,
                                                      message.detail_id)
    return message


class API:
    """Create, read and delete user messages."""

    def create(self, context, resource_type, resource_id, action_id,
               detail_id=None, project_id=None, level='ERROR', exc=None):
        """Record a message; never raises (a failure is only logged).

        ``action_id``/``detail_id`` are ids or (id, text) pairs of
        ``message_field``; with ``exc`` and no ``detail_id`` the detail is
        derived from the exception (placement's NoValidHost names one).
        """
        if detail_id is None:
            detail_id = message_field.detail_for_exception(exc)
        project_id = project_id or context.project_id
        now = utils.utcnow()
        values = {
            'project_id': project_id,
            'request_id': context.request_id,
            'resource_type': resource_type,
            'resource_id': resource_id,
            'action_id': message_field._id(action_id),
            'detail_id': message_field._id(detail_id),
            'message_level': level if level in LEVELS else 'ERROR',
            'expires_at': now + datetime.timedelta(seconds=CONF.message_ttl),
        }
        if not project_id:
            LOG.error('User message for %s %s has no project; dropped: %s',
                      resource_type, resource_id, values)
            return None
        try:
            return _with_text(db.message_create(context, values))
        except Exception:
            LOG.exception('Failed to record user message %s', values)
            return None

    def get(self, context, message_id):
        return _with_text(db.message_get(context, message_id))

    def get_all(self, context, search_opts=None, limit=None, offset=None,
                marker=None, sort_key=None, sort_dir=None):
        filters = {k: v for k, v in (search_opts or {}).items()
                   if k in _FILTERS and v is not None}
        if not context.is_admin:
            filters.pop('project_id', None)
        for key in ('created_since', 'created_before'):
            if key in filters:
                filters[key] = _parse_time(key, filters[key])
        messages = db.message_get_all(
            context, filters=filters, limit=limit, offset=offset,
            marker=marker, sort_keys=sort_key, sort_dirs=sort_dir)
        return [_with_text(m) for m in messages]

    def delete(self, context, message_id):
        db.message_get(context, message_id)  # 404 when not visible
        db.message_destroy(context, message_id)

    def cleanup_expired(self, context):
        """Delete expired messages; returns how many (a periodic task)."""
        return db.message_destroy_expired(context)


def _parse_time(key, value):
    try:
        return utils.parse_isotime(value)
    except (ValueError, TypeError):
        raise exception.InvalidInput(
            reason='%s must be an ISO 8601 time, not %r' % (key, value))

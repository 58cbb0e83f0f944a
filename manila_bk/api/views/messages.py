"""User messages as Manila renders them."""

from manila_bk.api import common
from manila_bk.message import message_field

_KEYS = ('id', 'project_id', 'request_id', 'resource_type', 'resource_id',
         'action_id', 'detail_id', 'message_level', 'created_at',
         'expires_at')


def _get(message, key):
    if isinstance(message, dict):
        return message.get(key)
    return getattr(message, key, None)


def user_message(message):
    """'<action text>: <detail text>' from Manila's message catalogue."""
    return '%s: %s' % (
        message_field.translate_action(_get(message, 'action_id')),
        message_field.translate_detail(_get(message, 'detail_id')))


def _render(message):
    view = {key: _get(message, key) for key in _KEYS}
    view['user_message'] = user_message(message)
    view['links'] = common.resource_links('messages', view['id'])
    return view


def detail(message):
    return {'message': _render(message)}


def index(messages, limit=None):
    view = {'messages': [_render(message) for message in messages]}
    links = common.collection_links(messages, 'messages', limit)
    if links:
        view['messages_links'] = links
    return view

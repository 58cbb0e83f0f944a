"""Policies of the user messages API."""

from manila_bk.policies import base

rules = [
    base.rule('message:get', base.ADMIN_OR_PROJECT_READER,
              'Show a user message.', [('GET', '/messages/{message_id}')]),
    base.rule('message:get_all', base.ADMIN_OR_PROJECT_READER,
              'List user messages.', [('GET', '/messages')]),
    base.rule('message:delete', base.ADMIN_OR_PROJECT_MEMBER,
              'Delete a user message.',
              [('DELETE', '/messages/{message_id}')]),
]


def list_rules():
    return rules

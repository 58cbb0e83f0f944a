"""``/messages`` (>= 2.37): list, show and delete user messages."""

import pecan
from pecan import rest

from manila_bk.api import common
from manila_bk.api import microversion
from manila_bk.api.views import messages as views
from manila_bk.common import utils
from manila_bk import exception
from manila_bk.message import api as message_api

MIN_VERSION = '2.37'
FILTERS = ('resource_type', 'resource_id', 'action_id', 'detail_id',
           'message_level', 'request_id', 'project_id')
TIME_FILTERS = ('created_since', 'created_before')
SORT_KEYS = ('id', 'project_id', 'request_id', 'resource_type',
             'resource_id', 'action_id', 'detail_id', 'message_level',
             'created_at', 'expires_at')


def _search_opts(params):
    opts = common.search_opts(params, FILTERS)
    if not microversion.at_least('2.52'):
        return opts
    for key in TIME_FILTERS:
        if params.get(key):
            try:
                opts[key] = utils.parse_isotime(params[key])
            except ValueError:
                raise exception.InvalidInput(
                    reason='%s is not a valid ISO 8601 time: %s'
                           % (key, params[key]))
    return opts


class MessagesController(rest.RestController):
    """User messages tell a project why an asynchronous request failed."""

    def __init__(self):
        super().__init__()
        self.message_api = message_api.API()

    @pecan.expose('json')
    def get_all(self):
        microversion.require(MIN_VERSION)
        common.authorize('message:get_all')
        params = pecan.request.GET
        paging = common.sort_columns(
            common.paging_params(params, SORT_KEYS))
        messages = self.message_api.get_all(
            common.context(), search_opts=_search_opts(params), **paging)
        return views.index(messages, paging['limit'])

    @pecan.expose('json')
    def get_one(self, message_id):
        microversion.require(MIN_VERSION)
        common.authorize('message:get')
        return views.detail(self.message_api.get(common.context(),
                                                 message_id))

    @pecan.expose('json')
    def delete(self, message_id):
        microversion.require(MIN_VERSION)
        common.authorize('message:delete')
        self.message_api.delete(common.context(), message_id)
        return common.empty_response(204)

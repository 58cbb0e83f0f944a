"""``GET /limits``: the caller's absolute limits and usage."""

import pecan
from pecan import rest

from manila_bk.api import common
from manila_bk.api.views import limits as views
from manila_bk import quota


class LimitsController(rest.RestController):
    """No rate limits; absolute limits from the project's quotas."""

    @pecan.expose('json')
    def get_all(self):
        context = common.context()
        quotas = quota.get_project_quotas(context, context.project_id,
                                          usages=True)
        return views.index(quotas)

"""``/quota-class-sets`` (>= 2.7) and ``/os-quota-class-sets``."""

import pecan
from pecan import rest

from manila_bk.api import common
from manila_bk.api.controllers.v2 import quota_sets
from manila_bk.api.schemas import quota_class_sets as schemas
from manila_bk.api.views import quota_class_sets as views
from manila_bk import quota


class QuotaClassSetsController(rest.RestController):
    """Show and change the quotas of a quota class (``default``)."""

    def __init__(self, legacy=False):
        super().__init__()
        self._legacy = legacy

    @pecan.expose('json')
    def get_one(self, class_name):
        common.require_url_version(self._legacy)
        common.authorize('quota_class_set:show')
        values = quota.get_class_quotas(common.context(), class_name)
        return views.detail(values, class_name)

    @pecan.expose('json')
    def put(self, class_name):
        common.require_url_version(self._legacy)
        common.authorize('quota_class_set:update')
        body = common.validate(schemas.update, common.body())
        values, _force = quota_sets.parse_limits(body['quota_class_set'])
        context = common.context()
        quota.update_class_quotas(context, class_name, values)
        return views.detail(quota.get_class_quotas(context, class_name))

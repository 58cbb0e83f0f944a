"""The /v2 tree: every collection, with and without ``/{project_id}``.

``/v2/shares`` and ``/v2/{project_id}/shares`` reach the same controller.
A first segment that is not a collection name is taken as the project id;
as in Manila it must be the caller's project, else 400 "Malformed request
url".
"""

import pecan
import webob.exc

from manila_bk.api import common
from manila_bk.api.controllers.v2 import availability_zones
from manila_bk.api.controllers.v2 import empty
from manila_bk.api.controllers.v2 import limits
from manila_bk.api.controllers.v2 import messages
from manila_bk.api.controllers.v2 import quota_class_sets
from manila_bk.api.controllers.v2 import quota_sets
from manila_bk.api.controllers.v2 import scheduler_stats
from manila_bk.api.controllers.v2 import services
from manila_bk.api.controllers.v2 import share_access
from manila_bk.api.controllers.v2 import share_backups
from manila_bk.api.controllers.v2 import share_snapshots
from manila_bk.api.controllers.v2 import share_types
from manila_bk.api.controllers.v2 import shares
from manila_bk.api.views import versions
from manila_bk import exception


def _collections():
    """{url segment: controller instance} of everything under /v2."""
    mounted = {
        'shares': shares.SharesController(),
        'snapshots': share_snapshots.ShareSnapshotsController(),
        'types': share_types.ShareTypesController(),
        'share-access-rules': share_access.ShareAccessRulesController(),
        'share-backups': share_backups.ShareBackupsController(),
        'availability-zones':
            availability_zones.AvailabilityZonesController(),
        'os-availability-zone':
            availability_zones.AvailabilityZonesController(legacy=True),
        'services': services.ServicesController(),
        'os-services': services.ServicesController(legacy=True),
        'quota-sets': quota_sets.QuotaSetsController(),
        'os-quota-sets': quota_sets.QuotaSetsController(legacy=True),
        'quota-class-sets': quota_class_sets.QuotaClassSetsController(),
        'os-quota-class-sets':
            quota_class_sets.QuotaClassSetsController(legacy=True),
        'scheduler-stats': scheduler_stats.SchedulerStatsController(),
        'limits': limits.LimitsController(),
        'messages': messages.MessagesController(),
    }
    mounted.update(empty.controllers())
    return mounted


class ProjectScopedController(object):
    """The collections, reached through ``/v2/{project_id}/``."""

    def __init__(self, collections):
        for segment, controller in collections.items():
            pecan.route(self, segment, controller)


class V2Controller(ProjectScopedController):
    """``/v2``: the version document and the collections."""

    def __init__(self):
        collections = _collections()
        super().__init__(collections)
        self._names = frozenset(collections)
        self._scoped = ProjectScopedController(collections)

    @pecan.expose(generic=True, template='json')
    def index(self):
        raise webob.exc.HTTPMethodNotAllowed()

    @index.when(method='GET', template='json')
    def index_get(self):
        return versions.v2_versions()

    @pecan.expose()
    def _lookup(self, project_id, *remainder):
        # pecan also calls this after a routing 404/405 below a collection;
        # returning None lets that error stand.
        if (project_id in self._names or not remainder
                or remainder[0] not in self._names):
            return None
        ctx = common.context()
        if project_id != ctx.project_id:
            raise exception.Invalid('Malformed request url')
        pecan.request.environ[common.ENV_URL_PROJECT] = project_id
        return self._scoped, list(remainder)

"""The root of the API: version discovery at ``/`` and the /v2 tree.

``GET /`` answers 300 Multiple Choices listing v1.0 (DEPRECATED) and v2.0
(CURRENT, with the microversion range); ``GET /v2/`` answers 200 with the
v2.0 entry only.  python-manilaclient reads the CURRENT entry of ``GET /``
before every command.
"""

import pecan
import webob.exc

from manila_bk.api.controllers import v2
from manila_bk.api.views import versions


class RootController(object):
    """``/`` lists the versions; ``/v2`` holds the API."""

    v2 = v2.V2Controller()

    @pecan.expose(generic=True, template='json')
    def index(self):
        raise webob.exc.HTTPMethodNotAllowed()

    @index.when(method='GET', template='json')
    def index_get(self):
        pecan.response.status = 300
        return versions.all_versions()

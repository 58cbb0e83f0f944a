"""Documents of the API versions (``GET /`` and ``GET /v2/``).

Shapes as Manila: v1.0 DEPRECATED without microversions, v2.0 CURRENT with
``version`` (the newest microversion) and ``min_version``.
"""

import copy

from oslo_config import cfg
import pecan

from manila_bk.api import microversion

CONF = cfg.CONF

_UPDATED = '2015-08-27T11:33:21Z'
_LINKS = [{'rel': 'describedby', 'type': 'text/html',
           'href': 'http://docs.openstack.org/'}]
_MEDIA_TYPES = [{'base': 'application/json',
                 'type': 'application/vnd.openstack.share+json;version=1'}]

_VERSIONS = {
    'v1.0': {'id': 'v1.0', 'status': 'DEPRECATED', 'version': '',
             'min_version': '', 'updated': _UPDATED},
    'v2.0': {'id': 'v2.0', 'status': 'CURRENT',
             'version': microversion.MAX_API_VERSION,
             'min_version': microversion.MIN_API_VERSION,
             'updated': _UPDATED},
}
_URL_SUFFIX = {'v1.0': 'v1', 'v2.0': 'v2'}


def _base_url():
    base = CONF.osapi_share_base_URL or pecan.request.host_url
    return base.rstrip('/')


def entry(version_id):
    """The document of one major version, links pointing at this host."""
    doc = copy.deepcopy(_VERSIONS[version_id])
    doc['links'] = copy.deepcopy(_LINKS) + [
        {'rel': 'self',
         'href': '%s/%s/' % (_base_url(), _URL_SUFFIX[version_id])}]
    doc['media-types'] = copy.deepcopy(_MEDIA_TYPES)
    return doc


def all_versions():
    return {'versions': [entry(key) for key in sorted(_VERSIONS)]}


def v2_versions():
    return {'versions': [entry('v2.0')]}

"""Microversions of the v2 API, as Manila defines them.

A client picks the version with ``X-OpenStack-Manila-API-Version: 2.N`` or
``OpenStack-API-Version: shared-file-system 2.N`` (``latest`` means
MAX_API_VERSION).  Without a header a /v2 request is served as 2.0, like
Manila.  A malformed version is a 400, a version outside
[MIN_API_VERSION, MAX_API_VERSION] a 406, and a method that does not exist
at the requested version (or is experimental and the request did not send
``X-OpenStack-Manila-API-Experimental: True``) a 404.

Version history: manila_bk claims Manila's numbering up to 2.91 and serves
the resources it has with the fields of each version; fields of features it
does not have are rendered with their null/false values.  The versions that
change what manila_bk renders or accepts:

* 2.7   ``services``, ``quota-sets``, ``quota-class-sets``,
        ``availability-zones`` replace the ``os-*`` URLs (<= 2.6).
* 2.25  ``GET /quota-sets/{project_id}/detail``.
* 2.27  share revert to snapshot.
* 2.37  user messages.
* 2.40  share group quotas in quota sets.
* 2.52  ``created_since``/``created_before`` message filters.
* 2.53  share replica quotas.
* 2.58  share group keys in absolute limits.
* 2.62  ``per_share_gigabytes`` quota.
* 2.80  share backups (experimental) and their quotas.
* 2.83  ``disabled_reason`` of services.
* 2.91  restore a backup to another share.
"""

import functools
import re

import pecan

from manila_bk.common import utils
from manila_bk import exception

MIN_API_VERSION = '2.0'
MAX_API_VERSION = '2.91'
DEFAULT_API_VERSION = MIN_API_VERSION

VERSION_HEADER = 'X-OpenStack-Manila-API-Version'
OPENSTACK_VERSION_HEADER = 'OpenStack-API-Version'
EXPERIMENTAL_HEADER = 'X-OpenStack-Manila-API-Experimental'
SERVICE_TYPE = 'shared-file-system'

_ENV_VERSION = 'manila_bk.api_version'
_ENV_EXPERIMENTAL = 'manila_bk.api_experimental'
_VERSION_RE = re.compile(r'^([1-9]\d*)\.([1-9]\d*|0)$')


@functools.total_ordering
class APIVersion(object):
    """A ``major.minor`` API version that compares numerically."""

    def __init__(self, major, minor):
        self.major = int(major)
        self.minor = int(minor)

    @classmethod
    def parse(cls, value):
        """Parse '2.27' (or 'latest'); raise InvalidAPIVersionString."""
        text = (value or '').strip()
        if text.lower() == 'latest':
            return max_version()
        match = _VERSION_RE.match(text)
        if not match:
            raise exception.InvalidAPIVersionString(version=value)
        return cls(match.group(1), match.group(2))

    def _key(self):
        return (self.major, self.minor)

    def __eq__(self, other):
        return self._key() == _as_version(other)._key()

    def __lt__(self, other):
        return self._key() < _as_version(other)._key()

    def __hash__(self):
        return hash(self._key())

    def __str__(self):
        return '%d.%d' % (self.major, self.minor)

    def __repr__(self):
        return '<APIVersion %s>' % self


def _as_version(value):
    if isinstance(value, APIVersion):
        return value
    return APIVersion.parse(value)


def min_version():
    return APIVersion.parse(MIN_API_VERSION)


def max_version():
    return APIVersion.parse(MAX_API_VERSION)


def _header_version(headers):
    """The version string the request asks for, or None."""
    value = headers.get(VERSION_HEADER)
    if value is not None:
        return value
    generic = headers.get(OPENSTACK_VERSION_HEADER)
    if generic:
        for item in generic.split(','):
            parts = item.strip().split()
            if len(parts) == 2 and parts[0].lower() == SERVICE_TYPE:
                return parts[1]
    return None


def parse_request(headers):
    """Return (APIVersion, experimental) for request ``headers``.

    Raises InvalidAPIVersionString (400) or InvalidGlobalAPIVersion (406).
    """
    text = _header_version(headers)
    if text is None:
        version = APIVersion.parse(DEFAULT_API_VERSION)
    else:
        version = APIVersion.parse(text)
        if not min_version() <= version <= max_version():
            raise exception.InvalidGlobalAPIVersion(
                req_ver=str(version), min_ver=MIN_API_VERSION,
                max_ver=MAX_API_VERSION)
    experimental = utils.bool_from_string(
        headers.get(EXPERIMENTAL_HEADER, ''), default=False)
    return version, experimental


def set_request_version(environ, version, experimental=False):
    environ[_ENV_VERSION] = version
    environ[_ENV_EXPERIMENTAL] = experimental


def environ_version(environ):
    """(version, experimental) stored in ``environ``, or (None, False)."""
    return environ.get(_ENV_VERSION), environ.get(_ENV_EXPERIMENTAL, False)


def request_version():
    """The APIVersion of the current pecan request (2.0 when none set)."""
    version = pecan.request.environ.get(_ENV_VERSION)
    return version if version is not None else min_version()


def is_experimental():
    return bool(pecan.request.environ.get(_ENV_EXPERIMENTAL, False))


def at_least(version):
    """True when the current request's version is >= ``version``."""
    return request_version() >= _as_version(version)


def _not_found():
    # Manila answers a method missing at this version with a bare 404.
    return exception.VersionNotFoundForAPIMethod(
        message='The resource could not be found.')


def require(min_ver, max_ver=None, experimental=False):
    """Raise 404 unless the current request may call this method."""
    version = request_version()
    if version < _as_version(min_ver):
        raise _not_found()
    if max_ver is not None and version > _as_version(max_ver):
        raise _not_found()
    if experimental:
        require_experimental()


def require_experimental():
    """Raise 404 unless the request sent the experimental header."""
    if not is_experimental():
        raise _not_found()


def versioned(min_ver, max_ver=None, experimental=False):
    """Decorator: the controller method exists only in this range."""
    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            require(min_ver, max_ver, experimental)
            return func(*args, **kwargs)
        return wrapper
    return decorator


def response_headers(version, experimental):
    """Headers echoing the served version on a response."""
    headers = {
        VERSION_HEADER: str(version),
        OPENSTACK_VERSION_HEADER: '%s %s' % (SERVICE_TYPE, version),
        'Vary': '%s, %s' % (VERSION_HEADER, OPENSTACK_VERSION_HEADER),
    }
    if experimental:
        headers[EXPERIMENTAL_HEADER] = 'True'
    return headers

"""The API reference's request and response samples, and how to check them.

``SCENARIO`` is a list of calls against a fresh deployment, in an order
that makes every call valid (a share exists before its snapshot...).
``tools/gen-api-samples.py`` runs it against a live ``manila-bk-all`` and
writes, for each call, ``doc/api_samples/<resource>/<name>-request.json``
(the body sent, if any) and ``<name>-response.json`` (the body received,
if any).  ``test_api_samples`` runs the same calls against another fresh
deployment, sending the stored request samples, and compares every live
response with its stored sample (:func:`compare`).

Placeholders
------------

Values that differ from one deployment to the next are written as
``%(name)s`` in the samples:

``%(share_id)s``, ``%(backup_id)s``... (names ending in ``_id``)
    The id of a resource the scenario created.  The first time a sample
    shows it, it may be any UUID, and that value is bound to the name; every
    later use must be that same value.
``%(uuid)s``
    Any UUID, not bound (request ids, ids the scenario never reuses).
``%(timestamp)s``
    Any ISO 8601 time: values of keys ending in ``_at``.
``%(host)s``, ``%(host_url)s``, ``%(workdir)s``, ``%(topic)s``
    The deployment's ``[DEFAULT] host``, the API's ``http://host:port``,
    the deployment's state directory (export paths are below it) and the
    suffix of its RPC topics.  They are known before the first call.
``%(project_id)s``, ``%(user_id)s``
    The caller (noauth token ``user_id:project_id``, roles admin, member
    and reader), fixed values.

Everything else is compared exactly: keys (recursively), list lengths,
value types and values (statuses, sizes, names, flags, microversions).
"""

import configparser
import dataclasses
import json
import os
import re
import time

import requests

from manila_bk.tests.functional import fixtures as ffx

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
SAMPLES_DIR = os.path.join(ROOT, 'doc', 'api_samples')
DOCS_DIR = os.path.join(ROOT, 'doc', 'source', 'api')

PROJECT_ID = '8b2f6a9e4c1d4f0e9a3b7c5d2e1f0a9b'
USER_ID = 'c4d1e2f3a4b54c6d8e9f0a1b2c3d4e5f'
LATEST = '2.91'

UUID_RE = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
TIMESTAMP_RE = (r'\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?'
                r'(Z|[+-]\d{2}:?\d{2})?')
_PLACEHOLDER = re.compile(r'%\((\w+)\)s')
_UUID = re.compile(UUID_RE)
_TIMESTAMP = re.compile('^%s$' % TIMESTAMP_RE)


@dataclasses.dataclass
class Wait:
    """Poll ``path`` until ``body[key][field]`` is in ``values``.

    ``'deleted'`` in values also accepts a 404.
    """

    path: str
    key: str
    values: tuple
    field: str = 'status'
    version: str = LATEST
    experimental: bool = False


@dataclasses.dataclass
class Step:
    """One documented call.

    ``name`` is ``<resource>/<sample name>``; ``path`` and ``body`` are
    templates with placeholders; ``capture`` names values of the response
    ({placeholder: (key, key...)}) for the samples and the later calls.
    """

    name: str
    method: str
    path: str
    body: dict = None
    status: int = 200
    version: str = LATEST
    experimental: bool = False
    capture: dict = dataclasses.field(default_factory=dict)
    wait: list = dataclasses.field(default_factory=list)
    auth: bool = True

    @property
    def request_file(self):
        return os.path.join(SAMPLES_DIR, self.name + '-request.json')

    @property
    def response_file(self):
        return os.path.join(SAMPLES_DIR, self.name + '-response.json')


def _share_wait(*values):
    return Wait('/v2/shares/%(share_id)s', 'share', values)


def _backup_wait(*values):
    return Wait('/v2/share-backups/%(backup_id)s', 'share_backup', values,
                experimental=True)


def _snapshot_wait(*values):
    return Wait('/v2/snapshots/%(snapshot_id)s', 'snapshot', values)


_VERSIONS = [
    Step('versions/versions-list', 'GET', '/', status=300, auth=False),
    Step('versions/version-v2-show', 'GET', '/v2/'),
]

_INFRA = [
    Step('availability-zones/availability-zones-list', 'GET',
         '/v2/availability-zones'),
    Step('services/services-list', 'GET',
         '/v2/services?binary=manila-bk-share'),
    Step('services/service-disable', 'PUT', '/v2/services/disable',
         {'host': '%(host)s@local', 'binary': 'manila-bk-share',
          'disabled_reason': 'Disk replacement'}),
    Step('services/service-enable', 'PUT', '/v2/services/enable',
         {'host': '%(host)s@local', 'binary': 'manila-bk-share'}),
]

_TYPES = [
    Step('share-types/share-type-create', 'POST', '/v2/types',
         {'share_type': {
             'name': 'gold', 'description': 'Snapshots and revert',
             'share_type_access:is_public': True,
             'extra_specs': {
                 'driver_handles_share_servers': False,
                 'snapshot_support': True,
                 'revert_to_snapshot_support': True,
                 'create_share_from_snapshot_support': True}}},
         capture={'share_type_id': ('share_type', 'id')}),
    Step('share-types/share-types-list', 'GET', '/v2/types'),
    Step('share-types/share-type-show', 'GET', '/v2/types/%(share_type_id)s'),
    Step('share-types/share-type-default', 'GET', '/v2/types/default'),
    Step('share-types/share-type-update', 'PUT',
         '/v2/types/%(share_type_id)s',
         {'share_type': {'description': 'Snapshots, revert and backups'}}),
    Step('share-types/extra-specs-list', 'GET',
         '/v2/types/%(share_type_id)s/extra_specs'),
    Step('share-types/extra-specs-set', 'POST',
         '/v2/types/%(share_type_id)s/extra_specs',
         {'extra_specs': {'my_team': 'storage'}}),
    Step('share-types/extra-spec-show', 'GET',
         '/v2/types/%(share_type_id)s/extra_specs/my_team'),
    Step('share-types/extra-spec-unset', 'DELETE',
         '/v2/types/%(share_type_id)s/extra_specs/my_team', status=202),
    Step('share-types/private-share-type-create', 'POST', '/v2/types',
         {'share_type': {
             'name': 'silver', 'share_type_access:is_public': False,
             'extra_specs': {'driver_handles_share_servers': False}}},
         capture={'private_type_id': ('share_type', 'id')}),
    Step('share-types/share-type-add-project-access', 'POST',
         '/v2/types/%(private_type_id)s/action',
         {'addProjectAccess': {
             'project': '5f3c2a1b9d8e4f70a6b5c4d3e2f1a0b9'}},
         status=202),
    Step('share-types/share-type-access-list', 'GET',
         '/v2/types/%(private_type_id)s/share_type_access'),
    Step('share-types/share-type-remove-project-access', 'POST',
         '/v2/types/%(private_type_id)s/action',
         {'removeProjectAccess': {
             'project': '5f3c2a1b9d8e4f70a6b5c4d3e2f1a0b9'}},
         status=202),
    Step('share-types/share-type-delete', 'DELETE',
         '/v2/types/%(private_type_id)s', status=202),
]

_SHARES = [
    Step('shares/share-create', 'POST', '/v2/shares',
         {'share': {'share_proto': 'NFS', 'size': 1, 'name': 'share1',
                    'description': 'Team share', 'share_type': 'gold',
                    'metadata': {'team': 'storage'}}},
         capture={'share_id': ('share', 'id')},
         wait=[_share_wait('available')]),
    Step('shares/shares-list', 'GET', '/v2/shares'),
    Step('shares/shares-list-detail', 'GET', '/v2/shares/detail'),
    Step('shares/share-show', 'GET', '/v2/shares/%(share_id)s'),
    Step('shares/share-update', 'PUT', '/v2/shares/%(share_id)s',
         {'share': {'display_description': 'Storage team share'}}),
    Step('shares/share-metadata-list', 'GET',
         '/v2/shares/%(share_id)s/metadata'),
    Step('shares/share-metadata-set', 'POST',
         '/v2/shares/%(share_id)s/metadata',
         {'metadata': {'owner': 'alice'}}),
    Step('shares/share-metadata-update-all', 'PUT',
         '/v2/shares/%(share_id)s/metadata',
         {'metadata': {'team': 'storage', 'tier': 'gold'}}),
    Step('shares/share-metadata-show', 'GET',
         '/v2/shares/%(share_id)s/metadata/tier'),
    Step('shares/share-metadata-delete', 'DELETE',
         '/v2/shares/%(share_id)s/metadata/tier', status=200),
    Step('shares/export-locations-list', 'GET',
         '/v2/shares/%(share_id)s/export_locations',
         capture={'export_location_id': ('export_locations', 0, 'id')}),
    Step('shares/export-location-show', 'GET',
         '/v2/shares/%(share_id)s/export_locations/%(export_location_id)s'),
    Step('shares/share-extend', 'POST', '/v2/shares/%(share_id)s/action',
         {'extend': {'new_size': 2}}, status=202,
         wait=[_share_wait('available')]),
    Step('shares/share-shrink', 'POST', '/v2/shares/%(share_id)s/action',
         {'shrink': {'new_size': 1}}, status=202,
         wait=[_share_wait('available')]),
    Step('shares/share-reset-status', 'POST',
         '/v2/shares/%(share_id)s/action',
         {'reset_status': {'status': 'available'}}, status=202),
]

_ACCESS = [
    Step('share-access-rules/share-allow-access', 'POST',
         '/v2/shares/%(share_id)s/action',
         {'allow_access': {'access_type': 'ip', 'access_to': '10.0.0.0/24',
                           'access_level': 'rw'}},
         capture={'access_id': ('access', 'id')},
         wait=[Wait('/v2/share-access-rules/%(access_id)s', 'access',
                    ('active',), field='state')]),
    Step('share-access-rules/share-access-rules-list', 'GET',
         '/v2/share-access-rules?share_id=%(share_id)s'),
    Step('share-access-rules/share-access-rule-show', 'GET',
         '/v2/share-access-rules/%(access_id)s'),
    Step('share-access-rules/share-access-list-legacy', 'POST',
         '/v2/shares/%(share_id)s/action', {'access_list': None},
         version='2.44'),
    Step('share-access-rules/share-deny-access', 'POST',
         '/v2/shares/%(share_id)s/action',
         {'deny_access': {'access_id': '%(access_id)s'}}, status=202,
         wait=[Wait('/v2/share-access-rules/%(access_id)s', 'access',
                    ('deleted',), field='state')]),
]

_SNAPSHOTS = [
    Step('snapshots/snapshot-create', 'POST', '/v2/snapshots',
         {'snapshot': {'share_id': '%(share_id)s', 'name': 'snap1',
                       'description': 'Before the upgrade'}},
         status=202, capture={'snapshot_id': ('snapshot', 'id')},
         wait=[_snapshot_wait('available')]),
    Step('snapshots/snapshots-list', 'GET', '/v2/snapshots'),
    Step('snapshots/snapshots-list-detail', 'GET', '/v2/snapshots/detail'),
    Step('snapshots/snapshot-show', 'GET', '/v2/snapshots/%(snapshot_id)s'),
    Step('snapshots/snapshot-update', 'PUT', '/v2/snapshots/%(snapshot_id)s',
         {'snapshot': {'display_description': 'Before the 2.0 upgrade'}}),
    Step('snapshots/snapshot-reset-status', 'POST',
         '/v2/snapshots/%(snapshot_id)s/action',
         {'reset_status': {'status': 'available'}}, status=202),
]

_REVERT = [
    Step('shares/share-revert', 'POST', '/v2/shares/%(share_id)s/action',
         {'revert': {'snapshot_id': '%(snapshot_id)s'}}, status=202,
         wait=[_share_wait('available'), _snapshot_wait('available')]),
]

_MESSAGES = [
    Step('messages/messages-list', 'GET',
         '/v2/messages?resource_id=%(share_id)s',
         capture={'message_id': ('messages', 0, 'id')}),
    Step('messages/message-show', 'GET', '/v2/messages/%(message_id)s'),
    Step('messages/message-delete', 'DELETE', '/v2/messages/%(message_id)s',
         status=204),
]

_SNAPSHOT_DELETE = [
    Step('snapshots/snapshot-delete', 'DELETE',
         '/v2/snapshots/%(snapshot_id)s', status=202,
         wait=[_snapshot_wait('deleted')]),
]


def _backup(name, method, path, body=None, **kw):
    return Step('share-backups/' + name, method, path, body,
                experimental=True, **kw)


_BACKUPS = [
    _backup('share-backup-create', 'POST', '/v2/share-backups',
            {'share_backup': {'share_id': '%(share_id)s',
                              'name': 'nightly',
                              'description': 'Nightly backup'}},
            status=202, capture={'backup_id': ('share_backup', 'id')},
            wait=[_backup_wait('available'), _share_wait('available')]),
    _backup('share-backups-list', 'GET',
            '/v2/share-backups?share_id=%(share_id)s'),
    _backup('share-backups-list-detail', 'GET',
            '/v2/share-backups/detail?share_id=%(share_id)s'),
    _backup('share-backup-show', 'GET', '/v2/share-backups/%(backup_id)s'),
    _backup('share-backup-update', 'PUT', '/v2/share-backups/%(backup_id)s',
            {'share_backup': {'name': 'nightly-monday',
                              'description': 'Before the upgrade'}}),
    _backup('share-backup-restore', 'POST',
            '/v2/share-backups/%(backup_id)s/action',
            {'restore': {'target_share_id': '%(share_id)s'}}, status=202,
            wait=[_backup_wait('available'), _share_wait('available')]),
    _backup('share-backup-reset-status', 'POST',
            '/v2/share-backups/%(backup_id)s/action',
            {'reset_status': {'status': 'available'}}, status=202),
    _backup('share-backup-delete', 'DELETE',
            '/v2/share-backups/%(backup_id)s', status=202,
            wait=[_backup_wait('deleted')]),
]

_QUOTAS = [
    Step('quotas/quota-set-show', 'GET', '/v2/quota-sets/%(project_id)s'),
    Step('quotas/quota-set-defaults', 'GET',
         '/v2/quota-sets/%(project_id)s/defaults'),
    Step('quotas/quota-set-detail', 'GET',
         '/v2/quota-sets/%(project_id)s/detail'),
    Step('quotas/quota-set-update', 'PUT', '/v2/quota-sets/%(project_id)s',
         {'quota_set': {'shares': 20, 'gigabytes': 500, 'backups': 40}}),
    Step('quotas/quota-set-delete', 'DELETE',
         '/v2/quota-sets/%(project_id)s', status=202),
    Step('quotas/quota-class-set-show', 'GET', '/v2/quota-class-sets/default'),
    Step('quotas/quota-class-set-update', 'PUT',
         '/v2/quota-class-sets/default',
         {'quota_class_set': {'backup_gigabytes': 2000}}),
    Step('limits/limits-show', 'GET', '/v2/limits'),
]

_CLEANUP = [
    Step('shares/share-delete', 'DELETE', '/v2/shares/%(share_id)s',
         status=202, wait=[_share_wait('deleted')]),
]

SCENARIO = (_VERSIONS + _INFRA + _TYPES + _SHARES + _ACCESS + _SNAPSHOTS
            + _REVERT + _MESSAGES + _SNAPSHOT_DELETE + _BACKUPS + _QUOTAS
            + _CLEANUP)


# Substitution ------------------------------------------------------------

def fill(template, bound):
    """``template`` (str, list, dict...) with its placeholders replaced."""
    if isinstance(template, str):
        return _PLACEHOLDER.sub(lambda m: str(bound[m.group(1)]), template)
    if isinstance(template, list):
        return [fill(item, bound) for item in template]
    if isinstance(template, dict):
        return {fill(key, bound): fill(value, bound)
                for key, value in template.items()}
    return template


def templatize(value, bound, key=None):
    """A live response as a sample: known values become placeholders."""
    if isinstance(value, dict):
        return {k: templatize(v, bound, k) for k, v in value.items()}
    if isinstance(value, list):
        return [templatize(item, bound) for item in value]
    if not isinstance(value, str):
        return value
    if key and key.endswith('_at') and _TIMESTAMP.match(value):
        return '%(timestamp)s'
    # Longest first: a host name may be part of a longer value.
    for name, known in sorted(bound.items(), key=lambda kv: -len(kv[1])):
        if known:
            value = value.replace(known, '%%(%s)s' % name)
    return _UUID.sub('%(uuid)s', value)


def _pattern(name, bound):
    if name in bound:
        return re.escape(bound[name])
    if name == 'uuid':
        return UUID_RE
    if name == 'timestamp':
        return TIMESTAMP_RE
    if name.endswith('_id'):
        return '(?P<%s>%s)' % (name, UUID_RE)
    raise AssertionError('unknown placeholder %%(%s)s' % name)


def _match_string(sample, live, bound, where):
    if not isinstance(live, str):
        raise AssertionError('%s: expected a string like %r, got %r'
                             % (where, sample, live))
    parts = _PLACEHOLDER.split(sample)
    regex = ''.join(re.escape(part) if i % 2 == 0 else _pattern(part, bound)
                    for i, part in enumerate(parts))
    match = re.fullmatch(regex, live)
    if match is None:
        raise AssertionError('%s: %r does not match the sample %r'
                             % (where, live, sample))
    bound.update({k: v for k, v in match.groupdict().items()
                  if v is not None})


def compare(sample, live, bound, where='body'):
    """Raise AssertionError unless ``live`` fits ``sample``.

    Same keys (recursively), same list lengths, same types; placeholders
    match their pattern (and bind new ``*_id`` names into ``bound``);
    everything else equal.
    """
    if isinstance(sample, dict):
        if not isinstance(live, dict):
            raise AssertionError('%s: expected an object, got %r'
                                 % (where, live))
        if set(sample) != set(live):
            raise AssertionError(
                '%s: keys differ: missing %s, unexpected %s' % (
                    where, sorted(set(sample) - set(live)),
                    sorted(set(live) - set(sample))))
        for key in sample:
            compare(sample[key], live[key], bound, '%s.%s' % (where, key))
    elif isinstance(sample, list):
        if not isinstance(live, list) or len(live) != len(sample):
            raise AssertionError('%s: expected a list of %d, got %r'
                                 % (where, len(sample), live))
        for index, (item, got) in enumerate(zip(sample, live)):
            compare(item, got, bound, '%s[%d]' % (where, index))
    elif isinstance(sample, str) and _PLACEHOLDER.search(sample):
        _match_string(sample, live, bound, where)
    elif type(sample) is not type(live) or sample != live:
        raise AssertionError('%s: expected %r, got %r' % (where, sample,
                                                          live))


# Running -----------------------------------------------------------------

def deployment_values(deployment):
    """The placeholders known before the first call."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(deployment.config_file)
    topic = parser['DEFAULT']['share_topic'].rsplit('-', 1)[1]
    return {
        'host': deployment.host,
        'host_url': 'http://127.0.0.1:%d' % deployment.port,
        'workdir': deployment.workdir,
        'topic': topic,
        'project_id': PROJECT_ID,
        'user_id': USER_ID,
    }


def dig(body, path):
    for key in path:
        body = body[key]
    return body


class Runner:
    """Sends the scenario's calls to a deployment."""

    def __init__(self, deployment):
        self.base = 'http://127.0.0.1:%d' % deployment.port

    @staticmethod
    def headers(version, experimental, auth=True):
        headers = {'X-OpenStack-Manila-API-Version': version,
                   'Accept': 'application/json'}
        if experimental:
            headers['X-OpenStack-Manila-API-Experimental'] = 'True'
        if auth:
            headers['X-Auth-Token'] = '%s:%s' % (USER_ID, PROJECT_ID)
        return headers

    def send(self, step, body, bound):
        """Send ``step`` with ``body`` (already filled); the response."""
        resp = requests.request(
            step.method, self.base + fill(step.path, bound),
            data=None if body is None else json.dumps(body),
            headers=dict(self.headers(step.version, step.experimental,
                                      step.auth),
                         **({'Content-Type': 'application/json'}
                            if body is not None else {})),
            timeout=60)
        if resp.status_code != step.status:
            raise AssertionError('%s: %s %s answered %s, expected %s: %s' % (
                step.name, step.method, fill(step.path, bound),
                resp.status_code, step.status, resp.text[:2000]))
        return resp

    def wait(self, wait, bound, timeout=120):
        path = self.base + fill(wait.path, bound)
        headers = self.headers(wait.version, wait.experimental)

        def done():
            resp = requests.get(path, headers=headers, timeout=30)
            if resp.status_code == 404 and 'deleted' in wait.values:
                return True
            if resp.status_code != 200:
                raise AssertionError('GET %s: %s %s' % (
                    path, resp.status_code, resp.text[:500]))
            value = resp.json()[wait.key][wait.field]
            if value.startswith('error'):
                raise AssertionError('%s went %s' % (path, value))
            return value in wait.values

        ffx.wait_for(done, timeout, interval=0.2,
                     what='%s %s in %s' % (path, wait.field, wait.values))

    def wait_ready(self):
        """Until the share service reported its pool and default type."""
        headers = self.headers(LATEST, False)

        def ready():
            pools = requests.get(self.base + '/v2/scheduler-stats/pools',
                                 headers=headers, timeout=30).json()
            types = requests.get(self.base + '/v2/types/default',
                                 headers=headers, timeout=30)
            return pools.get('pools') and types.status_code == 200

        ffx.wait_for(ready, 120, interval=0.5, what='the share service')
        # Let the first service reports land: services list its state.
        time.sleep(1)


def response_json(resp):
    """The parsed body, or None for an empty one."""
    return resp.json() if resp.content else None


def load(path):
    with open(path) as f:
        return json.load(f)

"""Generated requests against every route of a live manila-bk-all.

schemathesis turns the generated OpenAPI document (``manila_bk.api.
openapi``) into hypothesis strategies: for every operation it generates
requests that fit the schemas (positive) and requests that break them
(negative: wrong types, missing keys, out-of-range values, bad path and
query values).  Path parameters are aimed at real resources most of the
time (a share, a snapshot, a backup, a private type, an access rule, a
metadata key made in setUpClass, re-made when a request destroyed them),
so requests reach the business code rather than stopping at a 404; the
microversion header is drawn from versions that matter and from broken
ones.

Invariants, checked on every response:

* no 5xx;
* an error has a Manila fault body ``{"<faultName>": {"code": N,
  "message": "..."}}`` with the fault name of its status;
* a success has an empty body or a JSON object;

and, at the end, the service log holds no traceback.

CI runs a few requests per operation with a fixed seed (about a minute);
``MANILA_BK_RELIABILITY=full`` runs thousands with a random seed
(``MANILA_BK_RELIABILITY_SEED`` replays one, in either mode).  The part
is recorded as ``fuzz`` (report.record).
"""

import json
import os
import random
import time
import uuid
import zlib

import hypothesis
from hypothesis import strategies as st
import requests
import schemathesis
from schemathesis.core import result as st_result
from schemathesis import GenerationMode
import testtools

from manila_bk.api import openapi
from manila_bk import exception
from manila_bk.tests.functional import fixtures as ffx
from manila_bk.tests.functional.reliability import report

# Examples per operation and generation mode (short, full).
EXAMPLES = report.trials(2, 12)
# Seconds after which a short run sends one example per operation and mode
# (a loaded CI machine); every route is still covered.
SHORT_BUDGET = 75
# The harness's seed variable (tools/reliability.py, invariants.py).
SEED_VAR = 'MANILA_BK_RELIABILITY_SEED'
VERSIONS = ('2.0', '2.6', '2.7', '2.9', '2.22', '2.27', '2.32', '2.37',
            '2.45', '2.69', '2.73', '2.80', '2.82', '2.91', 'latest')
BAD_VERSIONS = ('2', '', '3.0', '1.0', '2.999', '2.05', 'x.y', '2.91 ')
PROJECT = uuid.uuid4().hex
# noauth without a token: the admin of this project (made the seeds).
ADMIN_PROJECT = 'admin'
# Valid values of body fields the generator would rarely hit.
BODY_VALUES = {
    'share_proto': ['NFS', 'CIFS', 'nfs'], 'size': [1, 2, '1'],
    'new_size': [1, 2, 3], 'share_type': ['default'],
    'access_type': ['ip', 'user'],
    'access_to': ['10.0.0.1', '192.168.7.0/24'],
    'access_level': ['rw', 'ro'], 'status': ['available', 'error'],
    'project': [uuid.uuid4().hex], 'is_public': [True, False, 'true'],
    'force': [False, True], 'task_state': [None],
}
# Strings no schema forbids that have broken services: path tricks,
# shell syntax, NUL, lone surrogates, control and bidi characters, and
# lengths at and past the limits.
HOSTILE = ('../../../etc/passwd', '..', '/', 'a/b', '\\', '$(id)',
           '`id`', 'a;b', 'a|b', '\x00', 'a\x00b', '\ud800', 'x\udfff',
           '\n', '\r\nX-Injected: 1', '\u202e', '\x7f\x01', '%s%n',
           '%(path)s', '{0}', ' ', '', 'é' * 255, 'x' * 256, '🙂' * 300,
           '-1', '1e308', 'null', 'NaN')


# Strings a database or a codec may choke on: half the hostile picks.
BREAKERS = ('\x00', 'a\x00b', '\ud800', 'x\udfff', '\udbff\udc00\ud800',
            'é' * 256, '\uffff', '\U0010ffff')
FREE_TEXT = ('name', 'description', 'display_name', 'display_description',
             'disabled_reason', 'lock_reason')


def _objects(value, depth=0):
    """Every JSON object in ``value`` (a few levels deep)."""
    if depth > 3:
        return
    if isinstance(value, dict):
        yield value
        items = value.values()
    elif isinstance(value, list):
        items = value
    else:
        return
    for item in items:
        yield from _objects(item, depth + 1)


def _string_holders(value, depth=0):
    """(container, key) of every string (and key position) in ``value``."""
    if depth > 4:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                yield value, key
            else:
                yield from _string_holders(item, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str):
                yield value, index
            else:
                yield from _string_holders(item, depth + 1)


# Order: reads first, destruction last, so most requests find the
# resources they aim at.
METHOD_ORDER = {'get': 0, 'put': 1, 'post': 2, 'delete': 3}


MAX_VERSION = VERSIONS[-2]


def _version(text):
    major, minor = text.split('.')
    return int(major), int(minor)


def content_type(response):
    """The Content-Type of a requests or schemathesis response."""
    headers = response.headers
    value = headers.get('content-type') or headers.get('Content-Type') or ''
    return value[0] if isinstance(value, list) else value


def json_body(response):
    """The decoded JSON body; ValueError when it is not JSON."""
    return json.loads(response.content.decode('utf-8'))


def _fault_problem(response):
    """Why ``response`` (an error) is not a Manila fault, or None."""
    status = response.status_code
    if not content_type(response).startswith('application/json'):
        return 'content type %r' % content_type(response)
    try:
        body = json_body(response)
    except ValueError:
        return 'body is not JSON'
    name = exception.fault_name(status)
    if not isinstance(body, dict) or list(body) != [name]:
        return 'body keys %r, expected [%r]' % (
            list(body) if isinstance(body, dict) else body, name)
    fault = body[name]
    if not isinstance(fault, dict) or fault.get('code') != status:
        return 'fault code %r, expected %d' % (
            fault.get('code') if isinstance(fault, dict) else fault, status)
    message = fault.get('message')
    if not isinstance(message, str) or not message.strip():
        return 'fault message %r' % (message,)
    return None


def problem_of(response):
    """The invariant ``response`` breaks, or None."""
    status = response.status_code
    if status >= 500:
        return '5xx'
    if status >= 400:
        return _fault_problem(response)
    if response.content:
        try:
            body = json_body(response)
        except ValueError:
            return 'success body is not JSON'
        if not isinstance(body, dict):
            return 'success body is not an object'
    return None


class Seeds:
    """The real resources the fuzzer aims path parameters at."""

    def __init__(self, http):
        self.http = http
        self.ids = {}

    def _exists(self, path):
        return self.http.call('GET', path).status_code == 200

    def ensure(self):
        """(Re)make what the last requests destroyed; never fails."""
        try:
            self._ensure()
        except (AssertionError, requests.RequestException, KeyError):
            pass

    def _ensure(self):
        call = self.http.call
        ids = self.ids
        # The fuzzer may have set the seeds' project quotas to 0.
        call('DELETE', '/quota-sets/%s' % ADMIN_PROJECT)
        if 'type' not in ids or not self._exists('/types/%s' % ids['type']):
            body = {'share_type': {
                'name': 'fuzz-%s' % uuid.uuid4().hex[:8],
                'share_type_access:is_public': False,
                'extra_specs': {'driver_handles_share_servers': False,
                                'snapshot_support': True}}}
            ids['type'] = call('POST', '/types', body, expect=200).json()[
                'share_type']['id']
        if 'share' not in ids or not self._share_usable():
            self._new_share()
        # The backup first: a share with snapshots cannot be backed up.
        if 'backup' not in ids or not self._exists(
                '/share-backups/%s' % ids['backup']):
            backup = call('POST', '/share-backups', {'share_backup': {
                'share_id': ids['share']}}, expect=202).json()[
                'share_backup']
            ids['backup'] = backup['id']
            self.http.wait('/share-backups/%s' % backup['id'],
                           'share_backup', ('available', 'error'))
        if 'snapshot' not in ids or not self._exists(
                '/snapshots/%s' % ids['snapshot']):
            snap = call('POST', '/snapshots', {'snapshot': {
                'share_id': ids['share']}}, expect=202).json()['snapshot']
            ids['snapshot'] = snap['id']
            self.http.wait('/snapshots/%s' % snap['id'], 'snapshot',
                           ('available', 'error'))

    def _share_usable(self):
        resp = self.http.call('GET', '/shares/%s' % self.ids['share'])
        return resp.status_code == 200 and resp.json()['share'][
            'status'] == 'available'

    def _new_share(self):
        call = self.http.call
        share = call('POST', '/shares', {'share': {
            'share_proto': 'NFS', 'size': 1, 'share_type': 'default',
            'metadata': {'fuzz-key': 'v'}}}, expect=200).json()['share']
        self.ids['share'] = share['id']
        self.http.wait('/shares/%s' % share['id'], 'share', ('available',))
        rule = call('POST', '/shares/%s/action' % share['id'], {
            'allow_access': {'access_type': 'ip', 'access_to': '10.9.8.7'}},
            expect=200).json()['access']
        self.ids['access'] = rule['id']
        locations = call('GET', '/shares/%s/export_locations'
                         % share['id'], expect=200).json()[
            'export_locations']
        if locations:
            self.ids['export_location'] = locations[0]['id']
        self.ids.pop('snapshot', None)
        self.ids.pop('backup', None)

    def body_values(self, key):
        """Valid values of body field ``key`` (empty: leave it alone)."""
        ids = {'share_id': 'share', 'snapshot_id': 'snapshot',
               'access_id': 'access', 'target_share_id': 'share'}
        if key in ids:
            return [self.ids[ids[key]]] if ids[key] in self.ids else []
        return BODY_VALUES.get(key, [])

    def values(self, name):
        """Real values a path parameter ``name`` may take."""
        by_name = {
            'share_id': ('share',), 'snapshot_id': ('snapshot',),
            'backup_id': ('backup',), 'type_id': ('type',),
            'access_id': ('access',),
            'export_location_id': ('export_location',),
        }
        fixed = {'project_id': [ADMIN_PROJECT, PROJECT],
                 'target_project_id': [PROJECT, ADMIN_PROJECT],
                 'class_name': ['default'], 'action': ['enable', 'disable'],
                 'key': ['fuzz-key', 'driver_handles_share_servers',
                         'snapshot_support']}
        if name in fixed:
            return fixed[name]
        return [self.ids[kind] for kind in by_name.get(name, ())
                if kind in self.ids]


class Fuzzer:
    """Runs the generated requests and keeps the count of what broke."""

    def __init__(self, deployment, seeds, seed):
        self.base_url = 'http://127.0.0.1:%d' % deployment.port
        self.seeds = seeds
        self.seed = seed
        self.sent = 0
        self.unsendable = 0
        self.checked = 0
        self.failures = []
        self.statuses = {}
        self.breakers_refused = 0

    def operations(self, document):
        loaded = schemathesis.openapi.from_dict(document)
        ops = [r.ok() for r in loaded.get_all_operations()
               if isinstance(r, st_result.Ok)]
        return sorted(ops, key=lambda op: (
            METHOD_ORDER.get(op.method.lower(), 9), op.path))

    def _headers(self, operation, data):
        """Headers: mostly a version the operation exists in."""
        gate = operation.definition.raw.get('x-openstack-microversion')
        inside = [v for v in VERSIONS if gate is None or v == 'latest' and
                  gate['max'] == MAX_VERSION or v != 'latest' and
                  _version(gate['min']) <= _version(v) <= _version(
                      gate['max'])]
        pick = data.draw(st.integers(0, 9))
        version = data.draw(st.sampled_from(
            inside if inside and pick < 8 else
            VERSIONS if pick < 9 else BAD_VERSIONS))
        headers = {'X-OpenStack-Manila-API-Version': version,
                   'X-OpenStack-Manila-API-Experimental': 'True'}
        # Hypothesis tries small draws first: 0 means the usual request.
        if data.draw(st.integers(0, 4)) == 4:
            # A member of the fuzz project rather than the admin.
            headers['X-Auth-Token'] = 'fuzzer:%s' % PROJECT
            headers['X-Roles'] = 'member,reader'
        return headers

    def _aim(self, case, data):
        for name in list(case.path_parameters or {}):
            real = self.seeds.values(name)
            if real and data.draw(st.integers(0, 9)) < 8:
                case.path_parameters[name] = data.draw(st.sampled_from(real))
        if isinstance(case.body, dict):
            self._aim_body(case.body, data, depth=0)
        if data.draw(st.integers(0, 2)) == 2:
            self._hostile(case, data)

    def _hostile(self, case, data):
        """Put a hostile string in a path parameter or the body.

        In the body it replaces a string, becomes a key, or fills a free
        text field (name, description...) of one of its objects: the
        generated bodies are often minimal, with no string to replace.
        """
        hostile = data.draw(st.sampled_from(
            BREAKERS if data.draw(st.booleans()) else HOSTILE))
        params = list(case.path_parameters or {})
        holders = list(_string_holders(case.body))
        objects = list(_objects(case.body))
        where = [name for name, present in (
            ('path', params), ('leaf', holders), ('key', objects),
            ('field', objects), ('field', objects)) if present]
        if not where:
            return
        choice = data.draw(st.sampled_from(where))
        if choice == 'path':
            case.path_parameters[data.draw(st.sampled_from(params))] = \
                hostile
        elif choice == 'leaf':
            holder, key = data.draw(st.sampled_from(holders))
            holder[key] = hostile
        elif choice == 'key':
            data.draw(st.sampled_from(objects))[hostile] = 'v'
        else:
            target = data.draw(st.sampled_from(objects))
            target[data.draw(st.sampled_from(FREE_TEXT))] = hostile

    def _aim_body(self, body, data, depth):
        """Give some known fields valid values, to get past the first check."""
        for key, value in list(body.items()):
            if isinstance(value, dict) and depth < 3:
                self._aim_body(value, data, depth + 1)
                continue
            real = self.seeds.body_values(key)
            if real and data.draw(st.integers(0, 9)) < 7:
                body[key] = data.draw(st.sampled_from(real))

    def send(self, case, headers):
        try:
            response = case.call(base_url=self.base_url, headers=headers,
                                 timeout=60)
        except (requests.exceptions.InvalidHeader,
                requests.exceptions.InvalidURL, UnicodeError,
                ValueError) as exc:
            # requests refuses to send it (e.g. a header with a newline).
            del exc
            self.unsendable += 1
            return
        self.sent += 1
        self.checked += 1
        self.statuses[response.status_code] = self.statuses.get(
            response.status_code, 0) + 1
        if b'surrogate' in response.content or b'NUL' in response.content:
            self.breakers_refused += 1
        problem = problem_of(response)
        if problem:
            self.failures.append({
                'problem': problem, 'method': case.method,
                'path': response.request.path_url[:300],
                'status': response.status_code,
                'headers': headers,
                'body': (response.request.body or b'')[:2000],
                'response': response.content[:300]})

    def run(self, operation, mode, examples=EXAMPLES):
        strategy = operation.as_strategy(generation_mode=mode)

        @hypothesis.settings(
            max_examples=examples, deadline=None, database=None,
            phases=[hypothesis.Phase.generate],
            suppress_health_check=list(hypothesis.HealthCheck),
            derandomize=False)
        # One seed per operation and mode: the same seed everywhere would
        # make the same choices for every operation.
        @hypothesis.seed(self.seed ^ zlib.crc32(('%s %s %s' % (
            operation.method, operation.path, mode)).encode()))
        @hypothesis.given(data=st.data())
        def one(data):
            case = data.draw(strategy)
            self._aim(case, data)
            self.send(case, self._headers(operation, data))

        one()


class FuzzTestCase(testtools.TestCase):
    """Every route, positive and negative requests, no 5xx, no traceback."""

    def setUp(self):
        super().setUp()
        self.deployment = ffx.Deployment('all', 'sqlite')
        self.addCleanup(self.deployment.cleanup)
        self.deployment.start()
        self.http = ffx.HTTP(self.deployment.endpoint)
        ffx.wait_for(lambda: self.http.get('/scheduler-stats/pools')[
            'pools'], 60, what='pools')
        if not any(t['name'] == 'default' for t in self.http.get(
                '/types')['share_types']):
            self.http.call('POST', '/types', {'share_type': {
                'name': 'default', 'extra_specs': {
                    'driver_handles_share_servers': False,
                    'snapshot_support': True,
                    'revert_to_snapshot_support': True,
                    'create_share_from_snapshot_support': True}}},
                expect=200)
        self.http.version = '2.91'
        self.seeds = Seeds(_ExperimentalHTTP(self.deployment.endpoint))
        self.seeds.ensure()

    def _log(self):
        path = os.path.join(self.deployment.workdir, 'manila-bk-all.log')
        with open(path, 'rb') as f:
            return f.read().decode('utf-8', 'replace')

    def test_generated_requests_get_no_5xx_and_manila_faults(self):
        seed = int(os.environ.get(SEED_VAR) or (
            random.randrange(2 ** 32) if report.full() else 20240901))
        fuzzer = Fuzzer(self.deployment, self.seeds, seed)
        operations = fuzzer.operations(openapi.document())
        start = time.monotonic()
        for operation in operations:
            self.seeds.ensure()
            late = not report.full() and \
                time.monotonic() - start > SHORT_BUDGET
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                fuzzer.run(operation, mode, 1 if late else EXAMPLES)
        elapsed = time.monotonic() - start
        log = self._log()
        tracebacks = log.count('Traceback (most recent call last)')
        invariants = fuzzer.checked + 1
        held = fuzzer.checked - len(fuzzer.failures) + (tracebacks == 0)
        report.record('fuzz', fuzzer.sent, len(fuzzer.failures) + tracebacks,
                      invariants, held, operations=len(operations),
                      seed=seed, seconds=round(elapsed, 1),
                      unsendable=fuzzer.unsendable,
                      breakers_refused=fuzzer.breakers_refused,
                      requests_per_s=round(fuzzer.sent / elapsed, 1),
                      statuses={str(k): v for k, v in
                                sorted(fuzzer.statuses.items())})
        self.addDetail('fuzz', testtools.content.text_content(json.dumps({
            'seed': seed, 'sent': fuzzer.sent, 'operations':
            len(operations), 'statuses': fuzzer.statuses})))
        self.assertGreater(fuzzer.sent, len(operations) * 2)
        problems = []
        if fuzzer.failures:
            problems.append('%d response(s) broke an invariant:\n%s' % (
                len(fuzzer.failures), '\n'.join(
                    repr(failure) for failure in fuzzer.failures[:20])))
        if tracebacks:
            index = log.index('Traceback (most recent call last)')
            problems.append('the service logged %d traceback(s):\n%s' % (
                tracebacks, log[max(0, index - 2000):index + 4000]))
        if problems:
            self.fail('seed %d (%s=%d replays it)\n%s' % (
                seed, SEED_VAR, seed, '\n\n'.join(problems)))


class _ExperimentalHTTP(ffx.HTTP):
    """ffx.HTTP with the experimental header (share backups)."""

    def headers(self, project=None, roles=None, version=None):
        headers = super().headers(project, roles, version)
        headers['X-OpenStack-Manila-API-Experimental'] = 'True'
        return headers

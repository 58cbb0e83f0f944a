"""Load: many clients against two of each service (issue #9, part "Load").

A :class:`~.cluster.Cluster` runs one manila-bk-api with two worker
processes, two share services and two data services (different ``host``
values, one RabbitMQ vhost and set of topics, MariaDB, tooz locks on
Redis).  ``CLIENTS`` threads, each with its own ``requests.Session`` and
acting as the member of one of ``PROJECTS`` projects, pick one of
``SHARES`` shares at a time, list its snapshots and backups and then
create, delete, restore or revert, take a snapshot, rename, extend or
shrink, or create and delete a share of their own, for ``SECONDS``
seconds.  Then, once the load stopped:

- no request got a 5xx (or no answer), and every refusal is one Manila
  gives (400, 403, 404, 409, 413);
- every share, snapshot, backup and access rule leaves its transitional
  status within ``SETTLE`` seconds, and none ends in an error status;
- quota usage of every project equals a recount of what exists (shares,
  gigabytes, snapshots, snapshot_gigabytes, backups, backup_gigabytes) and
  stays within the limits (one project has a tight backup limit, so
  concurrent creations race for its last units);
- both data services made backups (their ``host``), both share services
  hold shares that were snapshotted, both API workers served requests;
- each share service's root holds exactly the live shares placed on it
  and their live snapshots; the backup target holds exactly the live
  backups (no partial or half-deleted tree);
- no data-node access rule is left on any share, nothing is left mounted.

Short mode (CI): fewer clients for about 20 s; full mode
(``MANILA_BK_RELIABILITY=full``): 50 clients, 20 shares, 120 s.  The
figures (requests/s, p95 latency) go to the reliability report.
"""

import collections
import os
import random
import threading
import time

import requests
import sqlalchemy as sa
import testtools
from testtools import content

from manila_bk.common import states
from manila_bk.tests.functional import fixtures as ffx
from manila_bk.tests.functional.reliability import cluster as cluster_mod
from manila_bk.tests.functional.reliability import report

CLIENTS = report.trials(12, 50)
SECONDS = report.trials(20, 120)
SHARES = 20
PROJECTS = 4
SETTLE = 120
FILES_PER_SHARE = 16
FILE_SIZE = 64 * 1024
# The first project keeps a tight backup limit; the others get room.
TIGHT_BACKUPS = 6
ROOMY = {'backups': 200, 'snapshots': 200, 'shares': 100}
VERSION = '2.91'
OK = {200, 202}
REFUSALS = {400, 403, 404, 409, 413}
QUOTA_RESOURCES = ('shares', 'gigabytes', 'snapshots', 'snapshot_gigabytes',
                   'backups', 'backup_gigabytes')
ACCESS_BUSY = (states.ACCESS_STATE_QUEUED_TO_APPLY,
               states.ACCESS_STATE_APPLYING,
               states.ACCESS_STATE_QUEUED_TO_DENY,
               states.ACCESS_STATE_DENYING)
ERROR_STATUSES = {states.STATUS_ERROR, states.STATUS_ERROR_DELETING,
                  states.STATUS_EXTENDING_ERROR, states.STATUS_SHRINKING_ERROR,
                  states.STATUS_SHRINKING_POSSIBLE_DATA_LOSS_ERROR,
                  states.STATUS_REVERTING_ERROR,
                  states.STATUS_BACKUP_RESTORING_ERROR}
MAX_SIZE = 3

Call = collections.namedtuple('Call', 'op method path code seconds error')


class Client:
    """One load client: a session, a project and a random generator."""

    def __init__(self, endpoint, project, seed, calls, lock):
        self.endpoint = endpoint
        self.project = project
        self.rng = random.Random(seed)
        self.session = requests.Session()
        self.session.headers.update({
            'X-OpenStack-Manila-API-Version': VERSION,
            'X-OpenStack-Manila-API-Experimental': 'True',
            'X-Auth-Token': 'load-user:%s' % project,
            'X-Roles': 'member'})
        self.calls = calls
        self.lock = lock
        self.own_shares = []

    def call(self, op, method, path, body=None):
        started = time.monotonic()
        try:
            resp = self.session.request(method, self.endpoint + path,
                                        json=body, timeout=60)
            code, error = resp.status_code, None
        except requests.RequestException as exc:
            resp, code, error = None, 0, repr(exc)
        call = Call(op, method, path, code, time.monotonic() - started,
                    error)
        with self.lock:
            self.calls.append(call)
        if code == 200 and resp.content:
            try:
                return code, resp.json()
            except ValueError:
                pass
        return code, None

    # One step: look at a share, then act on it ---------------------------

    def step(self, share_ids):
        if self.rng.random() < 0.05:
            return self._own_share()
        share_id = self.rng.choice(share_ids)
        code, body = self.call('list_snapshots', 'GET',
                               '/snapshots/detail?share_id=%s' % share_id)
        snapshots = (body or {}).get('snapshots', [])
        code, body = self.call('list_backups', 'GET',
                               '/share-backups/detail?share_id=%s'
                               % share_id)
        backups = (body or {}).get('share_backups', [])
        if snapshots:
            return self._with_snapshots(share_id, snapshots)
        return self._without_snapshots(share_id, share_ids, backups)

    def _with_snapshots(self, share_id, snapshots):
        roll = self.rng.random()
        if roll < 0.45:
            snap = self.rng.choice(snapshots)
            return self.call('delete_snapshot', 'DELETE',
                             '/snapshots/%s' % snap['id'])
        if roll < 0.65:
            latest = max(snapshots, key=lambda s: s['created_at'])
            return self.call('revert', 'POST', '/shares/%s/action'
                             % share_id,
                             {'revert': {'snapshot_id': latest['id']}})
        if roll < 0.8:
            return self._snapshot(share_id)
        if roll < 0.9:
            snap = self.rng.choice(snapshots)
            return self.call('update_snapshot', 'PUT', '/snapshots/%s'
                             % snap['id'], {'snapshot': {
                                 'display_name': 'renamed'}})
        return self.call('show_share', 'GET', '/shares/%s' % share_id)

    def _without_snapshots(self, share_id, share_ids, backups):
        roll = self.rng.random()
        usable = [b for b in backups if b['status'] == 'available']
        if roll < 0.3:
            return self.call('create_backup', 'POST', '/share-backups', {
                'share_backup': {'share_id': share_id, 'name': 'load'}})
        if roll < 0.5 and usable:
            return self._restore(share_id, share_ids, self.rng.choice(usable))
        if roll < 0.7 and backups:
            backup = self.rng.choice(backups)
            return self.call('delete_backup', 'DELETE',
                             '/share-backups/%s' % backup['id'])
        if roll < 0.8 and backups:
            backup = self.rng.choice(backups)
            return self.call('update_backup', 'PUT', '/share-backups/%s'
                             % backup['id'], {'share_backup': {
                                 'name': 'renamed'}})
        if roll < 0.9:
            return self._snapshot(share_id)
        return self._resize(share_id)

    def _snapshot(self, share_id):
        return self.call('create_snapshot', 'POST', '/snapshots',
                         {'snapshot': {'share_id': share_id}})

    def _restore(self, share_id, share_ids, backup):
        target = None
        if self.rng.random() < 0.3:
            target = self.rng.choice(share_ids)
        return self.call('restore_backup', 'POST', '/share-backups/%s/action'
                         % backup['id'], {'restore': target})

    def _resize(self, share_id):
        code, body = self.call('show_share', 'GET', '/shares/%s' % share_id)
        size = ((body or {}).get('share') or {}).get('size') or 1
        if size < MAX_SIZE and self.rng.random() < 0.6:
            return self.call('extend', 'POST', '/shares/%s/action'
                             % share_id, {'extend': {'new_size': size + 1}})
        return self.call('shrink', 'POST', '/shares/%s/action' % share_id,
                         {'shrink': {'new_size': max(size - 1, 1)}})

    def _own_share(self):
        """Create a share of one's own, or delete one made before."""
        if self.own_shares and self.rng.random() < 0.6:
            share_id = self.own_shares[-1]
            code, _body = self.call('delete_share', 'DELETE',
                                    '/shares/%s' % share_id)
            if code in (202, 404):
                self.own_shares.pop()
            return code, None
        code, body = self.call('create_share', 'POST', '/shares', {
            'share': {'share_proto': 'NFS', 'size': 1,
                      'share_type': 'default', 'name': 'load-own'}})
        if code == 200:
            self.own_shares.append(body['share']['id'])
        return code, body

    def run(self, share_ids, stop):
        while not stop.is_set():
            self.step(share_ids)


def p95(values):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def summarize(calls):
    """One line per operation and answer: count and p95 latency."""
    groups = collections.defaultdict(list)
    for call in calls:
        groups['%s %s' % (call.op, call.code)].append(call.seconds)
    return '\n'.join(
        '%s: %d, p95 %.0f ms' % (key, len(values), p95(values) * 1000.0)
        for key, values in sorted(groups.items()))


class Checks:
    """Counts invariant checks for the report; collects what failed."""

    def __init__(self):
        self.checked = 0
        self.failures = []

    def check(self, ok, what):
        self.checked += 1
        if not ok:
            self.failures.append(what)
        return ok

    @property
    def held(self):
        return self.checked - len(self.failures)


class LoadTestCase(testtools.TestCase):
    """CLIENTS clients on SHARES shares against two of each service."""

    def setUp(self):
        super().setUp()
        self.cluster = cluster_mod.Cluster(share_hosts=2, data_hosts=2,
                                           api_workers=2)
        self.addCleanup(self.cluster.cleanup)
        self.addCleanup(self._attach_logs)
        self.cluster.start()
        self.engine = sa.create_engine(self.cluster.db.url)
        self.addCleanup(self.engine.dispose)
        self.admin = requests.Session()
        self.admin.headers.update({
            'X-OpenStack-Manila-API-Version': VERSION,
            'X-OpenStack-Manila-API-Experimental': 'True'})
        self.projects = ['load-%d-%s' % (i, self.cluster.tag)
                         for i in range(PROJECTS)]

    def _attach_logs(self):
        for name in self.cluster.names:
            self.addDetail('%s.log' % name,
                           content.text_content(self.cluster.log(name)))

    def admin_call(self, method, path, body=None, expect=(200, 202)):
        resp = self.admin.request(method, self.cluster.endpoint + path,
                                  json=body, timeout=60)
        self.assertIn(resp.status_code, expect, '%s %s: %s' % (
            method, path, resp.text[:1000]))
        return resp.json() if resp.content else None

    # Set-up -------------------------------------------------------------

    def prepare(self):
        """The share type, quotas and SHARES shares with a few files."""
        self.admin_call('POST', '/types', {'share_type': {
            'name': 'default', 'extra_specs': {
                'driver_handles_share_servers': False,
                'snapshot_support': True,
                'revert_to_snapshot_support': True}}})
        for index, project in enumerate(self.projects):
            limits = dict(ROOMY)
            if index == 0:
                limits['backups'] = TIGHT_BACKUPS
            self.admin_call('PUT', '/quota-sets/%s' % project,
                            {'quota_set': limits})
        shares = []
        for index in range(SHARES):
            project = self.projects[index % PROJECTS]
            body = self._member_create(project, 'load-%d' % index)
            shares.append((body['share']['id'], project))
        for share_id, project in shares:
            self._fill(share_id)
        return shares

    def _member_create(self, project, name):
        resp = requests.post(
            self.cluster.endpoint + '/shares',
            json={'share': {'share_proto': 'NFS', 'size': 1,
                            'share_type': 'default', 'name': name}},
            headers={'X-OpenStack-Manila-API-Version': VERSION,
                     'X-Auth-Token': 'load-user:%s' % project,
                     'X-Roles': 'member'}, timeout=60)
        self.assertEqual(200, resp.status_code, resp.text)
        return resp.json()

    def _fill(self, share_id):
        def ready():
            share = self.admin_call('GET', '/shares/%s' % share_id)['share']
            self.assertNotEqual('error', share['status'])
            return share['status'] == 'available'

        ffx.wait_for(ready, 60, interval=0.3, what='share %s' % share_id)
        locations = self.admin_call('GET', '/shares/%s/export_locations'
                                    % share_id)['export_locations']
        path = locations[0]['path'].split(':', 1)[1]
        for number in range(FILES_PER_SHARE):
            with open(os.path.join(path, 'file-%02d' % number), 'wb') as f:
                f.write(os.urandom(FILE_SIZE))

    # The load -------------------------------------------------------------

    def run_load(self, shares):
        calls, lock, stop = [], threading.Lock(), threading.Event()
        by_project = collections.defaultdict(list)
        for share_id, project in shares:
            by_project[project].append(share_id)
        threads = []
        for number in range(CLIENTS):
            project = self.projects[number % PROJECTS]
            client = Client(self.cluster.endpoint, project, number, calls,
                            lock)
            thread = threading.Thread(target=client.run,
                                      args=(by_project[project], stop),
                                      name='load-client-%d' % number,
                                      daemon=True)
            threads.append(thread)
        started = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(SECONDS)
        stop.set()
        for thread in threads:
            thread.join(90)
        elapsed = time.monotonic() - started
        self.assertFalse([t.name for t in threads if t.is_alive()],
                         'load clients still running')
        return calls, elapsed

    # After the load -------------------------------------------------------

    def query(self, statement, **params):
        with self.engine.connect() as conn:
            return conn.execute(sa.text(statement), params).fetchall()

    def busy_records(self):
        """'<table> <id> <status>' of every record still in transition."""
        busy = []
        for table, column, statuses in (
                ('shares', 'status', states.SHARE_TRANSITIONAL),
                ('share_snapshots', 'status', states.SNAPSHOT_TRANSITIONAL),
                ('share_backups', 'status', states.BACKUP_TRANSITIONAL),
                ('share_access_rules', 'state', ACCESS_BUSY)):
            rows = self.query("SELECT id, %s FROM %s WHERE deleted = "
                              "'False'" % (column, table))
            busy += ['%s %s %s' % (table, row[0], row[1]) for row in rows
                     if row[1] in statuses]
        return busy

    def wait_settled(self):
        deadline = time.monotonic() + SETTLE
        busy = self.busy_records()
        while busy and time.monotonic() < deadline:
            time.sleep(1)
            busy = self.busy_records()
        return busy

    def recount(self, project):
        counted = {}
        for table, count, gigabytes in (
                ('shares', 'shares', 'gigabytes'),
                ('share_snapshots', 'snapshots', 'snapshot_gigabytes'),
                ('share_backups', 'backups', 'backup_gigabytes')):
            row = self.query(
                "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM %s WHERE "
                "deleted = 'False' AND project_id = :project" % table,
                project=project)[0]
            counted[count], counted[gigabytes] = int(row[0]), int(row[1])
        return counted

    def usages(self, project):
        rows = self.query(
            "SELECT resource, in_use FROM quota_usages WHERE deleted = "
            "'False' AND project_id = :project", project=project)
        used = {resource: 0 for resource in QUOTA_RESOURCES}
        used.update({row[0]: int(row[1]) for row in rows
                     if row[0] in used})
        return used

    def check_quotas(self, checks):
        for index, project in enumerate(self.projects):
            used, counted = self.usages(project), self.recount(project)
            checks.check(used == counted, 'project %s: quota usage %s, '
                         'recount %s' % (project, used, counted))
            limit = TIGHT_BACKUPS if index == 0 else ROOMY['backups']
            checks.check(used['backups'] <= limit, 'project %s: %s backups '
                         'over the limit %s' % (project, used['backups'],
                                                limit))

    def check_spread(self, checks):
        data_hosts = {row[0] for row in self.query(
            'SELECT DISTINCT host FROM share_backups WHERE host IS NOT '
            'NULL')}
        wanted = {self.cluster.service_host(n)
                  for n in self.cluster.data_names}
        checks.check(data_hosts == wanted, 'backups made by %s, not by '
                     'each of %s' % (sorted(data_hosts), sorted(wanted)))
        share_hosts = {row[0] for row in self.query(
            'SELECT DISTINCT s.host FROM share_snapshots n JOIN shares s '
            'ON s.id = n.share_id')}
        wanted = {self.cluster.pool_name(n)
                  for n in self.cluster.share_names}
        checks.check(share_hosts == wanted, 'snapshots taken on %s, not on '
                     'each of %s' % (sorted(share_hosts), sorted(wanted)))
        self.placed = dict(self.query(
            'SELECT host, COUNT(*) FROM shares GROUP BY host'))
        self.made = dict(self.query(
            'SELECT host, COUNT(*) FROM share_backups GROUP BY host'))
        pids = self.cluster.api_worker_pids()
        checks.check(len(pids) >= 2, 'requests served by API worker '
                     'processes %s only' % sorted(pids))

    def check_disk(self, checks):
        """Back ends hold exactly the live shares and snapshots.

        The backup target holds exactly the live backups, with no debris.
        """
        for name in self.cluster.share_names:
            root = self.cluster.share_root_of(name)
            shares = {row[0] for row in self.query(
                "SELECT id FROM shares WHERE deleted = 'False' AND host = "
                ":host", host=self.cluster.pool_name(name))}
            entries = os.listdir(root)
            on_disk = {entry[len('share-'):] for entry in entries
                       if entry.startswith('share-')}
            checks.check(on_disk == shares, '%s: share directories %s, '
                         'live shares %s' % (name, sorted(on_disk),
                                             sorted(shares)))
            debris = [entry for entry in entries if entry.startswith('.')
                      and entry not in ('.snapshots', '.meta', '.exports',
                                        '.exports.lock')]
            checks.check(not debris, '%s: work directories left: %s'
                         % (name, debris))
            records = {entry[len('share-'):-len('.json')] for entry in
                       os.listdir(os.path.join(root, '.meta'))}
            checks.check(records == shares, '%s: size records %s, live '
                         'shares %s' % (name, sorted(records),
                                        sorted(shares)))
            snapshots = {row[0] for row in self.query(
                "SELECT n.id FROM share_snapshots n JOIN shares s ON s.id "
                "= n.share_id WHERE n.deleted = 'False' AND s.host = :host",
                host=self.cluster.pool_name(name))}
            on_disk = {entry.replace('snapshot-', '', 1) for entry in
                       self._listdir(os.path.join(root, '.snapshots'), 2)}
            checks.check(on_disk == snapshots, '%s: snapshot directories '
                         '%s, live snapshots %s' % (name, sorted(on_disk),
                                                    sorted(snapshots)))
        backups = {row[0] for row in self.query(
            "SELECT id FROM share_backups WHERE deleted = 'False'")}
        on_disk = set(self._listdir(self.cluster.backup_target, 3))
        checks.check(on_disk == backups, 'backup target holds %s, live '
                     'backups %s' % (sorted(on_disk), sorted(backups)))

    @staticmethod
    def _listdir(top, depth):
        """Names of the entries ``depth`` levels below ``top``."""
        level = [top]
        for _step in range(depth):
            level = [os.path.join(path, entry) for path in level
                     if os.path.isdir(path)
                     for entry in sorted(os.listdir(path))]
        return [os.path.basename(path) for path in level]

    def check_leftovers(self, checks):
        rules = self.query(
            "SELECT share_id, access_key, state FROM share_access_rules "
            "WHERE deleted = 'False' AND access_key LIKE 'manila-bk-data:%'")
        checks.check(not rules, 'data node access rules left: %s'
                     % [tuple(r) for r in rules])
        for name in self.cluster.data_names:
            journal = os.path.join(self.cluster.state_path(name),
                                   'data-access')
            left = os.listdir(journal) if os.path.isdir(journal) else []
            checks.check(not left, '%s access journal not empty: %s'
                         % (name, left))
        mounts = self.cluster.mounts()
        checks.check(not mounts, 'still mounted: %s' % mounts)

    def check_errors(self, checks):
        for table in ('shares', 'share_snapshots', 'share_backups'):
            rows = self.query("SELECT id, status FROM %s WHERE deleted = "
                              "'False'" % table)
            errors = ['%s %s' % tuple(r) for r in rows
                      if r[1] in ERROR_STATUSES]
            checks.check(not errors, '%s in an error status: %s'
                         % (table, errors))

    def check_calls(self, checks, calls):
        bad = collections.Counter(
            '%s %s' % (c.op, c.code) for c in calls
            if c.code not in OK | REFUSALS)
        errors = sorted({c.error for c in calls if c.error})
        checks.check(not bad, 'unexpected answers: %s %s' % (dict(bad),
                                                             errors[:5]))
        done = collections.Counter(c.op for c in calls if c.code in OK)
        for op in ('create_backup', 'restore_backup', 'delete_backup',
                   'create_snapshot', 'delete_snapshot', 'list_backups'):
            checks.check(done[op] > 0, 'no %s was accepted' % op)

    def test_load_on_two_of_each_service(self):
        shares = self.prepare()
        calls, elapsed = self.run_load(shares)
        busy = self.wait_settled()
        checks = Checks()
        self.check_calls(checks, calls)
        checks.check(not busy, 'not settled after %d s: %s' % (SETTLE, busy))
        self.check_errors(checks)
        self.check_quotas(checks)
        self.check_spread(checks)
        self.check_disk(checks)
        self.check_leftovers(checks)
        rate = len(calls) / elapsed
        p95_ms = p95([c.seconds for c in calls]) * 1000.0
        self.addDetail('load-summary', content.text_content(
            'clients %d, shares %d, %.1f s, %d requests, %.1f requests/s, '
            'p95 %.0f ms\nshares per pool %s\nbackups per data host %s\n%s'
            % (CLIENTS, SHARES, elapsed, len(calls), rate, p95_ms,
               self.placed, self.made, summarize(calls))))
        report.record('load', CLIENTS, len(checks.failures), checks.checked,
                      checks.held, requests_per_s=round(rate, 1),
                      p95_ms=round(p95_ms, 1), clients=CLIENTS,
                      shares=SHARES, seconds=round(elapsed, 1),
                      requests=len(calls),
                      shares_per_pool=sorted(self.placed.values()),
                      backups_per_data_host=sorted(self.made.values()))
        self.assertEqual([], checks.failures)

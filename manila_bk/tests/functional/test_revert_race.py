"""Snapshot create, snapshot delete and revert racing on one share.

Many threads hammer one share over HTTP against separate processes (API
workers, the share service, the data service; RabbitMQ, MariaDB), once
with the default file locks and once with tooz locks on Redis.  Then:

- no request got a 5xx, and every answer is one Manila gives;
- every accepted revert left a user message (matched by request id) and
  used a snapshot that was the share's latest: no newer snapshot that
  existed before the revert finished was still there when the revert was
  accepted (this catches both a stale "latest" check and a snapshot taken
  while the share was reverting);
- created_at of the share's snapshots is strictly increasing;
- no snapshot was lost: the live ones are exactly those created and not
  deleted, on disk too, all settled to available or error;
- quota usage equals what exists; a final revert gives the snapshot's
  tree exactly.
"""

import collections
import datetime
import os
import random
import threading
import time

import sqlalchemy as sa
import testtools
from testtools import content

from manila_bk.tests.functional import test_revert
from manila_bk.tests.unit.data.backup import treecompare

REDIS_URL = os.environ.get('MANILA_BK_TEST_REDIS_URL',
                           'redis://127.0.0.1:6379')
DURATION = 10.0  # hammer at least this long (s) ...
MAX_DURATION = 30.0  # ... and until MINIMUM is reached, at most this long
MINIMUM = {'create': 3, 'delete': 2, 'revert': 3}  # accepted requests
SETTLE = 45
ALLOWED = {'create': {202, 400, 409}, 'delete': {202, 400, 404, 409},
           'revert': {202, 400, 409}}
# Threads per operation, and the pause (s) after each of their requests:
# snapshot creation holds the share for a while, so creators pause or
# they would starve every revert.
ROLES = (('create', 3, (0.2, 1.0)), ('delete', 3, (0.0, 0.5)),
         ('revert', 6, (0.0, 0.05)))
DELETABLE = ('available', 'error')
TRANSITIONAL = {'creating', 'deleting', 'restoring', 'reverting',
                'snapshotting', 'extending', 'shrinking'}

Call = collections.namedtuple(
    'Call', 'op thread target code t0 t1 request_id result')


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def revert_problems(accepted, rows, messages):
    """What is wrong with the accepted reverts (Calls) of one share.

    ``rows``: every snapshot row of the share, deleted ones included
    (id, created_at, deleted_at); ``messages``: its revert user messages
    (request_id, created_at, detail_id).  Each accepted revert must have
    exactly one successful message, and no snapshot newer than the one
    it used may have been created before that message (the revert's end)
    and still exist when the revert was accepted: such a snapshot was
    either the latest when the share moved to reverting, or was taken
    while the share was reverting.
    """
    problems = []
    by_request = collections.defaultdict(list)
    for message in messages:
        by_request[message['request_id']].append(message)
    created = {r['id']: r['created_at'] for r in rows}
    for call in accepted:
        found = by_request.pop(call.request_id, [])
        if len(found) != 1 or found[0]['detail_id'] != '107':
            problems.append('%s: messages %s' % (call, found))
            continue
        finished = found[0]['created_at']
        newer = [r['id'] for r in rows
                 if created[call.target] < r['created_at'] < finished
                 and (r['deleted_at'] is None or r['deleted_at'] > call.t1)]
        if newer:
            problems.append('%s used snapshot %s, but %s was newer'
                            % (call, call.target, newer))
    if by_request:
        problems.append('messages of no accepted revert: %s'
                        % dict(by_request))
    return problems


class _Hammer:
    """The worker threads and what they saw."""

    def __init__(self, case, share_id, project):
        self.case = case
        self.http = case.http
        self.share_id = share_id
        self.project = project
        self.calls = []
        self.errors = []
        self._lock = threading.Lock()
        self._roles = [(op, pause) for op, count, pause in ROLES
                       for _ in range(count)]
        self._path = case.share_path(share_id, project)

    def _request(self, op, thread, target, method, path, body=None):
        t0 = _utcnow()
        resp = self.http.call(method, path, body, project=self.project,
                              timeout=120)
        t1 = _utcnow()
        result = None
        if resp.status_code == 202 and op == 'create':
            result = resp.json()['snapshot']['id']
        call = Call(op, thread, target, resp.status_code, t0, t1,
                    resp.headers.get('x-openstack-request-id'), result)
        with self._lock:
            self.calls.append(call)
        return call

    def _snapshots(self):
        return self.http.get(
            '/snapshots/detail?share_id=%s&sort_key=created_at&sort_dir=desc'
            % self.share_id, project=self.project)['snapshots']

    def _create(self, rnd, thread):
        try:
            with open(os.path.join(self._path, 'w-%d' % thread), 'ab') as f:
                f.write(os.urandom(rnd.randint(1, 64)))
        except OSError:
            pass  # the share's top directory was just swapped
        self._request('create', thread, None, 'POST', '/snapshots',
                      {'snapshot': {'share_id': self.share_id}})

    def _delete(self, rnd, thread):
        snaps = self._snapshots()
        if len(snaps) < 2:
            return
        # Mostly deletable ones, and not the oldest: reverts need one.
        pool = [s for s in snaps[:-1] if s['status'] in DELETABLE]
        if not pool or rnd.random() < 0.2:
            pool = snaps
        victim = rnd.choice(pool)
        self._request('delete', thread, victim['id'], 'DELETE',
                      '/snapshots/%s' % victim['id'])

    def _revert(self, rnd, thread):
        snaps = self._snapshots()
        if not snaps:
            return
        if snaps[0]['status'] != 'available' and rnd.random() < 0.7:
            # Mostly wait for a usable latest snapshot, so that reverts
            # get accepted between the snapshot operations.
            time.sleep(0.05)
            return
        target = snaps[0] if rnd.random() < 0.85 else rnd.choice(snaps)
        self._request('revert', thread, target['id'], 'POST',
                      '/shares/%s/action' % self.share_id,
                      {'revert': {'snapshot_id': target['id']}})

    def _done(self, started):
        """After DURATION once MINIMUM is reached; MAX_DURATION at most."""
        elapsed = time.monotonic() - started
        if elapsed < DURATION:
            return False
        with self._lock:
            accepted = collections.Counter(c.op for c in self.calls
                                           if c.code == 202)
        enough = all(accepted[op] >= n for op, n in MINIMUM.items())
        return enough or elapsed >= MAX_DURATION

    def _run(self, thread, started):
        rnd = random.Random(thread)
        op, pause = self._roles[thread]
        try:
            while not self._done(started):
                getattr(self, '_' + op)(rnd, thread)
                time.sleep(rnd.uniform(*pause))
        except Exception as exc:  # reported by the test
            with self._lock:
                self.errors.append('thread %d: %r' % (thread, exc))

    def run(self):
        started = time.monotonic()
        threads = [threading.Thread(target=self._run, args=(i, started))
                   for i in range(len(self._roles))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(MAX_DURATION + 150)
        return self


class RevertRaceMixin(test_revert.RevertAPIMixin,
                      test_revert.DeploymentMixin):
    mode = 'split'
    db_kind = 'mysql'

    def _db_rows(self, share_id):
        engine = sa.create_engine(self.deployment.db.url)
        try:
            with engine.connect() as conn:
                snaps = conn.execute(sa.text(
                    'SELECT id, created_at, deleted_at, status, size, '
                    'deleted FROM share_snapshots WHERE share_id = :s'),
                    {'s': share_id}).mappings().all()
                messages = conn.execute(sa.text(
                    'SELECT request_id, created_at, detail_id FROM messages '
                    "WHERE resource_id = :s AND action_id = '006'"),
                    {'s': share_id}).mappings().all()
        finally:
            engine.dispose()
        return [dict(r) for r in snaps], [dict(m) for m in messages]

    def _settle(self, share_id):
        def settled():
            share = self.http.get('/shares/%s' % share_id)['share']
            snaps = self.http.get('/snapshots/detail?share_id=%s&all_tenants'
                                  '=1' % share_id)['snapshots']
            busy = [s for s in snaps if s['status'] in TRANSITIONAL]
            if share['status'] in TRANSITIONAL or busy:
                return None
            return share, snaps
        return test_revert.ffx.wait_for(settled, SETTLE, 0.5,
                                        what='statuses to settle')

    def test_race_snapshot_create_delete_revert(self):
        self.wait_pools()
        project = self.new_project()
        self.http.call('PUT', '/quota-sets/%s' % project, {'quota_set': {
            'snapshots': 1000, 'snapshot_gigabytes': 10000,
            'gigabytes': 1000}}, expect=200)
        share = self.make_share(self.make_type(), project=project)
        # Snapshots of 1, 2 and 3 GiB: deletes and reverts move the size.
        for size in (2, 3, None):
            self.make_snapshot(share['id'], project)
            if size:
                self.http.call('POST', '/shares/%s/action' % share['id'],
                               {'extend': {'new_size': size}}, expect=202,
                               project=project)
                self.wait_share(share['id'], project=project)
        started = time.monotonic()
        hammer = _Hammer(self, share['id'], project).run()
        share_now, live = self._settle(share['id'])
        elapsed = time.monotonic() - started
        self.assertEqual([], hammer.errors)
        self._check_codes(hammer.calls)
        rows, messages = self._db_rows(share['id'])
        reverts = self._check_reverts(hammer.calls, rows, messages)
        self._check_snapshots(hammer.calls, rows, live, share['id'])
        self._check_usage(project, share_now, live)
        self._check_final_revert(share['id'], project, live)
        counts = collections.Counter((c.op, c.code) for c in hammer.calls)
        self.addDetail('race-counts', content.text_content(
            '%s in %.1f s; %d accepted reverts; %d snapshots ever, %d live'
            % (sorted(counts.items()), elapsed, reverts, len(rows),
               len(live))))
        for op, count in MINIMUM.items():
            self.assertGreaterEqual(counts[(op, 202)], count, op)
        self.assertLess(elapsed, 60)

    def _check_codes(self, calls):
        bad = [c for c in calls if c.code not in ALLOWED[c.op]]
        self.assertEqual([], bad)

    def _check_reverts(self, calls, rows, messages):
        accepted = [c for c in calls if c.op == 'revert' and c.code == 202]
        self.assertEqual([], revert_problems(accepted, rows, messages))
        return len(accepted)

    def _check_snapshots(self, calls, rows, live, share_id):
        stamps = [r['created_at'] for r in rows]
        self.assertEqual(len(stamps), len(set(stamps)))
        created = {c.result for c in calls
                   if c.op == 'create' and c.code == 202}
        deleted = {c.target for c in calls
                   if c.op == 'delete' and c.code == 202}
        self.assertEqual(len(rows), len(created) + 3)
        live_ids = {s['id'] for s in live}
        first = {r['id'] for r in rows} - created
        self.assertEqual((created | first) - deleted, live_ids)
        self.assertEqual(set(), {s['status'] for s in live}
                         - {'available', 'error'})
        on_disk = os.path.join(self.deployment.share_root, '.snapshots',
                               'share-%s' % share_id)
        names = set(os.listdir(on_disk)) if os.path.isdir(on_disk) else set()
        self.assertEqual({'snapshot-%s' % s['id'] for s in live
                          if s['status'] == 'available'}, names)
        leftovers = [n for n in os.listdir(self.deployment.share_root)
                     if n.startswith('.revert-')]
        self.assertEqual([], leftovers)

    def _check_usage(self, project, share, live):
        self.assertEqual('available', share['status'])
        quota = self.http.get('/quota-sets/%s/detail' % project)['quota_set']
        self.assertEqual(share['size'], quota['gigabytes']['in_use'])
        self.assertEqual(len(live), quota['snapshots']['in_use'])
        self.assertEqual(sum(s['size'] for s in live),
                         quota['snapshot_gigabytes']['in_use'])

    def _check_final_revert(self, share_id, project, live):
        latest = max(live, key=lambda s: s['created_at'])
        if latest['status'] != 'available':
            return
        self.revert(share_id, latest['id'], project, expect=202)
        share = self.wait_share(share_id, project=project)
        self.assertEqual(latest['size'], share['size'])
        snap_dir = os.path.join(self.deployment.share_root, '.snapshots',
                                'share-%s' % share_id,
                                'snapshot-%s' % latest['id'])
        treecompare.assert_same_tree(
            self, snap_dir, self.share_path(share_id, project))


class FileLockRaceTestCase(RevertRaceMixin, testtools.TestCase):
    """oslo.concurrency file locks; three API worker processes."""

    extra_config = {'DEFAULT': {'osapi_share_workers': 3}}


class RedisLockRaceTestCase(RevertRaceMixin, testtools.TestCase):
    """tooz locks on Redis; three API worker processes."""

    extra_config = {'DEFAULT': {'osapi_share_workers': 3},
                    'coordination': {'backend_url': REDIS_URL}}


class RevertProblemsTestCase(testtools.TestCase):
    """The race test's judge finds what it must (no services needed)."""

    T = datetime.datetime(2026, 1, 1)

    def at(self, seconds):
        return self.T + datetime.timedelta(seconds=seconds)

    def _revert(self, target, t0, t1, request_id='req-1'):
        return Call('revert', 0, target, 202, self.at(t0), self.at(t1),
                    request_id, None)

    def _row(self, snap_id, created, deleted=None):
        return {'id': snap_id, 'created_at': self.at(created),
                'deleted_at': None if deleted is None else self.at(deleted)}

    def _message(self, at, request_id='req-1', detail='107'):
        return {'request_id': request_id, 'created_at': self.at(at),
                'detail_id': detail}

    def test_revert_to_latest_is_fine(self):
        rows = [self._row('a', 1), self._row('b', 2, deleted=4),
                self._row('c', 9)]
        self.assertEqual([], revert_problems(
            [self._revert('a', 3, 5)], rows, [self._message(6)]))

    def test_newer_snapshot_alive_at_accept_is_found(self):
        rows = [self._row('a', 1), self._row('b', 2, deleted=5.5)]
        problems = revert_problems([self._revert('a', 3, 5)], rows,
                                   [self._message(6)])
        self.assertEqual(1, len(problems))
        self.assertIn("['b']", problems[0])

    def test_snapshot_taken_while_reverting_is_found(self):
        rows = [self._row('a', 1), self._row('b', 5.5)]
        self.assertEqual(1, len(revert_problems(
            [self._revert('a', 3, 5)], rows, [self._message(6)])))

    def test_missing_failed_or_stray_messages_are_found(self):
        rows = [self._row('a', 1)]
        self.assertEqual(1, len(revert_problems(
            [self._revert('a', 3, 5)], rows, [])))
        self.assertEqual(1, len(revert_problems(
            [self._revert('a', 3, 5)], rows,
            [self._message(6, detail='101')])))
        self.assertEqual(1, len(revert_problems(
            [], rows, [self._message(6)])))

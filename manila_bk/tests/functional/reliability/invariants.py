"""The six operations under test and the invariants checked after a fault.

Shared by the crash matrix (kill -9 of the service doing the work) and the
broker and database fault tests.  A :class:`Round` prepares five shares
and three backups, starts six operations at once -- snapshot create and
revert (share service), full backup, incremental backup, restore and
backup delete (data service) -- and, once the fault is over and every
record settled, checks what must hold whatever the moment of the fault:

* no record stays in a transitional status (bounded wait);
* no backup is ``available`` unless its tree on the target matches its
  manifest (the copy engine's verify) and holds the share's data;
* no share's data is lost or mixed: each share's tree equals, file for
  file (type, size, SHA-256, metadata), the state before the operation or
  the state after it, as its final status says;
* nothing is left behind: no mount below the deployment, no temporary
  snapshot or revert directory in the share root, no ``.partial`` or
  ``.deleting`` tree on the backup target, no data-node access rule and
  no entry in the data node's access journal;
* every operation that failed left a user message on its resource.

Each check is counted in a :class:`Tally` per part, which the summary
table of ``tools/reliability.py`` reports (:mod:`.report`).
"""

import contextlib
import glob
import os
import shutil
import statistics
import tempfile
import time
import uuid

import requests

from manila_bk.data.backup.engine import manifest as manifest_mod
from manila_bk.data.backup.engine import verify_tree
from manila_bk.tests.functional import fixtures as ffx
from manila_bk.tests.functional.reliability import report
from manila_bk.tests.functional import test_backup
from manila_bk.tests.unit.data.backup import sample_tree
from manila_bk.tests.unit.data.backup import treecompare

SHARE_SERVICE = 'manila-bk-share'
DATA_SERVICE = 'manila-bk-data'
DATA_IP = '127.0.0.1'
MIB = 1024 * 1024

SHARE_OPS = ('snapshot_create', 'revert')
DATA_OPS = ('backup', 'incremental_backup', 'restore', 'backup_delete')
OPS = SHARE_OPS + DATA_OPS

SHARE_TRANSITIONAL = ('creating', 'deleting', 'extending', 'shrinking',
                      'snapshotting', 'reverting', 'backup_creating',
                      'backup_restoring')
SNAPSHOT_TRANSITIONAL = ('creating', 'deleting', 'restoring')
BACKUP_TRANSITIONAL = ('creating', 'deleting', 'restoring')

# Widen the share service's windows: pause at the named steps of the
# local driver (share/drivers/_testhooks.py).
PAUSE_ENV = {'MANILA_BK_TEST_PAUSE':
             'snapshot_copied:0.3,revert_journaled:0.3,revert_swapped:0.3'}

SEED_VAR = 'MANILA_BK_RELIABILITY_SEED'
# Names the restore engine gives files it writes into a share.
RESTORE_TEMP = '.mbk-restore-'
# Seconds the asynchronous clean-up (access rules, mounts) may take once
# every record settled.
CLEANUP_TIMEOUT = 60


def seed():
    """The run's base seed: ``MANILA_BK_RELIABILITY_SEED`` or a new one."""
    value = os.environ.get(SEED_VAR)
    return int(value) if value else int.from_bytes(os.urandom(4), 'big')


def extra_config(target, progress_delay=0.5, **defaults):
    """Deployment options: bind-mounted backup target, data-node access.

    The data service sleeps ``progress_delay`` s at each progress report
    so a backup or restore lasts long enough to be interrupted.
    """
    section = {'enabled_backup_backend': 'backup1',
               'data_node_access_ips': DATA_IP,
               'backup_progress_interval': '0',
               'test_only_progress_delay': str(progress_delay),
               'backup_unclaimed_timeout': '30',
               'backup_reconcile_grace': '3',
               'data_access_timeout': '30',
               'max_concurrent_jobs': '8'}
    section.update({k: str(v) for k, v in defaults.items()})
    return {'DEFAULT': section,
            'backup1': {'backup_driver': 'nfs',
                        'backup_mount_export': target,
                        'backup_mount_template':
                            'mount --bind %(export)s %(path)s'}}


# Trees ----------------------------------------------------------------------

def tree(path):
    """Every fact of the tree at ``path`` but the top directory's mtime."""
    facts = treecompare.describe(path)
    facts.get(b'', {}).pop('mtime_ns', None)
    return facts


def digests(path):
    """``{path: (type, size, sha256 or link target)}``: content only."""
    return {rel: (f['type'], f.get('size'), f.get('sha256') or
                  f.get('target'))
            for rel, f in treecompare.describe(path).items() if rel}


def tree_diff(expected, found, limit=5):
    wrong = sorted(rel for rel in set(expected) | set(found)
                   if expected.get(rel) != found.get(rel))
    return [r.decode('utf-8', 'replace') for r in wrong[:limit]] + (
        ['... %d more' % (len(wrong) - limit)] if len(wrong) > limit
        else [])


def fill(path, tag):
    """The sample tree, plus a unique 4 MiB file (so no two shares match).

    The sample's 64 MiB sparse file is made 8 MiB (still with holes):
    every check hashes every file, many times per trial.
    """
    sample_tree.build(path, big_size=MIB)
    with open(os.path.join(path, 'sparse.img'), 'r+b') as f:
        f.truncate(0)
        f.seek(3 * MIB)
        f.write(b'D' * 8192)
        f.truncate(8 * MIB)
    with open(os.path.join(path, 'unique-%s' % tag), 'wb') as f:
        f.write(os.urandom(4 * MIB))


def modify(path, tag):
    """Change, delete and add below ``path`` (the share's 'after' data)."""
    with open(os.path.join(path, 'docs', 'readme.txt'), 'ab') as f:
        f.write(b'changed %s\n' % tag.encode())
    os.unlink(os.path.join(path, 'zero'))
    shutil.rmtree(os.path.join(path, 'docs', 'deep'))
    with open(os.path.join(path, 'added-%s' % tag), 'wb') as f:
        f.write(os.urandom(MIB))


def keep_logs(deployment, what):
    """Copy the services' logs out of the deployment; returns the dir.

    The deployment's directory is removed at tear-down; a failed trial's
    logs are kept (under ``MANILA_BK_RELIABILITY_LOGS`` if set).
    """
    parent = os.environ.get('MANILA_BK_RELIABILITY_LOGS')
    if parent:
        os.makedirs(parent, exist_ok=True)
    keep = tempfile.mkdtemp(prefix='manila-bk-%s-' % what, dir=parent)
    for name in glob.glob(os.path.join(deployment.workdir, '*.log')):
        shutil.copy(name, keep)
    return keep


def assert_no_failures(test, tallies, deployment, base_seed, what):
    """Fail ``test`` listing every failed invariant, seed and logs."""
    failures = [f for t in tallies for f in t.failures]
    if failures:
        test.fail('%d invariant(s) failed:\n%s\nreplay with %s=%d; service '
                  'logs kept in %s' % (len(failures), '\n'.join(failures),
                                       SEED_VAR, base_seed,
                                       keep_logs(deployment, what)))


# Counting -------------------------------------------------------------------

class Tally:
    """Invariant checks of one part of the summary table."""

    def __init__(self, part, by_op=False):
        self.part = part
        self.by_op = by_op
        self.op = None
        self.trials = 0
        self.checked = 0
        self.held = 0
        self.failures = []
        self.outcomes = {}

    def check(self, ok, what):
        self.checked += 1
        if ok:
            self.held += 1
        else:
            self.failures.append(what)
        return ok

    def outcome(self, name):
        if self.by_op and self.op:
            name = '%s %s' % (self.op, name)
        self.outcomes[name] = self.outcomes.get(name, 0) + 1

    def record(self, **figures):
        report.record(self.part, self.trials, len(self.failures),
                      self.checked, self.held,
                      outcomes=dict(sorted(self.outcomes.items())),
                      **figures)


class Clock:
    """Seconds spent in each phase of a trial, for the test's output."""

    def __init__(self):
        self.last = time.monotonic()
        self.laps = []

    def lap(self, name):
        now = time.monotonic()
        self.laps.append((name, now - self.last))
        self.last = now

    def __str__(self):
        return ', '.join('%s %.1f s' % lap for lap in self.laps)


@contextlib.contextmanager
def counted(tally, label):
    """Count a trial that raised (a bounded wait ran out) as a failure.

    The exception still ends the test; the report then shows it.
    """
    try:
        yield
    except Exception as exc:
        tally.check(False, '%s: aborted: %s' % (label, exc))
        raise


def spread(values):
    """min/median/max of a list, rounded, for the report's figures."""
    if not values:
        return None
    return {'min': round(min(values), 2),
            'median': round(statistics.median(values), 2),
            'max': round(max(values), 2)}


# The deployment -------------------------------------------------------------

class Cluster:
    """REST calls and on-disk checks for one split deployment.

    Everything is created in the project of test_backup's noauth token,
    as admin.
    """

    def __init__(self, deployment, target):
        self.deployment = deployment
        self.target = target
        self.http = test_backup.BackupHTTP(deployment.endpoint)
        self.type_name = None

    # REST ---------------------------------------------------------------

    def call(self, method, path, body=None, expect=(200, 202)):
        return self.http.call(method, path, body, expect=expect)

    def get(self, path, key, item_id):
        resp = self.call('GET', '%s/%s' % (path, item_id), expect=(200, 404))
        return None if resp.status_code == 404 else resp.json()[key]

    def share(self, share_id):
        return self.get('/shares', 'share', share_id)

    def snapshot(self, snapshot_id):
        return self.get('/snapshots', 'snapshot', snapshot_id)

    def backup(self, backup_id):
        return self.get('/share-backups', 'share_backup', backup_id)

    def messages(self, resource_id):
        return self.http.messages(resource_id)

    def prepare(self):
        """Pools up, a share type with snapshots and revert, no quotas."""
        ffx.wait_for(lambda: self.call('GET', '/scheduler-stats/pools')
                     .json()['pools'], 60, interval=0.5, what='pools')
        self.type_name = 'reliability-%s' % uuid.uuid4().hex[:6]
        self.call('POST', '/types', {'share_type': {
            'name': self.type_name, 'extra_specs': {
                'driver_handles_share_servers': False,
                'snapshot_support': True,
                'revert_to_snapshot_support': True}}})
        quotas = {name: -1 for name in (
            'shares', 'gigabytes', 'snapshots', 'snapshot_gigabytes',
            'backups', 'backup_gigabytes')}
        self.call('PUT', '/quota-sets/notused', {'quota_set': quotas})

    def create_shares(self, names):
        """``{name: (share, path)}``, created at once, then waited for."""
        ids = {}
        for name in names:
            ids[name] = self.call('POST', '/shares', {'share': {
                'share_proto': 'NFS', 'size': 1, 'name': name,
                'share_type': self.type_name}}).json()['share']['id']
        made = {}
        for name, share_id in ids.items():
            share = self.wait('share', share_id, ('available',))
            locations = self.call('GET', '/shares/%s/export_locations'
                                  % share_id).json()['export_locations']
            made[name] = (share, locations[0]['path'].split(':', 1)[1])
        return made

    def create_snapshot(self, share_id):
        return self.call('POST', '/snapshots', {'snapshot': {
            'share_id': share_id}}).json()['snapshot']

    def create_backup(self, share_id, name, incremental=False):
        body = {'share_id': share_id, 'name': name}
        if incremental:
            body['backup_options'] = {'backup_type': 'incremental'}
        return self.call('POST', '/share-backups',
                         {'share_backup': body}).json()['share_backup']

    def wait(self, kind, item_id, statuses, timeout=120):
        get = getattr(self, kind)

        def done():
            item = get(item_id)
            if item is None:
                return {'item': None} if 'deleted' in statuses else None
            return {'item': item} if item['status'] in statuses else None

        return ffx.wait_for(done, timeout, interval=0.25,
                            what='%s %s to be %s' % (kind, item_id,
                                                     '/'.join(statuses))
                            )['item']

    def transitional(self):
        """``[(kind, id, status)]`` of every record still in progress."""
        found = []
        for path, key, statuses in (
                ('/shares/detail', 'shares', SHARE_TRANSITIONAL),
                ('/snapshots/detail', 'snapshots', SNAPSHOT_TRANSITIONAL),
                ('/share-backups/detail', 'share_backups',
                 BACKUP_TRANSITIONAL)):
            for item in self.call('GET', path).json()[key]:
                if item['status'] in statuses:
                    found.append((key, item['id'], item['status']))
        return found

    def wait_settled(self, timeout):
        """Seconds until nothing is transitional; None on timeout."""
        began = time.monotonic()
        deadline = began + timeout
        while time.monotonic() < deadline:
            try:
                if not self.transitional():
                    return time.monotonic() - began
            except (requests.RequestException, AssertionError):
                pass  # the API's database may be coming back
            time.sleep(0.5)
        return None

    def data_rules(self, share_ids):
        """Access rules of the data node left on ``share_ids``."""
        rules = []
        for share_id in share_ids:
            for rule in self.http.access_rules(share_id):
                if rule['access_to'] == DATA_IP:
                    rules.append('%s: %s %s %s' % (
                        share_id, rule['access_to'], rule['access_level'],
                        rule['state']))
        return rules

    # Disk ---------------------------------------------------------------

    @property
    def share_root(self):
        return self.deployment.share_root

    def snapshot_dir(self, share_id, snapshot_id):
        return os.path.join(self.share_root, '.snapshots',
                            'share-%s' % share_id,
                            'snapshot-%s' % snapshot_id)

    def backup_dirs(self, backup_id):
        """Everything on the target named after the backup."""
        return glob.glob(os.path.join(self.target, '*', '*',
                                      backup_id + '*'))

    def verify_backup(self, backup_id):
        """Problems of the backup's tree against its manifest (engine)."""
        dirs = [d for d in self.backup_dirs(backup_id)
                if os.path.basename(d) == backup_id]
        if len(dirs) != 1:
            return ['backup %s has %d complete trees on the target: %s'
                    % (backup_id, len(dirs), self.backup_dirs(backup_id))]
        try:
            manifest = manifest_mod.Manifest(
                os.path.join(dirs[0], 'manifest.json'))
        except Exception as exc:
            return ['manifest of %s unreadable: %s' % (backup_id, exc)]
        return list(verify_tree.verify(os.path.join(dirs[0], 'data'),
                                       manifest, 2))

    def backup_digests(self, backup_id):
        found = glob.glob(os.path.join(self.target, '*', '*', backup_id,
                                       'data'))
        return digests(found[0]) if len(found) == 1 else {}

    def mounts(self):
        with open('/proc/self/mounts') as f:
            points = [line.split()[1] for line in f]
        return [p for p in points if p.startswith(self.deployment.workdir)]

    def leftovers(self, exclude=()):
        """Temporary trees, partial files, mounts and journal entries.

        ``exclude``: share paths not searched for the restore's temporary
        files (shares in backup_restoring_error may hold them).
        """
        found = ['mount %s' % p for p in self.mounts()]
        for dirpath, dirnames, filenames in os.walk(self.share_root):
            if dirpath.startswith(tuple(exclude)):
                dirnames[:] = []
                continue
            found += [os.path.join(dirpath, n) for n in dirnames + filenames
                      if n.startswith(RESTORE_TEMP)]
        for pattern in ('*.partial', '*.deleting'):
            found += glob.glob(os.path.join(self.target, '*', '*', pattern))
        root = self.share_root
        found += [os.path.join(root, n) for n in os.listdir(root)
                  if n.startswith(('.revert-', '.creating-', '.deleting-'))]
        found += glob.glob(os.path.join(root, '.snapshots', '*',
                                        '.new-snapshot-*'))
        found += glob.glob(os.path.join(root, '.snapshots', '*',
                                        '.old-snapshot-*'))
        journal = os.path.join(self.deployment.workdir, 'state',
                               'data-access')
        if os.path.isdir(journal):
            found += ['access journal %s' % n for n in os.listdir(journal)]
        return found

    # Processes ----------------------------------------------------------

    def _log_size(self, name):
        try:
            return os.path.getsize(os.path.join(self.deployment.workdir,
                                                '%s.log' % name))
        except OSError:
            return 0

    def _started_since(self, name, offset):
        with open(os.path.join(self.deployment.workdir, '%s.log' % name),
                  'rb') as f:
            f.seek(offset)
            return b'%s started on' % name.encode() in f.read()

    def kill(self, name):
        """kill -9 the service's process group; returns its log offset."""
        offset = self._log_size(name)
        self.deployment.kill(name)
        return offset

    def respawn(self, offsets, timeout=90):
        """Start services again; wait until each consumes RPC.

        ``offsets``: {service: its log offset when it was killed}.
        """
        for name in offsets:
            self.deployment.respawn(name)
        for name, offset in offsets.items():
            ffx.wait_for(lambda: self._started_since(name, offset),
                         timeout, interval=0.2,
                         what='%s to start again' % name)

    def alive(self):
        return {name: proc.poll() is None
                for name, proc in self.deployment.procs.items()}


# The six operations ---------------------------------------------------------

class Round:
    """Five shares and three backups; six operations started at once.

    ``spare`` adds a sixth share, filled and left idle, for work requested
    after the fault.
    """

    def __init__(self, cluster, label, spare=False):
        self.c = cluster
        self.label = label
        self.spare = spare
        self.tag = uuid.uuid4().hex[:6]
        self.ids = {}
        self.trees = {}
        self.started = None

    def prepare(self):
        c, tag = self.c, self.tag
        names = ['snap', 'revert', 'full', 'incr', 'restore']
        if self.spare:
            names.append('spare')
        shares = c.create_shares(['%s-%s' % (n, tag) for n in names])
        self.shares = {n.split('-')[0]: s for n, s in shares.items()}
        self.paths = {n: p for n, (s, p) in self.shares.items()}
        for name, path in self.paths.items():
            fill(path, '%s-%s' % (name, tag))
        # revert: a snapshot of the first state, then the share changes.
        snap = c.create_snapshot(self.sid('revert'))
        # backup delete: an older backup of the 'full' share; incremental:
        # a parent; restore: the backup to restore.
        old = c.create_backup(self.sid('full'), 'old-%s' % tag)
        parent = c.create_backup(self.sid('incr'), 'parent-%s' % tag)
        source = c.create_backup(self.sid('restore'), 'source-%s' % tag)
        self.ids['revert_snapshot'] = c.wait('snapshot', snap['id'],
                                             ('available',))['id']
        for key, item in (('delete_backup', old), ('parent', parent),
                          ('restore_backup', source)):
            self.ids[key] = c.wait('backup', item['id'], ('available',),
                                   timeout=180)['id']
        self.trees['revert_snapshot'] = tree(self.paths['revert'])
        self.trees['restore_backup'] = tree(self.paths['restore'])
        self.trees['restore_backup_digests'] = digests(
            self.paths['restore'])
        self.trees['parent_digests'] = digests(self.paths['incr'])
        for name in ('revert', 'incr', 'restore'):
            modify(self.paths[name], tag)
        for name in self.paths:
            self.trees[name] = tree(self.paths[name])
        self.trees['revert_before'] = self.trees['revert']

    def sid(self, name):
        return self.shares[name][0]['id']

    def start(self):
        """Send the six requests; returns the monotonic start time."""
        c = self.c
        self.started = time.monotonic()
        self.ids['snapshot'] = c.create_snapshot(self.sid('snap'))['id']
        self.ids['backup'] = c.create_backup(
            self.sid('full'), 'full-%s' % self.tag)['id']
        self.ids['incremental'] = c.create_backup(
            self.sid('incr'), 'incr-%s' % self.tag, incremental=True)['id']
        c.call('POST', '/share-backups/%s/action'
               % self.ids['restore_backup'], {'restore': None})
        c.call('DELETE', '/share-backups/%s' % self.ids['delete_backup'])
        c.call('POST', '/shares/%s/action' % self.sid('revert'),
               {'revert': {'snapshot_id': self.ids['revert_snapshot']}})
        return self.started

    # Checks ---------------------------------------------------------

    def _same(self, tally, expected, path, what):
        found = tree(path)
        return tally.check(found == expected, '%s: %s differs from the '
                           'expected tree: %s' % (
                               self.label, what,
                               tree_diff(expected, found)))

    def _message(self, tally, resource_id, what):
        levels = [m['message_level'] for m in self.c.messages(resource_id)]
        return tally.check('ERROR' in levels,
                           '%s: %s failed without an ERROR user message '
                           '(messages: %s)' % (self.label, what, levels))

    def _status(self, tally, item, allowed, what):
        status = item['status'] if item else 'deleted'
        tally.check(status in allowed, '%s: %s is %s, expected %s' % (
            self.label, what, status, '/'.join(allowed)))
        return status

    def _backup_intact(self, tally, backup_id, expected_digests, what):
        problems = self.c.verify_backup(backup_id)
        if not tally.check(not problems, '%s: %s is available but does not '
                           'match its manifest: %s' % (self.label, what,
                                                       problems[:5])):
            return
        found = self.c.backup_digests(backup_id)
        tally.check(found == expected_digests,
                    '%s: %s does not hold the share\'s data: %s' % (
                        self.label, what,
                        tree_diff(expected_digests, found)))

    def check(self, tallies):
        """Run every per-operation check; each tally counts a trial.

        ``tallies`` maps each operation to its Tally; one Tally may serve
        several operations (created ``by_op`` to tell their outcomes).
        """
        for tally in {id(t): t for t in tallies.values()}.values():
            tally.trials += 1
        for op in OPS:
            tallies[op].op = op
            getattr(self, '_check_' + op)(tallies[op])

    def _check_snapshot_create(self, t):
        c = self.c
        share = c.share(self.sid('snap'))
        self._status(t, share, ('available',), 'share of the snapshot')
        self._same(t, self.trees['snap'], self.paths['snap'],
                   'share (snapshot create)')
        snap = c.snapshot(self.ids['snapshot'])
        status = self._status(t, snap, ('available', 'error'), 'snapshot')
        if status == 'available':
            t.outcome('completed')
            self._same(t, self.trees['snap'],
                       c.snapshot_dir(self.sid('snap'), snap['id']),
                       'snapshot data')
        else:
            t.outcome('failed')
            self._message(t, self.ids['snapshot'], 'snapshot create')

    def _check_revert(self, t):
        c = self.c
        share = c.share(self.sid('revert'))
        status = self._status(t, share, ('available', 'reverting_error'),
                              'reverted share')
        if status == 'available':
            t.outcome('completed')
            self._same(t, self.trees['revert_snapshot'],
                       self.paths['revert'], 'reverted share')
        else:
            t.outcome('failed')
            self._same(t, self.trees['revert_before'], self.paths['revert'],
                       'share of a failed revert')
            self._message(t, self.sid('revert'), 'revert')
        snap = c.snapshot(self.ids['revert_snapshot'])
        self._status(t, snap, ('available',), 'snapshot reverted to')
        self._same(t, self.trees['revert_snapshot'],
                   c.snapshot_dir(self.sid('revert'), snap['id']),
                   'snapshot reverted to')

    def _check_created_backup(self, t, share_name, backup_key, what):
        c = self.c
        self._status(t, c.share(self.sid(share_name)), ('available',),
                     'share of the %s' % what)
        self._same(t, self.trees[share_name], self.paths[share_name],
                   'share (%s)' % what)
        backup = c.backup(self.ids[backup_key])
        status = self._status(t, backup, ('available', 'error'), what)
        if status == 'available':
            t.outcome('completed')
            self._backup_intact(t, backup['id'],
                                digests(self.paths[share_name]), what)
        else:
            t.outcome('failed')
            self._message(t, backup['id'], what)
            t.check(not [d for d in c.backup_dirs(backup['id'])
                         if os.path.basename(d) == backup['id']],
                    '%s: %s in error keeps a complete tree' % (
                        self.label, what))
        return backup

    def _check_backup(self, t):
        self._check_created_backup(t, 'full', 'backup', 'full backup')

    def _check_incremental_backup(self, t):
        self._check_created_backup(t, 'incr', 'incremental',
                                   'incremental backup')
        parent = self.c.backup(self.ids['parent'])
        if self._status(t, parent, ('available',),
                        'parent backup') == 'available':
            self._backup_intact(t, parent['id'],
                                self.trees['parent_digests'],
                                'parent backup')

    def _check_restore(self, t):
        c = self.c
        backup = c.backup(self.ids['restore_backup'])
        if self._status(t, backup, ('available',),
                        'restored backup') == 'available':
            self._backup_intact(
                t, backup['id'],
                self.trees['restore_backup_digests'],
                'restored backup')
        share = c.share(self.sid('restore'))
        status = self._status(t, share,
                              ('available', 'backup_restoring_error'),
                              'restored share')
        found = tree(self.paths['restore'])
        if status == 'available':
            # Restored, or (a restore that failed before touching the
            # share) untouched; never anything between.
            restored = found == self.trees['restore_backup']
            t.check(restored or found == self.trees['restore'],
                    '%s: available share holds neither the backup nor its '
                    'old data: %s' % (self.label, tree_diff(
                        self.trees['restore_backup'], found)))
            t.outcome('completed' if restored else 'failed')
            if not restored:
                self._message(t, self.sid('restore'), 'restore')
            return
        t.outcome('failed')
        self._message(t, self.sid('restore'), 'restore')
        if status == 'backup_restoring_error':
            # The share may be half restored, as its status says; a new
            # restore must make it whole.
            c.call('POST', '/shares/%s/action' % self.sid('restore'),
                   {'reset_status': {'status': 'available'}})
            c.call('POST', '/share-backups/%s/action' % backup['id'],
                   {'restore': None})
            c.wait('backup', backup['id'], ('available', 'error'),
                   timeout=180)
            c.wait('share', self.sid('restore'),
                   ('available', 'backup_restoring_error'), timeout=60)
            self._same(t, self.trees['restore_backup'],
                       self.paths['restore'],
                       'share restored again after backup_restoring_error')

    def _check_backup_delete(self, t):
        c = self.c
        backup = c.backup(self.ids['delete_backup'])
        status = self._status(t, backup, ('deleted', 'error_deleting'),
                              'deleted backup')
        if status == 'deleted':
            t.outcome('completed')
            t.check(not c.backup_dirs(self.ids['delete_backup']),
                    '%s: deleted backup still on the target: %s' % (
                        self.label,
                        c.backup_dirs(self.ids['delete_backup'])))
        else:
            t.outcome('failed')
            self._message(t, self.ids['delete_backup'], 'backup delete')

    def share_ids(self):
        return [s['id'] for s, p in self.shares.values()]


def check_settled(cluster, rounds, tally, timeout, label):
    """The checks that concern the whole deployment after a fault.

    Waits (bounded) for every record to settle, then for the clean-up
    that follows asynchronously (access rules removed by the share
    service, mounts undone); returns the seconds it took to settle.
    """
    took = cluster.wait_settled(timeout)
    tally.check(took is not None, '%s: records still transitional after '
                '%ss: %s' % (label, timeout, took is None and
                             cluster.transitional()))
    share_ids = [i for r in rounds for i in r.share_ids()]
    # A share in backup_restoring_error may hold the restore's temporary
    # files (Round.check restores it again and compares the whole tree).
    half_restored = [p for r in rounds for (s, p) in r.shares.values()
                     if (cluster.share(s['id']) or {}).get('status') ==
                     'backup_restoring_error']
    began = time.monotonic()
    while time.monotonic() < began + CLEANUP_TIMEOUT:
        pending = cluster.leftovers(half_restored) + \
            cluster.data_rules(share_ids)
        if not pending:
            break
        if os.environ.get('MANILA_BK_RELIABILITY_DEBUG'):
            print('%.1f s: %s' % (time.monotonic() - began, pending))
        time.sleep(0.5)
    leftovers = cluster.leftovers(half_restored)
    tally.check(not leftovers, '%s: left behind: %s' % (label, leftovers))
    rules = cluster.data_rules(share_ids)
    tally.check(not rules, '%s: data node access left: %s' % (label, rules))
    dead = [n for n, up in cluster.alive().items() if not up]
    tally.check(not dead, '%s: services exited: %s' % (label, dead))
    return took

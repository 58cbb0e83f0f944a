"""An in-memory share driver for tests; it implements every interface.

State (shares, files, snapshots, access rules) lives in a store shared by
every FakeShareDriver of the same ``(host, backend_name)`` in the process,
so a share service restarted inside one test finds its shares again.
``FakeShareDriver.reset()`` forgets all of it.

Failure and delay injection, by operation name (the method name, such as
``create_share``, ``create_snapshot``, ``revert_to_snapshot``,
``update_access``, ``get_pools``, ``recover``):

* for every instance, class attributes read at call time::

      mock.patch.object(FakeShareDriver, 'FAIL_OPERATIONS',
                        {'revert_to_snapshot'})
      mock.patch.object(FakeShareDriver, 'SLEEP_OPERATIONS',
                        {'create_snapshot': 2.0})

* per back end, configuration attributes ``fake_fail_operations`` (a list
  of names) and ``fake_sleep_operations`` (a dict of name to seconds, or
  a list of ``name:seconds`` strings), copied into the instance attributes
  ``fail_operations`` (a set) and ``sleep_operations`` (a dict), which a
  test may change afterwards.

The sleep happens first, then the failure: ShareDriverException, or the
exception class in ``FAIL_EXCEPTION`` (built with the message as its one
argument).  The recovery outcome of a share
can be preset with ``set_recovery_outcome``.
"""

import copy
import ipaddress
import threading
import time

from manila_bk import exception
from manila_bk.share.drivers import base

GiB = 1024 ** 3
_ACCESS_TYPES = ('ip', 'user', 'cert', 'cephx')

_stores = {}
_stores_lock = threading.Lock()


class _Store:
    def __init__(self):
        self.lock = threading.RLock()
        self.shares = {}        # id -> {'size', 'files', 'filler'}
        self.snapshots = {}     # id -> {'share_id', 'files', 'filler'}
        self.access = {}        # share id -> [AccessRule]
        self.recovery = {}      # share id -> outcome


def _parse_sleeps(value):
    if not value:
        return {}
    if isinstance(value, dict):
        return {k: float(v) for k, v in value.items()}
    result = {}
    for item in value:
        name, _, seconds = str(item).partition(':')
        result[name.strip()] = float(seconds or 0)
    return result


class FakeShareDriver(base.ShareDriver,
                      base.SnapshotInterface,
                      base.CreateFromSnapshotInterface,
                      base.RevertInterface,
                      base.ReplicatedRevertInterface,
                      base.ResizeInterface,
                      base.RecoveryInterface,
                      base.LocalPathInterface):
    """In-memory driver; see the module docstring for fault injection."""

    storage_protocol = 'NFS_CIFS'
    FAIL_OPERATIONS = frozenset()
    SLEEP_OPERATIONS = {}
    FAIL_EXCEPTION = exception.ShareDriverException

    def __init__(self, configuration, backend_name, host):
        super().__init__(configuration, backend_name, host)
        self.fail_operations = set(
            self.config_get('fake_fail_operations', ()))
        self.sleep_operations = _parse_sleeps(
            self.config_get('fake_sleep_operations'))
        self.calls = []
        with _stores_lock:
            self._store = _stores.setdefault((host, backend_name), _Store())

    @classmethod
    def reset(cls):
        """Forget the state of every fake back end."""
        with _stores_lock:
            _stores.clear()

    def _hook(self, operation):
        self.calls.append(operation)
        delay = max(self.sleep_operations.get(operation, 0),
                    type(self).SLEEP_OPERATIONS.get(operation, 0))
        if delay:
            time.sleep(delay)
        if (operation in self.fail_operations
                or operation in type(self).FAIL_OPERATIONS):
            raise self.FAIL_EXCEPTION(
                'fake failure injected in %s' % operation)

    def _get(self, share_id):
        try:
            return self._store.shares[share_id]
        except KeyError:
            raise exception.ShareDriverException(
                reason='fake share %s does not exist' % share_id)

    def _exports(self, share):
        return [base.ExportLocation(
            path='%s:/fake/share-%s' % ((self.host or 'fake').split('@')[0],
                                        share.id))]

    # Test helpers ----------------------------------------------------

    def write_file(self, share_id, relpath, data):
        with self._store.lock:
            self._get(share_id)['files'][relpath] = bytes(data)

    def read_tree(self, share_id):
        with self._store.lock:
            return dict(self._get(share_id)['files'])

    def fill_share(self, share_id, nbytes):
        with self._store.lock:
            self._get(share_id)['filler'] = nbytes

    def share_exists(self, share_id):
        return share_id in self._store.shares

    def snapshot_exists(self, snapshot_id):
        return snapshot_id in self._store.snapshots

    def get_access_rules(self, share_id):
        return list(self._store.access.get(share_id, ()))

    def set_recovery_outcome(self, share_id, outcome):
        self._store.recovery[share_id] = outcome

    # ShareDriver -----------------------------------------------------

    def do_setup(self):
        self._hook('do_setup')

    def check_for_setup_error(self):
        self._hook('check_for_setup_error')

    def create_share(self, share):
        self._hook('create_share')
        base.validate_uuid(share.id)
        with self._store.lock:
            self._store.shares.setdefault(
                share.id, {'size': share.size, 'files': {}, 'filler': 0})
        return self._exports(share)

    def delete_share(self, share):
        self._hook('delete_share')
        with self._store.lock:
            self._store.shares.pop(share.id, None)
            self._store.access.pop(share.id, None)

    def ensure_share(self, share):
        self._hook('ensure_share')
        self._get(share.id)
        return self._exports(share)

    def get_pools(self):
        self._hook('get_pools')
        total = float(self.config_get('fake_total_capacity_gb', 1000))
        with self._store.lock:
            used = sum(s['size'] for s in self._store.shares.values())
        return [self.make_pool('fake_pool', total_capacity_gb=total,
                               free_capacity_gb=max(0.0, total - used))]

    @staticmethod
    def _validate_rule(rule):
        if rule.access_type not in _ACCESS_TYPES:
            raise exception.InvalidShareAccess(
                reason='unknown access type %r' % rule.access_type)
        if rule.access_level not in base.ACCESS_LEVELS:
            raise exception.InvalidShareAccess(
                reason='bad access level %r' % rule.access_level)
        if rule.access_type == 'ip':
            try:
                ipaddress.ip_network(rule.access_to, strict=False)
            except ValueError:
                raise exception.InvalidShareAccess(
                    reason='bad address %r' % rule.access_to)

    def update_access(self, share, access_rules, add_rules, delete_rules):
        self._hook('update_access')
        for rule in access_rules:
            self._validate_rule(rule)
        with self._store.lock:
            if access_rules:
                self._get(share.id)
            self._store.access[share.id] = list(access_rules)

    # Capability interfaces -------------------------------------------

    def create_snapshot(self, snapshot):
        self._hook('create_snapshot')
        with self._store.lock:
            data = self._get(snapshot.share.id)
            self._store.snapshots.setdefault(snapshot.id, {
                'share_id': snapshot.share.id,
                'files': copy.deepcopy(data['files']),
                'filler': data['filler']})
        return base.SnapshotResult(
            provider_location='fake-snapshot-%s' % snapshot.id)

    def delete_snapshot(self, snapshot):
        self._hook('delete_snapshot')
        with self._store.lock:
            self._store.snapshots.pop(snapshot.id, None)

    def _snapshot_data(self, snapshot):
        try:
            return self._store.snapshots[snapshot.id]
        except KeyError:
            raise exception.ShareDriverException(
                reason='fake snapshot %s does not exist' % snapshot.id)

    def create_share_from_snapshot(self, share, snapshot):
        self._hook('create_share_from_snapshot')
        with self._store.lock:
            data = self._snapshot_data(snapshot)
            self._store.shares.setdefault(share.id, {
                'size': share.size, 'files': copy.deepcopy(data['files']),
                'filler': data['filler']})
        return self._exports(share)

    def revert_to_snapshot(self, context, snapshot, share_access_rules,
                           snapshot_access_rules, share_server=None):
        self._hook('revert_to_snapshot')
        with self._store.lock:
            data = self._snapshot_data(snapshot)
            share = self._get(snapshot.share.id)
            share.update(files=copy.deepcopy(data['files']),
                         filler=data['filler'], size=snapshot.size)

    def revert_to_replicated_snapshot(self, context, active_replica,
                                      replica_list, active_replica_snapshot,
                                      replica_snapshots, share_access_rules,
                                      snapshot_access_rules,
                                      share_server=None):
        self._hook('revert_to_replicated_snapshot')

    def extend_share(self, share, new_size):
        self._hook('extend_share')
        with self._store.lock:
            self._get(share.id)['size'] = new_size

    def shrink_share(self, share, new_size):
        self._hook('shrink_share')
        with self._store.lock:
            data = self._get(share.id)
            used = data['filler'] + sum(len(v) for v in
                                        data['files'].values())
            if used > new_size * GiB:
                raise base.ShareShrinkingPossibleDataLoss(
                    share_id=share.id, new_size=new_size, used_bytes=used)
            data['size'] = new_size

    def recover(self, share_ids):
        self._hook('recover')
        if share_ids is None:
            share_ids = list(self._store.recovery)
        recovery = self._store.recovery
        return {share_id: recovery.pop(share_id, self.RECOVERY_CLEAN)
                for share_id in share_ids}

    def get_share_path(self, share):
        self._hook('get_share_path')
        self._get(share.id)
        root = self.config_get('fake_share_path_root', '/fake')
        return '%s/share-%s' % (root.rstrip('/'), share.id)

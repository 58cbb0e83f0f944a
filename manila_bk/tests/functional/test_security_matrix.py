"""Every share, snapshot and backup action x every persona, over HTTP.

One manila-bk-all (SQLite, noauth) with backups enabled and the data node
granting itself access through an access rule for 127.0.0.1.  Project A
owns the targets; the personas are

=========  =========================================================
admin      role admin (project ``admin``)
a_member   member of A          a_reader   reader of A
b_member   member of project B  b_reader   reader of B
anonymous  no X-Auth-Token: noauth makes that the admin user of project
           ``admin`` with the admin, member and reader roles, so it gets
           what admin gets (noauth trusts every caller; Keystone
           deployments answer 401, see test_keystone)
bad_token  a token noauth cannot accept (an id over 255 characters): 401
=========  =========================================================

What each kind of action gives (Manila's policy defaults, checked against
manila/policies: members write, readers read, admin-only actions
``reset_status`` and ``force_delete``; another project's resources do not
exist for the caller, so their ids give 404 before any policy check, as
Manila's project-scoped lookups do):

=======  =====  ========  ========  ========  ========
kind     admin  a_member  a_reader  b_member  b_reader
=======  =====  ========  ========  ========  ========
read     ok     ok        ok        404       404
write    ok     ok        403       404       404
admin    ok     403       403       404       404
create   ok     ok        403       404       403
list     ok     ok        ok        ok        ok
=======  =====  ========  ========  ========  ========

``create`` names A's share in the body: the create policy is checked
before the share is looked up (Manila's ``authorize`` decorator), so a
reader anywhere is refused with 403 and B's member cannot find the share
(404).  Lists answer 200 to everyone; A's resources are listed for A's
personas and the admin (``all_tenants=1``) only.  Rows may override a
persona's code (the access rules list answers 400 for a share the caller
cannot see, as Manila does).

A refusal must leave A's resources untouched (name, status, size,
metadata, rules, backup) and a 403 must come from the policy.  An allowed
write acts on a resource made for it (``FRESH``) and waits for the result
to settle; an allowed backup or restore must leave no data-node access
rule behind.  ``DataNodeAccessTestCase`` checks the access rows of the
database after backups and restores that succeed and that fail.
"""

import os
import uuid

import sqlalchemy as sa
import testtools

from manila_bk.tests.functional import fixtures as ffx
from manila_bk.tests.functional import test_api_bad_input as live
from manila_bk.tests.functional import test_api_isolation as isolation
from manila_bk.tests.functional import test_backup

PROJECT_A = isolation.PROJECT_A
PROJECT_B = isolation.PROJECT_B
BAD_TOKEN = 'u' * 256
PERSONAS = dict(isolation.PERSONAS,
                b_reader=('ben:%s' % PROJECT_B, 'reader'),
                anonymous=(None, None),
                bad_token=(BAD_TOKEN, None))
ORDER = ('admin', 'a_member', 'a_reader', 'b_member', 'b_reader',
         'anonymous', 'bad_token')
OK = 'ok'
KINDS = {
    'read': (OK, OK, OK, 404, 404),
    'write': (OK, OK, 403, 404, 404),
    'admin': (OK, 403, 403, 404, 404),
    'create': (OK, OK, 403, 404, 403),
    'list': (OK, OK, OK, OK, OK),
}
EXPERIMENTAL = {'X-OpenStack-Manila-API-Experimental': 'True'}
POLICY_REFUSAL = isolation.POLICY_REFUSAL
DATA_KEY = 'manila-bk-data:'
SETTLE = 60


def expected(kind, overrides=None):
    """persona -> OK or an error code, for an action of ``kind``."""
    codes = dict(zip(ORDER, KINDS[kind]))
    codes['anonymous'] = codes['admin']
    codes['bad_token'] = 401
    codes.update(overrides or {})
    return codes


class Action:
    """One API action on A's resources.

    ``path``/``body`` name resources as ``$share``, ``$snapshot``,
    ``$rule``, ``$bshare`` (a share without snapshots) and ``$backup``
    (its backup).  ``ok`` is the success code; ``fresh`` names the factory
    of the resources an allowed write acts on (``per_persona``: one each,
    because the write uses them up); ``settle`` is (path, key, statuses)
    to wait for after an allowed write; ``listed`` is the response key
    of a list that must show ``$<target>`` exactly to A's personas and
    the admin.
    """

    def __init__(self, name, kind, method, path, body=None, ok=200,
                 fresh=None, per_persona=True, settle=None, listed=None,
                 target=None, overrides=None, version=live.LATEST):
        self.name, self.kind, self.method = name, kind, method
        self.path, self.body, self.ok = path, body, ok
        self.fresh, self.per_persona = fresh, per_persona
        self.settle, self.listed, self.target = settle, listed, target
        self.codes = expected(kind, overrides)
        self.version = version

    def code(self, persona):
        code = self.codes[persona]
        return self.ok if code == OK else code


def _act(name, payload=None):
    return {name: payload}


SHARE_SETTLE = (('/shares/$share', 'share', ('available',)),)
SHARE_GONE = (('/shares/$share', 'share', ('deleted',)),)
SNAP_GONE = (('/snapshots/$snapshot', 'snapshot', ('deleted',)),)
BACKUP_SETTLE = (('/share-backups/$backup', 'share_backup',
                  ('available',)),
                 ('/shares/$share', 'share', ('available',)))

ACTIONS = [
    # Shares.
    Action('share_create', 'create', 'POST', '/shares',
           {'share': {'share_proto': 'NFS', 'size': 1}},
           overrides={'b_member': OK}),
    Action('share_list', 'list', 'GET', '/shares/detail?all_tenants=1',
           listed='shares', target='share'),
    Action('share_show', 'read', 'GET', '/shares/$share'),
    Action('share_update', 'write', 'PUT', '/shares/$share',
           {'share': {'display_name': 'renamed'}}, fresh='share',
           per_persona=False),
    Action('share_delete', 'write', 'DELETE', '/shares/$share', ok=202,
           fresh='share', settle=SHARE_GONE),
    Action('share_extend', 'write', 'POST', '/shares/$share/action',
           _act('extend', {'new_size': 2}), ok=202, fresh='share',
           settle=SHARE_SETTLE),
    Action('share_shrink', 'write', 'POST', '/shares/$share/action',
           _act('shrink', {'new_size': 1}), ok=202, fresh='share2',
           settle=SHARE_SETTLE),
    Action('share_revert', 'write', 'POST', '/shares/$share/action',
           _act('revert', {'snapshot_id': '$snapshot'}), ok=202,
           fresh='snapshot', settle=SHARE_SETTLE),
    Action('share_soft_delete', 'write', 'POST', '/shares/$share/action',
           _act('soft_delete'), ok=202, fresh='share'),
    Action('share_restore_from_recycle_bin', 'write', 'POST',
           '/shares/$share/action', _act('restore'), ok=202,
           fresh='recycled'),
    # The metadata policy is checked before the share is looked up (as
    # Manila's authorize decorator does): B's reader gets 403.
    Action('share_metadata_set', 'write', 'POST', '/shares/$share/metadata',
           {'metadata': {'k': 'v'}}, fresh='share', per_persona=False,
           overrides={'b_reader': 403}),
    Action('share_metadata_replace', 'write', 'PUT',
           '/shares/$share/metadata', {'metadata': {'k': 'v'}},
           fresh='share', per_persona=False, overrides={'b_reader': 403}),
    Action('share_metadata_item_set', 'write', 'PUT',
           '/shares/$share/metadata/owner', {'meta': {'owner': 'b'}},
           fresh='share', per_persona=False, overrides={'b_reader': 403}),
    Action('share_metadata_item_delete', 'write', 'DELETE',
           '/shares/$share/metadata/owner', fresh='share_with_metadata',
           overrides={'b_reader': 403}),
    Action('share_metadata_show', 'read', 'GET', '/shares/$share/metadata'),
    Action('share_metadata_item_show', 'read', 'GET',
           '/shares/$share/metadata/owner'),
    Action('share_export_locations', 'read', 'GET',
           '/shares/$share/export_locations'),
    Action('share_reset_status', 'admin', 'POST', '/shares/$share/action',
           _act('reset_status', {'status': 'available'}), ok=202,
           fresh='share', per_persona=False),
    Action('share_force_delete', 'admin', 'POST', '/shares/$share/action',
           _act('force_delete'), ok=202, fresh='share', settle=SHARE_GONE),
    # Access rules.
    Action('access_allow', 'write', 'POST', '/shares/$share/action',
           _act('allow_access', {'access_type': 'ip',
                                 'access_to': '$ip'}),
           fresh='share', per_persona=False),
    Action('access_deny', 'write', 'POST', '/shares/$share/action',
           _act('deny_access', {'access_id': '$rule'}), ok=202,
           fresh='rule', settle=(('/share-access-rules/$rule', 'access',
                                  ('deleted',)),)),
    Action('access_list', 'read', 'GET',
           '/share-access-rules?share_id=$share',
           overrides={'b_member': 400, 'b_reader': 400}),
    Action('access_list_action', 'read', 'POST', '/shares/$share/action',
           _act('access_list'), version='2.44'),
    Action('access_show', 'read', 'GET', '/share-access-rules/$rule'),
    # Snapshots.
    Action('snapshot_create', 'create', 'POST', '/snapshots',
           {'snapshot': {'share_id': '$share'}}, ok=202, fresh='share'),
    Action('snapshot_list', 'list', 'GET',
           '/snapshots/detail?all_tenants=1', listed='snapshots',
           target='snapshot'),
    Action('snapshot_show', 'read', 'GET', '/snapshots/$snapshot'),
    Action('snapshot_export_locations', 'read', 'GET',
           '/snapshots/$snapshot/export-locations'),
    Action('snapshot_update', 'write', 'PUT', '/snapshots/$snapshot',
           {'snapshot': {'display_name': 'renamed'}}, fresh='snapshot',
           per_persona=False),
    Action('snapshot_delete', 'write', 'DELETE', '/snapshots/$snapshot',
           ok=202, fresh='snapshot', settle=SNAP_GONE),
    Action('snapshot_reset_status', 'admin', 'POST',
           '/snapshots/$snapshot/action',
           _act('reset_status', {'status': 'available'}), ok=202,
           fresh='snapshot', per_persona=False),
    Action('snapshot_force_delete', 'admin', 'POST',
           '/snapshots/$snapshot/action', _act('force_delete'), ok=202,
           fresh='snapshot', settle=SNAP_GONE),
    # Backups.
    Action('backup_create', 'create', 'POST', '/share-backups',
           {'share_backup': {'share_id': '$share'}}, ok=202, fresh='share',
           settle=SHARE_SETTLE),
    Action('backup_list', 'list', 'GET',
           '/share-backups/detail?all_tenants=1', listed='share_backups',
           target='backup'),
    Action('backup_show', 'read', 'GET', '/share-backups/$backup'),
    Action('backup_update', 'write', 'PUT', '/share-backups/$backup',
           {'share_backup': {'name': 'renamed'}}, fresh='backup',
           per_persona=False),
    Action('backup_restore', 'write', 'POST', '/share-backups/$backup/action',
           _act('restore'), ok=202, fresh='backup', per_persona=False,
           settle=BACKUP_SETTLE),
    Action('backup_restore_to_share', 'write', 'POST',
           '/share-backups/$backup/action', _act('restore', '$target'),
           ok=202, fresh='backup_and_target', per_persona=False,
           settle=BACKUP_SETTLE + (('/shares/$target', 'share',
                                    ('available',)),)),
    Action('backup_delete', 'write', 'DELETE', '/share-backups/$backup',
           ok=202, fresh='backup',
           settle=(('/share-backups/$backup', 'share_backup',
                    ('deleted',)),)),
    Action('backup_reset_status', 'admin', 'POST',
           '/share-backups/$backup/action',
           _act('reset_status', {'status': 'available'}), ok=202,
           fresh='backup', per_persona=False),
]


class SecurityMatrixTestCase(live.LiveAPIMixin, testtools.TestCase):
    """The matrix against one manila-bk-all with backups enabled."""

    extra_config = {'DEFAULT': {'data_node_access_ips': '127.0.0.1'}}
    pools = None

    @classmethod
    def prepare(cls):
        cls.names.update(project_a=PROJECT_A, project_b=PROJECT_B)
        cls.wait_for_pools()
        response = cls.as_persona('admin', 'PUT', '/quota-sets/%s'
                                  % PROJECT_A, {'quota_set': {
                                      'shares': 200, 'gigabytes': 1000,
                                      'snapshots': 200, 'backups': 100,
                                      'backup_gigabytes': 1000}})
        assert response.status_code == 200, response.text
        factory = Factory(cls)
        cls.names.update(factory.make(['snapshot'], name='a-share',
                                      metadata={'owner': 'a'})[0])
        cls.names['rule'] = factory.rules([cls.names['share']],
                                          '10.0.0.1')[0]
        made = factory.make(['backup'], name='a-bshare')[0]
        cls.names.update(bshare=made['share'], backup=made['backup'],
                         target=made['share'])
        cls.before = cls.fingerprint()
        cls.pools = factory.pools(ACTIONS)
        cls.counted = count_rows(cls.deployment)

    @classmethod
    def as_persona(cls, persona, method, path, body=live.DEFAULT,
                   version=live.LATEST):
        token, roles = PERSONAS[persona]
        return cls.call(method, path, body, token=token, roles=roles,
                        version=version, headers=EXPERIMENTAL)

    # What a refused request must not change, by the name it targets.
    FINGERPRINTS = {
        'share': ('/shares/$share', 'share', (
            'name', 'description', 'status', 'size', 'metadata',
            'is_public', 'is_soft_deleted')),
        'snapshot': ('/snapshots/$snapshot', 'snapshot', (
            'name', 'description', 'status')),
        'rule': ('/share-access-rules?share_id=$share', 'access_list',
                 ('id', 'access_to', 'access_level', 'state')),
        'bshare': ('/shares/$bshare', 'share', ('name', 'status', 'size')),
        'backup': ('/share-backups/$backup', 'share_backup', (
            'name', 'description', 'status')),
    }
    TOUCHES = {'share': ('share', 'rule'), 'snapshot': ('snapshot', 'share'),
               'rule': ('rule',), 'backup': ('backup', 'bshare'),
               'target': ('bshare',)}

    @classmethod
    def fingerprint(cls, names=None):
        """The fields of the resources ``names`` that refusals keep."""
        prints = {}
        for name in cls.FINGERPRINTS if names is None else names:
            path, key, fields = cls.FINGERPRINTS[name]
            response = cls.as_persona('admin', 'GET', path)
            assert response.status_code == 200, response.text
            found = response.json()[key]
            rows = found if isinstance(found, list) else [found]
            prints[name] = sorted([row[f] for f in fields] for row in rows)
        return prints

    @staticmethod
    def touched(action):
        """The resources a request of ``action`` names."""
        text = '%s %s' % (action.path, action.body)
        return sorted({name for word, names in
                       SecurityMatrixTestCase.TOUCHES.items()
                       if '$' + word in text for name in names})

    # Checks ---------------------------------------------------------------

    def check(self, action, persona):
        code = action.code(persona)
        self.counted = count_rows(self.deployment)
        if code >= 400:
            return self.check_refused(action, persona, code)
        if action.listed:
            return self.check_list(action, persona)
        names = self.names
        if action.fresh and persona in ('admin', 'a_member', 'anonymous'):
            names = dict(self.names, **self.pools.take(action, persona))
        response = self.send(action, persona, names)
        self.assertEqual(code, response.status_code, response.text[:1000])
        for settle in action.settle or ():
            self.wait_settled(settle, names)
        if action.name.startswith('backup_'):
            self.assertEqual([], data_rules(self.deployment))

    def send(self, action, persona, names):
        token, roles = PERSONAS[persona]
        path = live._substitute(action.path, names)
        body = live.DEFAULT if action.body is None else \
            live._substitute(action.body, names)
        return self.call(action.method, path, body, token=token,
                         roles=roles, version=action.version,
                         headers=EXPERIMENTAL)

    def check_refused(self, action, persona, code):
        response = self.send(action, persona, self.names)
        # A 403 must come from the policy, not from a state check that a
        # permitted request would also have hit.
        self.assertFault(response, code,
                         POLICY_REFUSAL if code == 403 else None)
        names = self.touched(action)
        self.assertEqual({n: self.before[n] for n in names},
                         self.fingerprint(names))
        # Nothing was made either (a refused create).
        self.assertEqual(self.counted, count_rows(self.deployment))

    def check_list(self, action, persona):
        response = self.send(action, persona, self.names)
        self.assertEqual(200, response.status_code, response.text[:1000])
        listed = {item['id'] for item in response.json()[action.listed]}
        target = self.names[action.target]
        if persona.startswith('b_'):
            self.assertNotIn(target, listed)
        else:
            self.assertIn(target, listed)

    def wait_settled(self, settle, names):
        path, key, statuses = settle
        path = live._substitute(path, names)

        def done():
            response = self.as_persona('admin', 'GET', path)
            if response.status_code == 404:
                return 'deleted' in statuses
            self.assertEqual(200, response.status_code, response.text)
            item = response.json()[key]
            status = item.get('status', item.get('state'))
            self.assertNotIn('error', status, path)
            return status in statuses

        ffx.wait_for(done, SETTLE, interval=0.1, what='%s %s' % (
            path, '/'.join(statuses)))


def query(deployment, statement, **params):
    engine = sa.create_engine(deployment.db.url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(statement), params).fetchall()
    finally:
        engine.dispose()


def count_rows(deployment):
    """Live shares, snapshots, backups and access rules."""
    return [query(deployment, "SELECT COUNT(*) FROM %s WHERE deleted = "
                  "'False'" % table)[0][0] for table in (
                      'shares', 'share_snapshots', 'share_backups',
                      'share_access_rules')]


def data_rules(deployment, include_deleted=False):
    """(share id, key, state, deleted) of data-node access rows."""
    rows = query(deployment, "SELECT share_id, access_key, state, deleted "
                 "FROM share_access_rules WHERE access_key LIKE :key",
                 key=DATA_KEY + '%')
    return [tuple(row) for row in rows
            if include_deleted or row[3] == 'False']


class DataNodeAccessTestCase(testtools.TestCase):
    """The data node's access rule is gone after every backup and restore.

    Its own manila-bk-all: failures log tracebacks, which the matrix's
    deployment refuses.  Each check reads share_access_rules: no live row
    keyed ``manila-bk-data:<backup id>`` is left, and soft-deleted ones
    show the grant happened (``ro`` for a backup, ``rw`` for a restore).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.deployment = ffx.Deployment(
            'all', 'sqlite', extra_config=SecurityMatrixTestCase.extra_config)
        try:
            cls.deployment.start()
        except Exception:
            cls.deployment.cleanup()
            raise
        cls.http = test_backup.BackupHTTP(cls.deployment.endpoint)
        cls.root = os.path.join(cls.deployment.workdir, 'state', 'backups')

    @classmethod
    def tearDownClass(cls):
        cls.deployment.cleanup()
        super().tearDownClass()

    def share(self):
        share, path = self.http.create_share('dn-%s' % uuid.uuid4().hex[:6])
        for number in range(3):
            with open(os.path.join(path, 'f%d' % number), 'wb') as f:
                f.write(os.urandom(4096))
        return share

    def backup(self, share):
        backup = self.http.create_backup(share['id'], 'dn')
        backup = self.http.wait_backup(backup['id'], ('available', 'error'))
        self.http.wait_share(share['id'], ('available',))
        return backup

    def restore(self, backup, share):
        self.http.restore(backup['id'], share['id'])
        backup = self.http.wait_backup(backup['id'], ('available', 'error'))
        self.http.wait_share(share['id'], ('available',
                                           'backup_restoring_error'))
        return backup

    def assert_grants_gone(self, backup, levels):
        key = DATA_KEY + backup['id']
        rows = [r for r in data_rules(self.deployment, include_deleted=True)
                if r[1] == key]
        self.assertEqual([], [r for r in rows if r[3] == 'False'])
        made = {level for level, in query(
            self.deployment, 'SELECT access_level FROM share_access_rules '
            'WHERE access_key = :key', key=key)}
        self.assertEqual(set(levels), made)

    def test_backup_and_restores_leave_no_access(self):
        share, other = self.share(), self.share()
        backup = self.backup(share)
        self.assertEqual('available', backup['status'])
        self.assert_grants_gone(backup, ['ro'])
        self.assertEqual('available', self.restore(backup, share)['status'])
        self.assertEqual('available', self.restore(backup, other)['status'])
        self.assert_grants_gone(backup, ['ro', 'rw'])

    def test_failed_backup_leaves_no_access(self):
        share = self.share()
        # A file where the share's backup directory goes: the copy fails.
        os.makedirs(os.path.join(self.root, share['project_id']),
                    exist_ok=True)
        with open(os.path.join(self.root, share['project_id'],
                               share['id']), 'wb'):
            pass
        backup = self.backup(share)
        self.assertEqual('error', backup['status'])
        self.assert_grants_gone(backup, ['ro'])

    def test_failed_restore_leaves_no_access(self):
        share = self.share()
        backup = self.backup(share)
        data = os.path.join(self.root, share['project_id'], share['id'],
                            backup['id'], 'data', 'f0')
        with open(data, 'r+b') as f:
            f.write(b'damaged')
        backup = self.restore(backup, share)
        self.assertEqual('error', backup['status'])
        self.assertEqual('available', self.http.share(share['id'])['status'])
        self.assert_grants_gone(backup, ['ro', 'rw'])


class Factory:
    """Makes A's resources (as A's member) for the base and the writes.

    Requests go out in phases (every share, then every snapshot, rule,
    backup...) and each phase waits on one list request, so that making
    fifty resources costs little more than making one.
    """

    # kind -> (share size, what is made on the share)
    KINDS = {'share': (1, ()), 'share2': (2, ()),
             'share_with_metadata': (1, ('metadata',)),
             'snapshot': (1, ('snapshot',)), 'rule': (1, ('rule',)),
             'recycled': (1, ('recycled',)), 'backup': (1, ('backup',)),
             'backup_and_target': (1, ('backup', 'target'))}

    def __init__(self, case):
        self.case = case
        self.token, self.roles = PERSONAS['a_member']

    def call(self, method, path, body=live.DEFAULT, expect=(200, 202)):
        response = self.case.call(method, path, body, token=self.token,
                                  roles=self.roles, headers=EXPERIMENTAL)
        assert response.status_code in expect, response.text
        return response.json() if response.content else None

    def wait_all(self, path, key, ids, status='available', field='status'):
        """Wait until the listed ``ids`` all have ``status``."""
        def done():
            found = {item['id']: item[field]
                     for item in self.call('GET', path)[key]}
            broken = {i: found.get(i) for i in ids
                      if 'error' in (found.get(i) or '')}
            assert not broken, broken
            return all(found.get(i) == status for i in ids)
        ffx.wait_for(done, SETTLE, interval=0.3,
                     what='%d of %s %s' % (len(ids), key, status))

    def shares(self, sizes, extras=None, **fields):
        ids = []
        for size, extra in zip(sizes, extras or [()] * len(sizes)):
            share = dict(fields, share_proto='NFS', size=size)
            if 'metadata' in extra:
                share['metadata'] = {'owner': 'a'}
            ids.append(self.call('POST', '/shares',
                                 {'share': share})['share']['id'])
        self.wait_all('/shares/detail?limit=1000', 'shares', ids)
        return ids

    def snapshots(self, share_ids):
        ids = [self.call('POST', '/snapshots', {'snapshot': {
            'share_id': share_id}})['snapshot']['id']
            for share_id in share_ids]
        self.wait_all('/snapshots/detail?limit=1000', 'snapshots', ids)
        return ids

    def rules(self, share_ids, ip):
        body = _act('allow_access', {'access_type': 'ip', 'access_to': ip,
                                     'access_level': 'ro'})
        ids = [self.call('POST', '/shares/%s/action' % share_id,
                         body)['access']['id'] for share_id in share_ids]
        for share_id, rule_id in zip(share_ids, ids):
            self.wait_all('/share-access-rules?share_id=%s' % share_id,
                          'access_list', [rule_id], 'active', 'state')
        return ids

    def backups(self, share_ids):
        ids = [self.call('POST', '/share-backups', {'share_backup': {
            'share_id': share_id}})['share_backup']['id']
            for share_id in share_ids]
        self.wait_all('/share-backups/detail?limit=1000', 'share_backups',
                      ids)
        self.wait_all('/shares/detail?limit=1000', 'shares', share_ids)
        return ids

    def recycle(self, share_ids):
        for share_id in share_ids:
            self.call('POST', '/shares/%s/action' % share_id,
                      _act('soft_delete'))

    def make(self, kinds, **fields):
        """One {name: id} per kind in ``kinds``."""
        extras = [self.KINDS[k][1] for k in kinds]
        made = [{'share': share_id} for share_id in self.shares(
            [self.KINDS[k][0] for k in kinds], extras, **fields)]
        wanting = [m for m, extra in zip(made, extras) if 'target' in extra]
        for item, share_id in zip(wanting, self.shares([1] * len(wanting))):
            item['target'] = share_id
        steps = (('snapshot', self.snapshots),
                 ('rule', lambda ids: self.rules(ids, '10.0.0.2')),
                 ('backup', self.backups))
        for name, step in steps:
            wanting = [m for m, extra in zip(made, extras) if name in extra]
            if not wanting:
                continue
            for item, new_id in zip(wanting,
                                    step([m['share'] for m in wanting])):
                item[name] = new_id
        self.recycle([m['share'] for m, extra in zip(made, extras)
                      if 'recycled' in extra])
        return made

    def pools(self, actions):
        """Every resource the allowed writes of ``actions`` use."""
        wanted = []
        for action in actions:
            if not action.fresh:
                continue
            allowed = [p for p in ('admin', 'a_member', 'anonymous')
                       if action.codes[p] == OK]
            owners = allowed if action.per_persona else [None]
            wanted += [((action.name, owner), action.fresh)
                       for owner in owners]
        made = self.make([kind for _key, kind in wanted])
        return Pools({key: item for (key, _kind), item in zip(wanted, made)})


class Pools:
    """Resources made for the allowed writes, by (action, persona)."""

    def __init__(self, made):
        self.made = made

    def take(self, action, persona):
        key = (action.name, persona if action.per_persona else None)
        names = dict(self.made[key])
        # Each persona allows its own address on a shared share.
        names['ip'] = '10.9.0.%d' % (ORDER.index(persona) + 1)
        return names


def _add(action, persona):
    code = action.code(persona)
    name = 'test_%s_by_%s_gives_%s' % (action.name, persona, code)
    if hasattr(SecurityMatrixTestCase, name):
        raise ValueError('two rows make %s' % name)

    def test(self):
        self.check(action, persona)
    setattr(SecurityMatrixTestCase, name, test)


for _action in ACTIONS:
    for _persona in ORDER:
        _add(_action, _persona)

"""auth_strategy = keystone against a real Keystone, driven by openstack.

Keystone (from PyPI, in its own cached virtualenv; see keystone_fixture)
runs on SQLite on 127.0.0.1; manila_bk is in its catalog as
``shared-file-system`` and ``sharev2``; manila-bk-all validates tokens with
keystonemiddleware as a service user.  The ``openstack`` command
authenticates with passwords and finds manila_bk through the catalog, as
a member, a reader and the admin, in two projects.
"""

import time
import uuid

import requests
import testtools

from manila_bk.tests.functional import fixtures as ffx
from manila_bk.tests.functional import keystone_fixture as ksf
from manila_bk.tests.functional import test_api_bad_input as live
from manila_bk.tests.functional import test_security_matrix as matrix

SERVICE_USER = 'manila_bk'
PASSWORD = 'pw-%s' % uuid.uuid4().hex[:12]
# Whole class, once the Keystone virtualenv is cached.
CLASS_BUDGET = 180


def _authtoken_config(keystone):
    return {
        'www_authenticate_uri': keystone.url,
        'auth_url': keystone.url,
        'auth_type': 'password',
        'username': SERVICE_USER,
        'password': PASSWORD,
        'project_name': 'service',
        'user_domain_name': ksf.DOMAIN,
        'project_domain_name': ksf.DOMAIN,
        'region_name': ksf.REGION,
        'interface': 'public',
        # No memcached: keystonemiddleware caches tokens in the process.
        'token_cache_time': '300',
        'service_token_roles_required': 'True',
    }


class KeystoneAuthTest(testtools.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        started = time.monotonic()
        venv = ksf.ensure_venv()
        cls.venv_seconds = time.monotonic() - started
        cls.started = time.monotonic()
        cls.keystone = ksf.Keystone(venv)
        cls.deployment = None
        try:
            cls.keystone.start()
            cls._set_up_identities()
            cls._start_manila_bk()
        except Exception:
            cls._cleanup()
            raise

    @classmethod
    def _set_up_identities(cls):
        ks = cls.keystone
        service = ks.create_project('service')
        ks.create_user(SERVICE_USER, PASSWORD, service, ['service'])
        cls.projects = {}
        for name in ('project-one', 'project-two'):
            project_id = ks.create_project(name)
            cls.projects[name] = project_id
            ks.create_user(name + '-member', PASSWORD, project_id,
                           ['member'])
            ks.create_user(name + '-reader', PASSWORD, project_id,
                           ['reader'])

    @classmethod
    def _start_manila_bk(cls):
        ks = cls.keystone
        cls.deployment = ffx.Deployment('all', extra_config={
            'DEFAULT': {'auth_strategy': 'keystone'},
            'keystone_authtoken': _authtoken_config(ks)})
        for service_type in ('shared-file-system', 'sharev2'):
            ks.register_service('manilav2', service_type,
                                cls.deployment.endpoint)
        cls.deployment.start()
        cls.admin = ksf.PasswordCLI(ks, 'admin', ksf.ADMIN_PASSWORD,
                                    'admin')
        cls.member = cls._cli('project-one-member', 'project-one')
        cls.reader = cls._cli('project-one-reader', 'project-one')
        cls.other = cls._cli('project-two-member', 'project-two')
        ffx.wait_for(lambda: cls.admin.json('share', 'pool', 'list'), 60,
                     interval=1, what='share pools')
        cls.share = cls.member.json('share', 'create', 'NFS', '1',
                                    '--name', 'ks-share', '--wait')

    @classmethod
    def _cli(cls, user, project):
        return ksf.PasswordCLI(cls.keystone, user, PASSWORD, project)

    @classmethod
    def _cleanup(cls):
        if cls.deployment is not None:
            cls.deployment.cleanup()
        cls.keystone.cleanup()

    @classmethod
    def tearDownClass(cls):
        elapsed = time.monotonic() - cls.started
        cls._cleanup()
        super().tearDownClass()
        # Setting the virtualenv up the first time is not counted.
        if elapsed > CLASS_BUDGET:
            raise AssertionError(
                'KeystoneAuthTest took %.0f s, more than its %d s budget '
                '(keystone: %s)' % (elapsed, CLASS_BUDGET,
                                    cls.keystone.timings))

    def _refused(self, cli, *args):
        proc = cli.run(*args, check=False)
        self.assertNotEqual(0, proc.returncode, proc.stdout)
        return proc.stderr

    def test_member_creates_share_in_own_project(self):
        self.assertEqual('available', self.share['status'])
        self.assertEqual(self.projects['project-one'],
                         self.share['project_id'])
        self.assertNotIn('host', self.share)

    def test_reader_lists_and_shows_but_cannot_create(self):
        listed = self.reader.json('share', 'list')
        self.assertIn(self.share['id'], [s['ID'] for s in listed])
        shown = self.reader.json('share', 'show', self.share['id'])
        self.assertEqual('ks-share', shown['name'])
        self.assertNotIn('host', shown)
        err = self._refused(self.reader, 'share', 'create', 'NFS', '1')
        self.assertIn('HTTP 403', err)

    def test_other_project_cannot_see_share(self):
        listed = self.other.json('share', 'list')
        self.assertNotIn(self.share['id'], [s['ID'] for s in listed])
        err = self._refused(self.other, 'share', 'show', self.share['id'])
        self.assertIn('No share with a name or ID', err)
        err = self._refused(self.other, 'share', 'delete', self.share['id'])
        self.assertIn(self.share['id'], err)
        shown = self.member.json('share', 'show', self.share['id'])
        self.assertEqual('available', shown['status'])

    def test_admin_sees_host_and_all_projects(self):
        shown = self.admin.json('share', 'show', self.share['id'])
        self.assertIn('@', shown['host'])
        self.assertIn('#', shown['host'])
        listed = self.admin.json('share', 'list', '--all-projects')
        self.assertIn(self.share['id'], [s['ID'] for s in listed])

    def test_backup_host_and_topic_only_for_admin(self):
        backup = self.member.json('share', 'backup', 'create',
                                  self.share['id'], '--name', 'ks-backup')
        self.assertNotIn('topic', backup)
        token = self.keystone.session('project-one-member', PASSWORD,
                                      'project-one').get_token()

        def available():
            resp = requests.get(
                self.deployment.endpoint + '/share-backups/' + backup['id'],
                headers={'X-Auth-Token': token,
                         'X-OpenStack-Manila-API-Version': '2.91',
                         'X-OpenStack-Manila-API-Experimental': 'True'},
                timeout=30)
            self.assertEqual(200, resp.status_code, resp.text)
            status = resp.json()['share_backup']['status']
            self.assertNotIn(status, ('error', 'deleting'))
            return status == 'available'

        ffx.wait_for(available, 60, interval=0.5, what='the backup')
        shown = self.admin.json('share', 'backup', 'show', backup['id'])
        self.assertTrue(shown['host'])
        self.assertTrue(shown['topic'])
        shown = self.member.json('share', 'backup', 'show', backup['id'])
        self.assertNotIn('host', shown)
        self.assertNotIn('topic', shown)
        self.assertEqual(self.share['id'], shown['share_id'])

    def test_missing_or_forged_token_is_401_with_keystone_uri(self):
        url = self.deployment.endpoint + '/shares'
        for headers in ({}, {'X-Auth-Token': 'not-a-token'}):
            resp = requests.get(url, headers=headers, timeout=30)
            self.assertEqual(401, resp.status_code, resp.text)
            self.assertIn('unauthorized', resp.json())
            self.assertIn(self.keystone.url,
                          resp.headers.get('WWW-Authenticate', ''))

    def test_every_matrix_action_is_401_without_a_valid_token(self):
        # The anonymous column of test_security_matrix under Keystone.
        names = {name: str(uuid.uuid4()) for name in (
            'snapshot', 'rule', 'bshare', 'backup', 'target')}
        names.update(share=self.share['id'], ip='10.0.0.9')
        refused = []
        for action in matrix.ACTIONS:
            path = live._substitute(action.path, names)
            body = live._substitute(action.body, names)
            for token in (None, 'not-a-token'):
                headers = dict(matrix.EXPERIMENTAL, **{
                    'X-OpenStack-Manila-API-Version': action.version})
                if token:
                    headers['X-Auth-Token'] = token
                resp = requests.request(
                    action.method, self.deployment.endpoint + path,
                    json=body, headers=headers, timeout=30)
                if resp.status_code != 401 or \
                        'unauthorized' not in resp.json():
                    refused.append((action.name, token, resp.status_code))
        self.assertEqual([], refused)
        shown = self.member.json('share', 'show', self.share['id'])
        self.assertEqual(('ks-share', 'available'),
                         (shown['name'], shown['status']))

    def test_token_of_member_works_over_plain_http(self):
        session = self.keystone.session('project-one-member', PASSWORD,
                                        'project-one')
        resp = requests.get(
            self.deployment.endpoint + '/shares/' + self.share['id'],
            headers={'X-Auth-Token': session.get_token(),
                     'X-OpenStack-Manila-API-Version': '2.91'},
            timeout=30)
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertEqual(self.projects['project-one'],
                         resp.json()['share']['project_id'])

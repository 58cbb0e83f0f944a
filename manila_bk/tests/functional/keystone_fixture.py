"""A real Keystone from PyPI, for the functional tests of auth_strategy.

Keystone is installed into a virtualenv of its own (its dependencies are
not manila_bk's), cached under ``~/.cache/manila-bk-keystone-venv/`` keyed
by Keystone's version and the interpreter, so only the first run pays for
the download.  ``Keystone`` bootstraps a fresh instance on SQLite in a
temporary directory and serves it with cheroot (a pure-Python, threaded
WSGI server that pip installs without compiling) on 127.0.0.1.

Nothing here skips: when pip cannot install Keystone, or Keystone does
not come up, the caller gets an AssertionError with the output.
"""

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session
import requests

from manila_bk.tests.functional import fixtures as ffx

KEYSTONE_VERSION = os.environ.get('MANILA_BK_TEST_KEYSTONE_VERSION',
                                  '30.0.0')
# cheroot: no compiler needed (uwsgi needs one), one process, threads.
SERVER_REQUIREMENT = 'cheroot>=10.0'
CACHE_ROOT = os.environ.get(
    'MANILA_BK_KEYSTONE_VENV_CACHE',
    os.path.join(os.path.expanduser('~'), '.cache',
                 'manila-bk-keystone-venv'))
PIP_TIMEOUT = 1200
ADMIN_PASSWORD = 'admin-secret'
REGION = 'RegionOne'
DOMAIN = 'Default'

# Run by the Keystone virtualenv's interpreter: keystone's configuration
# parses sys.argv, so the port comes through the environment.
SERVE_SCRIPT = '''\
import os
import sys

sys.argv = sys.argv[:1]
from cheroot import wsgi
from keystone.server import wsgi as keystone_wsgi

app = keystone_wsgi.initialize_public_application()
server = wsgi.Server(('127.0.0.1', int(os.environ['KEYSTONE_PORT'])), app,
                     numthreads=8)
server.start()
'''


def _requirements(version):
    return ['keystone==%s' % version, SERVER_REQUIREMENT]


def venv_path(version=KEYSTONE_VERSION):
    """Where the virtualenv of Keystone ``version`` is cached."""
    return os.path.join(CACHE_ROOT, 'keystone-%s-py%d.%d' % (
        version, sys.version_info[0], sys.version_info[1]))


def _clean_env():
    """This process's environment without OS_* and virtualenv settings."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(('OS_', 'PYTHON'))
           and key != 'VIRTUAL_ENV'}
    env['PIP_DISABLE_PIP_VERSION_CHECK'] = '1'
    return env


def _run(argv, timeout, what, env=None, cwd=None):
    proc = subprocess.run(argv, capture_output=True, text=True,
                          timeout=timeout, env=env or _clean_env(),
                          stdin=subprocess.DEVNULL, cwd=cwd)
    if proc.returncode != 0:
        raise AssertionError('%s failed (exit %s): %s\n%s\n%s' % (
            what, proc.returncode, ' '.join(argv), proc.stdout[-5000:],
            proc.stderr[-5000:]))
    return proc


def _install(path, requirements):
    shutil.rmtree(path, ignore_errors=True)
    # The base interpreter, not this virtualenv's: a venv made from inside
    # another one would otherwise inherit nothing useful anyway.
    _run([sys.executable, '-m', 'venv', path], 300, 'creating the Keystone '
         'virtualenv')
    _run([os.path.join(path, 'bin', 'python'), '-m', 'pip', 'install',
          '--no-input', '--quiet'] + requirements, PIP_TIMEOUT,
         'pip install of Keystone (it must install from PyPI; this test is '
         'never skipped)')


def ensure_venv(version=KEYSTONE_VERSION):
    """Return the cached Keystone virtualenv, installing it if needed.

    A lock file serialises concurrent test workers; a stamp file written
    after a complete install marks the cache as usable.
    """
    path = venv_path(version)
    requirements = _requirements(version)
    os.makedirs(CACHE_ROOT, exist_ok=True)
    stamp = os.path.join(path, '.manila-bk-ready')
    with open(path + '.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with open(stamp) as f:
                ready = json.load(f) == requirements
        except (OSError, ValueError):
            ready = False
        if not (ready and os.access(os.path.join(path, 'bin',
                                                 'keystone-manage'),
                                    os.X_OK)):
            _install(path, requirements)
            with open(stamp, 'w') as f:
                json.dump(requirements, f)
    return path


class Keystone:
    """One Keystone on SQLite, served on 127.0.0.1:<free port>."""

    def __init__(self, venv):
        self.venv = venv
        self.workdir = tempfile.mkdtemp(prefix='manila-bk-keystone-')
        self.port = ffx.free_port()
        self.url = 'http://127.0.0.1:%d/v3' % self.port
        self.config_dir = os.path.join(self.workdir, 'etc')
        self.proc = None
        self.timings = {}
        self._admin = None

    def _write_config(self):
        os.makedirs(self.config_dir)
        keys = {name: os.path.join(self.workdir, name)
                for name in ('fernet-keys', 'credential-keys')}
        for path in keys.values():
            os.makedirs(path, mode=0o700)
        lines = [
            '[DEFAULT]',
            'log_file = %s' % os.path.join(self.workdir, 'keystone.log'),
            '[database]',
            'connection = sqlite:///%s'
            % os.path.join(self.workdir, 'keystone.sqlite'),
            '[token]', 'provider = fernet',
            '[fernet_tokens]', 'key_repository = %s' % keys['fernet-keys'],
            '[fernet_receipts]',
            'key_repository = %s' % keys['fernet-keys'],
            '[credential]', 'key_repository = %s' % keys['credential-keys'],
            # bcrypt's cheapest cost: every CLI call authenticates.
            '[identity]', 'password_hash_rounds = 4',
        ]
        with open(os.path.join(self.config_dir, 'keystone.conf'), 'w') as f:
            f.write('\n'.join(lines) + '\n')

    def _manage(self, *args):
        return [os.path.join(self.venv, 'bin', 'keystone-manage'),
                '--config-file',
                os.path.join(self.config_dir, 'keystone.conf')] + list(args)

    def _bootstrap(self):
        user = ['--keystone-user', str(os.getuid()),
                '--keystone-group', str(os.getgid())]
        # The key repositories do not touch the database: set them up
        # while db_sync runs.
        keys = [subprocess.Popen(self._manage(cmd, *user),
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, env=_clean_env())
                for cmd in ('fernet_setup', 'credential_setup')]
        _run(self._manage('db_sync'), 300, 'keystone-manage db_sync')
        for proc in keys:
            out = proc.communicate(timeout=300)[0]
            if proc.returncode != 0:
                raise AssertionError('keystone-manage %s failed: %s'
                                     % (proc.args[3:], out[-5000:]))
        _run(self._manage(
            'bootstrap', '--bootstrap-password', ADMIN_PASSWORD,
            '--bootstrap-region-id', REGION,
            '--bootstrap-admin-url', self.url,
            '--bootstrap-internal-url', self.url,
            '--bootstrap-public-url', self.url), 300,
            'keystone-manage bootstrap')

    def _serve(self):
        script = os.path.join(self.workdir, 'serve_keystone.py')
        with open(script, 'w') as f:
            f.write(SERVE_SCRIPT)
        env = _clean_env()
        env.update(OS_KEYSTONE_CONFIG_DIR=self.config_dir,
                   KEYSTONE_PORT=str(self.port))
        with open(os.path.join(self.workdir, 'server.log'), 'wb') as log:
            self.proc = subprocess.Popen(
                [os.path.join(self.venv, 'bin', 'python'), script],
                stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        ffx.wait_for(self._up, 120, what='Keystone on port %d' % self.port)

    def _up(self):
        if self.proc.poll() is not None:
            raise AssertionError('Keystone exited with %s:\n%s' % (
                self.proc.returncode, self.log()))
        try:
            return requests.get(self.url, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def start(self):
        """Bootstrap and serve; returns self.  Records phase timings."""
        started = time.monotonic()
        self._write_config()
        self._bootstrap()
        self.timings['bootstrap'] = time.monotonic() - started
        self._serve()
        self.timings['start'] = time.monotonic() - started
        return self

    def log(self):
        chunks = []
        for name in ('server.log', 'keystone.log'):
            path = os.path.join(self.workdir, name)
            if os.path.exists(path):
                with open(path, 'rb') as f:
                    chunks.append(f.read()[-10000:].decode('utf-8',
                                                           'replace'))
        return '\n'.join(chunks)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    # Identity administration, as the bootstrap admin, over the REST API.

    def session(self, username, password, project):
        auth = v3.Password(auth_url=self.url, username=username,
                           password=password, project_name=project,
                           user_domain_name=DOMAIN,
                           project_domain_name=DOMAIN)
        return ks_session.Session(auth=auth)

    @property
    def admin(self):
        if self._admin is None:
            self._admin = self.session('admin', ADMIN_PASSWORD, 'admin')
        return self._admin

    def _post(self, path, key, body):
        resp = self.admin.post(self.url + path, json={key: body},
                               raise_exc=False)
        if resp.status_code != 201:
            raise AssertionError('POST %s: %s %s' % (
                path, resp.status_code, resp.text[:1000]))
        return resp.json()[key]

    def _lookup(self, collection, name):
        resp = self.admin.get('%s/%s?name=%s' % (self.url, collection, name))
        return resp.json()[collection][0]['id']

    def create_project(self, name):
        return self._post('/projects', 'project', {
            'name': name, 'domain_id': 'default'})['id']

    def create_user(self, name, password, project_id, roles):
        """A user with ``roles`` (names) on project ``project_id``."""
        user_id = self._post('/users', 'user', {
            'name': name, 'password': password, 'domain_id': 'default',
            'default_project_id': project_id})['id']
        for role in roles:
            path = '%s/projects/%s/users/%s/roles/%s' % (
                self.url, project_id, user_id, self._lookup('roles', role))
            self.admin.put(path)
        return user_id

    def register_service(self, name, service_type, url):
        """A catalog entry with public, internal and admin endpoints."""
        service_id = self._post('/services', 'service', {
            'name': name, 'type': service_type, 'enabled': True})['id']
        for interface in ('public', 'internal', 'admin'):
            self._post('/endpoints', 'endpoint', {
                'service_id': service_id, 'interface': interface,
                'url': url, 'region_id': REGION, 'enabled': True})
        return service_id


class PasswordCLI(ffx.CLI):
    """The ``openstack`` command with password auth through the catalog."""

    def __init__(self, keystone, username, password, project):
        super().__init__(None)
        self.base = [os.path.join(ffx.BIN, 'openstack')]
        self.env.update({
            'OS_AUTH_URL': keystone.url,
            'OS_AUTH_TYPE': 'password',
            'OS_IDENTITY_API_VERSION': '3',
            'OS_USERNAME': username,
            'OS_PASSWORD': password,
            'OS_PROJECT_NAME': project,
            'OS_USER_DOMAIN_NAME': DOMAIN,
            'OS_PROJECT_DOMAIN_NAME': DOMAIN,
            'OS_REGION_NAME': REGION,
            'OS_INTERFACE': 'public',
        })

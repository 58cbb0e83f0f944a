"""Real processes against real services, for the functional tests.

``Deployment`` writes a manila.conf into a temporary directory and starts
either ``manila-bk-all`` (the embedded default: SQLite, in-process RPC) or
``manila-bk-api``, ``manila-bk-share`` and ``manila-bk-data`` as separate
processes over RabbitMQ with MariaDB or PostgreSQL.  Each deployment gets
its own database and its own RPC topics, so runs never see each other.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

import requests
import sqlalchemy as sa

BIN = os.path.dirname(sys.executable)
MYSQL_ADMIN_URL = os.environ.get(
    'MANILA_BK_TEST_MYSQL_URL', 'mysql+pymysql://root@127.0.0.1:3306/')
PG_ADMIN_URL = os.environ.get(
    'MANILA_BK_TEST_PG_URL', 'postgresql+psycopg2://postgres@127.0.0.1:5432/'
                             'postgres')
RABBIT_URL = os.environ.get('MANILA_BK_TEST_RABBIT_URL',
                            'rabbit://guest:guest@127.0.0.1:5672/')


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout, interval=0.2, what='condition'):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError('timed out after %ss waiting for %s'
                         % (timeout, what))


class Database:
    """A throw-away database on a real server (or a SQLite file)."""

    def __init__(self, kind, workdir):
        self.kind = kind
        self.name = 'mbk_%s' % uuid.uuid4().hex[:12]
        if kind == 'sqlite':
            self.url = 'sqlite:///%s' % os.path.join(workdir, 'db.sqlite')
        elif kind == 'mysql':
            self._admin(MYSQL_ADMIN_URL, 'CREATE DATABASE %s CHARACTER SET '
                        'utf8mb4' % self.name)
            self.url = '%s%s?charset=utf8mb4' % (MYSQL_ADMIN_URL, self.name)
        elif kind == 'postgresql':
            self._admin(PG_ADMIN_URL, 'CREATE DATABASE %s' % self.name)
            self.url = PG_ADMIN_URL.rsplit('/', 1)[0] + '/' + self.name
        else:
            raise ValueError(kind)

    @staticmethod
    def _admin(url, statement):
        engine = sa.create_engine(url, isolation_level='AUTOCOMMIT')
        try:
            with engine.connect() as conn:
                conn.execute(sa.text(statement))
        finally:
            engine.dispose()

    def drop(self):
        if self.kind == 'mysql':
            self._admin(MYSQL_ADMIN_URL, 'DROP DATABASE IF EXISTS %s'
                        % self.name)
        elif self.kind == 'postgresql':
            self._admin(PG_ADMIN_URL, 'DROP DATABASE IF EXISTS %s WITH '
                        '(FORCE)' % self.name)


class Deployment:
    """A running manila_bk; ``mode`` is 'all' or 'split'."""

    def __init__(self, mode='all', db_kind='sqlite', extra_config=None,
                 env=None):
        """Prepare (not start) a deployment.

        ``extra_config``: {section: {option: value}} added to (or
        overriding) the generated manila.conf, e.g. ``{'coordination':
        {'backend_url': 'redis://127.0.0.1:6379'}}``.  ``env``: extra
        environment variables of the service processes.
        """
        self.mode = mode
        self.workdir = tempfile.mkdtemp(prefix='manila-bk-func-')
        self.db = Database(db_kind, self.workdir)
        self.port = free_port()
        self.endpoint = 'http://127.0.0.1:%d/v2' % self.port
        self.host = 'func-%s' % uuid.uuid4().hex[:8]
        self.procs = {}
        self.extra_config = extra_config or {}
        self.env = dict(env or {})
        self.config_file = os.path.join(self.workdir, 'manila.conf')
        self._write_config()

    @property
    def share_root(self):
        """Directory of the local back end's shares."""
        if self.mode == 'split':
            return os.path.join(self.workdir, 'shares')
        return os.path.join(self.workdir, 'state', 'shares')

    def _merge_extra_config(self, lines):
        """Apply ``extra_config`` to the generated ``lines``."""
        sections = {}
        order = []
        current = None
        for line in lines:
            if line.startswith('['):
                current = line[1:-1]
                order.append(current)
                sections[current] = []
            else:
                sections[current].append(line)
        for section, options in self.extra_config.items():
            if section not in sections:
                order.append(section)
                sections[section] = []
            body = sections[section]
            for option, value in options.items():
                body[:] = [ln for ln in body
                           if ln.split('=', 1)[0].strip() != option]
                body.append('%s = %s' % (option, value))
        merged = []
        for section in order:
            merged.append('[%s]' % section)
            merged.extend(sections[section])
        return merged

    def _write_config(self):
        topic = uuid.uuid4().hex[:8]
        lines = [
            '[DEFAULT]',
            'state_path = %s' % os.path.join(self.workdir, 'state'),
            'host = %s' % self.host,
            'osapi_share_listen = 127.0.0.1',
            'osapi_share_listen_port = %d' % self.port,
            'report_interval = 1',
            'service_down_time = 15',
            'periodic_interval = 5',
            'share_topic = manila-bk-share-%s' % topic,
            'data_topic = manila-bk-data-%s' % topic,
            'debug = True',
        ]
        if self.mode == 'split':
            lines += ['transport_url = %s' % RABBIT_URL,
                      'enabled_share_backends = local1']
        lines += ['[database]', 'connection = %s' % self.db.url,
                  '[oslo_concurrency]',
                  'lock_path = %s' % os.path.join(self.workdir, 'locks')]
        if self.mode == 'split':
            lines += ['[local1]', 'share_driver = local',
                      'local_share_root = %s'
                      % os.path.join(self.workdir, 'shares')]
        if self.extra_config:
            lines = self._merge_extra_config(lines)
        with open(self.config_file, 'w') as f:
            f.write('\n'.join(lines) + '\n')

    def _spawn(self, name, log_mode='wb'):
        log = open(os.path.join(self.workdir, '%s.log' % name), log_mode)
        env = None
        if self.env:
            env = dict(os.environ)
            env.update(self.env)
        proc = subprocess.Popen(
            [os.path.join(BIN, name), '--config-file', self.config_file],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, env=env)
        log.close()
        self.procs[name] = proc
        return proc

    def kill(self, name, sig=signal.SIGKILL):
        """Send ``sig`` to the process group of service ``name``; wait."""
        proc = self.procs[name]
        if proc.poll() is None:
            os.killpg(proc.pid, sig)
        proc.wait(timeout=30)

    def respawn(self, name, env=None):
        """Start service ``name`` again (its log is appended to).

        ``env`` replaces the extra environment given at construction.
        """
        if env is not None:
            self.env = dict(env)
        return self._spawn(name, log_mode='ab')

    def start(self):
        if self.mode == 'all':
            self._spawn('manila-bk-all')
        else:
            self.manage('db', 'sync')
            for name in ('manila-bk-share', 'manila-bk-data',
                         'manila-bk-api'):
                self._spawn(name)
        wait_for(self._api_up, 60, what='the API on port %d' % self.port)
        return self

    def _api_up(self):
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise AssertionError('%s exited with %s:\n%s' % (
                    name, proc.returncode, self.log(name)))
        try:
            with socket.create_connection(('127.0.0.1', self.port), 0.5):
                return True
        except OSError:
            return False

    def log(self, name, tail=20000):
        """The last ``tail`` bytes of service ``name``'s log (None: all)."""
        path = os.path.join(self.workdir, '%s.log' % name)
        with open(path, 'rb') as f:
            data = f.read()
        if tail is not None:
            data = data[-tail:]
        return data.decode('utf-8', 'replace')

    def manage(self, *args):
        return subprocess.run(
            [os.path.join(BIN, 'manila-bk-manage'), '--config-file',
             self.config_file] + list(args),
            check=True, capture_output=True, text=True,
            stdin=subprocess.DEVNULL).stdout

    def stop(self):
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def cleanup(self):
        self.stop()
        self.db.drop()
        shutil.rmtree(self.workdir, ignore_errors=True)


class CLI:
    """python-manilaclient through the openstack command, unchanged."""

    def __init__(self, endpoint, token=None):
        self.base = [os.path.join(BIN, 'openstack'), '--os-auth-type', 'none',
                     '--os-endpoint', endpoint]
        self.env = dict(os.environ)
        for key in list(self.env):
            if key.startswith('OS_'):
                del self.env[key]

    def run(self, *args, check=True, timeout=300):
        proc = subprocess.run(self.base + list(args), capture_output=True,
                              text=True, env=self.env, timeout=timeout,
                              stdin=subprocess.DEVNULL)
        if check and proc.returncode != 0:
            raise AssertionError('openstack %s failed (%s):\n%s\n%s' % (
                ' '.join(args), proc.returncode, proc.stdout, proc.stderr))
        return proc

    def json(self, *args, **kw):
        out = self.run(*(list(args) + ['-f', 'json']), **kw).stdout
        return json.loads(out)


class HTTP:
    """The REST API of a deployment with noauth tokens (thread-safe).

    ``project`` names the caller's project (token ``user:<project>``; no
    project means the admin of project ``admin``); ``roles`` sets
    ``X-Roles`` (noauth gives admin, member and reader otherwise).
    """

    def __init__(self, endpoint, version='2.91'):
        self.endpoint = endpoint
        self.version = version

    def headers(self, project=None, roles=None, version=None):
        headers = {'X-OpenStack-Manila-API-Version': version or self.version}
        if project:
            headers['X-Auth-Token'] = 'user:%s' % project
        if roles:
            headers['X-Roles'] = roles
        return headers

    def call(self, method, path, body=None, expect=None, project=None,
             roles=None, version=None, timeout=30):
        """Send one request; assert ``expect`` (code or tuple) if given."""
        resp = requests.request(
            method, self.endpoint + path, json=body, timeout=timeout,
            headers=self.headers(project, roles, version))
        wanted = expect if isinstance(expect, tuple) else (expect,)
        if expect is not None and resp.status_code not in wanted:
            raise AssertionError('%s %s: expected %s, got %s: %s' % (
                method, path, expect, resp.status_code, resp.text[:2000]))
        return resp

    def get(self, path, **kw):
        return self.call('GET', path, expect=200, **kw).json()

    def wait(self, path, key, statuses, timeout=60, interval=0.2, **kw):
        """Poll ``path`` until ``[key]['status']`` is in ``statuses``.

        ``'deleted'`` in statuses also accepts 404.  Returns the body's
        ``key`` object (None once deleted).
        """
        def done():
            resp = self.call('GET', path, **kw)
            if resp.status_code == 404 and 'deleted' in statuses:
                return {'gone': None}
            if resp.status_code != 200:
                raise AssertionError('GET %s: %s %s' % (
                    path, resp.status_code, resp.text[:500]))
            item = resp.json()[key]
            if item['status'] in statuses:
                return {'gone': item}
            return None

        return wait_for(done, timeout, interval,
                        what='%s to be %s' % (path, '/'.join(statuses))
                        )['gone']

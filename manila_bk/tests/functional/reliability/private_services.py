"""A private MariaDB server and a private RabbitMQ node for fault tests.

The broker and database fault tests stop and start the server under a
running deployment.  The machine's shared MariaDB (port 3306) and
RabbitMQ (node ``rabbit@localhost``, port 5672) serve other test runs at
the same time, so the tests never touch them: each test class starts its
own server on a free loopback port with its data in a temporary
directory, owns its process (by pid, in its own session) and removes
everything in ``cleanup()``.

MariaDB: ``mariadb-install-db`` makes a data directory (root without a
password), ``mariadbd --no-defaults`` serves it on 127.0.0.1:<port>.

RabbitMQ: ``rabbitmq-server`` (the script in the Erlang release, not the
Debian wrapper that switches user and writes the shared startup log) runs
in the foreground as node ``mbk<hex>@localhost`` with its own HOME (and so
its own Erlang cookie), configuration file, enabled-plugins file (none),
Mnesia and log directories, distribution port and AMQP port.  It shares
only the machine's ``epmd``, which every Erlang node on a host shares.
It is stopped with SIGTERM to its own process group (a clean broker
shutdown).  ``rabbitmqctl stop_app``/``start_app`` is not used: on the
RabbitMQ 3.10 of Debian 12 ``start_app`` fails to re-open the listener.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import sqlalchemy as sa

from manila_bk.tests.functional import fixtures as ffx

MARIADBD = os.environ.get('MANILA_BK_TEST_MARIADBD', '/usr/sbin/mariadbd')
RABBITMQ_SERVER = os.environ.get('MANILA_BK_TEST_RABBITMQ_SERVER',
                                 '/usr/lib/rabbitmq/bin/rabbitmq-server')


def _port_open(port):
    try:
        with socket.create_connection(('127.0.0.1', port), 0.5):
            return True
    except OSError:
        return False


def mariadb_available():
    return bool(shutil.which('mariadb-install-db')) and \
        os.access(MARIADBD, os.X_OK)


def rabbitmq_available():
    return os.access(RABBITMQ_SERVER, os.X_OK)


class _Server:
    """A process we start in its own session and stop by its pid."""

    name = 'server'
    start_timeout = 60

    def __init__(self):
        self.workdir = tempfile.mkdtemp(prefix='manila-bk-%s-' % self.name)
        self.port = ffx.free_port()
        self.proc = None
        self.outages = []

    def _command(self):
        raise NotImplementedError

    def _env(self):
        return None

    def _ready(self):
        return _port_open(self.port)

    def start(self):
        if self.proc is not None and self.proc.poll() is None:
            return self
        log = open(os.path.join(self.workdir, '%s.log' % self.name), 'ab')
        try:
            self.proc = subprocess.Popen(
                self._command(), stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
                env=self._env(), cwd=self.workdir)
        finally:
            log.close()
        deadline = time.monotonic() + self.start_timeout
        while not self._ready():
            if self.proc.poll() is not None:
                raise AssertionError('%s exited with %s:\n%s' % (
                    self.name, self.proc.returncode, self.log()))
            if time.monotonic() > deadline:
                self.stop(signal.SIGKILL)
                raise AssertionError('%s did not start in %ss:\n%s' % (
                    self.name, self.start_timeout, self.log()))
            time.sleep(0.1)
        return self

    def stop(self, sig=signal.SIGTERM, timeout=60):
        """Stop the server (its whole process group); wait for it."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        except ProcessLookupError:
            pass

    def restart(self, down=2.0, sig=signal.SIGTERM):
        """Stop, stay down ``down`` seconds, start; returns the outage (s).

        The server is started again even if stopping failed.
        """
        began = time.monotonic()
        try:
            self.stop(sig)
            time.sleep(down)
        finally:
            self.start()
        outage = time.monotonic() - began
        self.outages.append(outage)
        return outage

    def log(self):
        path = os.path.join(self.workdir, '%s.log' % self.name)
        try:
            with open(path, 'rb') as f:
                return f.read()[-8000:].decode('utf-8', 'replace')
        except OSError:
            return ''

    def cleanup(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)


class PrivateMariaDB(_Server):
    """``mariadbd`` on 127.0.0.1:<free port>, root without a password."""

    name = 'mariadb'

    def __init__(self):
        super().__init__()
        self.datadir = os.path.join(self.workdir, 'data')
        user = ['--user=root'] if os.geteuid() == 0 else []
        subprocess.run(
            ['mariadb-install-db', '--no-defaults', '--datadir=%s'
             % self.datadir, '--auth-root-authentication-method=normal',
             '--skip-test-db'] + user,
            check=True, capture_output=True, stdin=subprocess.DEVNULL)

    @property
    def admin_url(self):
        return 'mysql+pymysql://root@127.0.0.1:%d/' % self.port

    def _command(self):
        user = ['--user=root'] if os.geteuid() == 0 else []
        return [MARIADBD, '--no-defaults', '--datadir=%s' % self.datadir,
                '--port=%d' % self.port, '--bind-address=127.0.0.1',
                '--socket=%s' % os.path.join(self.workdir, 'mysqld.sock'),
                '--pid-file=%s' % os.path.join(self.workdir, 'mysqld.pid'),
                '--skip-log-bin', '--innodb-buffer-pool-size=32M',
                '--innodb-log-file-size=16M', '--max-connections=300',
                '--log-error=%s' % os.path.join(self.workdir, 'error.log')
                ] + user

    def _ready(self):
        if not _port_open(self.port):
            return False
        engine = sa.create_engine(self.admin_url)
        try:
            with engine.connect() as conn:
                conn.execute(sa.text('SELECT 1'))
            return True
        except Exception:
            return False
        finally:
            engine.dispose()

    def log(self):
        text = super().log()
        try:
            with open(os.path.join(self.workdir, 'error.log'), 'rb') as f:
                text += f.read()[-8000:].decode('utf-8', 'replace')
        except OSError:
            pass
        return text


class PrivateRabbitMQ(_Server):
    """A RabbitMQ node of its own on 127.0.0.1:<free port>, guest/guest."""

    name = 'rabbitmq'

    def __init__(self):
        super().__init__()
        self.dist_port = ffx.free_port()
        self.node = 'mbk%s@localhost' % uuid.uuid4().hex[:10]
        with open(os.path.join(self.workdir, 'rabbitmq.conf'), 'w') as f:
            f.write('listeners.tcp.local = 127.0.0.1:%d\n' % self.port)
        with open(os.path.join(self.workdir, 'enabled_plugins'), 'w') as f:
            f.write('[].\n')
        open(os.path.join(self.workdir, 'rabbitmq-env.conf'), 'w').close()

    @property
    def url(self):
        return 'rabbit://guest:guest@127.0.0.1:%d/' % self.port

    def _command(self):
        return [RABBITMQ_SERVER]

    def _env(self):
        env = dict(os.environ)
        for key in list(env):
            if key.startswith(('RABBITMQ_', 'ERL_')):
                del env[key]
        join = lambda name: os.path.join(self.workdir, name)  # noqa: E731
        env.update({
            'HOME': self.workdir,
            'RABBITMQ_CONF_ENV_FILE': join('rabbitmq-env.conf'),
            'RABBITMQ_CONFIG_FILE': join('rabbitmq.conf'),
            'RABBITMQ_ADVANCED_CONFIG_FILE': join('advanced.config'),
            'RABBITMQ_ENABLED_PLUGINS_FILE': join('enabled_plugins'),
            'RABBITMQ_NODENAME': self.node,
            'RABBITMQ_DIST_PORT': str(self.dist_port),
            'RABBITMQ_MNESIA_BASE': join('mnesia'),
            'RABBITMQ_LOG_BASE': join('log'),
            'RABBITMQ_PID_FILE': join('rabbitmq.pid'),
            'ERL_EPMD_ADDRESS': '127.0.0.1',
            'ERL_FLAGS': '-kernel inet_dist_use_interface {127,0,0,1}',
        })
        return env

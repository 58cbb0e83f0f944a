"""Several processes of each kind on one machine, for the reliability tests.

``Cluster`` starts ``manila-bk-api`` with ``api_workers`` worker processes
(``osapi_share_workers``: the workers share one listening socket), then
``share_hosts`` share services and ``data_hosts`` data services, each
with its own ``host`` and its own ``state_path``, over one RabbitMQ vhost
and one set of topics, one database (MariaDB by default) and tooz locks
on Redis.

Two share services on one machine each serve their own local back end:
share service ``shareN`` has ``[local1] local_share_root =
<workdir>/shareN/shares``, so its shares are ``<that root>/share-<id>``
and its pool is ``<cluster>-shareN@local1#local1``.  Placement picks the
pool with the most usable space.  A local back end reports the smaller of
its file system's free space and ``local_total_capacity_gb`` (``capacity_gb``)
minus what it provisioned; back ends on one file system usually report the
same free space, so placement breaks the tie with the gigabytes placed
since each report, then by name: both hosts get shares, the first one more
of them (about 3:1 in the full load run).  Export locations are
``<host>:<path>`` and the data services (no share mount template) use
the path directly, so both data services reach the shares of both share
services.

The data services share one backup target (bind-mounted for every
operation, as in test_backup) and grant themselves access to each share
through an access rule for 127.0.0.1.

Every service reads ``common.conf`` then its own ``<name>.conf``;
``extra_config`` ({section: {option: value}}) goes into ``common.conf``.
Process names: ``api``, ``share1``..., ``data1``...; ``kill``,
``respawn`` and ``log`` take them.
"""

import os
import shutil
import subprocess
import tempfile
import uuid

import requests

from manila_bk.tests.functional import fixtures as ffx

REDIS_URL = os.environ.get('MANILA_BK_TEST_REDIS_URL',
                           'redis://127.0.0.1:6379')
BINARIES = {'api': 'manila-bk-api', 'share': 'manila-bk-share',
            'data': 'manila-bk-data'}
BACKEND = 'local1'
BACKUP_BACKEND = 'backup1'


def _ini(sections):
    lines = []
    for section, options in sections.items():
        lines.append('[%s]' % section)
        lines.extend('%s = %s' % item for item in options.items())
    return '\n'.join(lines) + '\n'


class Cluster(ffx.Deployment):
    """API workers, share services and data services as separate processes.

    ``capacity_gb`` is the capacity each local back end reports.
    """

    def __init__(self, share_hosts=2, data_hosts=2, api_workers=2,
                 db_kind='mysql', extra_config=None, env=None,
                 capacity_gb=1000, coordination_url=REDIS_URL):
        self.share_names = ['share%d' % i for i in range(1, share_hosts + 1)]
        self.data_names = ['data%d' % i for i in range(1, data_hosts + 1)]
        self.api_workers = api_workers
        self.capacity_gb = capacity_gb
        self.coordination_url = coordination_url
        self.tag = 'cl-%s' % uuid.uuid4().hex[:8]
        self.backup_target = tempfile.mkdtemp(prefix='manila-bk-cluster-'
                                                     'backups-')
        super().__init__('split', db_kind, extra_config=extra_config,
                         env=env)

    # Names ------------------------------------------------------------

    def service_host(self, name):
        """The ``host`` option of process ``name``."""
        return '%s-%s' % (self.tag, name)

    def share_backend_host(self, name):
        """The service host of share process ``name`` (host@backend)."""
        return '%s@%s' % (self.service_host(name), BACKEND)

    def pool_name(self, name):
        """The pool (share ``host`` value) of share process ``name``."""
        return '%s#%s' % (self.share_backend_host(name), BACKEND)

    def state_path(self, name):
        return os.path.join(self.workdir, name, 'state')

    def share_root_of(self, name):
        """The local back end's share root of share process ``name``."""
        return os.path.join(self.workdir, name, 'shares')

    @property
    def share_root(self):
        raise AttributeError('a cluster has one share root per share '
                             'service: use share_root_of(name)')

    @property
    def names(self):
        return ['api'] + self.share_names + self.data_names

    @staticmethod
    def binary(name):
        return BINARIES[name.rstrip('0123456789')]

    def config_files(self, name):
        return [self.config_file,
                os.path.join(self.workdir, '%s.conf' % name)]

    # Configuration ------------------------------------------------------

    def _write_config(self):
        topic = uuid.uuid4().hex[:8]
        common = {
            'DEFAULT': {
                'state_path': os.path.join(self.workdir, 'state'),
                'host': self.service_host('api'),
                'transport_url': ffx.RABBIT_URL,
                'osapi_share_listen': '127.0.0.1',
                'osapi_share_listen_port': self.port,
                'osapi_share_workers': self.api_workers,
                'report_interval': 1,
                'service_down_time': 15,
                'periodic_interval': 5,
                'share_topic': 'manila-bk-share-%s' % topic,
                'data_topic': 'manila-bk-data-%s' % topic,
                'enabled_share_backends': BACKEND,
                'enabled_backup_backend': BACKUP_BACKEND,
                'data_node_access_ips': '127.0.0.1',
                'debug': 'True',
            },
            'database': {'connection': self.db.url},
            'oslo_concurrency': {
                'lock_path': os.path.join(self.workdir, 'locks')},
            BACKUP_BACKEND: {
                'backup_driver': 'nfs',
                'backup_mount_export': self.backup_target,
                'backup_mount_template': 'mount --bind %(export)s %(path)s'},
        }
        if self.coordination_url:
            common['coordination'] = {'backend_url': self.coordination_url}
        for section, options in self.extra_config.items():
            common.setdefault(section, {}).update(options)
        with open(self.config_file, 'w') as f:
            f.write(_ini(common))
        for name in self.share_names + self.data_names:
            own = {'DEFAULT': {'host': self.service_host(name),
                               'state_path': self.state_path(name)}}
            if name in self.share_names:
                own[BACKEND] = {
                    'share_driver': 'local',
                    'local_share_root': self.share_root_of(name),
                    'local_total_capacity_gb': self.capacity_gb}
            os.makedirs(self.state_path(name))
            with open(self.config_files(name)[1], 'w') as f:
                f.write(_ini(own))
        with open(self.config_files('api')[1], 'w') as f:
            f.write(_ini({'DEFAULT': {}}))

    # Processes --------------------------------------------------------------

    def _spawn(self, name, log_mode='wb'):
        log = open(os.path.join(self.workdir, '%s.log' % name), log_mode)
        env = None
        if self.env:
            env = dict(os.environ)
            env.update(self.env)
        argv = [os.path.join(ffx.BIN, self.binary(name))]
        for path in self.config_files(name):
            argv += ['--config-file', path]
        proc = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True, env=env)
        log.close()
        self.procs[name] = proc
        return proc

    def start(self, timeout=90):
        """Sync the schema, start every process, wait until all are up."""
        self.manage('db', 'sync')
        for name in self.share_names + self.data_names + ['api']:
            self._spawn(name)
        ffx.wait_for(self._api_up, timeout,
                     what='the API on port %d' % self.port)
        ffx.wait_for(self._services_up, timeout, interval=0.5,
                     what='%d share and %d data services up'
                     % (len(self.share_names), len(self.data_names)))
        return self

    def _services_up(self):
        self._api_up()
        headers = {'X-OpenStack-Manila-API-Version': '2.7'}
        try:
            services = requests.get(self.endpoint + '/services',
                                    headers=headers, timeout=10).json()
            pools = requests.get(self.endpoint + '/scheduler-stats/pools',
                                 headers=headers, timeout=10).json()
        except (requests.RequestException, ValueError):
            return False
        up = {s['host'] for s in services.get('services', ())
              if s['state'] == 'up'}
        wanted = {self.share_backend_host(n) for n in self.share_names} | \
            {self.service_host(n) for n in self.data_names}
        pooled = {p['name'] for p in pools.get('pools', ())}
        return wanted <= up and pooled >= {
            self.pool_name(n) for n in self.share_names}

    def api_worker_pids(self):
        """Pids that logged a served request in the API log."""
        pids = set()
        for line in self.log('api', tail=None).splitlines():
            if '"GET ' in line or '"POST ' in line or '"DELETE ' in line \
                    or '"PUT ' in line:
                fields = line.split()
                if len(fields) > 2 and fields[2].isdigit():
                    pids.add(int(fields[2]))
        return pids

    def log(self, name, tail=20000):
        path = os.path.join(self.workdir, '%s.log' % name)
        with open(path, 'rb') as f:
            data = f.read()
        if tail:
            data = data[-tail:]
        return data.decode('utf-8', 'replace')

    def mounts(self):
        """Mount points below the cluster's directories still mounted."""
        with open('/proc/self/mounts') as f:
            points = [line.split()[1] for line in f]
        return [p for p in points if p.startswith(self.workdir)]

    def cleanup(self):
        try:
            self.stop()
        finally:
            # Never let rmtree walk into a mount a failure left behind.
            for point in self.mounts():
                subprocess.run(['umount', '-l', point], check=False)
            super().cleanup()
            shutil.rmtree(self.backup_target, ignore_errors=True)

"""Broker and database faults: restart RabbitMQ, then MariaDB, mid-work.

The deployment (split processes, as in the crash matrix) runs against a
private RabbitMQ node and a private MariaDB server
(private_services.py), never the machine's shared ones.  Each trial
starts the six operations of invariants.Round, restarts the broker or the
database server after a random delay, and checks that no service
exited, every operation completed or failed into its error status with a
user message within a bounded time (nothing hangs), the invariants of
invariants.py hold, and new work succeeds afterwards (the services
reconnected by themselves).

One trial per fault in the functional run (CI), eight with
``MANILA_BK_RELIABILITY=full``.  The seed is printed; replay with
``MANILA_BK_RELIABILITY_SEED=<seed>``.
"""

import random
import shutil
import subprocess
import sys
import tempfile
import time

import testtools

from manila_bk.tests.functional import fixtures as ffx
from manila_bk.tests.functional.reliability import invariants as inv
from manila_bk.tests.functional.reliability import private_services as ps
from manila_bk.tests.functional.reliability import report

FAULT_WINDOW = (0.0, 2.5)  # s after the first request
DB_DOWN = (1.0, 4.0)  # s the database server stays stopped
BROKER_DOWN = (1.0, 3.0)  # s the broker stays stopped (then ~6 s boot)
SETTLE_TIMEOUT = 180


@testtools.skipUnless(ps.mariadb_available() and ps.rabbitmq_available(),
                      'needs mariadbd, mariadb-install-db and rabbitmq-server')
class FaultsTestCase(testtools.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.target = tempfile.mkdtemp(prefix='manila-bk-fault-target-')
        cls.mariadb = cls.rabbit = cls.deployment = None
        cls._saved_url = ffx.MYSQL_ADMIN_URL
        try:
            cls.mariadb = ps.PrivateMariaDB().start()
            cls.rabbit = ps.PrivateRabbitMQ().start()
            # fixtures.Database creates (and drops) the deployment's
            # database on this server.
            ffx.MYSQL_ADMIN_URL = cls.mariadb.admin_url
            config = inv.extra_config(cls.target)
            config['DEFAULT']['transport_url'] = cls.rabbit.url
            cls.deployment = ffx.Deployment('split', 'mysql',
                                            extra_config=config,
                                            env=inv.PAUSE_ENV)
            cls.deployment.start()
        except Exception:
            cls._cleanup()
            raise
        cls.cluster = inv.Cluster(cls.deployment, cls.target)

    @classmethod
    def _cleanup(cls):
        try:
            if cls.deployment is not None:
                for point in inv.Cluster(cls.deployment,
                                         cls.target).mounts():
                    subprocess.run(['umount', '-l', point], check=False)
                cls.deployment.cleanup()
        finally:
            ffx.MYSQL_ADMIN_URL = cls._saved_url
            for server in (cls.rabbit, cls.mariadb):
                if server is not None:
                    server.cleanup()
            shutil.rmtree(cls.target, ignore_errors=True)

    @classmethod
    def tearDownClass(cls):
        cls._cleanup()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        if self.cluster.type_name is None:
            self.cluster.prepare()

    def _probe_start(self, scenario):
        """New work the moment the server is back: a share, a backup.

        The services may not have reconnected yet; the requests must be
        carried out all the same.
        """
        c = self.cluster
        try:
            share = c.call('POST', '/shares', {'share': {
                'share_proto': 'NFS', 'size': 1, 'name': 'probe-%s'
                % scenario.tag, 'share_type': c.type_name}}).json()['share']
            backup = c.create_backup(scenario.sid('spare'),
                                     'probe-%s' % scenario.tag)
            return share['id'], backup['id']
        except AssertionError as exc:
            return exc

    def _probe_check(self, probe, tally, label):
        c = self.cluster
        ok = False
        if isinstance(probe, AssertionError):
            detail = 'refused: %s' % probe
        else:
            share = c.share(probe[0])
            backup = c.backup(probe[1])
            ok = share['status'] == backup['status'] == 'available'
            detail = 'share %s, backup %s %s' % (
                share['status'], backup['status'],
                backup.get('fail_reason') or '')
        tally.check(ok, '%s: work requested right after the fault did not '
                    'succeed: %s' % (label, detail))

    def _run(self, part, restart):
        """Trials of one fault; ``restart(rng)`` returns the outage (s)."""
        base_seed = inv.seed()
        tally = inv.Tally(part, by_op=True)
        outages, settle = [], []
        self.addCleanup(lambda: tally.record(
            seed=base_seed, outage_s=inv.spread(outages),
            settle_s=inv.spread(settle)))
        for number in range(report.trials(1, 8)):
            rng = random.Random(base_seed + number)
            label = '%s %d (seed %d)' % (part, number, base_seed)
            with inv.counted(tally, label):
                scenario = inv.Round(self.cluster, label, spare=True)
                scenario.prepare()
                started = scenario.start()
                delay = rng.uniform(*FAULT_WINDOW)
                time.sleep(max(0.0, started + delay - time.monotonic()))
                outage = restart(rng)
                outages.append(outage)
                probe = self._probe_start(scenario)
                took = inv.check_settled(self.cluster, [scenario], tally,
                                         SETTLE_TIMEOUT, label)
                if took is not None:
                    settle.append(took)
                scenario.check({op: tally for op in inv.OPS})
                self._probe_check(probe, tally, label)
            sys.stdout.write('%s: restarted at %.2f s, down %.1f s, settled '
                             'after %s s\n' % (label, delay, outage, took))
        inv.assert_no_failures(self, [tally], self.deployment, base_seed,
                               'faults')

    def test_broker_restart_mid_operations(self):
        self._run('fault: rabbitmq restart',
                  lambda rng: self.rabbit.restart(rng.uniform(*BROKER_DOWN)))

    def test_database_restart_mid_operations(self):
        self._run('fault: mariadb restart',
                  lambda rng: self.mariadb.restart(rng.uniform(*DB_DOWN)))

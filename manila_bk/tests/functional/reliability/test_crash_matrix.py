"""Crash matrix: kill -9 the service doing the work at random points.

Separate api, share and data processes over RabbitMQ and MariaDB (the
split mode of fixtures.Deployment); the backup target is bind-mounted for
each operation and the data node grants itself access to each share, so
a kill really leaves mounts, access rules and partial trees behind.

Each round (see invariants.Round) starts snapshot create and revert
(share service) and full backup, incremental backup, restore and backup
delete (data service) at once, then kills the share service and the data
service with SIGKILL at two random moments, restarts each at once and
checks the invariants of invariants.py.  The share service pauses 0.3 s
at the local driver's inner steps and the data service 0.5 s at each
progress report, so the kills land inside the operations as well as
before and after them.

The delays come from ``random.Random(seed + round)``; the seed is printed
and a failing run is replayed with ``MANILA_BK_RELIABILITY_SEED=<seed>``.
Two rounds in the functional run (CI), twenty with
``MANILA_BK_RELIABILITY=full`` (``tox -e reliability``).
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
from manila_bk.tests.functional.reliability import report

SHARE_KILL_WINDOW = 1.5  # s after the first request
DATA_KILL_WINDOW = 4.0
SETTLE_TIMEOUT = 150  # > backup_unclaimed_timeout + periodic_interval


class CrashMatrixTestCase(testtools.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.target = tempfile.mkdtemp(prefix='manila-bk-crash-target-')
        cls.deployment = ffx.Deployment(
            'split', 'mysql', extra_config=inv.extra_config(cls.target),
            env=inv.PAUSE_ENV)
        try:
            cls.deployment.start()
        except Exception:
            cls.deployment.cleanup()
            raise
        cls.cluster = inv.Cluster(cls.deployment, cls.target)

    @classmethod
    def tearDownClass(cls):
        for point in cls.cluster.mounts():
            subprocess.run(['umount', '-l', point], check=False)
        cls.deployment.cleanup()
        shutil.rmtree(cls.target, ignore_errors=True)
        super().tearDownClass()

    def _kill_and_restart(self, rng, started):
        """Kill both services at random moments after ``started``."""
        plan = sorted([(rng.uniform(0, SHARE_KILL_WINDOW),
                        inv.SHARE_SERVICE),
                       (rng.uniform(0, DATA_KILL_WINDOW),
                        inv.DATA_SERVICE)])
        offsets = {}
        for at, name in plan:
            time.sleep(max(0.0, started + at - time.monotonic()))
            offsets[name] = self.cluster.kill(name)
        self.cluster.respawn(offsets)
        return {name: at for at, name in plan}

    def test_kill_9_at_random_points(self):
        base_seed = inv.seed()
        rounds = report.trials(2, 20)
        tallies = {op: inv.Tally('crash: %s' % op.replace('_', ' '))
                   for op in inv.OPS}
        whole = inv.Tally('crash: deployment')
        kills = {inv.SHARE_SERVICE: [], inv.DATA_SERVICE: []}
        settle = []

        def record():
            for op, tally in tallies.items():
                worker = inv.SHARE_SERVICE if op in inv.SHARE_OPS \
                    else inv.DATA_SERVICE
                tally.record(seed=base_seed,
                             kill_after_s=inv.spread(kills[worker]))
            whole.record(seed=base_seed, settle_s=inv.spread(settle))

        self.addCleanup(record)
        self.cluster.prepare()
        for number in range(rounds):
            rng = random.Random(base_seed + number)
            label = 'crash round %d (seed %d)' % (number, base_seed)
            whole.trials += 1
            clock = inv.Clock()
            with inv.counted(whole, label):
                scenario = inv.Round(self.cluster, label)
                scenario.prepare()
                clock.lap('prepare')
                started = scenario.start()
                at = self._kill_and_restart(rng, started)
                clock.lap('kill+restart')
                for name, delay in at.items():
                    kills[name].append(delay)
                took = inv.check_settled(self.cluster, [scenario], whole,
                                         SETTLE_TIMEOUT, label)
                if took is not None:
                    settle.append(took)
                clock.lap('settle')
                scenario.check(tallies)
                clock.lap('check')
            sys.stdout.write('%s: share service killed at %.2f s, data '
                             'service at %.2f s (%s)\n' % (
                                 label, at[inv.SHARE_SERVICE],
                                 at[inv.DATA_SERVICE], clock))
        inv.assert_no_failures(self, [whole] + list(tallies.values()),
                               self.deployment, base_seed, 'crash')

"""Latency and throughput of the REST API's detail lists.

For each database (SQLite, the embedded default, and MariaDB) a
``manila-bk-all`` deployment starts (``Deployment('all')`` from the
functional fixtures, with the defaults of ``debug``, ``report_interval``
and ``periodic_interval`` instead of the fixture's test values), rows are
added to its database (:mod:`benchmarks.seed_db`), and concurrent
clients (threads, each with its own connection) call
``GET /v2/share-backups/detail`` and ``GET /v2/shares/detail`` as the
rows' project (noauth), without ``limit``, as python-manilaclient's
list commands do.  Every client sends requests back to back until the
time or the request budget is spent (:class:`_Budget`); one warm-up
request comes first.  The clients use ``http.client`` (see
:func:`_client`).  Clients and server share the machine's two cores.
"""

import http.client
import subprocess
import sys
import threading
import time
import urllib.parse

import requests

from benchmarks import common
from benchmarks import engine_child
from manila_bk.tests.functional import fixtures

PROJECT = 'bench'
HEADERS = {'X-OpenStack-Manila-API-Version': '2.91',
           'X-OpenStack-Manila-API-Experimental': 'True',
           'X-Auth-Token': 'bench:%s' % PROJECT}
PATHS = ('/share-backups/detail', '/shares/detail')
WARMUP = 1
# The fixture's test settings (heartbeat every second, periodic tasks every
# 5 s, debug logs) compete with requests for the interpreter; these are
# manila_bk's defaults.
PRODUCTION = {'debug': 'False', 'report_interval': '10',
              'service_down_time': '60', 'periodic_interval': '60'}
MIN_REQUESTS = 20


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    rank = max(1, int(round(fraction * len(sorted_values) + 0.4999)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def _client(url, budget, latencies, errors):
    """Send requests back to back; record each one's seconds.

    ``http.client`` reads a body of known length in one call; requests
    reads it in 10 KiB pieces through urllib3, which cost 5-15 ms of the
    two cores the server also runs on for a 1.2 MB list: the client's
    own work would be counted as the server's latency.  The body is read
    in full but not parsed, as for ``curl -o /dev/null``.
    """
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port,
                                      timeout=60)
    try:
        while budget.take(len(latencies)):
            start = time.perf_counter()
            conn.request('GET', parts.path, headers=HEADERS)
            resp = conn.getresponse()
            body = resp.read()
            elapsed = time.perf_counter() - start
            if resp.status != 200 or not body:
                errors.append(resp.status)
            else:
                latencies.append(elapsed)
    finally:
        conn.close()


class _Budget:
    """When the clients stop: a shared request count and a time window.

    They go on for ``seconds``, and past it until ``MIN_REQUESTS`` have
    completed (a p95 needs a few samples), but never beyond three times
    ``seconds`` nor ``count`` requests.
    """

    def __init__(self, count, seconds):
        self.count = count
        self.start = time.monotonic()
        self.soft = self.start + seconds
        self.hard = self.start + 3 * seconds
        self.lock = threading.Lock()

    def take(self, done):
        now = time.monotonic()
        with self.lock:
            if self.count <= 0 or now >= self.hard or \
                    (now >= self.soft and done >= MIN_REQUESTS):
                return False
            self.count -= 1
            return True


def measure(url, clients, seconds, max_requests):
    """p50/p95 (ms) and requests/s of ``clients`` threads on ``url``."""
    warm = requests.get(url, headers=HEADERS, timeout=60)
    warm.raise_for_status()
    for _ in range(WARMUP - 1):
        requests.get(url, headers=HEADERS, timeout=60).raise_for_status()
    items = len(next(iter(warm.json().values())))
    latencies, errors = [], []
    budget = _Budget(max_requests, seconds)
    threads = [threading.Thread(target=_client, args=(
        url, budget, latencies, errors)) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    ordered = sorted(latencies)
    return {'clients': clients, 'requests': len(ordered),
            'errors': len(errors), 'seconds': wall,
            'items': items, 'response_bytes': len(warm.content),
            'p50_ms': percentile(ordered, 0.50) * 1000,
            'p95_ms': percentile(ordered, 0.95) * 1000,
            'req_s': len(ordered) / wall}


def seed(deployment, records):
    argv = [sys.executable, '-m', 'benchmarks.seed_db', '--config-file',
            deployment.config_file, '--shares', str(records),
            '--backups', str(records), '--project', PROJECT]
    proc = subprocess.run(argv, capture_output=True, text=True,
                          cwd=engine_child.REPO_ROOT,
                          stdin=subprocess.DEVNULL)
    if proc.returncode:
        raise RuntimeError('seeding failed: %s' % proc.stderr[-3000:])
    return proc.stdout.strip().splitlines()[-1]


def _one_database(db_kind, profile, wrap=None):
    deployment = fixtures.Deployment(
        'all', db_kind=db_kind, extra_config={'DEFAULT': PRODUCTION})
    rows = []
    try:
        deployment.start()
        for records in profile.api_records:
            common.log('api %s: seeding %d rows of each kind', db_kind,
                       records)
            seeded = seed(deployment, records)
            for path in PATHS:
                for clients in profile.api_clients:
                    common.log('api %s: %s, %d rows, %d clients', db_kind,
                               path, records, clients)
                    row = measure(deployment.endpoint + path, clients,
                                  profile.api_seconds,
                                  profile.api_max_requests)
                    row.update(database=db_kind, path='GET /v2' + path,
                               records=records, seeded=seeded)
                    rows.append(row)
            if wrap is not None:
                wrap(deployment, records)
    finally:
        deployment.cleanup()
    return rows


def run(profile, databases=('sqlite', 'mysql'), wrap=None):
    """Rows of measurements, or a not-measured reason per database.

    ``wrap(deployment, records)`` is called after each record count's
    measurements (the profiler hooks in there).
    """
    out = {'rows': [], 'not_measured': {}}
    for db_kind in databases:
        try:
            out['rows'] += _one_database(db_kind, profile, wrap)
        except Exception as exc:  # a missing server is reported, not fatal
            common.log('api %s not measured: %s', db_kind, exc)
            out['not_measured'][db_kind] = str(exc)[:500]
    return out

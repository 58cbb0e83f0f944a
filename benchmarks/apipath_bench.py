"""A full backup and a restore through the whole API path.

``manila-bk-all`` (embedded default: SQLite, in-process RPC, local share
driver, nfs backup driver on ``$state_path/backups``) is started with
the functional fixtures; a share is created over REST and filled with the
data set (``cp -a``, not timed).  Each round then, from a cold page
cache, POSTs ``/v2/share-backups`` and polls until the backup is
``available``, then POSTs the restore action and polls until the backup
and the share are ``available`` again; the backup is deleted before the
next round.  Polling every 50 ms bounds the error of each time to about
that.  The times include the API's checks, the RPC cast, the data
service's access grant and mount steps and the copy.
"""

import math
import time

import requests

from benchmarks import common
from manila_bk.tests.functional import fixtures

HEADERS = {'X-OpenStack-Manila-API-Version': '2.91',
           'X-OpenStack-Manila-API-Experimental': 'True',
           'X-Auth-Token': 'bench:bench'}
POLL = 0.05


class _Client:

    def __init__(self, endpoint):
        self.endpoint = endpoint
        self.session = requests.Session()

    def call(self, method, path, body=None):
        resp = self.session.request(method, self.endpoint + path, json=body,
                                    headers=HEADERS, timeout=60)
        if resp.status_code >= 400:
            raise RuntimeError('%s %s: %s %s' % (
                method, path, resp.status_code, resp.text[:500]))
        return resp.json() if resp.content else None

    def status(self, kind, item_id):
        path = '/%s/%s' % ('shares' if kind == 'share' else 'share-backups',
                           item_id)
        resp = self.session.get(self.endpoint + path, headers=HEADERS,
                                timeout=60)
        if resp.status_code == 404:
            return 'deleted'
        return resp.json()['share' if kind == 'share' else
                           'share_backup']['status']

    def wait(self, kind, item_id, wanted, timeout=1800):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.status(kind, item_id)
            if status in wanted:
                return status
            if 'error' in status:
                raise RuntimeError('%s %s went %s' % (kind, item_id, status))
            time.sleep(POLL)
        raise RuntimeError('%s %s not %s in time' % (kind, item_id, wanted))

    def create_share(self, size_gib):
        fixtures.wait_for(lambda: self.call(
            'GET', '/scheduler-stats/pools')['pools'], 60, interval=0.5,
            what='pools')
        share = self.call('POST', '/shares', {'share': {
            'share_proto': 'NFS', 'size': size_gib,
            'name': 'bench'}})['share']
        self.wait('share', share['id'], ('available',))
        locations = self.call('GET', '/shares/%s/export_locations'
                              % share['id'])['export_locations']
        return share['id'], locations[0]['path'].split(':', 1)[1]


def _round(clock, client, share_id):
    clock.cold()
    start = time.perf_counter()
    backup = client.call('POST', '/share-backups', {'share_backup': {
        'share_id': share_id, 'name': 'bench'}})['share_backup']
    client.wait('backup', backup['id'], ('available',))
    backup_s = time.perf_counter() - start
    clock.cold()
    start = time.perf_counter()
    client.call('POST', '/share-backups/%s/action' % backup['id'],
                {'restore': None})
    # The backup leaves 'restoring' last; the share must be back too.
    time.sleep(POLL)
    client.wait('backup', backup['id'], ('available',))
    client.wait('share', share_id, ('available',))
    restore_s = time.perf_counter() - start
    client.call('DELETE', '/share-backups/%s' % backup['id'])
    client.wait('backup', backup['id'], ('deleted',))
    return backup_s, restore_s


def _one_dataset(clock, label, src, runs):
    nbytes, nfiles = common.tree_stats(src)
    deployment = fixtures.Deployment(
        'all', extra_config={'DEFAULT': {'debug': 'False'}})
    try:
        deployment.start()
        client = _Client(deployment.endpoint)
        share_id, path = client.create_share(
            max(1, math.ceil(nbytes * 1.1 / common.GiB)))
        clock.time_command('cp -a %s/. %s/' % (src, path), shell=True)
        backups, restores = [], []
        for run_no in range(runs):
            common.log('api path %s run %d', label, run_no + 1)
            backup_s, restore_s = _round(clock, client, share_id)
            backups.append(backup_s)
            restores.append(restore_s)
    finally:
        deployment.cleanup()
    out = {}
    for name, samples in (('api backup', backups),
                          ('api restore', restores)):
        seconds = common.median(samples)
        out[name] = {'samples': [round(s, 4) for s in samples],
                     'median_s': seconds,
                     'mib_s': common.rate(nbytes / common.MiB, seconds),
                     'files_s': common.rate(nfiles, seconds)}
    return {'bytes': nbytes, 'files': nfiles, 'tools': out}


def run(clock, datasets, runs):
    """``datasets``: {label: path}; a failure is reported as not measured."""
    out = {}
    for label, src in datasets.items():
        try:
            out[label] = _one_dataset(clock, label, src, runs)
        except Exception as exc:
            common.log('api path %s not measured: %s', label, exc)
            out[label] = {'not_measured': str(exc)[:500]}
    return out

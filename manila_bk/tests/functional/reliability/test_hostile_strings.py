"""Hostile names, descriptions and metadata never reach a path or a shell.

Against a live manila-bk-all: shares, snapshots and backups are made and
renamed with names, descriptions and metadata holding path separators,
``..``, shell syntax (``;``, ``$(...)``, backticks, ``|``, ``&&``), option
look-alikes, format directives, control and bidi characters and
255-character strings; then the share is backed up, restored, snapshotted
and reverted.  Every request either works (the string comes back exactly
as sent) or is refused with a clean 4xx Manila fault: NUL, lone
surrogates, bytes that are not UTF-8 and strings past the limits.

Afterwards no file or directory anywhere under the deployment (state,
shares, backups, snapshots, locks) is named after a hostile string, the
files that the shell strings would ``touch`` do not exist, the data came
back exactly, and the service log holds no traceback.  The code side of
"no shell" is unit/test_no_shell.py.
"""

import json
import os
import shutil
import tempfile
import uuid

import requests
import testtools

from manila_bk.tests.functional import fixtures as ffx
from manila_bk.tests.functional.reliability import report

TAG = 'hx%s' % uuid.uuid4().hex[:8]
HEADERS = {'X-OpenStack-Manila-API-Version': '2.91',
           'X-OpenStack-Manila-API-Experimental': 'True'}
FAULT_NAMES = {400: 'badRequest', 404: 'itemNotFound', 413: 'overLimit'}


def hostile_strings(marker):
    """Accepted strings; those with a shell would create ``marker``."""
    touch = 'touch %s' % marker
    return [
        '../../../../etc/%s-passwd' % TAG, '../%s' % TAG, '..', '.', '/',
        '/%s/abs' % TAG, 'a/%s/b' % TAG, '%s\\back\\slash' % TAG,
        '%s; %s' % (TAG, touch), '$(%s)%s' % (touch, TAG),
        '`%s`%s' % (touch, TAG), '%s | %s' % (TAG, touch),
        '%s && %s' % (TAG, touch), '-rf', '--help', '%(path)s%%s' + TAG,
        '{0}{path}' + TAG, TAG + '\nline\r\nX-Header: 1', '\t' + TAG,
        '\u202e' + TAG + '\x7f\x01', 'é漢字🙂' + TAG, '*?[' + TAG,
        '~/' + TAG, '$HOME/' + TAG, TAG + 'x' * (255 - len(TAG)),
    ]


# (what, JSON text of the value) refused with 400 wherever a name goes.
REFUSED = [
    ('NUL', '"a\\u0000%s"' % TAG),
    ('lone surrogate', '"\\ud800%s"' % TAG),
    ('256 characters', json.dumps('y' * 256)),
]


class HostileStringsTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.deployment = ffx.Deployment('all', 'sqlite')
        self.addCleanup(self.deployment.cleanup)
        self.markers = tempfile.mkdtemp(prefix='manila-bk-pwned-')
        self.addCleanup(shutil.rmtree, self.markers, True)
        self.marker = os.path.join(self.markers, 'pwned-%s' % TAG)
        self.deployment.start()
        self.requests = 0
        self.checks = 0
        ffx.wait_for(lambda: self.call('GET', '/scheduler-stats/pools')
                     .json()['pools'], 60, what='pools')

    def call(self, method, path, body=None, raw=None):
        self.requests += 1
        kwargs = {'json': body} if raw is None else {'data': raw}
        headers = dict(HEADERS)
        if raw is not None:
            headers['Content-Type'] = 'application/json'
        return requests.request(method, self.deployment.endpoint + path,
                                headers=headers, timeout=60, **kwargs)

    def ok(self, method, path, body=None, codes=(200, 202)):
        response = self.call(method, path, body)
        self.checks += 1
        self.assertIn(response.status_code, codes, '%s %s %r: %s' % (
            method, path, body, response.text[:500]))
        return response.json() if response.content else None

    def refused(self, method, path, raw):
        response = self.call(method, path, raw=raw.encode('utf-8')
                             if isinstance(raw, str) else raw)
        self.checks += 1
        text = '%s %s %r: %s %s' % (method, path, raw[:100],
                                    response.status_code, response.text)
        self.assertIn(response.status_code, FAULT_NAMES, text)
        body = response.json()
        self.assertEqual([FAULT_NAMES[response.status_code]], list(body),
                         text)
        self.assertEqual(response.status_code,
                         body[FAULT_NAMES[response.status_code]]['code'])

    def wait(self, path, key, statuses):
        return ffx.wait_for(
            lambda: (self.call('GET', path).json()[key]['status']
                     in statuses) and self.call('GET', path).json()[key],
            90, interval=0.2, what='%s %s' % (path, statuses))

    def _share_path(self, share_id):
        locations = self.ok('GET', '/shares/%s/export_locations'
                            % share_id)['export_locations']
        return locations[0]['path'].split(':', 1)[1]

    def test_hostile_strings_stay_data(self):
        strings = hostile_strings(self.marker)
        shares = self._shares_named(strings)
        share_id = shares[strings[9]]    # the $(...) one
        path = self._share_path(share_id)
        with open(os.path.join(path, 'data.txt'), 'wb') as f:
            f.write(b'before')
        # A share with snapshots cannot be backed up (as in Manila).
        self._backup_restore(share_id, path, strings)
        self._snapshots_named(share_id, strings)
        self._revert(share_id, path)
        self._refused(share_id)
        found = self._names_after_hostile(strings)
        self.assertEqual([], found)
        self.assertEqual([], os.listdir(self.markers))
        log = self._log()
        tracebacks = log.count('Traceback (most recent call last)')
        report.record('hostile_strings', self.requests,
                      len(found) + tracebacks, self.checks + 2,
                      self.checks + (not found) + (tracebacks == 0),
                      strings=len(strings), refused_kinds=len(REFUSED))
        self.assertEqual(0, tracebacks, log[-5000:])

    def _shares_named(self, strings):
        """One share per string (name, description, metadata); round trip."""
        created = {}
        for text in strings:
            share = self.ok('POST', '/shares', {'share': {
                'share_proto': 'NFS', 'size': 1, 'name': text,
                'description': text, 'metadata': {text: text}}})['share']
            created[text] = share['id']
        for text, share_id in created.items():
            share = self.wait('/shares/%s' % share_id, 'share',
                              ('available',))
            self.assertEqual((text, text, {text: text}),
                             (share['name'], share['description'],
                              share['metadata']))
            self.ok('GET', '/shares?name=%s' % requests.utils.quote(text))
        # Metadata items by key in the URL, and updates.
        share_id = created[strings[0]]
        for text in strings:
            self.ok('POST', '/shares/%s/metadata' % share_id,
                    {'metadata': {text: text}})
            self.ok('PUT', '/shares/%s' % share_id, {'share': {
                'display_name': text, 'display_description': text}})
        metadata = self.ok('GET', '/shares/%s/metadata' % share_id)
        self.assertEqual({text: text for text in strings},
                         metadata['metadata'])
        return created

    def _snapshots_named(self, share_id, strings):
        snapshot = self.ok('POST', '/snapshots', {'snapshot': {
            'share_id': share_id, 'name': strings[8],
            'description': strings[0]}})['snapshot']
        self.wait('/snapshots/%s' % snapshot['id'], 'snapshot',
                  ('available',))
        for text in strings:
            shown = self.ok('PUT', '/snapshots/%s' % snapshot['id'],
                            {'snapshot': {'name': text,
                                          'description': text}})
            self.assertEqual(text, shown['snapshot']['name'])

    def _backup_restore(self, share_id, path, strings):
        backup = self.ok('POST', '/share-backups', {'share_backup': {
            'share_id': share_id, 'name': strings[10],
            'description': strings[0]}})['share_backup']
        backup_id = backup['id']
        self.wait('/share-backups/%s' % backup_id, 'share_backup',
                  ('available',))
        for text in strings:
            shown = self.ok('PUT', '/share-backups/%s' % backup_id,
                            {'share_backup': {'name': text,
                                              'description': text}})
            self.assertEqual(text, shown['share_backup']['name'])
        with open(os.path.join(path, 'data.txt'), 'wb') as f:
            f.write(b'changed after the backup')
        self.ok('POST', '/share-backups/%s/action' % backup_id,
                {'restore': None})
        self.wait('/share-backups/%s' % backup_id, 'share_backup',
                  ('available',))
        self.wait('/shares/%s' % share_id, 'share', ('available',))
        with open(os.path.join(path, 'data.txt'), 'rb') as f:
            self.assertEqual(b'before', f.read())

    def _revert(self, share_id, path):
        snapshot = self.ok('POST', '/snapshots', {'snapshot': {
            'share_id': share_id, 'name': '$(reboot)',
            'description': '; rm -rf /'}})['snapshot']
        self.wait('/snapshots/%s' % snapshot['id'], 'snapshot',
                  ('available',))
        with open(os.path.join(path, 'data.txt'), 'wb') as f:
            f.write(b'changed after the snapshot')
        self.ok('POST', '/shares/%s/action' % share_id,
                {'revert': {'snapshot_id': snapshot['id']}})
        self.wait('/shares/%s' % share_id, 'share', ('available',))
        with open(os.path.join(path, 'data.txt'), 'rb') as f:
            self.assertEqual(b'before', f.read())

    def _refused(self, share_id):
        snapshots = self.ok('GET', '/snapshots')['snapshots']
        backups = self.ok('GET', '/share-backups')['share_backups']
        for _what, value in REFUSED:
            self.refused('POST', '/shares', '{"share": {"share_proto": '
                         '"NFS", "size": 1, "name": %s}}' % value)
            self.refused('POST', '/shares/%s/metadata' % share_id,
                         '{"metadata": {%s: "v"}}' % value)
            self.refused('PUT', '/shares/%s' % share_id,
                         '{"share": {"description": %s}}' % value)
            self.refused('PUT', '/snapshots/%s' % snapshots[0]['id'],
                         '{"snapshot": {"name": %s}}' % value)
            self.refused('POST', '/share-backups', '{"share_backup": '
                         '{"share_id": "%s", "name": %s}}' % (share_id,
                                                              value))
            self.refused('PUT', '/share-backups/%s' % backups[0]['id'],
                         '{"share_backup": {"description": %s}}' % value)
        not_utf8 = b'{"share": {"share_proto": "NFS", "size": 1, ' \
                   b'"name": "\xff\xfe"}}'
        self.refused('POST', '/shares', not_utf8)
        self.refused('GET', '/shares?name=%ff', b'')
        self.refused('GET', '/shares?name=a%00b', b'')

    def _names_after_hostile(self, strings):
        """Paths under the deployment named after a hostile string."""
        exact = set(strings)
        found = []
        for dirpath, dirnames, filenames in os.walk(self.deployment.workdir):
            for name in dirnames + filenames:
                if TAG in name or name in exact or 'passwd' in name:
                    found.append(os.path.join(dirpath, name))
        return found

    def _log(self):
        with open(os.path.join(self.deployment.workdir,
                               'manila-bk-all.log'), 'rb') as f:
            return f.read().decode('utf-8', 'replace')

"""Backups that survive the database: export and import of backup records.

Every complete backup on the target carries a manifest whose header holds
what a backup record needs (``backup_id``, ``share_id``, ``project_id``,
``size``, ``backup_type``, ``parent_id``, ``created_at``, format
version).  :func:`export_record` prints a JSON record of one backup (the
database row's user-visible fields and the manifest header);
:func:`import_records` recreates backup rows from manifest headers or
exported records.

Import is idempotent: a backup with a live row is skipped, a soft-deleted
row with the same id is brought back, otherwise a row is created, in
``available`` with this data service as host.  A record is imported only
if the backup is complete on this back end's target (``driver.exists``):
a row for data the data service cannot read would be a lie.  The quota of
an imported backup (``backups`` and ``backup_gigabytes``) is counted
without limits: the backup exists whatever the limits say.
"""

import json
import os

from oslo_log import log as logging

from manila_bk.common import states
from manila_bk.common import utils
from manila_bk import conf
from manila_bk.data.backup import base
from manila_bk.data.backup.engine import manifest as manifest_mod
from manila_bk.data.flows import common
from manila_bk.db import api as db
from manila_bk import exception

CONF = conf.CONF
LOG = logging.getLogger(__name__)

EXPORT_FORMAT = 'manila_bk.backup.export'
EXPORT_VERSION = '1.0'
MANIFEST = 'manifest.json'
_ROW_FIELDS = ('display_name', 'display_description', 'availability_zone',
               'user_id')
_REQUIRED = ('backup_id', 'share_id', 'project_id')


def find_header(driver, backup_id):
    """The manifest header of ``backup_id`` on the target, or None."""
    for header in driver.list_backups():
        if header.get('backup_id') == backup_id:
            return header
    return None


def export_record(context, driver, backup_id):
    """A JSON-able record of one backup another deployment can import."""
    ctx = common.admin(context)
    backup = db.share_backup_get(ctx, backup_id)
    header = find_header(driver, backup.id)
    if header is None:
        raise base.BackupNotFoundOnTarget(backup_id=backup.id)
    return {
        'format': EXPORT_FORMAT, 'format_version': EXPORT_VERSION,
        'backup': {field: getattr(backup, field) for field in _ROW_FIELDS},
        'manifest': header,
    }


def _manifest_header(path):
    manifest = manifest_mod.Manifest(path)
    manifest.trailer()  # an incomplete manifest is no backup
    return dict(manifest.header)


def _manifests_below(root):
    """Manifests of the backups below a target root (3 levels at most)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        if MANIFEST in filenames:
            found.append(os.path.join(dirpath, MANIFEST))
            dirnames[:] = []
            continue
        depth = 0 if dirpath == root else \
            os.path.relpath(dirpath, root).count(os.sep) + 1
        dirnames[:] = [] if depth >= 3 else sorted(
            d for d in dirnames
            if not d.endswith(('.partial', '.deleting')) and d != 'data')
    return sorted(found)


def read_records(path):
    """Records (dicts with a ``manifest`` header) from ``path``.

    ``path`` is an export file, a ``manifest.json``, a backup directory or
    a directory below which backups lie (a target root, a project's or a
    share's directory).
    """
    if os.path.isdir(path):
        manifests = _manifests_below(path)
        if not manifests:
            raise exception.InvalidInput(
                reason='no backup manifest below %s' % path)
        return [{'manifest': _manifest_header(m)} for m in manifests]
    if os.path.basename(path) == MANIFEST:
        return [{'manifest': _manifest_header(path)}]
    with open(path, 'rb') as f:
        try:
            record = json.load(f)
        except ValueError as exc:
            raise exception.InvalidInput(
                reason='%s is neither an export nor a manifest: %s'
                % (path, exc))
    records = record if isinstance(record, list) else [record]
    for item in records:
        if not isinstance(item, dict) or \
                item.get('format') != EXPORT_FORMAT or \
                not isinstance(item.get('manifest'), dict):
            raise exception.InvalidInput(
                reason='%s is not a manila_bk backup export' % path)
    return records


def _values(header, row, host):
    created = header.get('created_at')
    values = {
        'id': header['backup_id'], 'share_id': header['share_id'],
        'project_id': header['project_id'],
        'size': int(header.get('size') or 0),
        'backup_type': header.get('backup_type') or base.BACKUP_TYPE_FULL,
        'parent_id': header.get('parent_id'),
        'status': states.STATUS_AVAILABLE, 'host': host,
        'topic': CONF.data_topic, 'progress': '100',
        'restore_progress': '0', 'fail_reason': None,
        'display_name': 'imported-%s' % header['backup_id'][:8],
    }
    if created:
        values['created_at'] = utils.parse_isotime(created)
    values.update({k: v for k, v in (row or {}).items()
                   if k in _ROW_FIELDS and v is not None})
    return values


def _spec(values):
    return base.BackupSpec(id=values['id'], share_id=values['share_id'],
                           project_id=values['project_id'],
                           size=values['size'])


def import_record(ctx, driver, record, host):
    """Import one record; returns a line saying what was done."""
    header = record['manifest']
    missing = [k for k in _REQUIRED if not header.get(k)]
    if missing:
        return 'record without %s: skipped' % ', '.join(missing)
    values = _values(header, record.get('backup'), host)
    backup_id = values['id']
    if not driver.exists(_spec(values)):
        return ('backup %s: not complete on this back end\'s target: '
                'skipped' % backup_id)
    try:
        old = db.share_backup_get(ctx.elevated(read_deleted='yes'),
                                  backup_id)
    except exception.ShareBackupNotFound:
        old = None
    if old is not None and old.deleted == 'False':
        return 'backup %s: already present (%s): skipped' % (
            backup_id, old.status)
    if old is None:
        db.share_backup_create(ctx, values)
        what = 'created'
    else:
        values.update(deleted='False', deleted_at=None)
        del values['id']
        db.share_backup_update(ctx.elevated(read_deleted='yes'), backup_id,
                               values)
        what = 'brought back'
    db.quota_usage_change(ctx, values['project_id'], {
        'backups': 1, 'backup_gigabytes': values['size']}, {})
    LOG.info('Backup %s of share %s imported (%s)', backup_id,
             values['share_id'], what)
    return 'backup %s: imported (%s)' % (backup_id, what)


def import_records(context, driver, records, host):
    """Import ``records`` (see :func:`read_records`); lines of report."""
    ctx = common.admin(context)
    report = []
    for record in records:
        try:
            report.append(import_record(ctx, driver, record, host))
        except Exception as exc:
            LOG.exception('Importing %s failed', record)
            report.append('record %s: failed: %s' % (
                record.get('manifest', {}).get('backup_id'), exc))
    return report

"""manila-bk-manage: operator commands.

``db sync [VERSION]``, ``db version``, ``service list`` and ``backup
cleanup [--host HOST] [--force]``, which reconciles what the data service
of HOST (default: this node) left unfinished, as that service does when it
starts (see :mod:`manila_bk.data.flows.recovery`).  It refuses while that
data service is up, unless forced: a running service owns its work.

``backup verify BACKUP`` re-reads a backup on the target against its
manifest (exit 0 intact, 1 damaged: the backup is set to error with a
user message); ``backup export BACKUP`` prints a JSON record of a backup;
``backup import [PATH]`` recreates backup rows from an export file, a
manifest, a backup directory or a target directory (default: this node's
backup target), idempotently (see :mod:`manila_bk.data.flows.importer`).

``backup retention set|show|unset`` manage per-share backup retention
policies (see :mod:`manila_bk.cmd.manage_retention`).

``backup restore-to-new-share BACKUP`` creates a share from a backup in
the backup's project (see :mod:`manila_bk.cmd.manage_restore`).
"""

import json
import sys

from oslo_config import cfg

from manila_bk.cmd import common
from manila_bk.cmd import manage_restore
from manila_bk.cmd import manage_retention
from manila_bk.cmd import progress_bar
from manila_bk.common import utils
from manila_bk import conf
from manila_bk import context
from manila_bk.db import api as db
from manila_bk.db import migration
from manila_bk import exception
from manila_bk import rpc

CONF = conf.CONF
PROG = 'manila-bk-manage'


def _db_sync():
    migration.db_sync(CONF.command.version or 'head')
    print('Database is at revision %s' % migration.db_version())


def _db_version():
    print(migration.db_version() or 'None (empty database)')


def _service_list():
    ctx = context.get_admin_context()
    now = utils.utcnow()
    fmt = '%-16s %-40s %-10s %-8s %-6s %-26s'
    print(fmt % ('Binary', 'Host', 'Zone', 'Status', 'State', 'Updated At'))
    for svc in db.service_get_all(ctx):
        last = svc.updated_at or svc.created_at
        alive = (now - last).total_seconds() <= CONF.service_down_time
        print(fmt % (svc.binary, svc.host, svc.availability_zone,
                     'disabled' if svc.disabled else 'enabled',
                     ':-)' if alive else 'XXX', last))


def _service_is_up(ctx, host, binary):
    try:
        svc = db.service_get_by_args(ctx, host, binary)
    except exception.HostNotFound:
        return False
    last = svc.updated_at or svc.created_at
    return (utils.utcnow() - last).total_seconds() <= CONF.service_down_time


def _backup_cleanup():
    # Imported here: the other commands need no RPC or backup driver.
    from manila_bk.cmd import data as data_cmd
    from manila_bk.data.flows import recovery
    from manila_bk.data import manager as data_manager

    ctx = context.get_admin_context()
    host = CONF.command.data_host or CONF.host
    if not CONF.command.force and _service_is_up(ctx, host,
                                                 data_cmd.BINARY):
        common.fail(PROG, 'the data service on %s is up and reconciles its '
                    'own work; stop it first, or pass --force if it is '
                    'really gone' % host)
    data_cmd.enable_embedded_backup_backend()
    data_cmd.validate_backup_backend(PROG)
    manager = data_manager.DataManager(host)
    manager.setup_driver()
    try:
        with progress_bar.ProgressBar('Cleanup of %s' % host,
                                      unit='steps') as bar:
            report = recovery.reconcile_host(ctx, manager.driver, host,
                                             local=(host == CONF.host),
                                             progress_cb=bar.update)
    finally:
        rpc.cleanup()
    for line in report:
        print(line)
    print('Backup cleanup of %s done: %d action(s)' % (host, len(report)))


def _backup_driver():
    """The set-up driver of this node's backup back end."""
    from manila_bk.cmd import data as data_cmd
    from manila_bk.data import manager as data_manager

    data_cmd.enable_embedded_backup_backend()
    data_cmd.validate_backup_backend(PROG)
    manager = data_manager.DataManager(CONF.host)
    manager.setup_driver()
    return manager.driver


def _backup_verify():
    from manila_bk.data.backup.engine import progress
    from manila_bk.data.flows import verify

    driver = _backup_driver()
    label = 'Verify %s' % CONF.command.backup_id[:8]
    with progress_bar.ProgressBar(label) as bar, \
            progress.watch(bar.watcher):
        outcome = verify.verify_backup(context.get_admin_context(), driver,
                                       CONF.command.backup_id)
    if outcome.intact:
        print('Backup %s is intact (%s)' % (outcome.backup_id,
                                            outcome.status))
        return
    for problem in outcome.problems:
        print(problem)
    print('Backup %s is damaged: %d problem(s); it is %s'
          % (outcome.backup_id, len(outcome.problems), outcome.status))
    sys.exit(1)


def _backup_export():
    from manila_bk.data.flows import importer

    record = importer.export_record(context.get_admin_context(),
                                    _backup_driver(),
                                    CONF.command.backup_id)
    text = json.dumps(record, indent=2, sort_keys=True, default=str)
    if CONF.command.output:
        with open(CONF.command.output, 'w') as f:
            f.write(text + '\n')
        print('Backup %s exported to %s' % (CONF.command.backup_id,
                                            CONF.command.output))
    else:
        print(text)


def _backup_import():
    from manila_bk.data.flows import importer

    driver = _backup_driver()
    path = CONF.command.path
    if path:
        records = importer.read_records(path)
    else:
        records = [{'manifest': h} for h in driver.list_backups()]
    ctx = context.get_admin_context()
    report = []
    with progress_bar.ProgressBar('Import', total=len(records),
                                  unit='records') as bar:
        for record in records:
            report += importer.import_records(ctx, driver, [record],
                                              CONF.host)
            bar.advance()
    for line in report:
        print(line)
    imported = sum(1 for line in report if ': imported' in line)
    print('Backup import done: %d of %d record(s) imported'
          % (imported, len(records)))


def _add_backup_parsers(backup_sub):
    verify = backup_sub.add_parser(
        'verify', help='Re-read a backup on the target and check it against '
        'its manifest; a damaged backup is set to error. Exit code 0: '
        'intact, 1: damaged.')
    verify.add_argument('backup_id', help='ID of the backup.')
    verify.set_defaults(func=_backup_verify)
    export = backup_sub.add_parser(
        'export', help='Print a JSON record of a backup that "backup '
        'import" reads (here or in another deployment with the same '
        'target).')
    export.add_argument('backup_id', help='ID of the backup.')
    export.add_argument('--output', default=None,
                        help='Write the record to this file instead of '
                             'standard output.')
    export.set_defaults(func=_backup_export)
    imp = backup_sub.add_parser(
        'import', help='Recreate missing backup records from the backup '
        'target; backups that have a record are skipped.')
    imp.add_argument('path', nargs='?', default=None,
                     help='An export file, a manifest.json, a backup '
                          'directory or a directory of backups (default: '
                          'every backup on this node\'s backup target).')
    imp.set_defaults(func=_backup_import)


def _add_parsers(subparsers):
    db_parser = subparsers.add_parser('db', help='Database schema.')
    db_sub = db_parser.add_subparsers(dest='action')
    sync = db_sub.add_parser('sync', help='Upgrade the schema.')
    sync.add_argument('version', nargs='?', default=None,
                      help='Revision to upgrade to (default: newest).')
    sync.set_defaults(func=_db_sync)
    version = db_sub.add_parser('version', help='Show the revision.')
    version.set_defaults(func=_db_version)
    svc_parser = subparsers.add_parser('service', help='Services.')
    svc_sub = svc_parser.add_subparsers(dest='action')
    svc_list = svc_sub.add_parser('list', help='List services.')
    svc_list.set_defaults(func=_service_list)
    backup_parser = subparsers.add_parser('backup', help='Share backups.')
    backup_sub = backup_parser.add_subparsers(dest='action')
    cleanup = backup_sub.add_parser(
        'cleanup', help='Reconcile what a data service left unfinished: '
        'backups, restores and deletions it was running, shares left busy, '
        'mounts and access rules of the data node.')
    cleanup.add_argument('--host', dest='data_host', default=None,
                         help='Data service host (default: this node\'s '
                              '[DEFAULT] host).')
    cleanup.add_argument('--force', action='store_true',
                         help='Run even if that data service looks up.')
    cleanup.set_defaults(func=_backup_cleanup)
    _add_backup_parsers(backup_sub)
    manage_restore.add_parser(backup_sub)
    manage_retention.add_parsers(backup_sub)


command_opt = cfg.SubCommandOpt('command', title='Commands',
                                handler=_add_parsers,
                                help='Available commands.')


def main(argv=None):
    argv = sys.argv if argv is None else argv
    CONF.register_cli_opt(command_opt)
    common.parse_args(argv, PROG)
    func = getattr(CONF.command, 'func', None)
    if func is None:
        common.fail(PROG, 'a command is required (db sync, db version, '
                    'service list, backup cleanup|verify|export|import|'
                    'retention|restore-to-new-share); see '
                    '--help')
    try:
        func()
    except Exception as exc:
        common.fail(PROG, '%s failed: %s' % (CONF.command.name, exc))


if __name__ == '__main__':
    main()

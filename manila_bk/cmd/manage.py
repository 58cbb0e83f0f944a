"""manila-bk-manage: operator commands (db sync|version, service list)."""

import sys

from oslo_config import cfg

from manila_bk.cmd import common
from manila_bk.common import utils
from manila_bk import conf
from manila_bk import context
from manila_bk.db import api as db
from manila_bk.db import migration

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
                    'service list); see --help')
    try:
        func()
    except Exception as exc:
        common.fail(PROG, '%s failed: %s' % (CONF.command.name, exc))


if __name__ == '__main__':
    main()

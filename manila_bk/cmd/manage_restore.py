"""``manila-bk-manage backup restore-to-new-share``: a share from a backup.

The share is created by the share API's own ``create`` -- the business
code behind ``POST /v2/shares`` with ``source_backup_id`` -- in the
backup's project, which is charged for it, with that project's limits
and the same checks (400 for a backup that is not available, 413 over
quota...).  Its share service then creates it and a data service restores
the backup into it: this command reaches them over the message bus of
``[DEFAULT] transport_url``, so it needs the bus the services use.
``manila-bk-all``'s default in-process bus cannot be reached from another
process: there, use the REST API.

Exit codes: 0 the share was accepted (with ``--wait``: it is available),
1 with ``--wait`` the share ended in error or the wait timed out, 2 the
request was refused.
"""

import sys
import time

from oslo_config import cfg
from oslo_messaging import opts as messaging_opts

from manila_bk.cmd import common
from manila_bk.common import states
from manila_bk import conf
from manila_bk import context
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk import rpc
from manila_bk.share import api as share_api

CONF = conf.CONF
PROG = 'manila-bk-manage'
COMMAND = 'backup restore-to-new-share'
DEFAULT_PROTO = 'NFS'
POLL = 1.0
_FINAL = (states.STATUS_AVAILABLE, states.STATUS_ERROR,
          states.STATUS_BACKUP_RESTORING_ERROR)


def add_parser(backup_sub):
    """Register ``restore-to-new-share`` under ``manila-bk-manage backup``."""
    parser = backup_sub.add_parser(
        'restore-to-new-share',
        help='Create a new share in the backup\'s project (charged to it) '
             'and restore the backup into it. Needs the message bus of '
             'the share and data services ([DEFAULT] transport_url).')
    parser.add_argument('backup_id', help='ID of the backup.')
    parser.add_argument('--name', dest='share_name', default=None,
                        help='Name of the new share.')
    parser.add_argument('--description', dest='share_description',
                        default=None, help='Description of the new share.')
    parser.add_argument('--share-type', dest='share_type', default=None,
                        help='Share type name or ID (default: the default '
                             'share type).')
    parser.add_argument('--size', dest='share_size', type=int, default=None,
                        help='Size in GiB, at least the backup\'s size '
                             '(default: the backup\'s size).')
    parser.add_argument('--share-proto', dest='share_proto', default=None,
                        help='Protocol of the new share (default: the '
                             'protocol of the backup\'s share, or NFS).')
    parser.add_argument('--availability-zone', dest='share_zone',
                        default=None,
                        help='Availability zone of the new share.')
    parser.add_argument('--wait', action='store_true',
                        help='Wait until the share is available (exit 0) '
                             'or in error (exit 1).')
    parser.add_argument('--timeout', type=int, default=3600,
                        help='Seconds --wait waits at most (default 3600).')
    parser.set_defaults(func=restore_to_new_share)


def _check_bus():
    """Exit unless transport_url is set, and not to the in-process bus.

    Its default (rabbit:// on this host) is refused too: manila-bk-all
    replaces that default with its in-process bus, so a cast sent to it
    would be lost while the backup waits, restoring, for nobody.
    """
    for group, opts in messaging_opts.list_opts():
        if group is None:
            CONF.register_opts(opts)
    url = CONF.transport_url or ''
    where = CONF.get_location('transport_url').location
    if (where in (cfg.Locations.opt_default, cfg.Locations.set_default)
            or url in ('', 'rabbit://') or url.startswith('fake:')):
        common.fail(PROG, '%s needs the message bus of the share and data '
                    'services: set [DEFAULT] transport_url as they have it '
                    '(manila-bk-all\'s in-process bus cannot be reached '
                    'from another process; use POST /v2/shares with '
                    'source_backup_id there)' % COMMAND)


def _owner_context(backup):
    """Admin rights, acting in (and charging) the backup's project."""
    return context.RequestContext(
        user_id=backup.user_id, project_id=backup.project_id,
        is_admin=True, roles=['admin', 'member', 'reader'], overwrite=False)


def _default_proto(admin, backup):
    try:
        return db.share_get(admin.elevated(read_deleted='yes'),
                            backup.share_id).share_proto
    except exception.ShareNotFound:
        return DEFAULT_PROTO


def _create(api, admin, cmd):
    try:
        backup = db.share_backup_get(admin, cmd.backup_id)
    except exception.ShareBackupNotFound:
        common.fail(PROG, '%s: no backup exists with ID %s'
                    % (COMMAND, cmd.backup_id))
    ctx = _owner_context(backup)
    type_id = None
    if cmd.share_type:
        type_id = api.types_api.get(ctx, cmd.share_type).id
    return api.create(
        ctx, cmd.share_proto or _default_proto(admin, backup),
        cmd.share_size, name=cmd.share_name,
        description=cmd.share_description, share_type_id=type_id,
        availability_zone=cmd.share_zone, source_backup_id=backup.id)


def _wait(admin, share_id, timeout):
    deadline = time.monotonic() + timeout
    while True:
        share = db.share_get(admin, share_id)
        if share.status in _FINAL or time.monotonic() >= deadline:
            return share
        time.sleep(POLL)


def restore_to_new_share(cmd=None):
    """The ``backup restore-to-new-share`` command (``cmd``: its args)."""
    _check_bus()
    cmd = cmd or CONF.command
    admin = context.get_admin_context()
    try:
        share = _create(share_api.API(), admin, cmd)
    except exception.ManilaBkException as exc:
        common.fail(PROG, '%s refused (%s): %s' % (COMMAND, exc.code,
                                                   exc.msg))
    finally:
        rpc.cleanup()
    print('Share %s (%s GiB, project %s) is being created from backup %s: '
          '%s' % (share.id, share.size, share.project_id, cmd.backup_id,
                  share.status))
    if share.status == states.STATUS_ERROR:
        sys.exit(1)     # no back end could take it (see its messages)
    if not cmd.wait:
        return
    share = _wait(admin, share.id, cmd.timeout)
    print('Share %s is %s' % (share.id, share.status))
    if share.status != states.STATUS_AVAILABLE:
        sys.exit(1)

"""``manila-bk-manage backup retention set|show|unset``: retention policies.

``set SHARE [--keep-last N] [--keep-daily D] [--keep-weekly W]
[--every-hours H] [--incremental | --no-incremental]`` creates the share's
policy or changes the options given (the others keep their values; 0
turns a keep rule or the schedule off).  ``show [SHARE]`` lists every
policy, or shows one with what it keeps and would delete now.  ``unset
SHARE`` removes the policy; backups already made stay.  SHARE is an ID or
a unique name.  The data services apply the policies (see
:mod:`manila_bk.data.flows.retention`).
"""

import argparse
import json

from manila_bk.cmd import common
from manila_bk.common import utils
from manila_bk import conf
from manila_bk import context
from manila_bk.db import api as db
from manila_bk import exception

CONF = conf.CONF
PROG = 'manila-bk-manage'
MAX_KEEP = 100000
MAX_HOURS = 8784.0  # a leap year


def _flow():
    # Imported when used: the other manage commands need no backup code.
    from manila_bk.data.flows import retention
    return retention


def _count(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError('%r is not a whole number' % text)
    if not 0 <= value <= MAX_KEEP:
        raise argparse.ArgumentTypeError('must be between 0 and %d'
                                         % MAX_KEEP)
    return value


def _hours(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError('%r is not a number of hours'
                                         % text)
    if not 0 <= value <= MAX_HOURS:
        raise argparse.ArgumentTypeError('must be between 0 and %s hours'
                                         % MAX_HOURS)
    return value


def _share(ctx, ref):
    """The live share with ID or unique name ``ref``; exits otherwise."""
    try:
        return db.share_get(ctx, ref)
    except exception.ShareNotFound:
        pass
    found = db.share_get_all(ctx, filters={'display_name': ref},
                             project_only=False)
    if len(found) == 1:
        return found[0]
    if found:
        common.fail(PROG, '%d shares are named %s; give the share ID'
                    % (len(found), ref))
    common.fail(PROG, 'no share with ID or name %s' % ref)


def _interval(hours):
    """Seconds of ``--every-hours`` (None for 0); exits when too short."""
    if not hours:
        return None
    seconds = int(round(hours * 3600))
    minimum = CONF.backup_schedule_min_interval
    if seconds < minimum:
        common.fail(PROG, '--every-hours %s is %d seconds, shorter than '
                    '[DEFAULT] backup_schedule_min_interval (%d seconds)'
                    % (hours, seconds, minimum))
    return seconds


def _set(args=None):
    ctx = context.get_admin_context()
    args = args or CONF.command
    share = _share(ctx, args.share)
    current = db.backup_retention_policy_get(ctx, share.id)
    values = {'project_id': share.project_id}
    for key in ('keep_last', 'keep_daily', 'keep_weekly', 'incremental'):
        value = getattr(args, key)
        if value is not None:
            values[key] = value
    if args.every_hours is not None:
        values['backup_interval'] = _interval(args.every_hours)
    merged = {key: values.get(key, getattr(current, key, None))
              for key in ('keep_last', 'keep_daily', 'keep_weekly',
                          'backup_interval')}
    if not any(merged.values()):
        common.fail(PROG, 'the policy would neither keep nor schedule '
                    'anything; give --keep-last, --keep-daily, '
                    '--keep-weekly or --every-hours (or use "unset")')
    policy = db.backup_retention_policy_set(ctx, share.id, values)
    print('Backup retention policy of share %s set: %s'
          % (share.id, _summary(policy)))
    if _flow().Rules.of(policy).empty():
        print('Warning: no keep rule is set, so scheduled backups '
              'accumulate until they are deleted by hand or the backups '
              'quota is reached.')


def _summary(policy):
    interval = policy.backup_interval
    schedule = ('%s backup every %s hours (%d seconds)' % (
        'incremental' if policy.incremental else 'full',
        _hours_text(interval), interval) if interval
        else 'no scheduled backups')
    return '%s; %s' % (_flow().Rules.of(policy), schedule)


def _hours_text(seconds):
    return ('%.4f' % (seconds / 3600.0)).rstrip('0').rstrip('.')


def _record(policy):
    return {
        'share_id': policy.share_id, 'project_id': policy.project_id,
        'keep_last': policy.keep_last, 'keep_daily': policy.keep_daily,
        'keep_weekly': policy.keep_weekly,
        'every_hours': (float(_hours_text(policy.backup_interval))
                        if policy.backup_interval else None),
        'backup_interval': policy.backup_interval,
        'incremental': bool(policy.incremental),
        'last_scheduled_at': utils.isotime(policy.last_scheduled_at),
        'last_scheduled_backup_id': policy.last_scheduled_backup_id,
        'last_applied_at': utils.isotime(policy.last_applied_at),
        'last_error': policy.last_error,
        'applying_host': policy.claimed_by,
    }


def _preview(ctx, policy):
    selection = _flow().preview(ctx, policy)
    return ([{'id': c.id, 'created_at': utils.isotime(c.created_at),
              'reasons': list(reasons)} for c, reasons in selection.keep],
            [{'id': c.id, 'created_at': utils.isotime(c.created_at)}
             for c in selection.expire])


def _show(args=None):
    ctx = context.get_admin_context()
    args = args or CONF.command
    if args.share:
        share = _share(ctx, args.share)
        policy = db.backup_retention_policy_get(ctx, share.id)
        if policy is None:
            common.fail(PROG, 'share %s has no backup retention policy'
                        % share.id)
        policies = [policy]
    else:
        policies = db.backup_retention_policy_get_all(ctx)
    records = [_record(p) for p in policies]
    if args.share:
        records[0]['keep'], records[0]['expire'] = _preview(ctx, policy)
    if args.format == 'json':
        print(json.dumps(records[0] if args.share else records, indent=2,
                         sort_keys=True))
    elif args.share:
        _print_one(records[0])
    else:
        _print_table(records)


def _print_table(records):
    fmt = '%-36s %-5s %-5s %-6s %-11s %-11s %-26s %s'
    print(fmt % ('Share', 'Last', 'Daily', 'Weekly', 'Every hours', 'Type',
                 'Last scheduled', 'Last error'))
    for r in records:
        print(fmt % (r['share_id'], r['keep_last'], r['keep_daily'],
                     r['keep_weekly'], r['every_hours'] or '-',
                     'incremental' if r['incremental'] else 'full',
                     r['last_scheduled_at'] or '-', r['last_error'] or '-'))


def _print_one(record):
    for key in ('share_id', 'project_id', 'keep_last', 'keep_daily',
                'keep_weekly', 'every_hours', 'incremental',
                'last_scheduled_at', 'last_scheduled_backup_id',
                'last_applied_at', 'last_error', 'applying_host'):
        value = record[key]
        print('%-25s %s' % (key, '-' if value is None else value))
    print('Available backups kept now (%d):' % len(record['keep']))
    for item in record['keep']:
        print('  %s %s  %s' % (item['id'], item['created_at'],
                               ', '.join(item['reasons'])))
    print('Available backups the next pass deletes (%d):'
          % len(record['expire']))
    for item in record['expire']:
        print('  %s %s' % (item['id'], item['created_at']))


def _unset(args=None):
    ctx = context.get_admin_context()
    share = _share(ctx, (args or CONF.command).share)
    if not db.backup_retention_policy_delete(ctx, share.id):
        common.fail(PROG, 'share %s has no backup retention policy'
                    % share.id)
    print('Backup retention policy of share %s removed; its backups stay'
          % share.id)


def _missing_action():
    common.fail(PROG, 'backup retention needs an action: set, show or '
                'unset')


def add_parsers(backup_sub):
    """Add ``retention set|show|unset`` below ``backup``."""
    parser = backup_sub.add_parser(
        'retention', help='Per-share backup retention policies: scheduled '
        'backups and the deletion of backups no keep rule keeps.')
    parser.set_defaults(func=_missing_action)
    sub = parser.add_subparsers(dest='retention_action')
    set_parser = sub.add_parser(
        'set', help='Create or change the policy of a share; options not '
        'given keep their value, 0 turns a rule off.')
    set_parser.add_argument('share', help='ID or unique name of the share.')
    for name, what in (('last', 'the N newest backups'),
                       ('daily', 'the newest backup of each of the last N '
                                 'days that have backups (UTC days)'),
                       ('weekly', 'the newest backup of each of the last N '
                                  'weeks that have backups (ISO weeks, '
                                  'UTC)')):
        set_parser.add_argument('--keep-%s' % name, type=_count,
                                default=None, metavar='N',
                                help='Keep %s.' % what)
    set_parser.add_argument(
        '--every-hours', type=_hours, default=None, metavar='H',
        help='Take a backup of the share every H hours (fractions '
             'allowed, at least [DEFAULT] backup_schedule_min_interval '
             'seconds); 0 stops scheduled backups.')
    set_parser.add_argument(
        '--incremental', action=argparse.BooleanOptionalAction,
        default=None, help='Make the scheduled backups incremental '
                           '(--no-incremental: full).')
    set_parser.set_defaults(func=_set)
    show = sub.add_parser(
        'show', help='List every policy, or show the policy of a share '
        'with the backups it keeps and would delete now.')
    show.add_argument('share', nargs='?', default=None,
                      help='ID or unique name of the share.')
    show.add_argument('--format', choices=('table', 'json'),
                      default='table', help='Output format.')
    show.set_defaults(func=_show)
    unset = sub.add_parser(
        'unset', help='Remove the policy of a share; its backups stay.')
    unset.add_argument('share', help='ID or unique name of the share.')
    unset.set_defaults(func=_unset)

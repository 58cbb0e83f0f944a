"""Share backup retention: scheduled backups and pruning, per share.

An administrator sets a policy per share (``manila-bk-manage backup
retention set``); every ``backup_retention_interval`` seconds each data
service with a backup back end goes through the policies.  It applies a
policy only while it holds the policy's lease (a compare-and-swap on the
row, see ``db.backup_retention_policy_claim``), so with several data
services a policy is applied by one at a time.  Applying a policy:

1. **Prune.**  The share's ``available`` backups are matched against the
   keep rules, which follow restic's ``forget --keep-*`` policy:

   * ``keep_last`` N keeps the N newest backups;
   * ``keep_daily`` D: for the last D days that have one or more backups,
     the newest backup of each day;
   * ``keep_weekly`` W: the same for the last W weeks (ISO weeks, Monday
     00:00 to Sunday 23:59);
   * a backup is kept if any rule keeps it (the rules are ORed); when a
     rule still has counts left after the oldest backup, that oldest
     backup is kept too;
   * days and weeks are UTC calendar days and weeks (``created_at`` is
     UTC), only days and weeks with backups count, and a backup dated in
     the future (clock skew) is kept and counts for nothing.

   Safety rules: a policy whose keep rules are all 0 keeps everything (as
   restic refuses an empty policy), so a policy never prunes a share to
   nothing; any non-empty policy keeps the share's newest available
   backup (it is the newest of its day, of its week and of all), hence
   the only or last available backup is never deleted, and an incremental
   backup being made always finds its parent.  Backups in any other
   status are neither counted nor touched: the deletion goes through the
   same business code as the API (``backup.api.API.delete``), whose
   compare-and-swap only takes a backup that is still ``available``.

   Deletions are requested children first (a backup before the backup
   its ``parent_id`` names, when both expire).  Every backup is a
   complete tree on the target (incremental ones hard-link unchanged
   files), so the order the deletions finish in does not matter to the
   data; a surviving backup's ``parent_id`` keeps naming its deleted
   parent, as after a manual deletion.

2. **Schedule.**  With ``backup_interval`` set, a backup is requested
   through ``backup.api.API.create`` on behalf of the share's project (its
   quota, the share lock and the status rules apply as for an API
   request) when neither a scheduled request nor a backup of the share
   (creating, available or restoring) is more recent than the interval.
   It is incremental when the policy says so.  A refused request leaves
   nothing behind and is tried again at the next pass; the reason is kept
   in the policy's ``last_error``.

A share's policy is removed with the share.
"""

import collections
import dataclasses
import datetime

from oslo_log import log as logging

from manila_bk.backup import api as backup_api
from manila_bk.common import states
from manila_bk.common import utils
from manila_bk import conf
from manila_bk import context as ctx_module
from manila_bk.db import api as db
from manila_bk import exception

CONF = conf.CONF
LOG = logging.getLogger(__name__)

# Seconds a data service holds a policy's lease; a service that died
# while applying a policy frees it after this long.
CLAIM_SECONDS = 600
MAX_ERROR = 1023
# Backup statuses that count as a recent backup for the schedule.
RECENT = (states.STATUS_CREATING, states.STATUS_AVAILABLE,
          states.BACKUP_STATUS_RESTORING)

REASON_EMPTY = 'policy keeps nothing'
REASON_FUTURE = 'dated in the future'


@dataclasses.dataclass(frozen=True)
class Rules:
    """The keep rules of a policy (0: rule off)."""

    keep_last: int = 0
    keep_daily: int = 0
    keep_weekly: int = 0

    @classmethod
    def of(cls, policy):
        return cls(int(policy.keep_last or 0), int(policy.keep_daily or 0),
                   int(policy.keep_weekly or 0))

    def empty(self):
        return not (self.keep_last or self.keep_daily or self.keep_weekly)

    def __str__(self):
        parts = ['%d %s' % (count, name) for count, name in (
            (self.keep_last, 'last'), (self.keep_daily, 'daily'),
            (self.keep_weekly, 'weekly')) if count]
        if not parts:
            return 'keep all (no keep rule)'
        return 'keep %s' % ', '.join(parts)


@dataclasses.dataclass(frozen=True)
class Candidate:
    """An available backup as the selection sees it."""

    id: str
    created_at: datetime.datetime
    parent_id: str | None = None

    @classmethod
    def of(cls, backup):
        return cls(backup.id, backup.created_at, backup.parent_id)


@dataclasses.dataclass
class Selection:
    """What a policy keeps and what it deletes.

    ``keep``: [(candidate, reasons)], newest first; ``expire``: the
    candidates in the order to delete them (see deletion_order).
    """

    keep: list
    expire: list


def _newest_first(candidates):
    return sorted(candidates, key=lambda c: (c.created_at, c.id),
                  reverse=True)


def _bucket_rules(rules):
    """[name, counts left, bucket of (candidate, index)] of active rules."""
    table = (
        ('last', rules.keep_last, lambda c, i: i),
        ('daily', rules.keep_daily, lambda c, i: c.created_at.date()),
        ('weekly', rules.keep_weekly,
         lambda c, i: tuple(c.created_at.isocalendar())[:2]),
    )
    return [[name, count, key] for name, count, key in table if count > 0]


def select(candidates, rules, now):
    """Which backups ``rules`` keep at ``now`` (naive UTC); pure."""
    ordered = _newest_first(candidates)
    if rules.empty():
        return Selection([(c, (REASON_EMPTY,)) for c in ordered], [])
    keep = [(c, (REASON_FUTURE,)) for c in ordered if c.created_at > now]
    listed = [c for c in ordered if c.created_at <= now]
    buckets = _bucket_rules(rules)
    last_seen = [None] * len(buckets)
    expire = []
    for index, cand in enumerate(listed):
        oldest = index == len(listed) - 1
        reasons = []
        for pos, bucket in enumerate(buckets):
            name, left, key = bucket
            if left <= 0:
                continue
            value = key(cand, index)
            if value != last_seen[pos]:
                reasons.append(name)
            elif oldest:
                reasons.append('oldest %s' % name)
            else:
                continue
            last_seen[pos] = value
            bucket[1] -= 1
        if reasons:
            keep.append((cand, tuple(reasons)))
        else:
            expire.append(cand)
    return Selection(keep, deletion_order(expire))


def deletion_order(expired):
    """``expired`` with children before their parents, else newest first."""
    pending = _newest_first(expired)
    ids = {c.id for c in pending}
    children = collections.Counter(c.parent_id for c in pending
                                   if c.parent_id in ids)
    order = []
    while pending:
        # Real parent links form no cycle; the fallback only ends a loop
        # that imported records could otherwise make endless.
        ready = next((c for c in pending if not children[c.id]), pending[0])
        pending.remove(ready)
        order.append(ready)
        if ready.parent_id in ids:
            children[ready.parent_id] -= 1
    return order


def backup_interval(policy):
    """Seconds between the policy's scheduled backups, or None."""
    if not policy.backup_interval:
        return None
    return max(int(policy.backup_interval),
               CONF.backup_schedule_min_interval)


def backup_due(policy, backups, now):
    """Whether a scheduled backup is due: nothing recent enough exists."""
    interval = backup_interval(policy)
    if interval is None:
        return False
    stamps = [b.created_at for b in backups if b.status in RECENT]
    stamps.append(policy.last_scheduled_at)
    latest = max((s for s in stamps if s is not None), default=None)
    return latest is None or (now - latest).total_seconds() >= interval


def share_backups(context, share_id):
    """The share's live backups, any status, any project."""
    return db.share_backup_get_all(context.elevated(),
                                   filters={'share_id': share_id},
                                   project_only=False)


def preview(context, policy, now=None):
    """The Selection the policy makes of its share's backups now."""
    backups = share_backups(context, policy.share_id)
    return select([Candidate.of(b) for b in backups
                   if b.status == states.STATUS_AVAILABLE],
                  Rules.of(policy), now or utils.utcnow())


def _project_context(share):
    """The share's project, as scheduled backups are made on its behalf."""
    return ctx_module.RequestContext(
        user_id=None, project_id=share.project_id, is_admin=False,
        roles=['member', 'reader'], overwrite=False)


def _prune(pctx, api, policy, backups, now, errors):
    selection = select([Candidate.of(b) for b in backups
                        if b.status == states.STATUS_AVAILABLE],
                       Rules.of(policy), now)
    for cand in selection.expire:
        try:
            api.delete(pctx, cand.id,
                       statuses=(states.STATUS_AVAILABLE,))
        except exception.ManilaBkException as exc:
            # Its status changed since it was listed: it is not touched.
            LOG.info('Retention of share %s: backup %s not deleted: %s',
                     policy.share_id, cand.id, exc)
            continue
        except Exception as exc:
            LOG.exception('Retention of share %s: deleting backup %s '
                          'failed', policy.share_id, cand.id)
            errors.append('Deleting backup %s failed: %s' % (cand.id, exc))
            continue
        LOG.info('Retention of share %s (%s): backup %s of %s expired; '
                 'deletion requested', policy.share_id, Rules.of(policy),
                 cand.id, cand.created_at)
    return len(selection.expire)


def _schedule(pctx, api, policy, share, backups, now, errors):
    """Request a due backup; the values to record, or {}."""
    if not backup_due(policy, backups, now):
        return {}
    if any(b.status == states.STATUS_CREATING for b in backups):
        LOG.debug('Share %s still has a backup being made; the scheduled '
                  'one waits', share.id)
        return {}
    options = {'backup_type': 'incremental' if policy.incremental
               else 'full'}
    try:
        backup = api.create(
            pctx, share.id, name='scheduled-%s' % now.strftime(
                '%Y%m%dT%H%M%SZ'),
            description='Scheduled by the backup retention policy of the '
                        'share.', backup_options=options)
    except Exception as exc:
        if not isinstance(exc, exception.ManilaBkException):
            LOG.exception('Scheduled backup of share %s failed', share.id)
        else:
            LOG.warning('Scheduled backup of share %s refused: %s',
                        share.id, exc)
        errors.append('Scheduled backup refused: %s' % exc)
        return {}
    LOG.info('Scheduled %s backup %s of share %s requested',
             options['backup_type'], backup.id, share.id)
    return {'last_scheduled_at': now, 'last_scheduled_backup_id': backup.id}


def apply_policy(context, policy, api, now):
    """Prune, then schedule, for one claimed policy; values to record."""
    try:
        share = db.share_get(context, policy.share_id)
    except exception.ShareNotFound:
        LOG.info('Share %s is gone; its backup retention policy is '
                 'removed', policy.share_id)
        db.backup_retention_policy_delete(context, policy.share_id)
        return None
    pctx = _project_context(share)
    errors = []
    _prune(pctx, api, policy, share_backups(context, share.id), now, errors)
    values = _schedule(pctx, api, policy, share,
                       share_backups(context, share.id), now, errors)
    values.update(last_applied_at=now,
                  last_error='; '.join(errors)[:MAX_ERROR] or None)
    return values


def apply_policies(context, host, api=None, clock=None):
    """One retention pass over every policy this host can claim."""
    admin = context.elevated()
    api = api or backup_api.API()
    clock = clock or utils.utcnow
    applied = 0
    for policy in db.backup_retention_policy_get_all(admin):
        claimed = db.backup_retention_policy_claim(
            admin, policy.id, host, CLAIM_SECONDS, now=clock())
        if claimed is None:
            LOG.debug('Backup retention policy of share %s is being '
                      'applied by %s', policy.share_id, policy.claimed_by)
            continue
        values = {}
        try:
            values = apply_policy(admin, claimed, api, clock())
        except Exception as exc:
            LOG.exception('Applying the backup retention policy of share '
                          '%s failed', claimed.share_id)
            values = {'last_error': ('Applying the policy failed: %s'
                                     % exc)[:MAX_ERROR]}
        finally:
            if values is not None:
                db.backup_retention_policy_update_claimed(
                    admin, claimed.id, host, values, release=True)
        applied += 1
    return applied

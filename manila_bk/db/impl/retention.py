"""Backup retention policies: one live policy per share.

A data service applies a policy only while it holds the policy's lease:
``backup_retention_policy_claim`` is a compare-and-swap that succeeds when
nobody holds the lease or the holder's lease ran out (a crashed service),
so two data services never apply one policy at the same time.
"""

import datetime

from oslo_db import exception as db_exc
import sqlalchemy as sa

from manila_bk.common import utils
from manila_bk.db import models
from manila_bk.db import session as db_session
from manila_bk.db.impl import query as q

P = models.BackupRetentionPolicy

# What ``backup_retention_policy_set`` may change.
SETTABLE = ('keep_last', 'keep_daily', 'keep_weekly', 'backup_interval',
            'incremental', 'project_id')
_SET_ATTEMPTS = 5


def _live(context, session, share_id):
    return q.model_query(context, P, session).filter(
        P.share_id == share_id).first()


def backup_retention_policy_get(context, share_id):
    """The share's live policy, or None."""
    with db_session.reader(context) as session:
        return _live(context, session, share_id)


def backup_retention_policy_get_all(context):
    """Every live policy, oldest first."""
    with db_session.reader(context) as session:
        return q.model_query(context, P, session).order_by(
            P.created_at, P.id).all()


def _set_once(context, share_id, values):
    with db_session.writer(context) as session:
        policy = _live(context, session, share_id)
        if policy is None:
            policy = P(id=utils.generate_uuid(), share_id=share_id)
            session.add(policy)
        for key, value in values.items():
            setattr(policy, key, value)
        session.flush()


def backup_retention_policy_set(context, share_id, values):
    """Create the share's policy or change the given fields of it.

    ``values`` keys are among SETTABLE; the last error is cleared.  Two
    concurrent first sets meet on the unique (share_id, deleted) key: the
    loser updates the winner's row.
    """
    values = {k: v for k, v in values.items() if k in SETTABLE}
    values['last_error'] = None
    for attempt in range(_SET_ATTEMPTS):
        try:
            _set_once(context, share_id, values)
            break
        except (db_exc.DBDuplicateEntry, db_exc.DBDeadlock):
            # MariaDB may also report racing inserts on one unique key
            # as a deadlock; the next attempt finds the winner's row.
            if attempt == _SET_ATTEMPTS - 1:
                raise
    return backup_retention_policy_get(context, share_id)


def backup_retention_policy_delete(context, share_id):
    """Soft-delete the share's policy; True if there was one."""
    with db_session.writer(context) as session:
        now = utils.utcnow()
        result = session.execute(
            sa.update(P).where(P.share_id == share_id,
                               P.deleted == 'False')
            .values(deleted=P.id, deleted_at=now, claimed_by=None,
                    claimed_until=None)
            .execution_options(synchronize_session=False))
        return result.rowcount > 0


def backup_retention_policy_claim(context, policy_id, host, lease,
                                  now=None):
    """Take the policy's lease for ``lease`` seconds; the row, or None.

    Wins when the lease is free, already ``host``'s, or expired.
    """
    now = now or utils.utcnow()
    free = sa.or_(P.claimed_by.is_(None), P.claimed_by == host,
                  P.claimed_until.is_(None), P.claimed_until < now)
    values = {'claimed_by': host,
              'claimed_until': now + datetime.timedelta(seconds=lease)}
    with db_session.writer(context) as session:
        return q.update_if(context, session, P, policy_id, values,
                           expected_status=None, extra_where=[free])


def backup_retention_policy_update_claimed(context, policy_id, host,
                                           values, release=False):
    """Record what applying the policy did, if ``host`` still holds it.

    ``release`` also gives the lease up.  Returns the row, or None when
    the lease was lost (or the policy deleted): nothing is changed then.
    """
    values = dict(values)
    if release:
        values.update(claimed_by=None, claimed_until=None)
    with db_session.writer(context) as session:
        return q.update_if(context, session, P, policy_id, values,
                           expected_status=None,
                           extra_where=[P.claimed_by == host])

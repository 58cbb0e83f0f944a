"""The data node's temporary access to a share (the spec's security impact).

For each address in ``[DEFAULT] data_node_access_ips`` the data service
adds an ``ip`` rule (``ro`` for a backup, ``rw`` for a restore) whose
``access_key`` is ``manila-bk-data:<backup id>``, asks the share service
to apply it and waits until it is active.  Afterwards, in every outcome,
the rules are queued for removal (retried) and the share service is asked
again; a queued removal survives any crash of the data service, because
the share service applies queued changes whenever it runs.

A small journal on the data node (``$state_path/data-access/<backup
id>``) remembers each grant until its removal is confirmed, so that a
periodic task and the next start can finish what a failure left: no data
node keeps access to a tenant's share.

With no ``data_node_access_ips`` (local paths, the embedded default) no
rule is added.
"""

import contextlib
import ipaddress
import json
import os
import time

from oslo_log import log as logging

from manila_bk.common import states
from manila_bk import conf
from manila_bk.data.flows import common
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.share import rpcapi as share_rpcapi

CONF = conf.CONF
LOG = logging.getLogger(__name__)

KEY_PREFIX = 'manila-bk-data:'
LEVEL_BACKUP = 'ro'
LEVEL_RESTORE = 'rw'
MARK_ATTEMPTS = 3
POLL = 0.25

_DENYING = (states.ACCESS_STATE_QUEUED_TO_DENY, states.ACCESS_STATE_DENYING)


def access_key(backup_id):
    return KEY_PREFIX + backup_id


def is_data_rule(rule):
    return (rule.access_key or '').startswith(KEY_PREFIX)


# Journal -------------------------------------------------------------------

def _journal_dir():
    return os.path.join(CONF.state_path, 'data-access')


def journal_record(backup_id, share_id):
    path = _journal_dir()
    os.makedirs(path, mode=0o700, exist_ok=True)
    tmp = os.path.join(path, '.%s.tmp' % backup_id)
    with open(tmp, 'w') as f:
        json.dump({'backup_id': backup_id, 'share_id': share_id}, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, os.path.join(path, backup_id))


def journal_forget(backup_id):
    with contextlib.suppress(FileNotFoundError):
        os.unlink(os.path.join(_journal_dir(), backup_id))


def journal_entries():
    """``[(backup_id, share_id)]`` of grants not yet confirmed removed."""
    entries = []
    try:
        names = sorted(os.listdir(_journal_dir()))
    except FileNotFoundError:
        return entries
    for name in names:
        if name.startswith('.'):
            continue
        try:
            with open(os.path.join(_journal_dir(), name)) as f:
                data = json.load(f)
            entries.append((data['backup_id'], data['share_id']))
        except (OSError, ValueError, KeyError) as exc:
            LOG.warning('Unreadable access journal entry %s: %s', name, exc)
    return entries


# Grant ---------------------------------------------------------------------

def _same_ip(a, b):
    try:
        return ipaddress.ip_network(a, strict=False) == \
            ipaddress.ip_network(b, strict=False)
    except ValueError:
        return a == b


def _check_existing(share, ip, level, key, rules):
    """True if a rule for ``ip`` already gives enough access."""
    for rule in rules:
        if rule.access_type != 'ip' or rule.state in _DENYING or \
                not _same_ip(rule.access_to, ip):
            continue
        if rule.access_key == key:
            return True
        if rule.state == states.ACCESS_STATE_ACTIVE and \
                (rule.access_level == 'rw' or level == 'ro'):
            LOG.info('Share %s already grants %s %s access; the data node '
                     'uses that rule', share.id, ip, rule.access_level)
            return True
        raise common.DataAccessError(
            share_id=share.id,
            reason='the share already has an access rule for %s (%s, %s); '
                   'the data node needs %s access through a rule of its '
                   'own. Remove that rule or change data_node_access_ips'
                   % (ip, rule.access_level, rule.state, level))
    return False


def _wait(predicate, timeout):
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result or time.monotonic() >= deadline:
            return result
        time.sleep(POLL)


def _own_rules(context, share_id, key):
    return [r for r in db.share_access_get_all_for_share(context, share_id)
            if r.access_key == key]


def grant(context, share, backup_id, level):
    """Add and apply the data node's rules; raise DataAccessError."""
    key = access_key(backup_id)
    rules = db.share_access_get_all_for_share(context, share.id)
    created = 0
    for ip in CONF.data_node_access_ips:
        if _check_existing(share, ip, level, key, rules):
            continue
        db.share_access_create(context, {
            'share_id': share.id, 'access_type': 'ip', 'access_to': ip,
            'access_level': level, 'access_key': key,
            'state': states.ACCESS_STATE_QUEUED_TO_APPLY})
        created += 1
    if not created and not _own_rules(context, share.id, key):
        return
    share_rpcapi.ShareAPI().update_access(context, share.id, share.host)

    def settled():
        own = _own_rules(context, share.id, key)
        if any(r.state == states.ACCESS_STATE_ERROR for r in own):
            raise common.DataAccessError(
                share_id=share.id,
                reason='the share service could not apply the access rule '
                       'for %s; see the share service log of host %s'
                       % (', '.join(r.access_to for r in own), share.host))
        return all(r.state == states.ACCESS_STATE_ACTIVE for r in own)

    if not _wait(settled, CONF.data_access_timeout):
        raise common.DataAccessError(
            share_id=share.id,
            reason='the share service of host %s did not apply the access '
                   'rule within %s s; check that it is running'
                   % (share.host, CONF.data_access_timeout))
    LOG.info('Data node has %s access to share %s for backup %s', level,
             share.id, backup_id)


# Revoke --------------------------------------------------------------------

def _mark_for_removal(context, share_id, rules):
    for rule in rules:
        if rule.state not in _DENYING:
            db.share_access_update(context, rule.id, {
                'state': states.ACCESS_STATE_QUEUED_TO_DENY})
    share = db.share_get(context, share_id)
    share_rpcapi.ShareAPI().update_access(context, share_id, share.host)


def revoke(context, share_id, backup_id, wait=True, key=None):
    """Queue the data node's rules for removal; True once they are gone.

    Marking is retried; with ``wait`` the removal is awaited for up to
    ``data_access_timeout`` seconds.  Never raises.  ``key`` selects the
    rules (default: those of ``backup_id``).
    """
    key = key or access_key(backup_id)
    for attempt in range(1, MARK_ATTEMPTS + 1):
        try:
            rules = _own_rules(context, share_id, key)
            if not rules:
                return True
            _mark_for_removal(context, share_id, rules)
            break
        except exception.ShareNotFound:
            return True
        except Exception:
            LOG.exception('Could not queue the removal of the data node\'s '
                          'access to share %s (attempt %d of %d)', share_id,
                          attempt, MARK_ATTEMPTS)
            if attempt == MARK_ATTEMPTS:
                return False
            time.sleep(attempt)
    try:
        gone = _wait(lambda: not _own_rules(context, share_id, key),
                     CONF.data_access_timeout if wait else 0)
    except Exception:
        LOG.exception('Could not check the data node\'s access to share %s',
                      share_id)
        gone = False
    if not gone and wait:
        LOG.error('The data node\'s access to share %s is queued for '
                  'removal but not removed yet; it is checked again '
                  'periodically and when the data service starts', share_id)
    return gone


@contextlib.contextmanager
def granted(context, share, backup_id, level):
    """Access for the block; revoked afterwards in every outcome."""
    if not CONF.data_node_access_ips:
        yield
        return
    journal_record(backup_id, share.id)
    try:
        grant(context, share, backup_id, level)
        yield
    finally:
        if revoke(context, share.id, backup_id):
            journal_forget(backup_id)


def revoke_leftovers(context, skip=(), share_ids=(), journal=True):
    """Finish removals a failure left; returns the shares still pending.

    With ``journal``, this node's journal is worked through; entries of
    backups in ``skip`` (running here) are kept.  Any data-node rule on
    ``share_ids`` (shares this host was working on) is removed too, even
    without a journal entry.  Does not wait.
    """
    pending = []
    for backup_id, share_id in journal_entries() if journal else ():
        if backup_id in skip:
            continue
        if revoke(context, share_id, backup_id, wait=False):
            journal_forget(backup_id)
        else:
            pending.append(share_id)
    skip_keys = {access_key(b) for b in skip}
    for share_id in share_ids:
        try:
            rules = db.share_access_get_all_for_share(context, share_id)
        except Exception:
            LOG.exception('Could not list access rules of share %s', share_id)
            continue
        for key in {r.access_key for r in rules if is_data_rule(r)}:
            if key not in skip_keys and \
                    not revoke(context, share_id, None, wait=False, key=key):
                pending.append(share_id)
    return sorted(set(pending))

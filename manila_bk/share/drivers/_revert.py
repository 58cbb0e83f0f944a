"""Atomic tree swap with a journal, for the directory drivers (private).

The protocol is described in :mod:`manila_bk.share.drivers.local`.  A work
directory ``work`` beside the share holds ``tree/`` (the new tree, later
the old one), ``journal.json`` (the completed-marker) and, only when the
exchange fell back to two renames, ``old/``.
"""

import json
import os

from oslo_log import log as logging

from manila_bk.share.drivers import _fsutils
from manila_bk.share.drivers import _testhooks
from manila_bk.share.drivers import base

LOG = logging.getLogger(__name__)

CLEAN = base.RecoveryInterface.RECOVERY_CLEAN
COMPLETED = base.RecoveryInterface.RECOVERY_COMPLETED
ROLLED_BACK = base.RecoveryInterface.RECOVERY_ROLLED_BACK
FAILED = 'failed'

JOURNAL = 'journal.json'


def prepare(work, source, share_path, root, details):
    """Copy ``source`` into ``work/tree`` and write the journal.

    ``details`` (a JSON-able dict) is kept in the journal for recovery.
    """
    os.mkdir(work, 0o700)
    tree = os.path.join(work, 'tree')
    _fsutils.copy_tree(source, tree)
    _fsutils.sync_filesystem(root)
    _testhooks.pause('revert_copied')
    journal = dict(details, new_ino=_fsutils.inode(tree),
                   old_ino=_fsutils.inode(share_path))
    _fsutils.atomic_write(os.path.join(work, JOURNAL),
                          json.dumps(journal).encode('utf-8'))


def swap(share_path, work, root):
    """Put ``work/tree`` in place of ``share_path``; the old tree stays."""
    tree = os.path.join(work, 'tree')
    try:
        _fsutils.exchange(share_path, tree)
    except _fsutils.ExchangeUnsupported as exc:
        LOG.info('Atomic exchange unsupported (%s); swapping %s with two '
                 'renames', exc, share_path)
        os.rename(share_path, os.path.join(work, 'old'))
        os.rename(tree, share_path)
    _fsutils.fsync_dir(root)


def _read_journal(work):
    try:
        with open(os.path.join(work, JOURNAL)) as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None


def _settle(work, share_path, root, journal, finish):
    """Return the outcome for a complete tree, swapping when needed."""
    tree = os.path.join(work, 'tree')
    current = _fsutils.inode(share_path)
    if current == journal['new_ino']:
        return COMPLETED
    if current == journal['old_ino']:
        if not finish:
            return ROLLED_BACK
        swap(share_path, work, root)
        return COMPLETED
    if current is None and _fsutils.inode(tree) == journal['new_ino']:
        # Stopped between the two fallback renames.
        if finish:
            os.rename(tree, share_path)
        else:
            os.rename(os.path.join(work, 'old'), share_path)
        _fsutils.fsync_dir(root)
        return COMPLETED if finish else ROLLED_BACK
    return FAILED


def resolve(work, share_path, root, finish):
    """Finish (``finish``) or undo the swap recorded in ``work``.

    Returns ``(outcome, journal)``: outcome is CLEAN when there is no work
    directory, ROLLED_BACK, COMPLETED, or FAILED when the state cannot be
    told -- then ``work`` is left for an operator.  Otherwise ``work`` is
    removed.  ``journal`` is None when none was written.
    """
    if not os.path.lexists(work):
        return CLEAN, None
    journal = _read_journal(work)
    if journal is None:
        _fsutils.remove_tree(work)
        return ROLLED_BACK, None
    outcome = _settle(work, share_path, root, journal, finish)
    if outcome == FAILED:
        LOG.error('Cannot tell the state of the swap in %s of %s; leaving '
                  'it for an operator', work, share_path)
    else:
        _fsutils.remove_tree(work)
    return outcome, journal

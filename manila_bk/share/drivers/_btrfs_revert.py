"""Revert of a btrfs share by subvolume swap, with a journal (private).

The protocol (described in :mod:`manila_bk.share.drivers.btrfs`) follows
the local driver's (``_revert``), with two differences: the new tree is a
writable snapshot of the snapshot instead of a copy, and trees are told
apart by subvolume id, since every subvolume's top directory has the same
inode number.  Subvolume ids are never reused by a file system.
"""

import json
import os

from oslo_log import log as logging

from manila_bk.share.drivers import _btrfs_cmd
from manila_bk.share.drivers import _fsutils
from manila_bk.share.drivers import _revert

LOG = logging.getLogger(__name__)

CLEAN = _revert.CLEAN
COMPLETED = _revert.COMPLETED
ROLLED_BACK = _revert.ROLLED_BACK
FAILED = _revert.FAILED

JOURNAL = 'journal.json'
TREES = ('tree', 'old')


def _subvolume_id(btrfs, path):
    if not _btrfs_cmd.is_subvolume(path):
        return None
    return btrfs.subvolume_id(path)


def prepare(btrfs, work, source, share_path, limit_bytes, details):
    """Make ``work/tree`` a writable snapshot of ``source``; journal it.

    The new tree gets its quota limit before it can become the share.
    ``details`` (a JSON-able dict) is kept in the journal for recovery.
    """
    os.mkdir(work, 0o700)
    tree = os.path.join(work, 'tree')
    btrfs.snapshot(source, tree, readonly=False)
    btrfs.set_limit(tree, limit_bytes)
    journal = dict(details, new_id=btrfs.subvolume_id(tree),
                   old_id=btrfs.subvolume_id(share_path))
    _fsutils.atomic_write(os.path.join(work, JOURNAL),
                          json.dumps(journal).encode('utf-8'))


def swap(share_path, work):
    """Put ``work/tree`` in place of ``share_path``; the old tree stays."""
    _revert.swap(share_path, work, os.path.dirname(share_path))


def _read_journal(work):
    try:
        with open(os.path.join(work, JOURNAL)) as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None


def remove_work(btrfs, work):
    """Delete the subvolumes and files of work directory ``work``."""
    for name in TREES:
        btrfs.delete_subvolume(os.path.join(work, name))
    _fsutils.remove_tree(work)


def _settle(btrfs, work, share_path, journal, finish):
    """Return the outcome for a journalled swap, swapping when needed."""
    tree = os.path.join(work, 'tree')
    current = _subvolume_id(btrfs, share_path)
    if current == journal['new_id']:
        return COMPLETED
    tree_id = _subvolume_id(btrfs, tree)
    if current == journal['old_id'] and tree_id == journal['new_id']:
        if not finish:
            return ROLLED_BACK
        swap(share_path, work)
        return COMPLETED
    if current is None and tree_id == journal['new_id']:
        # Stopped between the two fallback renames.
        if finish:
            os.rename(tree, share_path)
        else:
            os.rename(os.path.join(work, 'old'), share_path)
        _fsutils.fsync_dir(os.path.dirname(share_path))
        return COMPLETED if finish else ROLLED_BACK
    return FAILED


def resolve(btrfs, work, share_path, finish):
    """Finish (``finish``) or undo the swap recorded in ``work``.

    Returns ``(outcome, journal)``: CLEAN when there is no work directory,
    ROLLED_BACK, COMPLETED, or FAILED when the state cannot be told --
    then ``work`` is left for an operator.  Otherwise ``work`` and the
    subvolume no longer wanted are deleted.  ``journal`` is None when none
    was written.
    """
    if not os.path.lexists(work):
        return CLEAN, None
    journal = _read_journal(work)
    if journal is None:
        remove_work(btrfs, work)
        return ROLLED_BACK, None
    outcome = _settle(btrfs, work, share_path, journal, finish)
    if outcome == FAILED:
        LOG.error('Cannot tell the state of the swap in %s of %s; leaving '
                  'it for an operator', work, share_path)
        return outcome, journal
    remove_work(btrfs, work)
    return outcome, journal

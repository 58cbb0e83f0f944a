"""Where the directory drivers keep backups' temporary snapshots (private).

Both the local and the btrfs driver keep them as
``<top>/share-<share id>/<prefix><backup id>``, where the prefix is
``backup-`` for a complete snapshot and ``.new-backup-`` or
``.old-backup-`` for one being made or deleted (local driver).
"""

import os

from manila_bk import exception
from manila_bk.share.drivers import base

PREFIXES = ('backup-', '.new-backup-', '.old-backup-')


def _uuid_or_none(value):
    try:
        return base.validate_uuid(value)
    except exception.InvalidInput:
        return None


def list_under(top):
    """``[(share_id, backup_id)]`` found below ``top``, sorted, unique.

    Names that are not ``share-<uuid>`` / ``<prefix><uuid>`` are ignored:
    they are not ours to delete.
    """
    found = set()
    try:
        share_dirs = os.listdir(top)
    except FileNotFoundError:
        return []
    for share_dir in share_dirs:
        share_id = _uuid_or_none(share_dir[len('share-'):])
        if not share_dir.startswith('share-') or share_id is None:
            continue
        try:
            names = os.listdir(os.path.join(top, share_dir))
        except (NotADirectoryError, FileNotFoundError):
            continue
        for name in names:
            for prefix in PREFIXES:
                if not name.startswith(prefix):
                    continue
                backup_id = _uuid_or_none(name[len(prefix):])
                if backup_id is not None:
                    found.add((share_id, backup_id))
    return sorted(found)

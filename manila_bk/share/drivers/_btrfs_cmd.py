"""The btrfs commands the btrfs share driver runs (private).

Every command is an argument vector run by ``_fsutils.run`` (never a
shell), optionally behind a root helper such as ``sudo -n``; a failure
raises ShareDriverException carrying the command's stderr.  Tests pass
their own ``runner``.
"""

import os
import stat

from manila_bk import exception
from manila_bk.share.drivers import _fsutils

# The inode number of every subvolume's top directory on btrfs (what
# btrfs-progs itself checks to tell a subvolume from a directory).
SUBVOLUME_INO = 256


def is_subvolume(path):
    """Whether ``path`` (not followed) is the top of a btrfs subvolume."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_ino == SUBVOLUME_INO


class QgroupUsage:
    """Accounting of one subvolume's quota group, in bytes."""

    def __init__(self, qgroup_id, referenced, exclusive, max_referenced):
        self.qgroup_id = qgroup_id
        self.referenced = referenced
        self.exclusive = exclusive
        #: None when the quota group has no referenced-size limit.
        self.max_referenced = max_referenced

    def __repr__(self):
        return ('QgroupUsage(%s, referenced=%s, max_referenced=%s)'
                % (self.qgroup_id, self.referenced, self.max_referenced))


def _parse_size(text):
    return None if text == 'none' else int(text)


def parse_qgroup_show(output, qgroup_id):
    """Read ``qgroup_id``'s row of ``btrfs qgroup show --raw -r`` output.

    The columns are qgroupid, referenced, exclusive, max referenced and
    (btrfs-progs 5.x and later) the path.
    """
    for line in output.splitlines():
        fields = line.split()
        if fields and fields[0] == qgroup_id:
            if len(fields) < 4:
                break
            try:
                return QgroupUsage(qgroup_id, int(fields[1]), int(fields[2]),
                                   _parse_size(fields[3]))
            except ValueError:
                break
    raise exception.ShareDriverException(
        reason='btrfs qgroup show reported no usable row for qgroup %s: %r'
        % (qgroup_id, output[-500:]))


class Btrfs:
    """The btrfs command line, one method per operation the driver uses."""

    def __init__(self, root_helper=(), runner=None, command='btrfs'):
        self.prefix = list(root_helper or ()) + [command]
        self.runner = runner or _fsutils.run

    def run(self, *args):
        """Run ``btrfs <args>``; return its standard output as text."""
        result = self.runner(self.prefix + [str(arg) for arg in args])
        out = getattr(result, 'stdout', b'') or b''
        if isinstance(out, bytes):
            out = out.decode('utf-8', 'replace')
        return out

    def create_subvolume(self, path):
        self.run('subvolume', 'create', path)

    def snapshot(self, source, dest, readonly):
        """Snapshot subvolume ``source`` as ``dest`` (constant time)."""
        args = ['subvolume', 'snapshot']
        if readonly:
            args.append('-r')
        self.run(*(args + [source, dest]))

    def delete_subvolume(self, path):
        """Delete subvolume ``path``; an absent path is success.

        The call returns once the subvolume is unlinked; btrfs frees its
        blocks in the background, so the time does not grow with its size.
        """
        if not os.path.lexists(path):
            return
        if not is_subvolume(path):
            raise exception.ShareDriverException(
                reason='%s is not a btrfs subvolume' % path)
        self.run('subvolume', 'delete', path)

    def subvolume_id(self, path):
        """Return the id of the subvolume holding ``path``."""
        out = self.run('inspect-internal', 'rootid', path).strip()
        try:
            return int(out.split()[-1])
        except (IndexError, ValueError):
            raise exception.ShareDriverException(
                reason='btrfs inspect-internal rootid %s printed %r'
                % (path, out))

    def set_limit(self, path, nbytes):
        """Limit the referenced size of subvolume ``path`` to ``nbytes``.

        The quota group is named by id and the command runs on the parent
        directory: through a path inside a subvolume that is over its
        limit, the kernel refuses even to raise the limit (EDQUOT).
        """
        qgroup_id = '0/%d' % self.subvolume_id(path)
        self.run('qgroup', 'limit', int(nbytes), qgroup_id,
                 os.path.dirname(os.path.abspath(path)))

    def usage(self, path):
        """Return the QgroupUsage of subvolume ``path`` (synced first)."""
        qgroup_id = '0/%d' % self.subvolume_id(path)
        out = self.run('qgroup', 'show', '--raw', '-r', '-f', '--sync', path)
        return parse_qgroup_show(out, qgroup_id)

    def check_quota(self, path):
        """Raise ShareDriverException unless quotas are enabled."""
        self.run('qgroup', 'show', '--raw', path)

    def clear_stale_qgroups(self, path):
        """Drop quota groups whose subvolume is gone (older kernels)."""
        self.run('qgroup', 'clear-stale', path)

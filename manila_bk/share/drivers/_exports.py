"""Access rules rendered into an exports file in /etc/exports syntax.

One line per share with access::

    /srv/shares/share-<id> 10.0.0.0/24(rw,sync,no_subtree_check) ...

Lines of other paths (other shares, comments, an operator's own entries)
are kept as they are.  The file is replaced atomically (temp file and
rename), so an NFS server re-reading it never sees half a file, under a
lock (``flock`` on ``<exports file>.lock`` plus a thread lock), so two
updates, even from back ends sharing one exports file, never lose each
other's line.
"""

import fcntl
import ipaddress
import os
import threading

from manila_bk import exception
from manila_bk.share.drivers import _fsutils
from manila_bk.share.drivers import base

EXPORT_OPTIONS = 'sync,no_subtree_check'

_locks = {}
_locks_guard = threading.Lock()


def _thread_lock(path):
    with _locks_guard:
        return _locks.setdefault(path, threading.Lock())


def _client(rule):
    """Validate one AccessRule; return its client string for exports."""
    if rule.access_type != 'ip':
        raise exception.InvalidShareAccess(
            reason='only ip access is supported, not %r' % rule.access_type)
    if rule.access_level not in base.ACCESS_LEVELS:
        raise exception.InvalidShareAccess(
            reason='access level %r is not one of %s' % (
                rule.access_level, ', '.join(base.ACCESS_LEVELS)))
    try:
        network = ipaddress.ip_network(str(rule.access_to).strip(),
                                       strict=False)
    except ValueError:
        raise exception.InvalidShareAccess(
            reason='%r is not an IP address or network' % (rule.access_to,))
    if network.prefixlen == network.max_prefixlen:
        return str(network.network_address)
    return str(network)


def render_clients(rules):
    """Return the client part of an exports line for ``rules``.

    Raises InvalidShareAccess for the first rule that cannot be rendered.
    When one client appears twice, read-write wins.
    """
    levels = {}
    for rule in rules:
        client = _client(rule)
        if levels.get(client) != 'rw':
            levels[client] = rule.access_level
    return ' '.join('%s(%s,%s)' % (client, level, EXPORT_OPTIONS)
                    for client, level in sorted(levels.items()))


def escape_path(path):
    """Escape a path as exportfs reads it (octal escapes)."""
    out = []
    for char in path:
        if char in ' \t\n\\#"' or not char.isprintable():
            out.extend('\\%03o' % byte for byte in char.encode('utf-8'))
        else:
            out.append(char)
    return ''.join(out)


def _replace_line(text, path, clients):
    key = escape_path(path)
    lines = [line for line in text.splitlines()
             if not (line.split() and line.split()[0] == key)]
    if clients:
        lines.append('%s %s' % (key, clients))
    return ''.join(line + '\n' for line in lines)


def set_share_access(exports_file, path, rules):
    """Make ``path``'s line of ``exports_file`` grant exactly ``rules``.

    No rules removes the line.  Returns True when the file changed.
    """
    clients = render_clients(rules)
    with _thread_lock(exports_file), open(exports_file + '.lock', 'a') as lk:
        fcntl.flock(lk.fileno(), fcntl.LOCK_EX)
        try:
            with open(exports_file, encoding='utf-8') as handle:
                old = handle.read()
        except FileNotFoundError:
            old = None
        new = _replace_line(old or '', path, clients)
        if new == old or (old is None and not new):
            return False
        _fsutils.atomic_write(exports_file, new.encode('utf-8'))
        return True


def share_lines(exports_file):
    """Return {escaped path: client part} of every line (for tests)."""
    result = {}
    try:
        with open(exports_file, encoding='utf-8') as handle:
            for line in handle:
                parts = line.split(None, 1)
                if parts and not parts[0].startswith('#'):
                    result[parts[0]] = parts[1].strip() if len(
                        parts) > 1 else ''
    except FileNotFoundError:
        pass
    return result


def ensure_parent(exports_file):
    os.makedirs(os.path.dirname(exports_file) or '.', exist_ok=True)

"""Options of the btrfs share driver (``share_driver = btrfs``).

They live in each back-end section that uses the driver, beside the
options of ``manila_bk.conf.share.backend_opts``.
"""

from oslo_config import cfg

btrfs_opts = [
    cfg.StrOpt('btrfs_mount_point',
               help='Directory on an already mounted btrfs file system '
                    'under which the btrfs driver keeps its shares (one '
                    'subvolume each, in shares/), their read-only snapshots '
                    '(in snapshots/) and its work area (.work/). Quotas must '
                    'be enabled on the file system (btrfs quota enable). '
                    'Required when share_driver is btrfs.'),
    cfg.StrOpt('btrfs_export_host',
               help='Host name or address put in export locations '
                    '(host:/path); defaults to the host option.'),
    cfg.StrOpt('btrfs_exports_file',
               help='File into which the btrfs driver renders access rules '
                    'in /etc/exports syntax (one line per share: path and '
                    'client(rw|ro) entries). When unset, '
                    '$btrfs_mount_point/.exports is used.'),
    cfg.ListOpt('btrfs_exports_reload_command',
                default=[],
                help='Command, as an argument list, run after the exports '
                     'file changes and after a revert swapped a share, for '
                     'example exportfs,-ra for a kernel NFS server. Empty '
                     'means no command is run.'),
    cfg.ListOpt('btrfs_root_helper',
                default=[],
                help='Argument list put before every btrfs command, for '
                     'example sudo,-n when manila-bk-share does not run as '
                     'root: deleting subvolumes and setting quota group '
                     'limits need CAP_SYS_ADMIN. Empty runs btrfs directly.'),
]


def register_backend_opts(conf, section):
    """Register the btrfs driver's options in back-end ``section``."""
    conf.register_opts(btrfs_opts, group=section)


def list_opts():
    """The btrfs options, for the share back-end group of the sample."""
    return btrfs_opts

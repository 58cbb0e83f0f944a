"""Options of share backups: the data node's mounts and the backup back end.

``[DEFAULT] enabled_backup_backend`` (see ``conf/data.py``) names one
section of manila.conf; that section holds ``backend_opts`` below.  The
[DEFAULT] options say how the data service reaches shares.

Mount and unmount templates are split into an argument vector first (shell
quoting rules, no shell is ever run) and each argument is then filled with
``%(proto)s``, ``%(options)s``, ``%(export)s`` and ``%(path)s``.  An
argument in which a placeholder expands to an empty value is left out, so
``-o%(options)s`` disappears when no options are configured.  An empty
mount template means the export is a directory on this host, used as is.
"""

from oslo_config import cfg

backend_group = cfg.OptGroup(
    'backup_backend',
    title='Backup back end',
    help='Options of the backup back end. They are not read from a '
         '[backup_backend] section: put them in the section named by '
         '[DEFAULT] enabled_backup_backend.')

_TEMPLATE_HELP = (
    ' The template is split like a shell command line and each argument '
    'is then filled with %(proto)s, %(options)s, %(export)s and %(path)s '
    '(the mount point); no shell runs, so values with spaces or shell '
    'characters stay one literal argument, and an argument whose '
    'placeholder is empty is left out.')

default_opts = [
    cfg.StrOpt('share_mount_template',
               default='',
               help='Command that mounts a share\'s export location on the '
                    'data node before a backup or restore, for example '
                    '"mount -t %(proto)s -o%(options)s %(export)s '
                    '%(path)s". Empty means export locations are paths on '
                    'this host (host:/path or /path) used directly, which '
                    'fits the local share driver on a single node.'
                    + _TEMPLATE_HELP),
    cfg.StrOpt('share_unmount_template',
               default='umount %(path)s',
               help='Command that unmounts a share mounted with '
                    'share_mount_template; unused when that template is '
                    'empty.' + _TEMPLATE_HELP),
    cfg.StrOpt('share_mount_options',
               default='',
               help='Value of %(options)s in share_mount_template, for '
                    'example "vers=4.1,hard". Empty removes the argument '
                    'holding %(options)s.'),
    cfg.ListOpt('data_node_access_ips',
                default=[],
                help='IP addresses or CIDRs for which the data service adds '
                     'a temporary read-write "ip" access rule to a share '
                     'while it backs it up or restores it; the rule is '
                     'removed afterwards. Empty means no rule is added: '
                     'the export must already be reachable from the data '
                     'node (true for local paths).'),
    cfg.StrOpt('backup_mount_root',
               default='$state_path/mnt',
               help='Directory under which the data service creates '
                    'temporary mount points for shares and backup targets. '
                    'Anything still mounted below it when the data service '
                    'starts is unmounted.'),
]

backend_opts = [
    cfg.StrOpt('backup_driver',
               default='nfs',
               help='Backup driver of this back end: a short name '
                    'registered in the manila_bk.backup.drivers entry point '
                    'namespace (nfs) or the dotted path of a driver class.'),
    cfg.StrOpt('backup_mount_export',
               default='$state_path/backups',
               help='Where backups are stored: the export mounted with '
                    'backup_mount_template (for example '
                    'nfs-server:/backups), or, when that template is empty, '
                    'a directory on this host. Backups live in '
                    '<project id>/<share id>/<backup id>/ below it.'),
    cfg.StrOpt('backup_mount_template',
               default='',
               help='Command that mounts backup_mount_export, for example '
                    '"mount -t %(proto)s -o%(options)s %(export)s %(path)s". '
                    'Empty means backup_mount_export is a directory on this '
                    'host.' + _TEMPLATE_HELP),
    cfg.StrOpt('backup_unmount_template',
               default='umount %(path)s',
               help='Command that unmounts the backup target mounted with '
                    'backup_mount_template.' + _TEMPLATE_HELP),
    cfg.StrOpt('backup_mount_proto',
               default='nfs',
               help='Value of %(proto)s in backup_mount_template, the file '
                    'system type given to mount.'),
    cfg.StrOpt('backup_mount_options',
               default='',
               help='Value of %(options)s in backup_mount_template, for '
                    'example "vers=4.1,hard". Empty removes the argument '
                    'holding %(options)s.'),
    cfg.IntOpt('backup_copy_threads',
               default=4, min=1, max=64,
               help='Number of threads that copy, check and restore file '
                    'contents in parallel for one backup or restore.'),
    cfg.StrOpt('backup_checksum_algorithm',
               default='sha256',
               choices=[('sha256', 'SHA-256'),
                        ('blake2b', 'BLAKE2b, 512-bit digest')],
               help='Hash computed over the content of every file while it '
                    'is copied and stored in the backup manifest. Existing '
                    'backups keep the algorithm they were made with.'),
    cfg.BoolOpt('backup_verify_on_restore',
                default=True,
                help='Whether a restore checks the whole backup against its '
                     'manifest before it changes the share, refusing to '
                     'touch the share if anything is damaged. The backup '
                     'is read once: its files are checked while they are '
                     'copied into a staging directory on the share, and '
                     'moved into place only when all of them matched; a '
                     'share without room for the backup beside its data '
                     'has the backup checked first and copied afterwards '
                     '(read twice). Checksums are checked while restoring '
                     'either way.'),
    cfg.BoolOpt('backup_metadata_prefetch',
                default=True,
                help='Whether an incremental backup starts a helper '
                     'process that reads the inode metadata of the share '
                     'and of the parent backup ahead of the walk (lstat '
                     'of every entry, in the walk\'s order), so that the '
                     'walk finds it in memory instead of waiting for the '
                     'disk or the NFS server one file at a time. The '
                     'helper runs at a lower CPU priority, follows no '
                     'symbolic link and only reads. Full backups and '
                     'restores never use it: they keep every core busy '
                     'copying.'),
    cfg.IntOpt('backup_mount_timeout',
               default=120, min=1, max=3600,
               help='Seconds a mount or unmount command may run before it '
                    'is considered failed.'),
    cfg.BoolOpt('backup_from_snapshot',
                default=False,
                help='Whether a backup reads its share through a temporary '
                     'snapshot that the share service takes for it, when '
                     'the share\'s back end reports snapshot_support and '
                     'its driver can take such a snapshot (local, btrfs). '
                     'The share is busy (backup_creating) only while the '
                     'snapshot is taken, so clients can write to it during '
                     'the copy, and the backup holds the share as it was '
                     'when the snapshot was taken. The snapshot is never '
                     'shown to users and is deleted after the backup, '
                     'whatever the outcome. False (the default) keeps the '
                     'share busy for the whole copy, as in Manila; so does '
                     'a back end without snapshots.'),
]


def register_opts(conf):
    conf.register_opts(default_opts)


def register_backend_opts(conf, section):
    """Register the backup back-end options in section ``section``."""
    conf.register_opts(backend_opts, group=section)


def list_opts():
    return {'DEFAULT': default_opts, backend_group: backend_opts}

"""Options of the share service and of each share back-end section.

``enabled_share_backends`` names sections of manila.conf; each named section
holds the ``backend_opts`` below plus the options of its driver (for the
``local`` driver, ``local_opts``).
"""

from oslo_config import cfg

from manila_bk.conf import share_btrfs

backend_group = cfg.OptGroup(
    'share_backend',
    title='Share back end',
    help='Options of one share back end. They are not read from a '
         '[share_backend] section: put them in each section named by '
         'enabled_share_backends.')

default_opts = [
    cfg.ListOpt('enabled_share_backends',
                default=[],
                help='Names of the manila.conf sections that each configure '
                     'one share back end served by manila-bk-share on this '
                     'host. manila-bk-all adds a "local" back end under '
                     '$state_path/shares when this list is empty.'),
    cfg.StrOpt('default_share_type',
               default='default',
               help='Name of the share type used when a share is created '
                    'without one. manila-bk-all creates it on first start '
                    'with the capabilities of the configured back ends.'),
    cfg.IntOpt('soft_deleted_share_retention_time',
               default=604800, min=1,
               help='Seconds a soft-deleted share stays in the recycle bin '
                    'before the share service deletes it for good (default '
                    '7 days).'),
    cfg.IntOpt('pool_stale_time',
               default=120, min=10, max=86400,
               help='Seconds after which a pool report of a share service '
                    'is too old for placement to use.'),
]

backend_opts = [
    cfg.StrOpt('share_driver',
               default='local',
               help='Share driver of this back end: a short name registered '
                    'in the manila_bk.share.drivers entry point namespace '
                    '(local, btrfs, fake) or the dotted path of a driver '
                    'class.'),
    cfg.StrOpt('share_backend_name',
               help='Name of the back end reported to placement and matched '
                    'by the share_backend_name extra spec; defaults to the '
                    'section name.'),
    cfg.BoolOpt('driver_handles_share_servers',
                default=False,
                help='Whether the driver manages share servers. manila_bk '
                     'serves only drivers that do not (False); True is '
                     'refused at start.'),
    cfg.IntOpt('reserved_share_percentage',
               default=0, min=0, max=100,
               help='Percentage of the back end capacity kept free: '
                    'placement does not use it for new shares.'),
]

local_opts = [
    cfg.StrOpt('local_share_root',
               default='$state_path/shares',
               help='Directory under which the local driver keeps one '
                    'directory per share; its snapshots live in '
                    '.snapshots beside them.'),
    cfg.StrOpt('local_export_host',
               help='Host name or address put in export locations '
                    '(host:/path); defaults to the host option.'),
    cfg.StrOpt('local_exports_file',
               help='File into which the local driver renders access rules '
                    'in /etc/exports syntax (one line per share: path and '
                    'client(rw|ro) entries). When unset, $local_share_root/'
                    '.exports is used.'),
    cfg.ListOpt('local_exports_reload_command',
                default=[],
                help='Command, as an argument list, run after the exports '
                     'file changes, for example exportfs,-ra for a kernel '
                     'NFS server. Empty means no command is run.'),
    cfg.IntOpt('local_total_capacity_gb',
               min=1,
               help='Capacity reported for the local back end, in GiB. '
                    'When unset, the size of the file system holding '
                    'local_share_root is reported.'),
]

# Options of the fake driver: it exists for tests (unit, functional and the
# crash and race harnesses), which use these to inject failures and delays.
fake_opts = [
    cfg.ListOpt('fake_fail_operations', default=[],
                help='Test only (fake driver): names of driver operations '
                     'that raise an error, for example create_snapshot.'),
    cfg.DictOpt('fake_sleep_operations', default={},
                help='Test only (fake driver): map of driver operation name '
                     'to the number of seconds it sleeps before running.'),
    cfg.IntOpt('fake_total_capacity_gb', default=1000, min=1,
               help='Test only (fake driver): capacity reported, in GiB.'),
    cfg.StrOpt('fake_share_path_root', default='/fake',
               help='Test only (fake driver): prefix of the share paths the '
                    'fake driver reports; nothing is written there.'),
]


def register_opts(conf):
    conf.register_opts(default_opts)


def register_backend_opts(conf, section):
    """Register back-end and local-driver options in one backend section."""
    conf.register_opts(backend_opts, group=section)
    conf.register_opts(local_opts, group=section)
    conf.register_opts(fake_opts, group=section)
    share_btrfs.register_backend_opts(conf, section)


def list_opts():
    return {'DEFAULT': default_opts,
            backend_group: (backend_opts + local_opts + fake_opts
                            + share_btrfs.btrfs_opts)}

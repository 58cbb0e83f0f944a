"""[quota] options: default project quotas (Manila's names)."""

from oslo_config import cfg

GROUP = 'quota'

opts = [
    cfg.IntOpt('shares', default=50, min=-1,
               help='Number of shares allowed per project; -1 means '
                    'unlimited.'),
    cfg.IntOpt('gigabytes', default=1000, min=-1,
               help='Total size of shares allowed per project, in GiB; -1 '
                    'means unlimited.'),
    cfg.IntOpt('snapshots', default=50, min=-1,
               help='Number of share snapshots allowed per project; -1 '
                    'means unlimited.'),
    cfg.IntOpt('snapshot_gigabytes', default=1000, min=-1,
               help='Total size of share snapshots allowed per project, in '
                    'GiB; -1 means unlimited.'),
    cfg.IntOpt('backups', default=10, min=-1,
               help='Number of share backups allowed per project; -1 means '
                    'unlimited.'),
    cfg.IntOpt('backup_gigabytes', default=1000, min=-1,
               help='Total size of share backups allowed per project, in '
                    'GiB; -1 means unlimited.'),
    cfg.IntOpt('per_share_gigabytes', default=-1, min=-1,
               help='Largest size of a single share, in GiB; -1 means '
                    'unlimited.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}

"""Options of the data service (backup back end selection)."""

from oslo_config import cfg

opts = [
    cfg.StrOpt('enabled_backup_backend',
               help='Name of the manila.conf section configuring the one '
                    'backup back end of the data service (the section holds '
                    'backup_driver and its options). Unset means share '
                    'backups are disabled, except under manila-bk-all, '
                    'which enables an nfs back end writing to '
                    '$state_path/backups.'),
]


def register_opts(conf):
    conf.register_opts(opts)


def list_opts():
    return {'DEFAULT': opts}

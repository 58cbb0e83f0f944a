"""manila-bk-data: the data service (share backups and restores)."""

import sys

from oslo_config import cfg

from manila_bk.cmd import common
from manila_bk import conf
from manila_bk.conf import backup as backup_conf
from manila_bk.data import manager as data_manager
from manila_bk import exception
from manila_bk import service

CONF = conf.CONF
BINARY = 'manila-bk-data'

#: Section of the backup back end manila-bk-all enables when none is set:
#: the nfs driver on $state_path/backups (the options' defaults).
EMBEDDED_BACKUP_BACKEND = 'backup'


def enable_embedded_backup_backend():
    """Enable the embedded default back end unless one is configured."""
    if not CONF.enabled_backup_backend:
        CONF.set_override('enabled_backup_backend', EMBEDDED_BACKUP_BACKEND)
    return CONF.enabled_backup_backend


def validate_backup_backend(prog):
    """Read the backup back end's options once; exit with one line."""
    section = CONF.enabled_backup_backend
    if not section:
        return
    backup_conf.register_backend_opts(CONF, section)
    for opt in backup_conf.backend_opts:
        try:
            getattr(CONF.get(section), opt.dest)
        except (cfg.Error, ValueError) as exc:
            common.fail(prog, 'invalid configuration: [%s] %s: %s'
                        % (section, opt.dest, exc))


def build_service(prog=BINARY):
    """The data service, its backup driver loaded and set up."""
    try:
        manager = data_manager.DataManager(CONF.host)
        manager.setup_driver()
    except exception.ConfigError as exc:
        common.fail(prog, 'invalid configuration: [DEFAULT] '
                    'enabled_backup_backend: %s' % exc)
    return service.Service(CONF.host, BINARY, CONF.data_topic, manager)


def main(argv=None):
    argv = sys.argv if argv is None else argv
    common.parse_args(argv, BINARY)
    common.validate(BINARY)
    validate_backup_backend(BINARY)
    service.run([build_service()])


if __name__ == '__main__':
    main()

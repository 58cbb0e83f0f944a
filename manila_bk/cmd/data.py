"""manila-bk-data: the data service (backup and restore)."""

import sys

from manila_bk.cmd import common
from manila_bk import conf
from manila_bk.data import manager as data_manager
from manila_bk import service

CONF = conf.CONF
BINARY = 'manila-bk-data'


def build_service():
    manager = data_manager.DataManager(CONF.host)
    return service.Service(CONF.host, BINARY, CONF.data_topic, manager)


def main(argv=None):
    argv = sys.argv if argv is None else argv
    common.parse_args(argv, BINARY)
    common.validate(BINARY)
    service.run([build_service()])


if __name__ == '__main__':
    main()

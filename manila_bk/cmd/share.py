"""manila-bk-share: one share service per enabled share back end."""

import sys

from manila_bk.cmd import common
from manila_bk import conf
from manila_bk import exception
from manila_bk import service
from manila_bk.share import manager as share_manager

CONF = conf.CONF
BINARY = 'manila-bk-share'


def build_services(sections):
    services = []
    for section in sections:
        host = '%s@%s' % (CONF.host, section)
        try:
            manager = share_manager.ShareManager(host, section)
        except exception.ConfigError as exc:
            common.fail(BINARY, 'invalid configuration: [%s]: %s'
                        % (section, exc))
        services.append(service.Service(host, BINARY, CONF.share_topic,
                                        manager))
    return services


def main(argv=None):
    argv = sys.argv if argv is None else argv
    common.parse_args(argv, BINARY)
    sections = CONF.enabled_share_backends
    if not sections:
        common.fail(BINARY, 'invalid configuration: [DEFAULT] '
                    'enabled_share_backends: name at least one back end '
                    'section')
    common.register_backends(sections)
    common.validate(BINARY, sections)
    service.run(build_services(sections))


if __name__ == '__main__':
    main()

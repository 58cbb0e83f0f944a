"""manila-bk-all: api, share and data services in one process.

The zero-dependency embedded default: in-process RPC (``fake://``) unless
transport_url is set, SQLite under state_path unless [database]
connection is set, noauth, port 8786, and a ``local`` share back end under
$state_path/shares when no back end is configured.  The schema is
migrated and a ``default`` share type matching the back ends is created on
first start.  Share backups are enabled too: without
enabled_backup_backend, a section ``backup`` with the nfs backup driver
storing backups in $state_path/backups (a local directory, no mounting).
"""

import json
import sys

from oslo_log import log as logging
from oslo_messaging import opts as messaging_opts

from manila_bk.api import app as api_app
from manila_bk.api import server as api_server
from manila_bk.cmd import common
from manila_bk.cmd import data as data_cmd
from manila_bk.cmd import share as share_cmd
from manila_bk import conf
from manila_bk import context
from manila_bk.db import migration
from manila_bk import service
from manila_bk.share import share_types

CONF = conf.CONF
LOG = logging.getLogger(__name__)
BINARY = 'manila-bk-all'
EMBEDDED_BACKEND = 'local'


def set_embedded_defaults():
    for group, opts in messaging_opts.list_opts():
        if group is None:
            CONF.register_opts(opts)
    CONF.set_default('transport_url', 'fake://')
    # noauth makes every caller an administrator: keep the embedded
    # default off the network unless the operator says otherwise.
    CONF.set_default('osapi_share_listen', '127.0.0.1')


def _ensure_default_type(share_services):
    pools = []
    for svc in share_services:
        pools.extend(json.loads(svc.manager.service_capabilities() or '[]'))
    share_types.ensure_default_type(context.get_admin_context(), pools)


def main(argv=None):
    argv = sys.argv if argv is None else argv
    set_embedded_defaults()
    common.parse_args(argv, BINARY)
    sections = CONF.enabled_share_backends or [EMBEDDED_BACKEND]
    CONF.set_override('enabled_share_backends', sections)
    common.register_backends(sections)
    common.validate(BINARY, sections)
    data_cmd.enable_embedded_backup_backend()
    data_cmd.validate_backup_backend(BINARY)
    migration.db_sync()

    share_services = share_cmd.build_services(sections)
    services = share_services + [data_cmd.build_service(BINARY)]
    api = api_server.APIServer(api_app.setup_app(CONF),
                               CONF.osapi_share_listen,
                               CONF.osapi_share_listen_port,
                               CONF.osapi_share_threads,
                               backlog=CONF.backlog)

    def on_started():
        _ensure_default_type(share_services)
        api.start()
        LOG.info('manila-bk-all serving http://%s:%s/v2',
                 CONF.osapi_share_listen, api.port)

    def stop_api():
        api.stop()
        api.wait(CONF.graceful_shutdown_timeout)

    service.run(services, on_started=on_started, extra_stop=[stop_api])


if __name__ == '__main__':
    main()

"""manila-bk-api: the REST API (a threaded WSGI server).

Deployments that run the API under uwsgi or mod_wsgi point them at
``manila_bk.wsgi.api:application`` instead.
"""

import sys

from manila_bk.api import server
from manila_bk.cmd import common
from manila_bk import conf

CONF = conf.CONF
BINARY = 'manila-bk-api'


def main(argv=None):
    argv = sys.argv if argv is None else argv
    common.parse_args(argv, BINARY)
    common.validate(BINARY)
    server.serve(CONF)


if __name__ == '__main__':
    main()

"""Option listing for oslo-config-generator and the Sphinx extension."""

import collections

from oslo_config import cfg
from oslo_db import options as db_options
from oslo_log import log as logging

from manila_bk.conf import api
from manila_bk.conf import backup
from manila_bk.conf import coordination
from manila_bk.conf import data
from manila_bk.conf import database
from manila_bk.conf import default
from manila_bk.conf import quota
from manila_bk.conf import share

_MODULES = (default, api, database, share, data, backup, coordination,
            quota)


def list_opts():
    """Return [(group, [opts])] for every option manila_bk registers."""
    grouped = collections.OrderedDict()
    for module in _MODULES:
        for group, opts in module.list_opts().items():
            grouped.setdefault(group, []).extend(opts)
    return [(group, opts) for group, opts in grouped.items()]


def set_defaults(conf=None):
    """Defaults manila_bk sets on the options of other libraries."""
    # On the option objects themselves, so the generated sample shows it.
    # A service retries a database call whose connection was lost (a
    # server restart) instead of leaving its work in a transitional
    # status; see db/reconnect.py.
    cfg.set_defaults(db_options.database_opts,
                     connection=database.DEFAULT_CONNECTION,
                     use_db_reconnect=True)
    logging.set_defaults(default_log_levels=logging.get_default_log_levels()
                         + ['pecan=WARN', 'amqp=WARN', 'stevedore=WARN',
                            'alembic=WARN'])

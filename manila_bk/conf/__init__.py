"""Configuration options of manila_bk, one module per option group.

``CONF`` is oslo.config's global object (oslo.messaging registers its own
options there, see OSLO-NOTES.md).  Every option of the project is
registered when this package is imported.
"""

from oslo_config import cfg

from manila_bk.conf import api
from manila_bk.conf import backup
from manila_bk.conf import coordination
from manila_bk.conf import data
from manila_bk.conf import database
from manila_bk.conf import default
from manila_bk.conf import quota
from manila_bk.conf import share

CONF = cfg.CONF

for _module in (default, api, database, share, data, backup, coordination,
                quota):
    _module.register_opts(CONF)

"""Client side of the data service RPC API.

The data service runs backups and restores (later).  Casts go to topic
``CONF.data_topic``; without a host, any data service takes the work.
"""

import oslo_messaging as messaging

from manila_bk import conf
from manila_bk import rpc

CONF = conf.CONF


class DataAPI:
    """Casts to data services.

    API version history (append only; new arguments must be optional):

    * 1.0 - Initial version, no methods yet (backups come later).
    """

    RPC_API_VERSION = '1.0'

    def _client(self, host=None):
        """An RPC client for the data topic, bound to ``host`` if given."""
        target = messaging.Target(topic=CONF.data_topic,
                                  version=self.RPC_API_VERSION)
        client = rpc.get_client(target)
        return client.prepare(server=host) if host else client

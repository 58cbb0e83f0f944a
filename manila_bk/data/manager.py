"""The data service's manager (backup and restore come later)."""

from oslo_log import log as logging
import oslo_messaging as messaging

from manila_bk import conf
from manila_bk.data import rpcapi
from manila_bk import manager

CONF = conf.CONF
LOG = logging.getLogger(__name__)


class DataManager(manager.Manager):
    """RPC endpoint of manila-bk-data; ``host`` defaults to CONF.host."""

    RPC_API_VERSION = rpcapi.DataAPI.RPC_API_VERSION
    target = messaging.Target(version=RPC_API_VERSION)

    def __init__(self, host=None):
        super().__init__(host or CONF.host)

    def reconcile(self):
        """Nothing to reconcile yet.

        The data service has no operations yet, so it cannot have left
        anything unfinished.  Once backups exist this resolves backups
        left creating/deleting/restoring and their shares left
        backup_creating/backup_restoring, and removes temporary mounts and
        access grants.
        """

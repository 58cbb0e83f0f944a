"""Client side of the data service RPC API.

The data service runs share backups, restores and backup deletions.  Casts
go to topic ``CONF.data_topic``; without a host, any data service takes the
work.  Every method is a cast carrying ids: the receiving manager re-reads
the database and acts only on records in the status the API side set.
"""

import oslo_messaging as messaging

from manila_bk import conf
from manila_bk import rpc

CONF = conf.CONF


class DataAPI:
    """Casts to data services.

    API version history (append only; new arguments must be optional):

    * 1.0 - Initial version, no methods.
    * 1.1 - create_backup, restore_backup, delete_backup.
    """

    RPC_API_VERSION = '1.1'

    def _client(self, host=None):
        """An RPC client for the data topic, bound to ``host`` if given."""
        target = messaging.Target(topic=CONF.data_topic,
                                  version=self.RPC_API_VERSION)
        client = rpc.get_client(target)
        return client.prepare(server=host) if host else client

    def create_backup(self, context, backup_id):
        """Back up the share of backup ``backup_id`` (status creating).

        Any data service may take it; the one that does records itself as
        the backup's host.
        """
        self._client().cast(context, 'create_backup', backup_id=backup_id)

    def restore_backup(self, context, backup_id, share_id):
        """Restore backup ``backup_id`` (restoring) onto share ``share_id``.

        ``share_id`` (status backup_restoring) is the backup's own share or,
        from API 2.91, another share of the project.
        """
        self._client().cast(context, 'restore_backup', backup_id=backup_id,
                            share_id=share_id)

    def delete_backup(self, context, backup_id, host=None):
        """Delete backup ``backup_id`` (status deleting).

        Sent to the data service ``host`` (the backup's host) when given,
        otherwise to any data service.
        """
        self._client(host).cast(context, 'delete_backup',
                                backup_id=backup_id)

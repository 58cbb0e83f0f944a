"""Client side of the share service RPC API.

Every method is sent to the share service that owns ``host``
(``host@backend#pool`` is served by ``host@backend``) on topic
``CONF.share_topic`` and carries ids and small values; the receiving
manager re-reads the database.  Almost all are casts that return at once;
the two backup snapshot methods are calls, because the data service
needs the snapshot (or its removal) before it goes on.
"""

import oslo_messaging as messaging

from manila_bk import conf
from manila_bk import rpc

CONF = conf.CONF


class ShareAPI:
    """Casts to share services.

    API version history (append only; new arguments must be optional):

    * 1.0 - Initial version: create_share, delete_share, extend_share,
      shrink_share, create_snapshot, delete_snapshot, update_access,
      revert_to_snapshot.
    * 1.1 - create_backup_snapshot, delete_backup_snapshot (calls).
    """

    RPC_API_VERSION = '1.1'

    def _client(self, host, version, timeout=None):
        target = messaging.Target(topic=CONF.share_topic, version=version)
        kwargs = {'timeout': timeout} if timeout else {}
        return rpc.get_client(target).prepare(
            server=rpc.server_for_host(host), **kwargs)

    def _cast(self, context, host, method, version='1.0', **kwargs):
        self._client(host, version).cast(context, method, **kwargs)

    def create_share(self, context, share_id, host):
        """Create share ``share_id`` (status creating) on ``host``."""
        self._cast(context, host, 'create_share', share_id=share_id)

    def delete_share(self, context, share_id, host, force=False):
        """Delete share ``share_id`` (status deleting).

        With ``force`` the row is deleted even if the driver fails.
        """
        self._cast(context, host, 'delete_share', share_id=share_id,
                   force=force)

    def extend_share(self, context, share_id, host, new_size):
        """Grow share ``share_id`` (status extending) to ``new_size``."""
        self._cast(context, host, 'extend_share', share_id=share_id,
                   new_size=new_size)

    def shrink_share(self, context, share_id, host, new_size):
        """Shrink share ``share_id`` (status shrinking) to ``new_size``."""
        self._cast(context, host, 'shrink_share', share_id=share_id,
                   new_size=new_size)

    def create_snapshot(self, context, snapshot_id, host):
        """Take snapshot ``snapshot_id`` (creating; share snapshotting)."""
        self._cast(context, host, 'create_snapshot', snapshot_id=snapshot_id)

    def delete_snapshot(self, context, snapshot_id, host, force=False):
        """Delete snapshot ``snapshot_id`` (status deleting)."""
        self._cast(context, host, 'delete_snapshot', snapshot_id=snapshot_id,
                   force=force)

    def update_access(self, context, share_id, host):
        """Apply the queued access rule changes of share ``share_id``."""
        self._cast(context, host, 'update_access', share_id=share_id)

    def revert_to_snapshot(self, context, share_id, snapshot_id, host):
        """Revert share ``share_id`` (reverting) to ``snapshot_id``.

        The snapshot is in status restoring and is the share's latest.
        """
        self._cast(context, host, 'revert_to_snapshot', share_id=share_id,
                   snapshot_id=snapshot_id)

    def create_backup_snapshot(self, context, share_id, backup_id, host,
                               access_to=(), timeout=None):
        """Take backup ``backup_id``'s temporary snapshot of ``share_id``.

        A call, answered once the snapshot exists (or was refused), or
        MessagingTimeout after ``timeout`` seconds.  The backup must be
        creating.  ``access_to`` lists the addresses of the data nodes
        that get read-only access to the snapshot's export.  Returns
        ``{"export_locations": [{"path", "is_admin_only", "preferred"}]}``
        on success, ``{"unsupported": reason}`` when the share's driver
        takes no such snapshots, ``{"error": reason}`` on failure.
        """
        return self._client(host, '1.1', timeout).call(
            context, 'create_backup_snapshot', share_id=share_id,
            backup_id=backup_id, access_to=list(access_to or ()))

    def delete_backup_snapshot(self, context, share_id, backup_id, host,
                               wait=True, timeout=None):
        """Delete backup ``backup_id``'s temporary snapshot of ``share_id``.

        With ``wait``, a call that returns ``{"deleted": true}`` or
        ``{"error": reason}`` (MessagingTimeout after ``timeout``
        seconds); otherwise a cast that returns None.  Deleting a snapshot
        that is gone succeeds.
        """
        if not wait:
            self._cast(context, host, 'delete_backup_snapshot',
                       version='1.1', share_id=share_id,
                       backup_id=backup_id)
            return None
        return self._client(host, '1.1', timeout).call(
            context, 'delete_backup_snapshot', share_id=share_id,
            backup_id=backup_id)

"""Share backups on the data node: the backup driver layer.

``base`` is the contract the data service calls (BackupDriver and the
records it takes and returns), ``drivers`` loads a driver by name, ``mount``
mounts shares and targets through the configured templates, and
``engine`` is the in-process copy engine the nfs driver is built on.
"""

"""The data service's work, one module per operation.

``backup``, ``restore`` and ``delete`` run in the manager's job pool once
the manager has claimed the backup; ``access`` grants and revokes the data
node's temporary access to a share; ``recovery`` reconciles what a data
service left unfinished (at start-up and for ``manila-bk-manage backup
cleanup``); ``common`` holds what they share.
"""

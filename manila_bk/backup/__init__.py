"""Share backups on the API side (``manila_bk.backup.api``).

The data service (``manila_bk.data``) does the copying; this package holds
the rules the REST API enforces before it casts work there.
"""

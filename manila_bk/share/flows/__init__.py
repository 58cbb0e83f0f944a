"""The work the share service does, one module per operation family.

The share manager validates a request, checks the record's transitional
status and hands a flow function to its bounded job pool.  A flow re-reads
the database, calls the driver with plain records (never ORM rows), then
moves the record to its final status with a compare-and-swap update.  On
failure it sets the error status, gives quota back where the API side
had taken it for work that did not happen, and leaves a user message.

Every flow takes ``(context, driver, ...ids and small values)`` and
returns nothing; callers need no other state.

- :mod:`.create_delete` -- create_share, delete_share
- :mod:`.snapshots` -- create_snapshot, delete_snapshot
- :mod:`.revert` -- revert_to_snapshot
- :mod:`.resize` -- extend_share, shrink_share
- :mod:`.access` -- update_access
- :mod:`.recovery` -- start-up reconciliation of transitional records
"""

"""Alembic environment: runs on the connection handed in by db.migration.

Every write of a migration goes through that one connection (op.execute,
op.bulk_insert): a second connection deadlocks on SQLite.
"""

from alembic import context

from manila_bk.db import models

config = context.config
target_metadata = models.Base.metadata


def run_migrations_online():
    connection = config.attributes['connection']
    context.configure(connection=connection,
                      target_metadata=target_metadata,
                      render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError('manila_bk migrations run online only; use '
                       'manila-bk-manage db sync')
run_migrations_online()

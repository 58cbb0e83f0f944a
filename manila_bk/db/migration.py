"""Schema migrations: ``manila-bk-manage db sync|version``."""

import os

from alembic import command as alembic_command
from alembic import config as alembic_config
from alembic import migration as alembic_migration

from manila_bk.db import session

_SCRIPT_LOCATION = os.path.join(os.path.dirname(__file__), 'migrations')


def _config(connection=None):
    cfg = alembic_config.Config()
    cfg.set_main_option('script_location', _SCRIPT_LOCATION)
    if connection is not None:
        cfg.attributes['connection'] = connection
    return cfg


def db_sync(version='head', engine=None):
    """Upgrade the schema to ``version`` (default: the newest)."""
    engine = engine or session.get_engine()
    with engine.begin() as connection:
        alembic_command.upgrade(_config(connection), version or 'head')


def db_version(engine=None):
    """Return the current schema revision, or None for an empty database."""
    engine = engine or session.get_engine()
    with engine.connect() as connection:
        ctx = alembic_migration.MigrationContext.configure(connection)
        return ctx.get_current_revision()


def head_version():
    from alembic import script
    return script.ScriptDirectory.from_config(_config()).get_current_head()

"""The alembic migrations and the models agree, on every database."""

import datetime
import tempfile

from alembic import autogenerate
from alembic import migration as alembic_migration
import sqlalchemy as sa
import testtools

from manila_bk.db import migration
from manila_bk.db import models
from manila_bk.tests.functional import fixtures as ffx


class MigrationsModelsSyncMixin:
    db_kind = None

    def setUp(self):
        super().setUp()
        self.db = ffx.Database(self.db_kind, tempfile.mkdtemp())
        self.addCleanup(self.db.drop)
        self.engine = sa.create_engine(self.db.url)
        self.addCleanup(self.engine.dispose)

    def test_migrations_match_models(self):
        migration.db_sync(engine=self.engine)
        with self.engine.connect() as conn:
            ctx = alembic_migration.MigrationContext.configure(
                conn, opts={'compare_type': True,
                            'compare_server_default': False})
            diff = autogenerate.compare_metadata(ctx, models.Base.metadata)
        self.assertEqual([], diff)

    def test_db_sync_records_head_and_is_idempotent(self):
        migration.db_sync(engine=self.engine)
        migration.db_sync(engine=self.engine)
        self.assertEqual(migration.head_version(),
                         migration.db_version(engine=self.engine))

    def test_microseconds_survive_round_trip(self):
        migration.db_sync(engine=self.engine)
        stamp = datetime.datetime(2026, 1, 2, 3, 4, 5, 678901)
        with self.engine.begin() as conn:
            conn.execute(sa.insert(models.Message.__table__).values(
                id='m1', project_id='p', action_id='001',
                message_level='ERROR', created_at=stamp, deleted='False'))
            got = conn.execute(sa.select(
                models.Message.__table__.c.created_at)).scalar()
        self.assertEqual(stamp, got)


class SQLiteMigrationsTestCase(MigrationsModelsSyncMixin, testtools.TestCase):
    db_kind = 'sqlite'


class MariaDBMigrationsTestCase(MigrationsModelsSyncMixin,
                                testtools.TestCase):
    db_kind = 'mysql'


class PostgreSQLMigrationsTestCase(MigrationsModelsSyncMixin,
                                   testtools.TestCase):
    db_kind = 'postgresql'

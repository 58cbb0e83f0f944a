"""The database API tests again, on MariaDB and PostgreSQL servers.

The CAS updates, the atomic quota counters and the snapshot ordering must
hold on every supported back end, not only on SQLite.
"""

import tempfile

import sqlalchemy as sa

from manila_bk.db import migration
from manila_bk.tests.functional import fixtures as ffx
from manila_bk.tests.unit.db import test_api


class ServerDatabaseMixin:
    db_kind = None

    def database_url(self):
        database = ffx.Database(self.db_kind, tempfile.mkdtemp())
        self.addCleanup(database.drop)
        engine = sa.create_engine(database.url)
        migration.db_sync(engine=engine)
        engine.dispose()
        return database.url


def _variants(kind, label):
    classes = {}
    for name in ('ShareTestCase', 'SnapshotTestCase', 'QuotaTestCase',
                 'ShareTypeTestCase'):
        base_cls = getattr(test_api, name)
        new_name = '%s%s' % (label, name)
        classes[new_name] = type(new_name, (ServerDatabaseMixin, base_cls),
                                 {'db_kind': kind})
    return classes


globals().update(_variants('mysql', 'MariaDB'))
globals().update(_variants('postgresql', 'PostgreSQL'))

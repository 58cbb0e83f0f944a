"""Test base classes: isolated config, a fresh SQLite database per test."""

import os
import shutil
import tempfile
import threading

import fixtures
from oslo_concurrency import lockutils  # noqa: F401  (registers lock_path)
import testtools

import manila_bk  # noqa: F401  (threading backend, no eventlet)
from manila_bk import conf
from manila_bk import context
from manila_bk.db import migration
from manila_bk.db import session as db_session

CONF = conf.CONF

_TEMPLATE_LOCK = threading.Lock()
_TEMPLATE = {}


def _template_db():
    """Path of a migrated SQLite file built once per test process."""
    with _TEMPLATE_LOCK:
        if 'path' not in _TEMPLATE:
            directory = tempfile.mkdtemp(prefix='manila-bk-template-')
            path = os.path.join(directory, 'template.sqlite')
            import sqlalchemy as sa
            engine = sa.create_engine('sqlite:///' + path)
            migration.db_sync(engine=engine)
            engine.dispose()
            _TEMPLATE['path'] = path
        return _TEMPLATE['path']


class TestCase(testtools.TestCase):
    """Config reset after each test; state_path in a temporary directory."""

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.Timeout(120, gentle=True))
        self.state_path = self.useFixture(fixtures.TempDir()).path
        CONF([], project='manila_bk', default_config_files=[],
             default_config_dirs=[])
        self.addCleanup(CONF.reset)
        self.flags(state_path=self.state_path)
        self.flags(lock_path=os.path.join(self.state_path, 'locks'),
                   group='oslo_concurrency')

    def flags(self, group=None, **kw):
        for key, value in kw.items():
            CONF.set_override(key, value, group=group)
            self.addCleanup(CONF.clear_override, key, group=group)


class DBTestCase(TestCase):
    """A TestCase with its own migrated SQLite database."""

    def setUp(self):
        super().setUp()
        self.flags(connection=self.database_url(), group='database')
        db_session.reset()
        self.addCleanup(db_session.reset)
        self.ctx = context.get_admin_context()

    def database_url(self):
        """URL of a migrated, empty database for this test."""
        path = os.path.join(self.state_path, 'manila_bk.sqlite')
        shutil.copyfile(_template_db(), path)
        return 'sqlite:///' + path

    def user_context(self, project_id='project-a', user_id='user-a',
                     roles=('member', 'reader')):
        return context.RequestContext(user_id=user_id,
                                      project_id=project_id,
                                      roles=list(roles), is_admin=False)

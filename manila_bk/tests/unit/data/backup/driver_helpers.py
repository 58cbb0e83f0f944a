"""Shared set-up of the nfs backup driver tests."""

import os

from manila_bk.conf import backup as backup_conf
from manila_bk.data.backup import base
from manila_bk.data.backup import drivers
from manila_bk.tests import base as test_base
from manila_bk.tests.unit.data.backup import sample_tree

SECTION = 'backup_test'
PROJECT = 'project-a'
SHARE = '0b7ab2f6-5a4d-4a8e-9c39-3b7d2d6a5f10'


class DriverTestCase(test_base.TestCase):
    """A nfs driver on $state_path/backups (the embedded default)."""

    def setUp(self):
        super().setUp()
        backup_conf.register_opts(test_base.CONF)
        backup_conf.register_backend_opts(test_base.CONF, SECTION)
        self.target = os.path.join(self.state_path, 'backups')
        self.driver = self.make_driver()
        self.source = os.path.join(self.state_path, 'share-src')
        os.mkdir(self.source)

    def make_driver(self, **flags):
        for name, value in flags.items():
            self.flags(group=SECTION, **{name: value})
        driver = drivers.load_backup_driver(
            'nfs', test_base.CONF.get(SECTION), SECTION)
        driver.do_setup()
        driver.check_for_setup_error()
        return driver

    def spec(self, backup_id='11111111-1111-4111-8111-111111111111',
             parent_id=None, share_id=SHARE):
        return base.BackupSpec(
            id=backup_id, share_id=share_id, project_id=PROJECT, size=1,
            parent_id=parent_id,
            backup_type='incremental' if parent_id else 'full')

    def backup_dir(self, spec):
        return os.path.join(self.target, spec.project_id, spec.share_id,
                            spec.id)

    def data_path(self, spec, rel=b''):
        path = os.fsencode(os.path.join(self.backup_dir(spec), 'data'))
        return os.path.join(path, rel) if rel else path

    def new_dir(self, name):
        path = os.path.join(self.state_path, name)
        os.mkdir(path)
        return path

    def build_sample(self, **kwargs):
        return sample_tree.build(self.source, **kwargs)

    def do_backup(self, spec=None, source=None, progress=None):
        spec = spec or self.spec()
        calls = [] if progress is None else progress
        result = self.driver.backup(
            spec, base.ShareSource(spec.share_id, source or self.source),
            calls.append)
        return spec, result

    def do_restore(self, spec, target, progress=None):
        calls = [] if progress is None else progress
        self.driver.restore(spec, base.ShareSource(spec.share_id, target),
                            calls.append)

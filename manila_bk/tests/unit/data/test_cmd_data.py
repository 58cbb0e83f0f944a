"""manila-bk-data start-up helpers: embedded back end, validation."""

import io
import os
from unittest import mock

from manila_bk.cmd import data as data_cmd
from manila_bk import conf
from manila_bk.conf import backup as backup_conf
from manila_bk.tests import base

CONF = conf.CONF


class DataCommandTestCase(base.DBTestCase):

    def test_embedded_backend_enabled_when_unset(self):
        self.addCleanup(CONF.clear_override, 'enabled_backup_backend')
        self.assertEqual('backup', data_cmd.enable_embedded_backup_backend())
        backup_conf.register_backend_opts(CONF, 'backup')
        self.assertEqual('nfs', CONF.backup.backup_driver)
        self.assertEqual(self.state_path + '/backups',
                         CONF.backup.backup_mount_export)

    def test_embedded_backend_keeps_configured_one(self):
        self.flags(enabled_backup_backend='backup9')
        self.assertEqual('backup9',
                         data_cmd.enable_embedded_backup_backend())

    @mock.patch('sys.stderr', new_callable=io.StringIO)
    def test_validate_bad_value_exits_naming_option(self, stderr):
        path = os.path.join(self.state_path, 'bad.conf')
        with open(path, 'w') as f:
            f.write('[DEFAULT]\nenabled_backup_backend = bk\n'
                    '[bk]\nbackup_checksum_algorithm = md5\n')
        CONF(['--config-file', path], project='manila_bk',
             default_config_files=[], default_config_dirs=[])
        exc = self.assertRaises(SystemExit,
                                data_cmd.validate_backup_backend, 'prog')
        self.assertEqual(2, exc.code)
        self.assertIn('[bk] backup_checksum_algorithm', stderr.getvalue())

    def test_validate_without_backend_passes(self):
        data_cmd.validate_backup_backend('prog')

    @mock.patch('sys.stderr', new_callable=io.StringIO)
    def test_build_service_unknown_driver_exits_one_line(self, stderr):
        self.flags(enabled_backup_backend='bk')
        backup_conf.register_backend_opts(CONF, 'bk')
        self.flags(backup_driver='nope', group='bk')
        self.assertRaises(SystemExit, data_cmd.build_service)
        self.assertEqual(1, len(stderr.getvalue().splitlines()))
        self.assertIn('nope', stderr.getvalue())

    def test_build_service_sets_up_driver(self):
        self.flags(enabled_backup_backend='bk')
        backup_conf.register_backend_opts(CONF, 'bk')
        svc = data_cmd.build_service()
        self.assertEqual('manila-bk-data', svc.binary)
        self.assertTrue(svc.manager._driver_ready)

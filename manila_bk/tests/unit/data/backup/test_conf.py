"""Tests of the backup options module."""

from oslo_config import cfg
import testtools

from manila_bk.conf import backup


class BackupConfTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.conf = cfg.ConfigOpts()
        self.conf.register_opt(cfg.StrOpt('state_path', default='/state'))
        backup.register_opts(self.conf)
        backup.register_backend_opts(self.conf, 'backup1')
        self.conf([], default_config_files=[])

    def test_defaults_use_state_path(self):
        section = self.conf.get('backup1')
        self.assertEqual('nfs', section.backup_driver)
        self.assertEqual('/state/backups', section.backup_mount_export)
        self.assertEqual('', section.backup_mount_template)
        self.assertEqual(4, section.backup_copy_threads)
        self.assertTrue(section.backup_verify_on_restore)
        self.assertTrue(section.backup_metadata_prefetch)
        self.assertEqual('/state/mnt', self.conf.backup_mount_root)
        self.assertEqual([], self.conf.data_node_access_ips)

    def test_checksum_algorithm_choices_enforced(self):
        self.conf.set_override('backup_checksum_algorithm', 'blake2b',
                               group='backup1')
        self.assertEqual('blake2b',
                         self.conf.backup1.backup_checksum_algorithm)
        self.assertRaises(ValueError, self.conf.set_override,
                          'backup_checksum_algorithm', 'md5',
                          group='backup1')

    def test_copy_threads_bounds_enforced(self):
        self.assertRaises(ValueError, self.conf.set_override,
                          'backup_copy_threads', 0, group='backup1')

    def test_list_opts_covers_default_and_backend(self):
        listed = backup.list_opts()
        names = {opt.name for opts in listed.values() for opt in opts}
        self.assertIn('share_mount_template', names)
        self.assertIn('backup_driver', names)
        self.assertEqual({'DEFAULT', 'backup_backend'},
                         {str(group) for group in listed})

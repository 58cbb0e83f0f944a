"""Exports file rendering and reload of the local driver."""

import os
import subprocess
import sys
from unittest import mock

import fixtures
import testtools

from manila_bk import exception
from manila_bk.share.drivers import _exports
from manila_bk.share.drivers import base
from manila_bk.tests.unit.share.drivers import local_helpers


class ExportsTestCase(local_helpers.LocalDriverTestCase):

    def test_update_access_renders_one_line_per_share(self):
        first, second = self.new_share(), self.new_share()
        self.driver.update_access(
            first, [self.rule('10.0.0.1'), self.rule('10.1.0.0/16', 'ro')],
            [], [])
        self.driver.update_access(second, [self.rule('2001:db8::/64')],
                                  [], [])
        self.assertEqual(
            '%s 10.0.0.1(rw,sync,no_subtree_check) '
            '10.1.0.0/16(ro,sync,no_subtree_check)\n'
            '%s 2001:db8::/64(rw,sync,no_subtree_check)\n' % (
                self.driver.get_share_path(first),
                self.driver.get_share_path(second)),
            self.exports())

    def test_update_access_no_rules_removes_line_keeps_others(self):
        share = self.new_share()
        with open(self.driver.exports_file, 'w') as handle:
            handle.write('# operator comment\n/srv/other 10.9.9.9(rw)\n')
        self.driver.update_access(share, [self.rule('10.0.0.1')], [], [])
        self.assertIn(self.driver.get_share_path(share), self.exports())
        self.driver.update_access(share, [], [], [])
        self.assertEqual('# operator comment\n/srv/other 10.9.9.9(rw)\n',
                         self.exports())

    def test_update_access_same_client_twice_rw_wins(self):
        share = self.new_share()
        self.driver.update_access(
            share, [self.rule('10.0.0.1', 'ro'), self.rule('10.0.0.1', 'rw'),
                    self.rule('10.0.0.1/32', 'ro')], [], [])
        self.assertEqual('%s 10.0.0.1(rw,sync,no_subtree_check)\n'
                         % self.driver.get_share_path(share), self.exports())

    def test_update_access_user_type_raises_and_keeps_file(self):
        share = self.new_share()
        self.driver.update_access(share, [self.rule('10.0.0.1')], [], [])
        before = self.exports()
        self.assertRaises(
            exception.InvalidShareAccess, self.driver.update_access, share,
            [self.rule('10.0.0.1'), self.rule('alice', access_type='user')],
            [], [])
        self.assertEqual(before, self.exports())

    def test_update_access_reload_command_runs_as_argv(self):
        argv = ['true', '-ra', 'a b; rm -rf /']
        self.driver = self.make_driver(local_exports_reload_command=argv)
        share = self.new_share()
        with mock.patch('subprocess.run') as run:
            run.return_value.returncode = 0
            self.driver.update_access(share, [self.rule('10.0.0.1')], [], [])
            self.driver.update_access(share, [self.rule('10.0.0.1')], [], [])
        run.assert_called_once()
        args, kwargs = run.call_args
        self.assertEqual(argv, args[0])
        self.assertFalse(kwargs.get('shell', False))

    def test_update_access_reload_command_really_runs(self):
        marker = os.path.join(self.useFixture(
            fixtures.TempDir()).path, 'reloaded')
        self.driver = self.make_driver(
            local_exports_reload_command=['touch', marker])
        share = self.new_share()
        self.driver.update_access(share, [self.rule('10.0.0.1')], [], [])
        self.assertTrue(os.path.exists(marker))

    def test_update_access_reload_fails_raises_driver_exception(self):
        self.driver = self.make_driver(local_exports_reload_command=[
            sys.executable, '-c', 'import sys; sys.exit("nfs down")'])
        share = self.new_share()
        exc = self.assertRaises(exception.ShareDriverException,
                                self.driver.update_access, share,
                                [self.rule('10.0.0.1')], [], [])
        self.assertIn('nfs down', str(exc))

    def test_revert_to_snapshot_reapplies_access_and_reloads(self):
        argv = ['true', 'reload']
        self.driver = self.make_driver(local_exports_reload_command=argv)
        share = self.new_share()
        rules = [self.rule('10.0.0.1')]
        snapshot = self.new_snapshot(share)
        self.driver.update_access(share, rules, [], [])
        with mock.patch('subprocess.run',
                        wraps=subprocess.run) as run:
            self.driver.revert_to_snapshot(None, snapshot, rules, [])
        self.assertEqual([argv], [c.args[0] for c in run.call_args_list
                                  if c.args[0][0] == 'true'])
        self.assertIn('10.0.0.1(rw', self.exports())

    def test_delete_share_removes_exports_line(self):
        share = self.new_share()
        self.driver.update_access(share, [self.rule('10.0.0.1')], [], [])
        self.driver.delete_share(share)
        self.assertEqual('', self.exports())

    def test_update_access_path_with_space_is_escaped(self):
        self.driver = self.make_driver()
        self.driver.root = os.path.join(self.driver.root, 'with space')
        self.driver.do_setup()
        share = self.new_share()
        self.driver.update_access(share, [self.rule('10.0.0.1')], [], [])
        self.assertIn('with\\040space/share-', self.exports())


class RenderTestCase(testtools.TestCase):

    def rule(self, access_to, level='rw'):
        return base.AccessRule(id='r', access_type='ip', access_to=access_to,
                               access_level=level)

    def test_escape_path_special_characters_octal(self):
        self.assertEqual('/srv/a\\040b\\043c\\134d',
                         _exports.escape_path('/srv/a b#c\\d'))
        self.assertEqual('/plain/path-1_x', _exports.escape_path(
            '/plain/path-1_x'))

    def test_render_clients_normalises_networks(self):
        self.assertEqual(
            '10.0.0.0/24(ro,sync,no_subtree_check) '
            '10.0.0.5(rw,sync,no_subtree_check) '
            '2001:db8::1(rw,sync,no_subtree_check)',
            _exports.render_clients([
                self.rule('10.0.0.5/32'), self.rule('10.0.0.7/24', 'ro'),
                self.rule('2001:db8::1')]))

    def test_render_clients_rejects_injection(self):
        for bad in ('10.0.0.1(rw,no_root_squash)', '*', 'host.example',
                    '10.0.0.1 10.0.0.2', '10.0.0.0/33'):
            self.assertRaises(exception.InvalidShareAccess,
                              _exports.render_clients, [self.rule(bad)])

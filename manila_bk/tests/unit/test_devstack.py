"""The devstack plugin (devstack/): syntax, shellcheck and what it writes.

The plugin runs through every stack.sh phase against a temporary
directory, with devstack's helpers replaced by stubs: ``iniset`` writes
real ini files, the others record their calls.  The manila.conf it writes
must then pass manila_bk's own start-up validation.
"""

import configparser
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap

from keystoneauth1 import loading
from keystonemiddleware.auth_token import _opts as authtoken_opts
import testtools

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
DEVSTACK = os.path.join(ROOT, 'devstack')
FILES = ('plugin.sh', 'settings', os.path.join('lib', 'manila_bk'))

# iniset as devstack's: set one option, creating the file and section.
INISET = textwrap.dedent('''\
    import configparser
    import os
    import sys

    path, section, option, value = sys.argv[1:5]
    parser = configparser.RawConfigParser(default_section='\\x00')
    parser.optionxform = str
    if os.path.exists(path):
        parser.read(path)
    if not parser.has_section(section):
        parser.add_section(section)
    parser.set(section, option, value)
    with open(path, 'w') as f:
        parser.write(f)
    ''')

STUBS = textwrap.dedent('''\
    # Stand-ins for devstack's functions and the commands it runs.
    _record() { printf '%s\\n' "$*" >> "$STUB_DIR/calls.log"; }
    iniset() {
        _record iniset "$@"
        "$STUB_PYTHON" "$STUB_DIR/iniset.py" "$@"
    }
    define_plugin() { _record define_plugin "$@"; }
    enable_service() { _record enable_service "$@"; }
    is_service_enabled() { return 0; }
    echo_summary() { :; }
    die() { echo "die: $*" >&2; exit 1; }
    setup_develop() { _record setup_develop "$@"; }
    pip_install() { _record pip_install "$@"; }
    install_apache_uwsgi() { _record install_apache_uwsgi "$@"; }
    get_python_exec_prefix() { echo "$STUB_DIR/bin"; }
    database_connection_url() {
        echo "mysql+pymysql://root:dbpw@127.0.0.1/$1?charset=utf8"
    }
    recreate_database() { _record recreate_database "$@"; }
    create_service_user() { _record create_service_user "$@"; }
    get_or_create_service() { _record get_or_create_service "$@"; }
    get_or_create_endpoint() { _record get_or_create_endpoint "$@"; }
    run_process() { _record run_process "$@"; }
    stop_process() { _record stop_process "$@"; }
    wait_for_service() { _record wait_for_service "$@"; }
    remove_uwsgi_config() { _record remove_uwsgi_config "$@"; }
    sudo() { "$@"; }
    rabbitmqctl() {
        _record rabbitmqctl "$@"
        if [[ $1 == list_users ]]; then printf 'guest\\t[administrator]\\n'; fi
    }
    openstack() {
        _record openstack "$@"
        # No share type exists yet.
        [[ "$*" != *" share type show "* ]]
    }
    configure_keystone_authtoken_middleware() {
        _record configure_keystone_authtoken_middleware "$@"
        local conf=$1 user=$2 section=${3:-keystone_authtoken}
        iniset "$conf" "$section" auth_type password
        iniset "$conf" "$section" interface public
        iniset "$conf" "$section" auth_url "$KEYSTONE_SERVICE_URI"
        iniset "$conf" "$section" username "$user"
        iniset "$conf" "$section" password "$SERVICE_PASSWORD"
        iniset "$conf" "$section" user_domain_name Default
        iniset "$conf" "$section" project_name service
        iniset "$conf" "$section" project_domain_name Default
        iniset "$conf" "$section" cafile ""
        iniset "$conf" "$section" memcached_servers "127.0.0.1:11211"
        iniset "$conf" "$section" www_authenticate_uri "$KEYSTONE_SERVICE_URI"
    }
    write_uwsgi_config() {
        _record write_uwsgi_config "$@"
        local file=$1 wsgi=$2 url=$3 http=$4 name=$5
        rm -f "$file"
        iniset "$file" uwsgi module "$wsgi"
        iniset "$file" uwsgi master true
        iniset "$file" uwsgi socket "$STUB_DIR/$name.socket"
    }
    ''')

# What stack.sh provides before a plugin runs.
DEVSTACK_ENV = {
    'SERVICE_PROTOCOL': 'http',
    'SERVICE_HOST': '192.0.2.10',
    'RABBIT_HOST': '192.0.2.10',
    'RABBIT_PASSWORD': 'rabbit-pw',
    'REGION_NAME': 'RegionOne',
    'ENABLE_DEBUG_LOG_LEVEL': 'True',
    'SERVICE_TIMEOUT': '60',
    'SERVICE_PASSWORD': 'service-pw',
    'KEYSTONE_SERVICE_URI': 'http://192.0.2.10/identity',
}

PHASES = ('stack install', 'stack post-config', 'stack extra')


class DevstackFilesTest(testtools.TestCase):

    def test_bash_syntax_of_every_file_is_valid(self):
        for name in FILES:
            proc = subprocess.run(['bash', '-n', os.path.join(DEVSTACK,
                                                              name)],
                                  capture_output=True, text=True)
            self.assertEqual(0, proc.returncode, '%s: %s'
                             % (name, proc.stderr))

    def test_shellcheck_finds_nothing(self):
        shellcheck = shutil.which('shellcheck')
        if shellcheck is None:
            self.fail('shellcheck is not installed (apt-get install -y '
                      'shellcheck); this test does not skip')
        proc = subprocess.run(
            [shellcheck, '-x'] + [os.path.join('devstack', name)
                                  for name in FILES],
            capture_output=True, text=True, cwd=ROOT)
        self.assertEqual(0, proc.returncode, proc.stdout + proc.stderr)

    def test_readme_says_how_to_enable_the_plugin(self):
        with open(os.path.join(DEVSTACK, 'README.rst')) as f:
            readme = f.read()
        self.assertIn('enable_plugin manila_bk', readme)
        for name in FILES:
            self.assertIn(name.replace(os.sep, '/'), readme)


class PluginRun:
    """A temporary devstack: stubs, DATA_DIR, /etc/manila_bk."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix='manila-bk-devstack-')
        self.stub_dir = os.path.join(self.tmp, 'stubs')
        self.bin_dir = os.path.join(self.stub_dir, 'bin')
        os.makedirs(self.bin_dir)
        with open(os.path.join(self.stub_dir, 'iniset.py'), 'w') as f:
            f.write(INISET)
        with open(os.path.join(self.stub_dir, 'stubs.sh'), 'w') as f:
            f.write(STUBS)
        for command in ('manila-bk-manage', 'manila-bk-share',
                        'manila-bk-data', 'uwsgi'):
            self._fake_command(command)
        self.data_dir = os.path.join(self.tmp, 'data')
        self.conf_dir = os.path.join(self.tmp, 'etc', 'manila_bk')
        self.conf = os.path.join(self.conf_dir, 'manila.conf')

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _fake_command(self, name):
        path = os.path.join(self.bin_dir, name)
        with open(path, 'w') as f:
            f.write('#!/bin/sh\necho "%s $*" >> "%s/calls.log"\n'
                    % (name, self.stub_dir))
        os.chmod(path, 0o755)

    def add_stub(self, text):
        with open(os.path.join(self.stub_dir, 'stubs.sh'), 'a') as f:
            f.write(text + '\n')

    def run(self, *phases):
        """Source settings, then plugin.sh once per phase; new calls."""
        before = len(self.calls())
        script = ['set -o errexit', 'source "$STUB_DIR/stubs.sh"',
                  'source "$PLUGIN/settings"']
        script += ['source "$PLUGIN/plugin.sh" %s' % phase
                   for phase in phases]
        env = dict(os.environ, **DEVSTACK_ENV)
        env.update({
            'STUB_DIR': self.stub_dir, 'STUB_PYTHON': sys.executable,
            'PLUGIN': DEVSTACK, 'DEST': os.path.join(self.tmp, 'opt'),
            'DATA_DIR': self.data_dir, 'STACK_USER': str(os.getuid()),
            'MANILA_BK_CONF_DIR': self.conf_dir,
            'PATH': self.bin_dir + os.pathsep + os.environ['PATH'],
        })
        proc = subprocess.run(['bash', '-c', '\n'.join(script)], env=env,
                              capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise AssertionError('plugin.sh %s failed:\n%s%s' % (
                phases, proc.stdout, proc.stderr))
        return self.calls()[before:]

    def calls(self):
        path = os.path.join(self.stub_dir, 'calls.log')
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [line.rstrip('\n') for line in f
                    if not line.startswith('iniset ')]


def read_ini(path):
    # No DEFAULT inheritance: each section as the file has it.
    parser = configparser.RawConfigParser(default_section='\x00')
    parser.optionxform = str
    if parser.read(path) != [path]:
        raise AssertionError('%s was not written' % path)
    return parser


def validate(path, home):
    """manila_bk's start-up validation of ``path``, in a new process."""
    code = textwrap.dedent('''\
        import sys
        from manila_bk.cmd import common
        from manila_bk.cmd import data
        common.parse_args(['manila-bk-share', '--config-file',
                           sys.argv[1]], 'manila-bk-share')
        backends = common.CONF.enabled_share_backends
        common.register_backends(backends)
        common.validate('manila-bk-share', backends)
        data.validate_backup_backend('manila-bk-data')
        print('VALID')
        ''')
    return subprocess.run([sys.executable, '-c', code, path],
                          capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, HOME=home))


class DevstackStackTest(testtools.TestCase):
    """One run of stack.sh's phases, shared by the tests that only read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = PluginRun()
        try:
            cls.stack_calls = cls.env.run(*PHASES)
        except Exception:
            cls.env.cleanup()
            raise
        cls.conf = read_ini(cls.env.conf)

    @classmethod
    def tearDownClass(cls):
        cls.env.cleanup()
        super().tearDownClass()

    def test_stack_phases_write_manila_conf(self):
        conf = self.conf
        state = os.path.join(self.env.data_dir, 'manila_bk')
        self.assertEqual('keystone', conf['DEFAULT']['auth_strategy'])
        self.assertEqual(state, conf['DEFAULT']['state_path'])
        self.assertEqual('rabbit://manila_bk:rabbit-pw@192.0.2.10:5672/',
                         conf['DEFAULT']['transport_url'])
        self.assertEqual(
            'mysql+pymysql://root:dbpw@127.0.0.1/manila_bk?charset=utf8',
            conf['database']['connection'])
        self.assertEqual('local1', conf['DEFAULT']['enabled_share_backends'])
        self.assertEqual('local', conf['local1']['share_driver'])
        self.assertEqual(os.path.join(state, 'shares'),
                         conf['local1']['local_share_root'])
        self.assertEqual('backup1', conf['DEFAULT']['enabled_backup_backend'])
        self.assertEqual('nfs', conf['backup1']['backup_driver'])
        self.assertEqual(os.path.join(state, 'backups'),
                         conf['backup1']['backup_mount_export'])
        self.assertTrue(os.path.isdir(os.path.join(state, 'backups')))
        self.assertTrue(os.path.isdir(os.path.join(state, 'shares')))

    def test_keystone_authtoken_options_are_known_to_keystonemiddleware(self):
        section = self.conf['keystone_authtoken']
        known = {opt.dest for _group, opts in authtoken_opts.list_opts()
                 for opt in opts}
        known |= {opt.dest for opt in loading.get_auth_plugin_conf_options(
            'password')}
        self.assertEqual('manila_bk', section['username'])
        self.assertEqual('service-pw', section['password'])
        self.assertEqual([], sorted(set(section) - known))

    def test_written_config_passes_manila_bk_validation(self):
        proc = validate(self.env.conf, self.env.tmp)
        self.assertEqual(0, proc.returncode, proc.stderr)
        self.assertIn('VALID', proc.stdout)

    def test_uwsgi_file_serves_the_wsgi_module_with_this_config(self):
        ini = read_ini(os.path.join(self.env.conf_dir,
                                    'manila-bk-api-uwsgi.ini'))
        self.assertEqual('manila_bk.wsgi.api:application',
                         ini['uwsgi']['module'])
        self.assertEqual('MANILA_BK_CONFIG_FILES=%s' % self.env.conf,
                         ini['uwsgi']['env'])

    def test_stack_phases_install_register_and_start(self):
        calls = self.stack_calls
        env = self.env
        url = 'http://192.0.2.10/share-bk/v2'
        expected = [
            'setup_develop %s' % os.path.join(env.tmp, 'opt', 'manila_bk'),
            'rabbitmqctl add_user manila_bk rabbit-pw',
            'rabbitmqctl set_permissions manila_bk .* .* .*',
            'create_service_user manila_bk',
            'get_or_create_service manilav2 shared-file-system manila_bk '
            'shared file systems (Manila v2 API)',
            'get_or_create_endpoint shared-file-system RegionOne %s' % url,
            'get_or_create_service manilav2 sharev2 manila_bk shared file '
            'systems (Manila v2 API)',
            'get_or_create_endpoint sharev2 RegionOne %s' % url,
            'recreate_database manila_bk',
            'manila-bk-manage --config-file %s db sync' % env.conf,
            'run_process mbk-api %s/uwsgi --procname-prefix manila-bk-api '
            '--ini %s/manila-bk-api-uwsgi.ini' % (env.bin_dir, env.conf_dir),
            'run_process mbk-shr %s/manila-bk-share --config-file %s'
            % (env.bin_dir, env.conf),
            'run_process mbk-dat %s/manila-bk-data --config-file %s'
            % (env.bin_dir, env.conf),
            'wait_for_service 60 http://192.0.2.10/share-bk/',
            'openstack --os-cloud devstack-admin share type create default '
            'False --snapshot-support True --revert-to-snapshot-support True '
            '--extra-specs share_backend_name=LOCAL1',
        ]
        for call in expected:
            self.assertIn(call, calls)
        # Database before the services, the services before the type.
        positions = [calls.index(call) for call in expected[8:]]
        self.assertEqual(sorted(positions), positions)


class DevstackPhaseTest(testtools.TestCase):
    """Runs that change the environment: each gets its own."""

    def setUp(self):
        super().setUp()
        self.env = PluginRun()
        self.addCleanup(self.env.cleanup)

    def test_validation_rejects_a_broken_written_config(self):
        # The validation test above is real: a bad value here fails.
        self.env.run('stack post-config')
        conf = read_ini(self.env.conf)
        conf['backup1']['backup_copy_threads'] = '0'
        with open(self.env.conf, 'w') as f:
            conf.write(f)
        proc = validate(self.env.conf, self.env.tmp)
        self.assertEqual(2, proc.returncode, proc.stdout)
        self.assertIn('[backup1] backup_copy_threads', proc.stderr)

    def test_existing_rabbit_user_gets_its_password_reset(self):
        self.env.add_stub('rabbitmqctl() { _record rabbitmqctl "$@"; '
                          '[[ $1 != list_users ]] || '
                          'printf "manila_bk\\t[]\\n"; }')
        calls = self.env.run('stack post-config')
        self.assertIn('rabbitmqctl change_password manila_bk rabbit-pw',
                      calls)
        self.assertNotIn('rabbitmqctl add_user manila_bk rabbit-pw', calls)

    def test_existing_share_type_is_left_alone(self):
        self.env.add_stub('openstack() { _record openstack "$@"; }')
        calls = self.env.run(*PHASES)
        self.assertIn('openstack --os-cloud devstack-admin share type show '
                      'default', calls)
        self.assertFalse([c for c in calls if ' type create ' in c])

    def test_unstack_stops_and_clean_removes_state(self):
        self.env.run(*PHASES)
        calls = self.env.run('unstack', 'clean')
        for service in ('mbk-api', 'mbk-shr', 'mbk-dat'):
            self.assertIn('stop_process %s' % service, calls)
        self.assertFalse([c for c in calls if c.startswith('run_process')])
        self.assertFalse(os.path.exists(self.env.conf_dir))
        self.assertFalse(os.path.exists(os.path.join(self.env.data_dir,
                                                     'manila_bk')))

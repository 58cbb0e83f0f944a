"""What every console script does first: config, logging, validation.

manila.conf is looked for the oslo way: ``--config-file``/``--config-dir``
when given, otherwise ``/etc/manila_bk/manila.conf`` and then
``~/.manila_bk/manila.conf`` (a later file overrides an earlier one).
Invalid configuration ends the program with one line naming the option.
"""

import os
import sys

from oslo_config import cfg
from oslo_log import log as logging

import manila_bk
from manila_bk import conf
from manila_bk.conf import backup as backup_conf
from manila_bk.conf import opts as conf_opts
from manila_bk.conf import share as share_conf
from manila_bk.conf import share_btrfs

CONF = conf.CONF
LOG = logging.getLogger(__name__)

DEFAULT_CONFIG_FILES = ('/etc/manila_bk/manila.conf',
                        '~/.manila_bk/manila.conf')


def default_config_files():
    paths = [os.path.expanduser(p) for p in DEFAULT_CONFIG_FILES]
    return [p for p in paths if os.path.isfile(p)]


def fail(prog, message):
    sys.stderr.write('%s: %s\n' % (prog, message))
    sys.exit(2)


def parse_args(argv, prog, version='manila_bk'):
    """Parse command line and config files; exit with one line on error."""
    if not manila_bk.threading_backend_selected():
        fail(prog, 'oslo.service selected a backend other than threading '
             'before manila_bk was imported; manila_bk runs on native '
             'threads only')
    logging.register_options(CONF)
    conf_opts.set_defaults(CONF)
    try:
        CONF(argv[1:], project='manila_bk', prog=prog,
             default_config_files=default_config_files(),
             default_config_dirs=[])
    except cfg.Error as exc:
        fail(prog, 'invalid configuration: %s' % exc)
    logging.setup(CONF, 'manila_bk')


def register_backends(sections):
    for section in sections:
        share_conf.register_backend_opts(CONF, section)


def _check_group(prog, group_name, group_opts):
    for opt in group_opts:
        try:
            if group_name in (None, 'DEFAULT'):
                getattr(CONF, opt.dest)
            else:
                getattr(CONF.get(group_name), opt.dest)
        except (cfg.ConfigFileValueError, ValueError,
                cfg.NoSuchOptError) as exc:
            fail(prog, 'invalid configuration: [%s] %s: %s'
                 % (group_name or 'DEFAULT', opt.dest, exc))
        except cfg.Error as exc:
            fail(prog, 'invalid configuration: [%s] %s: %s'
                 % (group_name or 'DEFAULT', opt.dest, exc))


def validate(prog, backend_sections=()):
    """Read every option once so a bad value fails now, not mid-request."""
    for group, group_opts in conf_opts.list_opts():
        name = group if isinstance(group, str) else group.name
        if name in (share_conf.backend_group.name,
                    backup_conf.backend_group.name):
            continue
        _check_group(prog, name, group_opts)
    backend_opts = (share_conf.backend_opts + share_conf.local_opts
                    + share_conf.fake_opts + share_btrfs.btrfs_opts)
    for section in backend_sections:
        _check_group(prog, section, backend_opts)
        if CONF.get(section).driver_handles_share_servers:
            fail(prog, 'invalid configuration: [%s] '
                 'driver_handles_share_servers: manila_bk serves only '
                 'back ends that do not handle share servers (False)'
                 % section)
    if CONF.service_down_time <= CONF.report_interval:
        fail(prog, 'invalid configuration: [DEFAULT] service_down_time: '
             'must be larger than report_interval (%s)'
             % CONF.report_interval)

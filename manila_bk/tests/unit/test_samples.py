"""The generated samples: manila.conf.sample and policy.yaml.sample.

The tox commands (``tox -e genconfig`` / ``genpolicy``) run here into a
temporary directory.  Every manila_bk option must reach the sample with a
full-sentence help that states its unit or bounds; every policy rule must
reach the policy sample; and no sample is kept in git.
"""

import configparser
import importlib
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import tempfile

from oslo_config import cfg
from oslo_config import types
import testtools
import yaml

from manila_bk import conf as manila_conf
from manila_bk.conf import opts as conf_opts
from manila_bk import policies

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BIN = os.path.dirname(sys.executable)
CONFIG_GENERATOR = os.path.join('etc', 'oslo-config-generator',
                                'manila_bk.conf')
POLICY_GENERATOR = os.path.join('etc', 'oslo-policy-generator',
                                'manila_bk.conf')
# Words that name a unit in an option's help.
UNIT_WORDS = re.compile(r'\b(seconds?|minutes?|hours?|days?|GiB|MiB|bytes?|'
                        r'percent(age)?|number of|threads|processes|'
                        r'port)\b', re.IGNORECASE)
# Option names that measure time or size must name the unit whatever
# their bounds.
TIMED = re.compile(r'(interval|timeout|_time$|ttl|grace|delay)')
SIZED = re.compile(r'(_gb$|gigabytes)')


def _group_name(group):
    return group if isinstance(group, str) else group.name


def _listed_opts():
    """(group name, option) of every option in the manila_bk namespace."""
    for group, opts in conf_opts.list_opts():
        for opt in opts:
            yield _group_name(group), opt


def _defined_opts():
    """(module, attribute, option) of each option defined in conf/."""
    for info in pkgutil.iter_modules(manila_conf.__path__):
        module = importlib.import_module('manila_bk.conf.' + info.name)
        for name, value in vars(module).items():
            if isinstance(value, (list, tuple)):
                for opt in value:
                    if isinstance(opt, cfg.Opt):
                        yield info.name, name, opt


def _manila_bk_opts():
    """The listed options manila_bk defines (not oslo.db's [database])."""
    own = {id(opt) for _module, _name, opt in _defined_opts()}
    return [(group, opt) for group, opt in _listed_opts()
            if id(opt) in own]


def _run(argv):
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT,
                          timeout=120, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise AssertionError('%s failed (%s):\n%s' % (
            ' '.join(argv), proc.returncode, proc.stderr[-3000:]))
    return proc


class GeneratedSamplesTest(testtools.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix='manila-bk-samples-')
        cls.config_sample = os.path.join(cls.tmp, 'manila.conf.sample')
        cls.policy_sample = os.path.join(cls.tmp, 'policy.yaml.sample')
        try:
            _run([os.path.join(BIN, 'oslo-config-generator'),
                  '--config-file', CONFIG_GENERATOR,
                  '--output-file', cls.config_sample])
            _run([os.path.join(BIN, 'oslopolicy-sample-generator'),
                  '--config-file', POLICY_GENERATOR,
                  '--output-file', cls.policy_sample])
        except Exception:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        super().tearDownClass()

    def _sample_options(self):
        """{group: {option names}} of the sample, commented out or not."""
        found = {}
        group = None
        with open(self.config_sample) as f:
            for line in f:
                header = re.match(r'^\[([^\]]+)\]$', line.strip())
                if header:
                    group = header.group(1)
                    continue
                option = re.match(r'^#?([A-Za-z_][\w.-]*) =( |$)', line)
                if option and group:
                    found.setdefault(group, set()).add(option.group(1))
        return found

    def test_every_manila_bk_option_is_in_config_sample(self):
        found = self._sample_options()
        missing = ['[%s] %s' % (group, opt.name)
                   for group, opt in _listed_opts()
                   if opt.name not in found.get(group, ())]
        self.assertEqual([], missing)

    def test_config_sample_has_library_groups(self):
        found = self._sample_options()
        for group in ('database', 'keystone_authtoken', 'oslo_concurrency',
                      'oslo_messaging_rabbit', 'oslo_policy'):
            self.assertIn(group, found)
        self.assertIn('transport_url', found['DEFAULT'])
        self.assertIn('debug', found['DEFAULT'])

    def test_config_sample_parses_as_ini(self):
        parser = configparser.RawConfigParser(strict=False)
        parser.read(self.config_sample)
        self.assertIn('share_backend', parser.sections())
        self.assertIn('backup_backend', parser.sections())

    def test_every_policy_rule_is_in_policy_sample(self):
        with open(self.policy_sample) as f:
            text = f.read()
        # The rules are commented out; the other comments are their help.
        rules = yaml.safe_load('\n'.join(
            line[1:] for line in text.splitlines()
            if line.startswith('#"')))
        names = [rule.name for rule in policies.list_rules()]
        self.assertEqual(sorted(names), sorted(rules))
        for rule in policies.list_rules():
            self.assertEqual(rule.check_str, rules[rule.name])


class OptionHelpTest(testtools.TestCase):

    def test_every_option_has_full_sentence_help(self):
        bad = ['[%s] %s' % (group, opt.name)
               for group, opt in _manila_bk_opts()
               if not (opt.help and opt.help[0].isupper()
                       and opt.help.rstrip().endswith('.'))]
        self.assertEqual([], bad)

    def test_numeric_options_have_bounds_or_unit(self):
        bad = []
        for group, opt in _manila_bk_opts():
            if not isinstance(opt.type, (types.Integer, types.Float)):
                continue
            bounded = opt.type.min is not None or opt.type.max is not None
            if not (bounded or UNIT_WORDS.search(opt.help)):
                bad.append('[%s] %s' % (group, opt.name))
        self.assertEqual([], bad)

    def test_time_and_size_options_name_their_unit(self):
        bad = []
        for group, opt in _manila_bk_opts():
            if TIMED.search(opt.name) and not re.search(
                    r'\b(seconds?|minutes?)\b', opt.help, re.IGNORECASE):
                bad.append('[%s] %s' % (group, opt.name))
            if SIZED.search(opt.name) and 'GiB' not in opt.help:
                bad.append('[%s] %s' % (group, opt.name))
        self.assertEqual([], bad)

    def test_choices_are_described(self):
        bad = []
        for group, opt in _manila_bk_opts():
            choices = getattr(opt.type, 'choices', None) or {}
            if any(not description for description in choices.values()):
                bad.append('[%s] %s' % (group, opt.name))
        self.assertEqual([], bad)

    def test_every_option_in_conf_modules_is_listed(self):
        # An option defined in manila_bk/conf/ but left out of list_opts()
        # would be missing from the sample and from the docs.
        listed = {id(opt) for _group, opt in _listed_opts()}
        unlisted = ['%s.%s: %s' % (module, name, opt.name)
                    for module, name, opt in _defined_opts()
                    if id(opt) not in listed]
        self.assertEqual([], unlisted)

    def test_own_options_are_found(self):
        # The checks above look at something: manila_bk's own options,
        # in every group it has.
        groups = {group for group, _opt in _manila_bk_opts()}
        self.assertEqual({'DEFAULT', 'share_backend', 'backup_backend',
                          'coordination', 'quota'}, groups)
        self.assertGreater(len(_manila_bk_opts()), 50)


class NoCommittedSampleTest(testtools.TestCase):

    def test_samples_are_ignored_by_git(self):
        with open(os.path.join(ROOT, '.gitignore')) as f:
            patterns = f.read().split()
        self.assertIn('etc/manila_bk/*.sample', patterns)

    def test_no_sample_is_tracked_under_etc_manila_bk(self):
        git = shutil.which('git')
        if git is None or not os.path.isdir(os.path.join(ROOT, '.git')):
            # A tree without git metadata (an sdist): nothing is tracked.
            return
        proc = subprocess.run([git, 'ls-files', '--', 'etc/manila_bk'],
                              capture_output=True, text=True, cwd=ROOT)
        self.assertEqual(0, proc.returncode, proc.stderr)
        tracked = proc.stdout.split()
        generated = [path for path in tracked
                     if path.endswith(('.sample', 'policy.yaml',
                                       'manila.conf'))]
        self.assertEqual([], generated)

"""The API reference's samples are what a live service answers.

Replays every request sample of ``doc/api_samples`` (the scenario of
``api_samples.SCENARIO``, in order) against a fresh embedded deployment
and compares each live response with its response sample: same keys,
list lengths, types and values, placeholders for what a deployment
changes (see :mod:`manila_bk.tests.functional.api_samples`).  Regenerate
the samples with ``tools/gen-api-samples.py`` after an intended change.
"""

import os
import re

import testtools

from manila_bk.tests.functional import api_samples
from manila_bk.tests.functional import fixtures as ffx

_INCLUDE = re.compile(r'literalinclude::\s*(\S+)')


def _sample_files():
    found = set()
    for dirpath, _dirs, files in os.walk(api_samples.SAMPLES_DIR):
        found.update(os.path.join(dirpath, name) for name in files
                     if name.endswith('.json'))
    return found


def _included_files():
    included = set()
    for dirpath, _dirs, files in os.walk(api_samples.DOCS_DIR):
        for name in files:
            if not name.endswith('.rst'):
                continue
            with open(os.path.join(dirpath, name)) as f:
                for target in _INCLUDE.findall(f.read()):
                    included.add(os.path.normpath(
                        os.path.join(dirpath, target)))
    return included


class SampleFilesTestCase(testtools.TestCase):
    """The sample files, the scenario and the reference agree."""

    def test_request_samples_exist_for_calls_with_a_body(self):
        missing = [step.request_file for step in api_samples.SCENARIO
                   if step.body is not None
                   and not os.path.exists(step.request_file)]
        self.assertEqual([], missing, 'run tools/gen-api-samples.py')

    def test_every_sample_belongs_to_a_call(self):
        known = set()
        for step in api_samples.SCENARIO:
            known.update((step.request_file, step.response_file))
        self.assertEqual([], sorted(_sample_files() - known),
                         'samples no call of the scenario writes')

    def test_every_sample_is_shown_in_the_reference(self):
        self.assertEqual([], sorted(_sample_files() - _included_files()),
                         'samples no page of doc/source/api includes')

    def test_every_included_sample_exists(self):
        samples = os.path.join(api_samples.SAMPLES_DIR, '')
        dangling = [path for path in _included_files()
                    if path.startswith(samples) and not os.path.exists(path)]
        self.assertEqual([], sorted(dangling))

    def test_compare_placeholders_bind_and_then_must_repeat(self):
        bound = {}
        sample = {'id': '%(share_id)s', 'links': ['x/%(share_id)s'],
                  'created_at': '%(timestamp)s', 'size': 1}
        uid = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d'
        api_samples.compare(sample, {
            'id': uid, 'links': ['x/' + uid],
            'created_at': '2024-01-02T03:04:05.000006', 'size': 1}, bound)
        self.assertEqual(uid, bound['share_id'])
        other = '1b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d'
        self.assertRaises(AssertionError, api_samples.compare, sample, {
            'id': uid, 'links': ['x/' + other],
            'created_at': '2024-01-02T03:04:05', 'size': 1}, bound)

    def test_compare_refuses_other_keys_types_and_values(self):
        sample = {'status': 'available', 'size': 1, 'flag': False}
        for live in ({'status': 'available', 'size': 1},
                     {'status': 'available', 'size': 1, 'flag': False,
                      'extra': None},
                     {'status': 'available', 'size': '1', 'flag': False},
                     {'status': 'available', 'size': 1, 'flag': 0},
                     {'status': 'error', 'size': 1, 'flag': False}):
            self.assertRaises(AssertionError, api_samples.compare, sample,
                              live, {})


class LiveSamplesTestCase(testtools.TestCase):
    """Every sample against a live manila-bk-all."""

    def setUp(self):
        super().setUp()
        self.deployment = ffx.Deployment('all')
        self.addCleanup(self.deployment.cleanup)
        self.deployment.start()

    def _check_step(self, runner, step, bound):
        body = None
        if os.path.exists(step.request_file):
            body = api_samples.fill(api_samples.load(step.request_file),
                                    bound)
        resp = runner.send(step, body, bound)
        live = api_samples.response_json(resp)
        problem = None
        if live is None and os.path.exists(step.response_file):
            problem = 'no body, but a response sample exists'
        elif live is not None and not os.path.exists(step.response_file):
            problem = 'no response sample (run tools/gen-api-samples.py)'
        elif live is not None:
            try:
                api_samples.compare(api_samples.load(step.response_file),
                                    live, bound)
            except AssertionError as exc:
                problem = str(exc)
        for name, path in step.capture.items():
            bound[name] = api_samples.dig(live, path)
        for wait in step.wait:
            runner.wait(wait, bound)
        return problem

    def test_live_responses_match_the_samples(self):
        runner = api_samples.Runner(self.deployment)
        runner.wait_ready()
        bound = api_samples.deployment_values(self.deployment)
        problems = []
        for step in api_samples.SCENARIO:
            problem = self._check_step(runner, step, bound)
            if problem:
                problems.append('%s: %s' % (step.name, problem))
        self.assertEqual([], problems)

"""Microversion parsing, comparison and the per-method range checks."""

from unittest import mock

import fixtures
import testtools

from manila_bk.api import microversion as mv
from manila_bk import exception


class TestAPIVersion(testtools.TestCase):

    def test_parse_valid_string_compares_numerically(self):
        self.assertLess(mv.APIVersion.parse('2.9'),
                        mv.APIVersion.parse('2.10'))
        self.assertEqual(mv.APIVersion(2, 27), '2.27')
        self.assertGreaterEqual(mv.APIVersion.parse('2.91'), '2.80')

    def test_parse_latest_returns_max(self):
        self.assertEqual(mv.MAX_API_VERSION,
                         str(mv.APIVersion.parse('LATEST')))

    def test_parse_malformed_raises_400(self):
        for value in ('2', '2.x', '02.1', '2.01', '', None, 'v2.1', '2.1.1'):
            exc = self.assertRaises(exception.InvalidAPIVersionString,
                                    mv.APIVersion.parse, value)
            self.assertEqual(400, exc.code)


class TestParseRequest(testtools.TestCase):

    def test_parse_request_without_header_is_min_version(self):
        version, experimental = mv.parse_request({})
        self.assertEqual('2.0', str(version))
        self.assertFalse(experimental)

    def test_parse_request_manila_header_wins(self):
        version, _exp = mv.parse_request({
            mv.VERSION_HEADER: '2.27',
            mv.OPENSTACK_VERSION_HEADER: 'shared-file-system 2.40'})
        self.assertEqual('2.27', str(version))

    def test_parse_request_generic_header_for_our_service_type(self):
        version, _exp = mv.parse_request({
            mv.OPENSTACK_VERSION_HEADER:
                'compute 2.1, Shared-File-System 2.45'})
        self.assertEqual('2.45', str(version))

    def test_parse_request_generic_header_of_other_service_ignored(self):
        version, _exp = mv.parse_request(
            {mv.OPENSTACK_VERSION_HEADER: 'compute 2.90'})
        self.assertEqual('2.0', str(version))

    def test_parse_request_out_of_range_raises_406(self):
        for value in ('1.0', '2.92', '3.0'):
            exc = self.assertRaises(exception.InvalidGlobalAPIVersion,
                                    mv.parse_request,
                                    {mv.VERSION_HEADER: value})
            self.assertEqual(406, exc.code)

    def test_parse_request_experimental_value_case_insensitive(self):
        for value, expected in (('True', True), ('true', True),
                                ('TRUE', True), ('False', False),
                                ('bogus', False)):
            _version, experimental = mv.parse_request(
                {mv.EXPERIMENTAL_HEADER: value})
            self.assertIs(expected, experimental, value)


class TestRequire(testtools.TestCase):

    def _at(self, version, experimental=False):
        environ = {}
        mv.set_request_version(environ, mv.APIVersion.parse(version),
                               experimental)
        request = mock.Mock(environ=environ)
        self.useFixture(fixtures.MockPatchObject(mv.pecan, 'request',
                                                 request))

    def test_require_inside_range_passes(self):
        self._at('2.27')
        mv.require('2.7')
        mv.require('2.7', '2.27')
        self.assertTrue(mv.at_least('2.27'))
        self.assertFalse(mv.at_least('2.28'))

    def test_require_below_or_above_range_raises_404(self):
        self._at('2.6')
        exc = self.assertRaises(exception.VersionNotFoundForAPIMethod,
                                mv.require, '2.7')
        self.assertEqual(404, exc.code)
        self.assertRaises(exception.VersionNotFoundForAPIMethod,
                          mv.require, '2.0', '2.5')

    def test_require_experimental_without_header_raises_404(self):
        self._at('2.80')
        self.assertRaises(exception.VersionNotFoundForAPIMethod,
                          mv.require, '2.80', experimental=True)
        self._at('2.80', experimental=True)
        mv.require('2.80', experimental=True)

    def test_versioned_decorator_guards_method(self):
        calls = []

        @mv.versioned('2.37')
        def method(value):
            calls.append(value)
            return value

        self._at('2.36')
        self.assertRaises(exception.VersionNotFoundForAPIMethod,
                          method, 1)
        self._at('2.37')
        self.assertEqual(2, method(2))
        self.assertEqual([2], calls)

    def test_response_headers_echo_version_and_experimental(self):
        headers = mv.response_headers(mv.APIVersion(2, 80), True)
        self.assertEqual('2.80', headers[mv.VERSION_HEADER])
        self.assertEqual('shared-file-system 2.80',
                         headers[mv.OPENSTACK_VERSION_HEADER])
        self.assertEqual('True', headers[mv.EXPERIMENTAL_HEADER])
        self.assertIn(mv.VERSION_HEADER, headers['Vary'])
        self.assertNotIn(mv.EXPERIMENTAL_HEADER,
                         mv.response_headers(mv.APIVersion(2, 0), False))

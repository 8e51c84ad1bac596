# SPDX-License-Identifier: Apache-2.0
"""The one streamed GET of a URL outside the cloud: its body, its length,
and every failure as one line without the URL's secrets."""

import gzip

from osc_lib import exceptions
import requests
from requests_mock.contrib import fixture as rm_fixture
import testtools
import urllib3

from imageplugin import urlread

URL = 'http://127.0.0.1:8000/disk.img'
ACTION = f'Cannot read {URL}'


class TestOpened(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.requests = self.useFixture(rm_fixture.Fixture())

    def read(self, url=URL, action=ACTION, **kwargs):
        with urlread.opened(url, action, **kwargs) as (body, length):
            return body.read(), length

    def failure(self, url=URL, action=ACTION, **kwargs):
        return str(
            self.assertRaises(
                exceptions.CommandError, self.read, url, action, **kwargs
            )
        )

    def test_body_and_length(self):
        self.requests.get(
            URL, content=b'image bytes', headers={'Content-Length': '11'}
        )
        self.assertEqual((b'image bytes', 11), self.read())

    def test_length_not_told(self):
        self.requests.get(URL, content=b'image bytes')
        self.assertEqual((b'image bytes', None), self.read())

    def test_content_encoding_is_undone(self):
        self.requests.get(
            URL,
            content=gzip.compress(b'image bytes'),
            headers={'Content-Encoding': 'gzip'},
        )
        self.assertEqual(b'image bytes', self.read()[0])

    def test_answer_other_than_200(self):
        self.requests.get(URL, status_code=404, reason='Not Found')
        self.assertEqual(
            f'{ACTION}: it answers HTTP 404 (Not Found)', self.failure()
        )

    def test_no_connection(self):
        self.requests.get(URL, exc=requests.exceptions.ConnectionError)
        self.assertEqual(
            f'{ACTION}: it cannot be reached from here', self.failure()
        )

    def test_timeout_says_its_seconds(self):
        self.requests.get(URL, exc=requests.exceptions.ReadTimeout)
        self.assertEqual(
            f'{ACTION}: it did not answer within 7 s',
            self.failure(timeout=7),
        )

    def test_stream_cut_while_read(self):
        self.requests.get(URL, content=b'x')

        def reading():
            with urlread.opened(URL, ACTION):
                # What urllib3 raises when a read finds the connection
                # closed mid-body.
                raise urllib3.exceptions.ProtocolError('Connection broken')

        error = self.assertRaises(exceptions.CommandError, reading)
        self.assertEqual(
            f'{ACTION}: the connection broke while it was read', str(error)
        )

    def test_callers_errors_pass_through(self):
        self.requests.get(URL, content=b'x')

        def reading():
            with urlread.opened(URL, ACTION):
                raise exceptions.CommandError('the caller says no')

        error = self.assertRaises(exceptions.CommandError, reading)
        self.assertEqual('the caller says no', str(error))

    def test_no_password_in_the_line(self):
        url = 'http://user:s3cret@127.0.0.1:8000/disk.img'
        self.requests.get(url, exc=requests.exceptions.ConnectionError)
        message = self.failure(url, f'Cannot read {url}')
        self.assertNotIn('s3cret', message)
        self.assertIn('<redacted>', message)


class TestProblem(testtools.TestCase):
    def test_tls(self):
        self.assertEqual(
            'its TLS certificate cannot be verified',
            urlread.problem(
                requests.exceptions.SSLError('CERTIFICATE_VERIFY_FAILED')
            ),
        )
        self.assertEqual(
            'its TLS handshake failed (is it https?)',
            urlread.problem(requests.exceptions.SSLError('wrong version')),
        )

    def test_other_failure(self):
        self.assertEqual(
            'it cannot be read from here',
            urlread.problem(requests.exceptions.InvalidURL('x')),
        )

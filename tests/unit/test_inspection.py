# SPDX-License-Identifier: Apache-2.0
import fixtures
from osc_lib import exceptions
import requests
import testtools

from imageplugin import inspection
from tests.support import files
from tests.unit import base
from tests.unit import images

URL = 'http://127.0.0.1:8000/images/disk.img'


class TestFiles(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path

    def inspect(self, data, name='disk'):
        return inspection.inspect_file(files.write_file(self.dir, name, data))

    def test_qcow2(self):
        content = self.inspect(images.qcow2(20 * images.GiB))
        self.assertEqual(
            ('qcow2', 20 * images.GiB, ()),
            (content.disk_format, content.virtual_size, content.problems),
        )

    def test_raw_is_its_own_size(self):
        content = self.inspect(b'\x01' * 300000)
        self.assertEqual(
            ('raw', 300000), (content.disk_format, content.virtual_size)
        )

    def test_backing_file_and_data_file_are_unsafe(self):
        for fields, word in (
            ({'backing_file': True}, 'backing file'),
            ({'data_file': True}, 'external data file'),
        ):
            problems = self.inspect(images.qcow2(**fields)).problems
            self.assertEqual(1, len(problems))
            self.assertIn(word, problems[0])
            self.assertIn('own host', problems[0])

    def test_a_banned_format_is_named(self):
        # The header of "qemu-img create -f qed x.qed 10M".
        header = (
            b'QED\x00'
            + (65536).to_bytes(4, 'little')
            + (4).to_bytes(4, 'little')
            + (1).to_bytes(4, 'little')
            + bytes(24)
            + (65536).to_bytes(8, 'little')
            + (10 * 1024**2).to_bytes(8, 'little')
            + bytes(8)
        )
        content = self.inspect(header + bytes(65536 * 2))
        self.assertEqual(
            (
                'qed',
                (
                    'it is a qed image, a format the image '
                    'service does not import; convert it, '
                    'e.g. with "qemu-img convert -f qed -O '
                    'qcow2 <in> <out>"',
                ),
            ),
            (content.detected, content.problems),
        )

    def test_fixed_vhd_by_its_footer(self):
        path = images.write_fixed_vhd(f'{self.dir}/f', 4 * 1024 * 1024)
        content = inspection.inspect_file(path)
        self.assertEqual(
            ('vhd', 4 * 1024 * 1024, 'fixed', True),
            (
                content.disk_format,
                content.virtual_size,
                content.vhd.disk_type,
                content.vhd.checksum_ok,
            ),
        )

    def test_dynamic_vhd_expands(self):
        content = self.inspect(images.dynamic_vhd(200 * images.GiB))
        self.assertEqual(
            ('vhd', 200 * images.GiB, 'dynamic'),
            (content.disk_format, content.virtual_size, content.vhd.disk_type),
        )

    def test_differencing_vhd_is_unsafe(self):
        data = bytes(4096) + images.vhd_footer(
            disk_type=images.VHD_DIFFERENCING
        )
        (problem,) = self.inspect(data).problems
        self.assertIn('differencing VHD', problem)

    def test_cut_dynamic_vhd(self):
        data = images.dynamic_vhd()[:-512]
        (problem,) = self.inspect(data).problems
        self.assertIn('cut short', problem)

    def test_bad_checksum_and_old_511_byte_footer(self):
        footer = images.vhd_footer(checksum=7)
        self.assertFalse(inspection.footer_in_tail(footer).checksum_ok)
        old = bytes(1024) + images.vhd_footer()[:511]
        self.assertEqual('fixed', inspection.footer_in_tail(old).disk_type)

    def test_packed_raw_content(self):
        import gzip
        import io
        import tarfile

        packed = io.BytesIO()
        with tarfile.open(fileobj=packed, mode='w') as tar:
            member = tarfile.TarInfo('disk.vmdk')
            member.size = 1024
            tar.addfile(member, io.BytesIO(bytes(1024)))
        for data, name in (
            (gzip.compress(images.qcow2()), 'gzip'),
            (packed.getvalue(), 'tar'),
            (bytes(4096), None),
        ):
            content = self.inspect(data)
            self.assertEqual(
                ('raw', name), (content.disk_format, content.packed)
            )

    def test_text_is_no_disk_image(self):
        for data, document in (
            (
                b'<!DOCTYPE html>\n<html><body>Log in</body></html>\n',
                'an HTML page',
            ),
            (b'\xef\xbb\xbf  <HTML lang="en">', 'an HTML page'),
            (
                b'<?xml version="1.0"?><Error><Code>AccessDenied</Code>',
                'an XML document',
            ),
            (
                b'{"error": {"code": 401, "title": "Unauthorized"}}',
                'a JSON document',
            ),
            (
                'Zugriff verweigert: Anmeldung n\u00f6tig\n'.encode(),
                'a text file',
            ),
            (bytes(4096), None),
            (bytes(range(256)) * 4, None),
            (b'x' * 300 + bytes(300), None),
        ):
            content = self.inspect(data)
            self.assertEqual(
                ('raw', document),
                (content.disk_format, content.document),
                data,
            )

    def test_not_a_footer(self):
        self.assertIsNone(inspection.footer_in_tail(bytes(512)))


class TestUrls(base.ShellTestCase):
    """URLs are read through requests, which requests-mock answers."""

    def test_reads_only_the_start(self):
        self.requests.get(
            URL,
            status_code=206,
            content=images.qcow2(),
            headers={'Content-Range': 'bytes 0-65535/9999999'},
        )
        content = inspection.inspect_url(URL)
        self.assertEqual('qcow2', content.disk_format)
        self.assertEqual(
            'bytes=0-8388607', self.requests.last_request.headers['Range']
        )

    def test_raw_start_asks_for_the_vhd_footer(self):
        size = 1024 * 1024
        footer = images.vhd_footer(size - 512)
        self.requests.get(
            URL,
            [
                {
                    'status_code': 206,
                    'content': bytes(65536),
                    'headers': {'Content-Range': f'bytes 0-65535/{size}'},
                },
                {
                    'status_code': 206,
                    'content': footer,
                    'headers': {
                        'Content-Range': f'bytes {size - 512}-/{size}'
                    },
                },
            ],
        )
        content = inspection.inspect_url(URL)
        self.assertEqual(
            ('vhd', 'fixed'), (content.disk_format, content.vhd.disk_type)
        )
        self.assertEqual(
            f'bytes={size - 512}-{size - 1}',
            self.requests.last_request.headers['Range'],
        )

    def test_server_without_ranges(self):
        self.requests.get(
            URL, content=bytes(65536), headers={'Content-Length': '65536'}
        )
        content = inspection.inspect_url(URL)
        self.assertEqual(
            ('raw', 65536), (content.disk_format, content.virtual_size)
        )
        self.assertEqual(1, self.requests.call_count)

    def test_fixed_vhd_without_ranges_is_told_by_its_end(self):
        # The server ignores Range: a short image came whole.
        footer = images.vhd_footer(65536)
        self.requests.get(
            URL,
            content=bytes(65536) + footer,
            headers={'Content-Length': str(65536 + 512)},
        )
        content = inspection.inspect_url(URL)
        self.assertEqual(
            ('vhd', 'fixed'), (content.disk_format, content.vhd.disk_type)
        )
        self.assertEqual(1, self.requests.call_count)

    def test_missing_image_is_refused(self):
        self.requests.get(URL, status_code=404, reason='Not Found')
        error = self.assertRaises(
            exceptions.CommandError,
            inspection.inspect_url,
            URL + '?temp_url_sig=secret',
        )
        self.assertEqual(
            f'Cannot import {URL}: it answers HTTP 404 (Not '
            'Found): there is no image there to import',
            str(error),
        )

    def test_web_page_is_refused(self):
        self.requests.get(
            URL,
            text='<html>Log in</html>',
            headers={'Content-Type': 'text/html'},
        )
        error = self.assertRaises(
            exceptions.CommandError, inspection.inspect_url, URL
        )
        self.assertIn('it answers with a web page (text/html)', str(error))

    def test_unreadable(self):
        import requests

        for answer, reason in (
            (
                {'status_code': 403, 'reason': 'Forbidden'},
                'it answers HTTP 403 (Forbidden)',
            ),
            (
                {'exc': requests.exceptions.ConnectionError},
                'it cannot be reached from here',
            ),
            (
                {'exc': requests.exceptions.ConnectTimeout},
                'it did not answer within 20 s',
            ),
        ):
            self.requests.get(URL, **answer)
            error = self.assertRaises(
                inspection.Unreadable, inspection.inspect_url, URL
            )
            self.assertEqual(reason, str(error))

    def test_tls_failures_say_which(self):
        for error, said in (
            (
                '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify '
                'failed: self-signed certificate',
                'its TLS certificate cannot be verified',
            ),
            (
                '[SSL: WRONG_VERSION_NUMBER] wrong version number',
                'its TLS handshake failed (is it https?)',
            ),
        ):
            self.requests.get(URL, exc=requests.exceptions.SSLError(error))
            failure = self.assertRaises(
                inspection.Unreadable, inspection.inspect_url, URL
            )
            self.assertEqual(said, str(failure))

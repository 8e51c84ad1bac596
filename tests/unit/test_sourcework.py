# SPDX-License-Identifier: Apache-2.0
"""Compressed and checksummed sources, through the shell: read once by
this client, verified and decompressed while they stream, then sent by
glance-direct; a source not the one published leaves nothing behind."""

import gzip
import hashlib
import json
import lzma
import os
import sys
import tempfile
from unittest import mock

import fixtures
from osc_lib import exceptions
import requests
import testtools

from imageplugin import checksums
from imageplugin import plan
from imageplugin import planfacts
from imageplugin import request as request_module
from imageplugin import sourcework
from tests.support import files
from tests.unit import base
from tests.unit import images
from tests.unit import test_interop

IMAGE_ID = test_interop.IMAGE_ID
IMAGE_URL = test_interop.IMAGE_URL
SOURCE = 'http://127.0.0.1:8000/disk.qcow2.xz'
SUMS = 'http://127.0.0.1:8000/SHA256SUMS'
DATA = images.qcow2() + b'data' * 1000
XZ = lzma.compress(DATA)
MD5 = hashlib.md5(DATA, usedforsecurity=False).hexdigest()
SHA256 = hashlib.sha256(XZ).hexdigest()
DENIED = 'Cannot use the tasks API: (HTTP 403)'


class PublishedTestCase(test_interop.InteropTestCase):
    def setUp(self):
        super().setUp()
        # Where the temporary files go, to see that none is left.
        self.temp = os.path.join(self.home, 'tmp')
        os.mkdir(self.temp)
        self.useFixture(fixtures.MonkeyPatch('tempfile.tempdir', self.temp))
        self.staged, self.received = self.read_stage(IMAGE_URL + '/stage')
        self.served = self.requests.get(SOURCE, content=XZ)
        self.images_seen(
            test_interop.image('uploading'),
            test_interop.image('active', lock=False, checksum=MD5),
        )

    def run_import(self, *args):
        result = self.openstack(
            'image',
            'task',
            'import',
            '--name',
            'disk',
            '--wait',
            '-f',
            'value',
            '-c',
            'status',
            *args,
        )
        return result

    def assertSentDecompressed(self):
        self.assertEqual([DATA], self.received)
        self.assertEqual(
            {'method': {'name': 'glance-direct'}},
            self.started.last_request.json(),
        )

    def tearDown(self):
        self.assertEqual([], os.listdir(self.temp))
        super().tearDown()

    def assertDeletedBeforeItsImport(self):
        # The image was created and staged, never imported.
        self.assertTrue(self.staged.called)
        self.assertTrue(self.deleted.called)
        self.assertFalse(self.started.called)

    def assertNothingCreated(self):
        self.assertFalse(self.created.called)
        self.assertFalse(self.staged.called)
        self.assertFalse(self.started.called)


class TestUrl(PublishedTestCase):
    def test_compressed_url_is_fetched_and_sent_by_glance_direct(self):
        result = self.run_import('--import-from', SOURCE)
        self.assertEqual(0, result.exit_code, result.stderr)
        self.assertEqual('success\n', result.stdout)
        lines = result.stderr.splitlines()
        self.assertEqual(
            [
                f'Read {SOURCE}: decompressed from xz; {len(DATA)} bytes sent',
                f'Verified image {IMAGE_ID}: its md5 (checksum) matches the '
                f'{len(DATA)} bytes read from {SOURCE}, decompressed; disk '
                'format qcow2, container format bare, as meant.',
            ],
            lines,
        )
        self.assertSentDecompressed()
        self.assertEqual(
            {
                'name': 'disk',
                'disk_format': 'qcow2',
                'container_format': 'bare',
            },
            self.created.last_request.json(),
        )

    def test_checksum_from_a_sums_file_over_http(self):
        self.requests.get(
            SUMS,
            text=f'{"0" * 64}  other.img\n{SHA256}  disk.qcow2.xz\n',
        )
        result = self.run_import(
            '--import-from', SOURCE, '--checksum-from', SUMS
        )
        self.assertEqual(0, result.exit_code, result.stderr)
        self.assertIn(
            f'Read {SOURCE}: its sha256 is the one {SUMS} gives (the bytes '
            'as published); decompressed from xz;',
            result.stderr,
        )
        self.assertSentDecompressed()

    def test_an_unreadable_sums_url_shows_no_password(self):
        sums = 'http://jdoe:s3cret@127.0.0.1:8000/SHA256SUMS'
        self.requests.get(
            sums,
            exc=requests.exceptions.ConnectionError(
                f'Max retries exceeded with url: {sums} (Caused by '
                'NewConnectionError: Connection refused)'
            ),
        )
        result = self.run_import(
            '--import-from', SOURCE, '--checksum-from', sums
        )
        self.assertEqual(1, result.exit_code, result.stderr)
        self.assertIn('Cannot read --checksum-from', result.stderr)
        self.assertIn('jdoe:<redacted>@', result.stderr)
        self.assertNotIn('s3cret', result.stderr + result.stdout)
        self.assertNothingCreated()

    def test_sums_file_without_the_entry(self):
        self.requests.get(SUMS, text=f'{SHA256}  other.img\n')
        result = self.run_import(
            '--import-from', SOURCE, '--checksum-from', SUMS
        )
        self.assertEqual(
            (
                1,
                f"{SUMS} lists no checksum of 'disk.qcow2.xz' (the source's "
                'file name): check that it is the sums file of this image\n',
            ),
            (result.exit_code, result.stderr),
        )
        self.assertNothingCreated()

    def test_wrong_checksum_creates_nothing(self):
        wrong = 'f' * 64
        result = self.run_import(
            '--import-from', SOURCE, '--checksum', f'sha256:{wrong}'
        )
        self.assertEqual(
            (
                1,
                '',
                f'{SOURCE}: its sha256 is {SHA256}, --checksum says {wrong}; '
                f'nothing was imported. Image {IMAGE_ID} was deleted.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertDeletedBeforeItsImport()

    def test_ctrl_c_while_reading_leaves_nothing(self):
        def interrupted(request, context):
            raise KeyboardInterrupt

        self.requests.get(
            SOURCE,
            [{'content': XZ}, {'content': XZ}, {'content': interrupted}],
        )
        result = self.run_import('--import-from', SOURCE)
        self.assertEqual(
            (130, f'Interrupted. Image {IMAGE_ID} was deleted.\n'),
            (result.exit_code, result.stderr),
        )
        self.assertFalse(self.started.called)
        self.assertTrue(self.deleted.called)

    def test_web_download_cannot_decompress(self):
        result = self.run_import(
            '--import-from', SOURCE, '--method', 'web-download'
        )
        self.assertEqual(
            (
                1,
                f'--method web-download leaves {SOURCE} to Glance, which '
                'cannot do it (decompressing xz): leave --method out, and '
                'this client reads it and sends it by glance-direct\n',
            ),
            (result.exit_code, result.stderr),
        )
        self.assertNothingCreated()

    def test_gzipped_web_page_is_refused_as_text(self):
        page = gzip.compress(b'<!DOCTYPE html><html><body>login</body></html>')
        self.requests.get(SOURCE, content=page)
        result = self.run_import('--import-from', SOURCE)
        self.assertEqual(1, result.exit_code)
        self.assertEqual(
            f'Cannot import {SOURCE}: it is an HTML page, not a disk image '
            '(its first bytes are text); check that it is the image you '
            'meant\n',
            result.stderr,
        )
        self.assertNothingCreated()

    def test_dry_run_shows_the_read_as_a_step(self):
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            SOURCE,
            '--checksum',
            f'sha256:{SHA256}',
            '--dry-run',
            '-f',
            'json',
        )
        self.assertEqual(0, result.exit_code, result.stderr)
        plan = json.loads(result.stdout)
        self.assertEqual(
            [
                'create an image',
                f'read {SOURCE} once, verifying its sha256 and decompressing '
                'xz while it streams, and send the decompressed bytes to the '
                "image's staging area (chunked), hashing them (a sha256 "
                'other than --checksum gives deletes the image, with what '
                'was staged, before its import is asked for)',
                'import it by glance-direct',
                'show the import task (not waited for)',
            ],
            plan['steps'],
        )
        self.assertEqual('glance-direct', plan['route'])
        self.assertEqual(
            ['the new image, if its import cannot start'], plan['deletes']
        )
        self.assertNothingCreated()


class TestFile(PublishedTestCase):
    def setUp(self):
        super().setUp()
        self.path = files.write_file(self.home, 'disk.qcow2.xz', XZ)

    def test_compressed_file_with_its_checksum(self):
        result = self.run_import(
            '--file', self.path, '--checksum', f'SHA256:{SHA256.upper()}'
        )
        self.assertEqual(0, result.exit_code, result.stderr)
        self.assertIn(
            f'Read {self.path}: its sha256 is the one --checksum gives',
            result.stderr,
        )
        self.assertSentDecompressed()

    def test_checksum_from_a_local_bsd_sums_file(self):
        sums = files.write_file(
            self.home,
            'SHA256SUMS',
            f'SHA256 (disk.qcow2.xz) = {SHA256}\n'.encode(),
        )
        result = self.run_import('--file', self.path, '--checksum-from', sums)
        self.assertEqual(0, result.exit_code, result.stderr)
        self.assertSentDecompressed()

    def test_zstd_without_a_zstd_library_is_one_line(self):
        # Python before 3.14 with the zstandard package not installed.
        unavailable = {'compression.zstd': None, 'zstandard': None}
        patcher = mock.patch.dict(sys.modules, unavailable)
        patcher.start()
        self.addCleanup(patcher.stop)
        # A zstd frame header (magic, a single-segment frame of 4 bytes).
        path = files.write_file(
            self.home, 'disk.raw.zst', b'\x28\xb5\x2f\xfd\x20\x04' + bytes(16)
        )
        result = self.run_import('--file', path)
        self.assertEqual(
            (
                1,
                'This source is zstd-compressed; reading it needs Python '
                '3.14 or the zstandard package (pip install zstandard).\n',
            ),
            (result.exit_code, result.stderr),
        )
        self.assertNothingCreated()

    def test_truncated_file_is_one_line(self):
        path = files.write_file(self.home, 'cut.xz', XZ[: len(XZ) // 2])
        result = self.run_import('--file', path)
        self.assertEqual(
            (
                1,
                f'Cannot import {path}: its xz data is corrupt or truncated '
                '(it ends before its end-of-stream marker (truncated)); '
                'check the download\n',
            ),
            (result.exit_code, result.stderr),
        )
        self.assertNothingCreated()

    def test_wrong_md5_of_a_plain_file(self):
        plain = files.write_file(self.home, 'disk.qcow2', DATA)
        result = self.run_import(
            '--file', plain, '--checksum', 'md5:' + '0' * 32
        )
        self.assertEqual(
            (
                1,
                f'{plain}: its md5 is {MD5}, --checksum says {"0" * 32}; '
                f'nothing was imported. Image {IMAGE_ID} was deleted.\n',
            ),
            (result.exit_code, result.stderr),
        )
        self.assertDeletedBeforeItsImport()


class TestRefusals(base.ShellTestCase):
    def import_with(self, *args):
        return self.openstack('image', 'task', 'import', *args)

    def test_bad_checksum_values(self):
        for value, said in (
            (
                'sha256',
                "'sha256' is not <algorithm>:<hex> with an algorithm of md5, "
                'sha1, sha256, sha512 (e.g. sha256:<64 hex digits>)',
            ),
            (
                'crc32:abcd',
                "'crc32:abcd' is not <algorithm>:<hex> with an algorithm of "
                'md5, sha1, sha256, sha512 (e.g. sha256:<64 hex digits>)',
            ),
            (
                'sha256:abc',
                "'sha256:abc': a sha256 digest is 64 hex digits, not 'abc'",
            ),
        ):
            result = self.import_with(
                '--import-from', SOURCE, '--checksum', value
            )
            self.assertEqual(2, result.exit_code)
            self.assertIn(f'argument --checksum: {said} (see', result.stderr)
            self.assertNotIn('Traceback', result.stderr)
            self.assertEqual([], self.requests.request_history)

    def test_checksum_and_checksum_from_exclude_each_other(self):
        result = self.import_with(
            '--import-from',
            SOURCE,
            '--checksum',
            f'sha256:{SHA256}',
            '--checksum-from',
            SUMS,
        )
        self.assertEqual(2, result.exit_code)
        self.assertIn(
            'argument --checksum-from: not allowed with argument --checksum',
            result.stderr,
        )

    def test_checksum_of_an_image_copy_is_refused(self):
        result = self.import_with(
            '--image',
            'cirros',
            '--store',
            'fast',
            '--checksum',
            f'sha256:{SHA256}',
        )
        self.assertEqual(
            (
                1,
                '--checksum verifies an http(s) URL or a --file as it is '
                'read here; an object or an image is read by the image '
                'service only\n',
            ),
            (result.exit_code, result.stderr),
        )
        self.assertEqual([], self.requests.request_history)


class TestPlan(testtools.TestCase):
    """plan.decide with a source this client reads: the same request and
    facts give the same route and steps, on every dialect and role."""

    URL = 'http://127.0.0.1/disk.qcow2.xz'
    XZ = sourcework.Published('xz', None)
    CHECKED = sourcework.Published(
        None, checksums.Checksum('sha256', 'ab' * 32, '--checksum')
    )

    def decide(self, work, dialect='glance', role=DENIED, **asked):
        asked.setdefault('import_from', self.URL)
        facts = planfacts.Facts(
            dialect=dialect,
            tasks_refusal=role if dialect == 'glance' else None,
            methods=('glance-direct', 'web-download'),
            disk_format='qcow2',
            published=work,
        )
        return plan.decide(request_module.ImportRequest(**asked), facts)

    def test_routes(self):
        for work, dialect, role, asked, route in (
            (self.XZ, 'glance', DENIED, {}, 'glance-direct'),
            (self.CHECKED, 'glance', DENIED, {}, 'glance-direct'),
            (self.XZ, 'glance', '', {}, 'task-upload'),
            (self.XZ, 'rackspace', None, {}, 'task-upload'),
            (self.XZ, 'glance', DENIED, {'file': 'disk.xz'}, 'glance-direct'),
            (self.XZ, 'glance', '', {'file': 'disk.xz'}, 'task-upload'),
            (
                self.XZ,
                'glance',
                '',
                {'method': 'glance-direct', 'file': 'disk.xz'},
                'glance-direct',
            ),
            (None, 'glance', DENIED, {}, 'web-download'),
            (None, 'glance', '', {}, 'task'),
        ):
            decided = self.decide(work, dialect, role, **asked)
            self.assertEqual(route, decided.route, (work, dialect, asked))

    def test_streamed_steps(self):
        decided = self.decide(self.CHECKED)
        self.assertEqual(
            (
                'create an image',
                f'read {self.URL} once, verifying its sha256 while it '
                "streams, and send its bytes to the image's staging area "
                '(chunked), hashing them (a sha256 other than --checksum '
                'gives deletes the image, with what was staged, before its '
                'import is asked for)',
                'import it by glance-direct',
                'show the import task (not waited for)',
            ),
            decided.steps,
        )
        self.assertEqual((), decided.notes)

    def test_spooled_steps(self):
        decided = self.decide(self.XZ, role='')
        self.assertEqual(
            f'read {self.URL} once, decompressing xz while it streams, into '
            f'a temporary file in {tempfile.gettempdir()}',
            decided.steps[0],
        )
        self.assertTrue(decided.steps[1].startswith('upload the temporary '))
        self.assertIn('the temporary file, on every way out', decided.deletes)

    def test_web_download_is_refused(self):
        error = self.assertRaises(
            exceptions.CommandError,
            self.decide,
            self.XZ,
            method='web-download',
        )
        self.assertIn('--method web-download leaves', str(error))

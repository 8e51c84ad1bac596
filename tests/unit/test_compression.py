# SPDX-License-Identifier: Apache-2.0
"""Decompression while a source streams: every compression, its members
and frames read to the end, and a cut or corrupt stream told."""

import bz2
import gzip
import io
import lzma
import os

from osc_lib import exceptions
from requests_mock.contrib import fixture as rm_fixture
import testtools

from imageplugin import compression

try:
    from compression import zstd as stdlib_zstd
except ImportError:
    stdlib_zstd = None
    import zstandard


def zstd(data, checksum=True):
    if stdlib_zstd is not None:
        return stdlib_zstd.compress(data)
    return zstandard.ZstdCompressor(write_checksum=checksum).compress(data)


# A zstd skippable frame: magic 0x184D2A50, size, content.
SKIPPABLE = b'\x50\x2a\x4d\x18' + (3).to_bytes(4, 'little') + b'abc'
COMPRESS = {
    'gzip': gzip.compress,
    'xz': lzma.compress,
    'bzip2': bz2.compress,
    'zstd': zstd,
}
DATA = os.urandom(200_000) + bytes(3_000_000)


def read_all(kind, data, size=65536):
    reader = compression.reader(kind, io.BytesIO(data))
    chunks = []
    for chunk in iter(lambda: reader.read(size), b''):
        assert len(chunk) <= size, len(chunk)
        chunks.append(chunk)
    return b''.join(chunks)


class TestReader(testtools.TestCase):
    def test_every_kind_reads_whole_in_bounded_reads(self):
        for kind, compress in COMPRESS.items():
            self.assertEqual(DATA, read_all(kind, compress(DATA)), kind)

    def test_members_and_concatenated_streams(self):
        for kind, compress in COMPRESS.items():
            data = compress(b'first ') + compress(b'second')
            self.assertEqual(b'first second', read_all(kind, data), kind)

    def test_zstd_skippable_frame(self):
        data = zstd(b'one') + SKIPPABLE + zstd(b'two')
        self.assertEqual(b'onetwo', read_all('zstd', data))

    def test_zstd_frame_without_checksum(self):
        if stdlib_zstd is not None:
            self.skipTest('the stdlib compressor writes its own frames')
        data = zstd(DATA, checksum=False)
        self.assertEqual(DATA, read_all('zstd', data))

    def test_cut_stream_is_corrupt(self):
        for kind, compress in COMPRESS.items():
            data = compress(DATA)
            self.assertRaises(
                compression.Corrupt, read_all, kind, data[: len(data) // 2]
            )
            self.assertRaises(compression.Corrupt, read_all, kind, data[:-3])

    def test_garbage_is_corrupt(self):
        for kind, compress in COMPRESS.items():
            data = bytearray(compress(DATA))
            data[len(data) // 2 : len(data) // 2 + 64] = bytes(64)
            self.assertRaises(compression.Corrupt, read_all, kind, bytes(data))

    def test_read_errors_of_the_source_are_not_corruption(self):
        class Broken(io.RawIOBase):
            def readable(self):
                return True

            def readinto(self, buffer):
                raise OSError('connection reset')

        reader = compression.reader('xz', Broken())
        self.assertRaises(compression.SourceError, reader.read, 100)


class TestContentOfUrl(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.requests = self.useFixture(rm_fixture.Fixture())

    def test_start_of_a_compressed_url_is_read_decompressed(self):
        url = 'http://127.0.0.1:8000/disk.raw.xz'
        self.requests.get(url, content=lzma.compress(DATA))
        content = compression.content_of_url(url, 'xz')
        self.assertEqual('raw', content.disk_format)

    def test_failed_second_read_shows_no_secret_of_the_url(self):
        url = 'http://user:s3cret@127.0.0.1:8000/disk.xz?temp_url_sig=abc'
        self.requests.get(url, status_code=503, reason='Unavailable')
        error = self.assertRaises(
            exceptions.CommandError, compression.content_of_url, url, 'xz'
        )
        self.assertEqual(
            'Cannot read http://user:<redacted>@127.0.0.1:8000/disk.xz '
            'again to decompress its start: it answers HTTP 503 '
            '(Unavailable)',
            str(error),
        )

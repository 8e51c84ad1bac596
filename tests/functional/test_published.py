# SPDX-License-Identifier: Apache-2.0
"""Published images: compressed sources decompressed while they stream
and checksums verified before anything is created, against the real
Glance and object storage of the local cloud (sources served by its
sample server)."""

import gzip
import hashlib
import json
import lzma
import os
import re

from tests.functional import test_content

try:
    from compression import zstd as stdlib_zstd
except ImportError:
    stdlib_zstd = None
    import zstandard


def zstd(data):
    if stdlib_zstd is not None:
        return stdlib_zstd.compress(data)
    return zstandard.ZstdCompressor(write_checksum=True).compress(data)


COMPRESS = {'gz': gzip.compress, 'xz': lzma.compress, 'zst': zstd}


class PublishedTestCase(test_content.ContentTestCase):
    def setUp(self):
        super().setUp()
        with open(self.sample('sample.qcow2')['path'], 'rb') as sample:
            self.data = sample.read()

    def published(self, extension):
        """The sample qcow2 compressed, as a file; its path and sha256."""
        packed = COMPRESS[extension](self.data)
        path = os.path.join(
            self.folder, f'{self.unique}-disk.qcow2.{extension}'
        )
        with open(path, 'wb') as out:
            out.write(packed)
        return path, hashlib.sha256(packed).hexdigest()

    def import_as(self, cloud, *args):
        return self.openstack(
            'image',
            'task',
            'import',
            '--name',
            self.unique,
            '--wait',
            '-f',
            'json',
            *args,
            cloud=cloud,
        )

    def assertImageHoldsTheDecompressedBytes(self, result, cloud):
        self.assertEqual(0, result.exit_code, result.stderr)
        image_id = json.loads(result.stdout)['image_id']
        self.addCleanup(self.openstack, 'image', 'delete', image_id)
        shown = json.loads(
            self.openstack(
                'image', 'show', image_id, '-f', 'json', cloud=cloud
            ).stdout
        )
        self.assertEqual(
            ('active', 'qcow2'), (shown['status'], shown['disk_format'])
        )
        stored = shown['properties']
        self.assertEqual(
            hashlib.new(stored['os_hash_algo'], self.data).hexdigest(),
            stored['os_hash_value'],
        )
        self.assertIn(f'Verified image {image_id}: its ', result.stderr)

    def assertNoImage(self):
        self.assertEqual([], self.images_named(self.unique))


class TestMember(PublishedTestCase):
    def test_compressed_urls(self):
        for extension in COMPRESS:
            path, _ = self.published(extension)
            url = self.served(path, os.path.basename(path))
            result = self.import_as('local-member', '--import-from', url)
            self.assertImageHoldsTheDecompressedBytes(result, 'local-member')
            self.assertIn(f'Read {url}: decompressed from ', result.stderr)

    def test_checksum_from_sums_served_over_http(self):
        path, sha256 = self.published('xz')
        url = self.served(path, 'disk.qcow2.xz')
        name = url.rsplit('/', 1)[1]
        sums = os.path.join(self.folder, 'SHA256SUMS')
        with open(sums, 'w') as out:
            out.write(f'{"0" * 64}  other.img\n{sha256} *{name}\n')
        sums_url = self.served(sums, 'SHA256SUMS')
        result = self.import_as(
            'local-member', '--import-from', url, '--checksum-from', sums_url
        )
        self.assertImageHoldsTheDecompressedBytes(result, 'local-member')
        self.assertIn(
            f'its sha256 is the one {sums_url} gives (the bytes as published)',
            result.stderr,
        )

    def test_wrong_checksum_leaves_no_image(self):
        path, sha256 = self.published('gz')
        url = self.served(path, 'disk.qcow2.gz')
        wrong = 'e' * 64
        result = self.import_as(
            'local-member',
            '--import-from',
            url,
            '--checksum',
            f'sha256:{wrong}',
        )
        # Sent by glance-direct as it was read: the image was created,
        # then deleted before its import was asked for.
        self.assertEqual((1, ''), (result.exit_code, result.stdout))
        self.assertRegex(
            result.stderr,
            rf'^{re.escape(url)}: its sha256 is {sha256}, --checksum says '
            rf'{wrong}; nothing was imported\. Image [0-9a-f-]{{36}} was '
            r'deleted\.\n$',
        )
        self.assertNoImage()

    def test_cut_download_leaves_no_image(self):
        path, _ = self.published('xz')
        with open(path, 'rb') as whole:
            packed = whole.read()
        with open(path, 'wb') as cut:
            cut.write(packed[: len(packed) // 2])
        url = self.served(path, 'cut.qcow2.xz')
        result = self.import_as('local-member', '--import-from', url)
        self.assertEqual((1, ''), (result.exit_code, result.stdout))
        self.assertRegex(
            result.stderr,
            rf'^Cannot import {re.escape(url)}: its xz data is corrupt or '
            r'truncated \(it ends before its end-of-stream marker '
            r'\(truncated\)\); check the download\. Image [0-9a-f-]{36} '
            r'was deleted\.\n$',
        )
        self.assertNoImage()

    def test_compressed_file(self):
        path, sha256 = self.published('zst')
        result = self.import_as(
            'local-member', '--file', path, '--checksum', f'sha256:{sha256}'
        )
        self.assertImageHoldsTheDecompressedBytes(result, 'local-member')


class TestAdmin(PublishedTestCase):
    """The tasks API cannot decompress: the decompressed file goes up to
    the object storage and the task imports it."""

    def test_compressed_file_by_the_tasks_api(self):
        path, sha256 = self.published('xz')
        result = self.import_as(
            'local-admin', '--file', path, '--checksum', f'sha256:{sha256}'
        )
        self.assertImageHoldsTheDecompressedBytes(result, 'local-admin')
        # A task of the tasks API, not of interoperable import.
        self.assertEqual('import', json.loads(result.stdout)['type'])

    def test_compressed_url_by_the_tasks_api(self):
        path, sha256 = self.published('gz')
        url = self.served(path, os.path.basename(path))
        result = self.import_as(
            'local-admin',
            '--import-from',
            url,
            '--checksum',
            f'sha256:{sha256}',
        )
        self.assertImageHoldsTheDecompressedBytes(result, 'local-admin')
        self.assertEqual('import', json.loads(result.stdout)['type'])

    def test_wrong_checksum_uploads_nothing(self):
        path, sha256 = self.published('xz')
        wrong = '0' * 32
        result = self.import_as(
            'local-admin', '--file', path, '--checksum', f'md5:{wrong}'
        )
        md5 = hashlib.md5(open(path, 'rb').read(), usedforsecurity=False)
        self.assertEqual(
            (
                1,
                f'{path}: its md5 is {md5.hexdigest()}, --checksum says '
                f'{wrong}; nothing was imported\n',
            ),
            (result.exit_code, result.stderr),
        )
        self.assertNoImage()
        self.assertEqual(
            [],
            [
                name
                for name in self.objects('images')
                if name.startswith(self.unique)
            ],
        )

# SPDX-License-Identifier: Apache-2.0
"""The layout of ``imageplugin.largeobject``: segment sizes, and deleting
large objects with their segments."""

import os

from osc_lib import exceptions

from imageplugin import largeobject
from imageplugin import objectstore
from imageplugin import transfer
from tests.unit.fakeswift import ENDPOINT
from tests.unit.fakeswift import MiB
from tests.unit.fakeswift import StoreTestCase
from tests.unit.fakeswift import md5


class TestDefaultSegmentSize(StoreTestCase):
    """Without a segment size, a file goes up in as many segments as are
    sent at once, of 8 to 256 MiB."""

    def test_from_the_size_alone(self):
        size_for = largeobject.default_segment_size
        self.assertEqual(8 * MiB, size_for(1))
        self.assertEqual(8 * MiB, size_for(64 * MiB))
        # A mid-sized file fills every connection: 8 segments.
        self.assertEqual(16 * MiB, size_for(128 * MiB))
        self.assertEqual(32 * MiB, size_for(256 * MiB))
        self.assertEqual(128 * MiB, size_for(objectstore.GiB))
        # Rounded up to whole MiB: never a ninth, tiny segment.
        self.assertEqual(129 * MiB, size_for(objectstore.GiB + 1))
        self.assertEqual(256 * MiB, size_for(2 * objectstore.GiB + 1))
        self.assertEqual(256 * MiB, size_for(160 * objectstore.GiB))

    def test_small_file_is_one_object(self):
        path = self.write('disk.raw', b'x' * MiB)
        upload = transfer.upload(self.store, 'images', 'disk.raw', path)
        self.assertEqual(0, upload.segments)
        self.assertEqual(
            ['disk.raw'], [name for _, name, _, _ in self.swift.puts()]
        )

    def test_larger_file_is_cut_the_same_way_at_any_concurrency(self):
        self.large_file(8 * MiB + 1)
        upload = transfer.upload(self.store, 'images', 'disk.raw', self.path)
        self.assertEqual(2, upload.segments)
        self.assertEqual(
            [8 * MiB, 1],
            sorted(
                (
                    int(request.headers['Content-Length'])
                    for _, name, _, request in self.swift.puts()
                    if name != 'disk.raw'
                ),
                reverse=True,
            ),
        )
        del self.swift.containers['images']['disk.raw']
        resumed = transfer.upload(
            self.store, 'images', 'disk.raw', self.path, concurrency=1
        )
        self.assertEqual(2, resumed.reused)

    def test_segment_size_grows_for_huge_files(self):
        self.assertEqual(
            largeobject.DEFAULT_SEGMENT_SIZE,
            largeobject.segment_size_for(
                160 * objectstore.GiB, largeobject.DEFAULT_SEGMENT_SIZE
            ),
        )
        self.assertEqual(
            2 * MiB, largeobject.segment_size_for(1000 * MiB + 1, MiB)
        )
        error = self.assertRaises(
            exceptions.CommandError,
            largeobject.segment_size_for,
            6000 * objectstore.GiB,
            MiB,
        )
        self.assertEqual(
            'The file is too big for the object storage: '
            '6442450944000 bytes would need more than 1000 '
            'segments of 5 GiB',
            str(error),
        )


class TestDelete(StoreTestCase):
    def test_large_object_and_its_segments(self):
        data = os.urandom(MiB + 1)
        path = self.write('disk.raw', data)
        transfer.upload(
            self.store, 'images', 'disk.raw', path, segment_size=MiB
        )
        objects = self.swift.containers['images']
        # What an interrupted upload of this file cut another way left,
        # and what another file's upload of that name is writing.
        mine = self.segment(1, path, segment_size=2 * MiB)
        theirs = largeobject.segment_name('disk.raw', 'a1b2c3d4e5f6', MiB, 1)
        for name in (mine, theirs, 'disk.raw.txt'):
            objects[name] = {'size': 1, 'etag': md5(b'x')}
        self.swift.sent.clear()
        self.assertTrue(
            largeobject.delete(
                self.store, 'images', 'disk.raw', self.identity(path)
            )
        )
        self.assertEqual(sorted([theirs, 'disk.raw.txt']), sorted(objects))
        deletes = [
            request
            for method, _, _, _, request in self.swift.sent
            if method == 'DELETE'
        ]
        self.assertEqual(
            ENDPOINT + '/images/disk.raw?multipart-manifest=delete',
            deletes[0].url,
        )

    def test_another_files_object_is_left_alone(self):
        path = self.write('disk.raw', b'x')
        transfer.upload(self.store, 'images', 'disk.raw', path)
        self.swift.sent.clear()
        error = self.assertRaises(
            exceptions.CommandError,
            largeobject.delete,
            self.store,
            'images',
            'disk.raw',
            'a1b2c3d4e5f6',
        )
        self.assertEqual(
            'Cannot delete images/disk.raw: it is no longer an upload of '
            'this file (another upload wrote it), so it was left alone',
            str(error),
        )
        self.assertEqual(['HEAD'], [m for m, *_ in self.swift.sent])
        self.assertIn('disk.raw', self.swift.containers['images'])

    def test_plain_object(self):
        path = self.write('disk.raw', b'x')
        transfer.upload(self.store, 'images', 'disk.raw', path)
        self.assertTrue(largeobject.delete(self.store, 'images', 'disk.raw'))
        self.assertEqual({}, self.swift.containers['images'])
        [delete] = [
            request
            for method, _, _, _, request in self.swift.sent
            if method == 'DELETE'
        ]
        self.assertNotIn('multipart-manifest', delete.url)

    def test_missing_object(self):
        self.assertFalse(largeobject.delete(self.store, 'images', 'disk.raw'))
        self.assertFalse(largeobject.delete(self.store, 'gone', 'disk.raw'))

    def test_failed_segment_delete_is_reported(self):
        path = self.write('disk.raw', os.urandom(MiB + 1))
        transfer.upload(
            self.store, 'images', 'disk.raw', path, segment_size=MiB
        )
        segment = self.segment(1, path)
        self.swift.slo_delete_errors = [[f'/images/{segment}', '409 Conflict']]
        error = self.assertRaises(
            exceptions.CommandError,
            largeobject.delete,
            self.store,
            'images',
            'disk.raw',
        )
        self.assertEqual(
            'Cannot delete images/disk.raw: 400 Bad Request '
            f'(/images/{segment}: 409 Conflict)',
            str(error),
        )

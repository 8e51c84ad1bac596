# SPDX-License-Identifier: Apache-2.0
"""Uploads and copies of ``imageplugin.transfer``: single objects, Static
Large Objects, resumes, one object per file, the whole file's hash."""

import json
import os
import threading

from keystoneauth1 import token_endpoint
from osc_lib import exceptions
import requests

from imageplugin import bodies
from imageplugin import largeobject
from imageplugin import objectstore
from imageplugin import transfer
from tests.unit import base
from tests.unit.fakeswift import ENDPOINT
from tests.unit.fakeswift import MiB
from tests.unit.fakeswift import StoreTestCase
from tests.unit.fakeswift import md5
from tests.unit.fakeswift import sha512


class RenewableToken(token_endpoint.Token):
    """A token the session may renew after a 401, as a password's is."""

    def __init__(self):
        super().__init__(ENDPOINT, 'token-1')

    def invalidate(self):
        self.token = 'token-2'
        return True


class TestSingleObject(StoreTestCase):
    def test_upload(self):
        data = os.urandom(3000)
        path = self.write('disk.raw', data)
        done = []
        upload = transfer.upload(
            self.store, 'images', 'disk.raw', path, progress=done.append
        )
        self.assertEqual(
            transfer.Upload(
                'images', 'disk.raw', 3000, md5(data), 0, 0, {'md5': md5(data)}
            ),
            upload,
        )
        [(container, name, body, request)] = self.swift.puts()
        self.assertEqual(('images', 'disk.raw', data), (container, name, body))
        self.assertEqual(ENDPOINT + '/images/disk.raw', request.url)
        self.assertEqual('3000', request.headers['Content-Length'])
        self.assertNotIn('Transfer-Encoding', request.headers)
        self.assertEqual(
            'application/octet-stream', request.headers['Content-Type']
        )
        self.assertEqual(base.TOKEN, request.headers['X-Auth-Token'])
        self.assertEqual(
            self.identity(path), request.headers[objectstore.IDENTITY_HEADER]
        )
        self.assertEqual('*', request.headers['If-None-Match'])
        self.assertEqual([3000], done)

    def test_names_are_quoted(self):
        path = self.write('a', b'x')
        transfer.upload(self.store, 'images', 'my disk/v1?.raw', path)
        [(_, name, _, request)] = self.swift.puts()
        self.assertEqual('my disk/v1?.raw', name)
        self.assertEqual(ENDPOINT + '/images/my%20disk/v1%3F.raw', request.url)

    def test_big_file_goes_in_chunks(self):
        data = os.urandom(2 * MiB + 5)
        path = self.write('disk.raw', data)
        done = []
        transfer.upload(
            self.store,
            'images',
            'disk.raw',
            path,
            segment_size=4 * MiB,
            progress=done.append,
        )
        self.assertEqual(data, self.swift.data('images', 'disk.raw'))
        self.assertEqual([MiB, 2 * MiB, 2 * MiB + 5], done)

    def test_etag_mismatch(self):
        path = self.write('disk.raw', b'image bytes')
        self.swift.damaged.add('disk.raw')
        stored, sent = md5(b'\0mage bytes'), md5(b'image bytes')
        error = self.assertRaises(
            exceptions.CommandError,
            transfer.upload,
            self.store,
            'images',
            'disk.raw',
            path,
        )
        self.assertEqual(
            f'Cannot upload {path} to images/disk.raw: the object storage '
            f'stored data with MD5 {stored}, but the MD5 of what was sent '
            f'is {sent}: the data was damaged on the way; run the command '
            'again',
            str(error),
        )
        # Nothing damaged stays for a resumed upload to take as done.
        self.assertNotIn('disk.raw', self.swift.containers['images'])

    def test_missing_etag(self):
        path = self.write('disk.raw', b'image bytes')
        self.swift.without_etag = True
        error = self.assertRaises(
            exceptions.CommandError,
            transfer.upload,
            self.store,
            'images',
            'disk.raw',
            path,
        )
        self.assertEqual(
            f'Cannot upload {path} to images/disk.raw: the object storage '
            'answered without an ETag, so the upload cannot be verified',
            str(error),
        )

    def test_file_shrinks_while_uploading(self):
        # Past what the read-ahead thread may have read already.
        size = (bodies.READ_AHEAD + 4) * MiB
        path = self.write('disk.raw', os.urandom(size))

        def truncate(done):
            os.truncate(path, MiB + 1)

        error = self.assertRaises(
            exceptions.CommandError,
            transfer.upload,
            self.store,
            'images',
            'disk.raw',
            path,
            segment_size=size,
            progress=truncate,
        )
        self.assertEqual(
            f'{path} shrank while it was being uploaded: '
            'upload it again once nothing writes to it',
            str(error),
        )

    def test_file_grows_while_uploading(self):
        path = self.write('disk.raw', os.urandom(2 * MiB))

        def append(done):
            if done == MiB:
                with open(path, 'ab') as file:
                    file.write(b'more')

        error = self.assertRaises(
            exceptions.CommandError,
            transfer.upload,
            self.store,
            'images',
            'disk.raw',
            path,
            segment_size=4 * MiB,
            progress=append,
        )
        self.assertEqual(
            f'{path} changed while it was being uploaded: '
            'upload it again once nothing writes to it',
            str(error),
        )

    def test_sent_again_after_a_new_token(self):
        data = os.urandom(2 * MiB + 1)
        path = self.write('disk.raw', data)
        self.store.session.auth = RenewableToken()
        answers = [401]

        def expired_once(request, context):
            received = b''.join(request.body)
            if answers:
                context.status_code = answers.pop()
                return b''
            context.status_code = 201
            context.headers['Etag'] = md5(received)
            return b''

        self.swift.mocker.register_uri(
            'PUT', ENDPOINT + '/images/disk.raw', content=expired_once
        )
        upload = transfer.upload(self.store, 'images', 'disk.raw', path)
        self.assertEqual(md5(data), upload.etag)
        puts = [
            r for r in self.swift.mocker.request_history if r.method == 'PUT'
        ]
        self.assertEqual(
            ['token-1', 'token-2'], [r.headers['X-Auth-Token'] for r in puts]
        )

    def test_connection_lost_while_sending(self):
        path = self.write('disk.raw', os.urandom(3 * MiB))

        def reset(request, context):
            next(iter(request.body))
            raise requests.exceptions.ConnectionError(
                'Connection aborted: Connection reset by peer'
            )

        self.swift.mocker.register_uri(
            'PUT', ENDPOINT + '/images/disk.raw', content=reset
        )
        error = self.assertRaises(
            exceptions.CommandError,
            transfer.upload,
            self.store,
            'images',
            'disk.raw',
            path,
        )
        self.assertEqual(
            f'Cannot upload {path} to images/disk.raw: cannot reach the '
            f'object storage at {ENDPOINT}/images/disk.raw: connection reset',
            str(error),
        )
        self.assertNotIn(
            'imageplugin-read-ahead',
            [thread.name for thread in threading.enumerate()],
        )

    def test_invalid_segment_size(self):
        path = self.write('disk.raw', b'x')
        error = self.assertRaises(
            exceptions.CommandError,
            transfer.upload,
            self.store,
            'images',
            'disk.raw',
            path,
            segment_size=1000,
        )
        self.assertEqual(
            'Invalid segment size 1000: it must be from 1 MiB to 5 GiB',
            str(error),
        )


class TestLargeObject(StoreTestCase):
    def setUp(self):
        super().setUp()
        self.large_file(2 * MiB + 100)

    def upload(self, **kwargs):
        return transfer.upload(
            self.store,
            'images',
            'disk.raw',
            self.path,
            segment_size=MiB,
            **kwargs,
        )

    def manifest(self):
        [(_, _, body, request)] = [
            put for put in self.swift.puts() if put[1] == 'disk.raw'
        ]
        self.assertIn('multipart-manifest=put', request.url)
        return json.loads(body)

    def test_segments_and_manifest(self):
        upload = self.upload()
        # Segments go up at once, in any order; the manifest comes last.
        puts = (
            sorted(self.swift.puts()[:3], key=lambda put: put[1])
            + self.swift.puts()[3:]
        )
        self.assertEqual(
            [
                self.segment(1, self.path),
                self.segment(2, self.path),
                self.segment(3, self.path),
                'disk.raw',
            ],
            [name for _, name, _, _ in puts],
        )
        self.assertEqual(
            f'disk.raw.segments/{self.identity(self.path)}/1048576/000001',
            puts[0][1],
        )
        self.assertEqual(self.parts, [body for _, _, body, _ in puts[:3]])
        self.assertEqual(
            [str(len(part)) for part in self.parts],
            [request.headers['Content-Length'] for *_, request in puts[:3]],
        )
        self.assertEqual(
            [
                {
                    'path': 'images/' + self.segment(i + 1, self.path),
                    'etag': md5(part),
                    'size_bytes': len(part),
                }
                for i, part in enumerate(self.parts)
            ],
            self.manifest(),
        )
        slo_etag = md5(''.join(md5(p) for p in self.parts).encode())
        self.assertEqual(
            transfer.Upload('images', 'disk.raw', self.size, slo_etag, 3, 0),
            upload,
        )
        # Segments are named after the file: never written over blindly.
        self.assertEqual(
            [None, None, None, '*'],
            [request.headers.get('If-None-Match') for *_, request in puts],
        )

    def test_progress(self):
        done = []
        self.upload(progress=done.append, concurrency=1)
        self.assertEqual([MiB, 2 * MiB, self.size], done)

    def test_resume_skips_stored_segments(self):
        self.upload()
        objects = self.swift.containers['images']
        del objects['disk.raw']
        del objects[self.segment(3, self.path)]
        self.swift.sent.clear()
        done = []
        upload = self.upload(progress=done.append, concurrency=1)
        self.assertEqual(
            [self.segment(3, self.path), 'disk.raw'],
            [name for _, name, _, _ in self.swift.puts()],
        )
        self.assertEqual(2, upload.reused)
        self.assertEqual([MiB, 2 * MiB, self.size], done)
        self.assertEqual(3, len(self.manifest()))

    def test_resume_sends_a_differing_segment_again(self):
        self.upload()
        stored = self.swift.containers['images'][self.segment(2, self.path)]
        stored['etag'] = md5(b'other bytes of the same size')
        self.swift.sent.clear()
        upload = self.upload()
        self.assertEqual(
            [self.segment(2, self.path), 'disk.raw'],
            [name for _, name, _, _ in self.swift.puts()],
        )
        self.assertEqual(self.parts[1], self.swift.puts()[0][2])
        self.assertEqual(2, upload.reused)

    def test_resume_sends_a_short_segment_again(self):
        self.upload()
        stored = self.swift.containers['images'][self.segment(1, self.path)]
        stored['size'] = 10
        self.swift.sent.clear()
        self.upload()
        self.assertEqual(
            [self.segment(1, self.path), 'disk.raw'],
            [name for _, name, _, _ in self.swift.puts()],
        )

    def test_segment_etag_mismatch(self):
        self.swift.damaged.add(self.segment(2, self.path))
        error = self.assertRaises(exceptions.CommandError, self.upload)
        self.assertIn(
            f'Cannot upload segment 2 of 3 of {self.path} to '
            'images/disk.raw: the object storage stored data with '
            'MD5 ',
            str(error),
        )
        self.assertNotIn('disk.raw', self.swift.containers['images'])

    def test_store_without_static_large_objects(self):
        self.swift.slo = False
        error = self.assertRaises(exceptions.CommandError, self.upload)
        self.assertEqual(
            'Cannot write the manifest of images/disk.raw: this object '
            'storage stored the manifest as a plain object: it offers no '
            'Static Large Objects; upload with a segment size of at least '
            'the file size (at most 5 GiB)',
            str(error),
        )


class TestOneObjectPerFile(StoreTestCase):
    """Uploads of different files never write over each other."""

    def test_identity_tells_files_apart(self):
        os.mkdir(os.path.join(self.dir, 'a'))
        os.mkdir(os.path.join(self.dir, 'b'))
        first = self.write('a/disk.raw', b'same size')
        second = self.write('b/disk.raw', b'SAME SIZE')
        self.assertNotEqual(self.identity(first), self.identity(second))
        self.assertRegex(self.identity(first), '^[0-9a-f]{12}$')
        # The same file, unchanged, keeps its identity (a resumed upload).
        self.assertEqual(self.identity(first), self.identity(first))
        stat = os.stat(first)
        os.utime(first, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
        self.assertNotEqual(
            largeobject.file_identity(stat), self.identity(first)
        )
        self.assertEqual(
            'disk-0123456789ab.raw',
            largeobject.default_object_name('disk.raw', '0123456789ab'),
        )

    def test_another_files_object_is_refused_before_sending(self):
        other = self.write('other.raw', b'other bytes')
        transfer.upload(self.store, 'images', 'disk.raw', other)
        path = self.write('disk.raw', os.urandom(2 * MiB + 1))
        self.swift.sent.clear()
        error = self.assertRaises(
            objectstore.ObjectTaken,
            transfer.upload,
            self.store,
            'images',
            'disk.raw',
            path,
            segment_size=MiB,
        )
        self.assertEqual(
            f'Cannot upload {path} to images/disk.raw: the object storage '
            'already holds an object of that name that is not an upload of '
            'this file; choose another --object-name or --container',
            str(error),
        )
        self.assertEqual(
            [('HEAD', 'disk.raw')],
            [(m, n) for m, _, n, _, _ in self.swift.sent],
        )
        self.assertEqual(b'other bytes', self.swift.data('images', 'disk.raw'))

    def test_an_object_without_our_mark_is_refused(self):
        self.swift.containers['images']['disk.raw'] = {
            'size': 1,
            'etag': md5(b'x'),
            'data': b'x',
        }
        path = self.write('disk.raw', b'x')
        self.assertRaises(
            objectstore.ObjectTaken,
            transfer.upload,
            self.store,
            'images',
            'disk.raw',
            path,
        )
        self.assertEqual([], self.swift.puts())

    def test_this_files_object_is_written_again(self):
        # E.g. kept by --keep-upload: running again is not refused.
        path = self.write('disk.raw', os.urandom(2 * MiB + 1))
        transfer.upload(
            self.store, 'images', 'disk.raw', path, segment_size=MiB
        )
        self.swift.sent.clear()
        upload = transfer.upload(
            self.store, 'images', 'disk.raw', path, segment_size=MiB
        )
        self.assertEqual(3, upload.reused)
        [manifest_put] = self.object_puts()
        self.assertNotIn('If-None-Match', manifest_put.headers)

    def test_written_by_another_upload_meanwhile(self):
        path = self.write('disk.raw', os.urandom(MiB + 1))

        def race(done):
            if done == MiB:  # the last segment is sent: the other wins
                self.swift.containers['images']['disk.raw'] = {
                    'size': 1,
                    'etag': md5(b'x'),
                    'data': b'x',
                }

        error = self.assertRaises(
            objectstore.ObjectTaken,
            transfer.upload,
            self.store,
            'images',
            'disk.raw',
            path,
            segment_size=MiB,
            progress=race,
            concurrency=1,
        )
        self.assertEqual(
            'Cannot write the manifest of images/disk.raw: another upload '
            'wrote images/disk.raw meanwhile (HTTP 412); choose another '
            '--object-name or --container',
            str(error),
        )
        self.assertEqual(b'x', self.swift.data('images', 'disk.raw'))

    def test_a_file_changed_since_it_was_named(self):
        path = self.write('disk.raw', b'x')
        identity = self.identity(path)
        self.write('disk.raw', b'xy')
        error = self.assertRaises(
            exceptions.CommandError,
            transfer.upload,
            self.store,
            'images',
            'disk.raw',
            path,
            identity=identity,
        )
        self.assertEqual(
            f'{path} changed after it was checked: run the '
            'command again once nothing writes to it',
            str(error),
        )
        self.assertEqual([], self.swift.sent)

    def test_same_name_different_files_use_other_segments(self):
        first = self.write('disk.raw', os.urandom(MiB + 1))
        transfer.upload(
            self.store, 'images', 'first.raw', first, segment_size=MiB
        )
        second = self.write('second.raw', os.urandom(MiB + 1))
        transfer.upload(
            self.store, 'images', 'second.raw', second, segment_size=MiB
        )
        names = [n for _, n, _, _ in self.swift.puts() if '.segments/' in n]
        self.assertEqual(4, len(set(names)))


class TestWholeFileDigest(StoreTestCase):
    """The file's hash, computed in the reads the upload does anyway."""

    def setUp(self):
        super().setUp()
        self.data = os.urandom(3 * MiB + 7)
        self.path = self.write('disk.raw', self.data)

    def upload(self, **kwargs):
        return transfer.upload(
            self.store,
            'images',
            'disk.raw',
            self.path,
            digest='sha512',
            **kwargs,
        )

    def test_single_object(self):
        upload = self.upload(segment_size=4 * MiB)
        self.assertEqual(
            {'md5': md5(self.data), 'sha512': sha512(self.data)},
            upload.digests,
        )

    def test_md5_of_a_single_object_is_its_etag(self):
        upload = transfer.upload(
            self.store,
            'images',
            'disk.raw',
            self.path,
            digest='md5',
            segment_size=4 * MiB,
        )
        self.assertEqual({'md5': md5(self.data)}, upload.digests)

    def test_large_object(self):
        upload = self.upload(segment_size=MiB)
        self.assertEqual({'sha512': sha512(self.data)}, upload.digests)

    def test_resumed_segments_are_hashed_once(self):
        self.upload(segment_size=MiB)
        objects = self.swift.containers['images']
        del objects['disk.raw']
        del objects[self.segment(2, self.path)]
        # A stored segment with other bytes: read to check, then sent.
        objects[self.segment(3, self.path)]['etag'] = md5(b'other')
        upload = self.upload(segment_size=MiB)
        self.assertEqual(2, upload.reused)
        self.assertEqual({'sha512': sha512(self.data)}, upload.digests)

    def test_body_sent_twice_is_hashed_once(self):
        self.store.session.auth = RenewableToken()
        answers = [401]

        def expired_once(request, context):
            received = b''.join(request.body)
            context.status_code = answers.pop() if answers else 201
            context.headers['Etag'] = md5(received)
            return b''

        self.swift.mocker.register_uri(
            'PUT', ENDPOINT + '/images/disk.raw', content=expired_once
        )
        upload = self.upload(segment_size=4 * MiB)
        self.assertEqual(sha512(self.data), upload.digests['sha512'])

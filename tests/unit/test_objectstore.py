import hashlib
import hmac
import json
import logging
import os
import signal
import threading
import time
from unittest import mock
import urllib.parse

import fixtures
from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint
from osc_lib import exceptions
import requests
from requests_mock.contrib import fixture as requests_mock_fixture
import testtools

from imageplugin import objectstore
from tests.support import files
from tests.unit import base
from tests.unit.fakeswift import ENDPOINT
from tests.unit.fakeswift import FakeSwift
from tests.unit.fakeswift import md5

MiB = objectstore.MiB
KEY = 'a9c1e0f55b7d4a3f8e2c6b1d0f9e8a7c'


class StoreTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        mocker = self.useFixture(requests_mock_fixture.Fixture())
        self.swift = FakeSwift(mocker)
        self.swift.containers['images'] = {}
        session = ks_session.Session(
            auth=token_endpoint.Token(ENDPOINT, base.TOKEN))
        self.store = objectstore.ObjectStore(session, ENDPOINT + '/')
        self.dir = self.useFixture(fixtures.TempDir()).path

    def write(self, name, data):
        return files.write_file(self.dir, name, data)

    def identity(self, path):
        return objectstore.file_identity(os.stat(path))

    def segment(self, index, path, segment_size=MiB, name='disk.raw'):
        return objectstore.segment_name(name, self.identity(path),
                                        segment_size, index)

    def large_file(self, size):
        """disk.raw of ``size`` random bytes, and its 1 MiB ``parts``."""
        self.data = os.urandom(size)
        self.size = size
        self.path = self.write('disk.raw', self.data)
        self.parts = [self.data[i:i + MiB] for i in range(0, size, MiB)]

    def object_puts(self, name='disk.raw'):
        return [request for _, n, _, request in self.swift.puts()
                if n == name]


class TestSingleObject(StoreTestCase):

    def test_upload(self):
        data = os.urandom(3000)
        path = self.write('disk.raw', data)
        done = []
        upload = self.store.upload('images', 'disk.raw', path,
                                   progress=done.append)
        self.assertEqual(objectstore.Upload('images', 'disk.raw', 3000,
                                            md5(data), 0, 0,
                                            {'md5': md5(data)}), upload)
        [(container, name, body, request)] = self.swift.puts()
        self.assertEqual(('images', 'disk.raw', data),
                         (container, name, body))
        self.assertEqual(ENDPOINT + '/images/disk.raw', request.url)
        self.assertEqual('3000', request.headers['Content-Length'])
        self.assertNotIn('Transfer-Encoding', request.headers)
        self.assertEqual('application/octet-stream',
                         request.headers['Content-Type'])
        self.assertEqual(base.TOKEN, request.headers['X-Auth-Token'])
        self.assertEqual(self.identity(path),
                         request.headers[objectstore.IDENTITY_HEADER])
        self.assertEqual('*', request.headers['If-None-Match'])
        self.assertEqual([3000], done)

    def test_names_are_quoted(self):
        path = self.write('a', b'x')
        self.store.upload('images', 'my disk/v1?.raw', path)
        [(_, name, _, request)] = self.swift.puts()
        self.assertEqual('my disk/v1?.raw', name)
        self.assertEqual(ENDPOINT + '/images/my%20disk/v1%3F.raw',
                         request.url)

    def test_big_file_goes_in_chunks(self):
        data = os.urandom(2 * MiB + 5)
        path = self.write('disk.raw', data)
        done = []
        self.store.upload('images', 'disk.raw', path,
                          segment_size=4 * MiB, progress=done.append)
        self.assertEqual(data, self.swift.data('images', 'disk.raw'))
        self.assertEqual([MiB, 2 * MiB, 2 * MiB + 5], done)

    def test_etag_mismatch(self):
        path = self.write('disk.raw', b'image bytes')
        self.swift.damaged.add('disk.raw')
        stored, sent = md5(b'\0mage bytes'), md5(b'image bytes')
        error = self.assertRaises(exceptions.CommandError, self.store.upload,
                                  'images', 'disk.raw', path)
        self.assertEqual(
            f'Cannot upload {path} to images/disk.raw: the object storage '
            f'stored data with MD5 {stored}, but the MD5 of what was sent '
            f'is {sent}: the data was damaged on the way; run the command '
            'again', str(error))
        # Nothing damaged stays for a resumed upload to take as done.
        self.assertNotIn('disk.raw', self.swift.containers['images'])

    def test_missing_etag(self):
        path = self.write('disk.raw', b'image bytes')
        self.swift.without_etag = True
        error = self.assertRaises(exceptions.CommandError, self.store.upload,
                                  'images', 'disk.raw', path)
        self.assertEqual(
            f'Cannot upload {path} to images/disk.raw: the object storage '
            'answered without an ETag, so the upload cannot be verified',
            str(error))

    def test_file_shrinks_while_uploading(self):
        # Past what the read-ahead thread may have read already.
        size = (objectstore.READ_AHEAD + 4) * MiB
        path = self.write('disk.raw', os.urandom(size))

        def truncate(done):
            os.truncate(path, MiB + 1)

        error = self.assertRaises(exceptions.CommandError, self.store.upload,
                                  'images', 'disk.raw', path,
                                  segment_size=size, progress=truncate)
        self.assertEqual(f'{path} shrank while it was being uploaded: '
                         'upload it again once nothing writes to it',
                         str(error))

    def test_file_grows_while_uploading(self):
        path = self.write('disk.raw', os.urandom(2 * MiB))

        def append(done):
            if done == MiB:
                with open(path, 'ab') as file:
                    file.write(b'more')

        error = self.assertRaises(exceptions.CommandError, self.store.upload,
                                  'images', 'disk.raw', path,
                                  segment_size=4 * MiB, progress=append)
        self.assertEqual(f'{path} changed while it was being uploaded: '
                         'upload it again once nothing writes to it',
                         str(error))

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
            'PUT', ENDPOINT + '/images/disk.raw', content=expired_once)
        upload = self.store.upload('images', 'disk.raw', path)
        self.assertEqual(md5(data), upload.etag)
        puts = [r for r in self.swift.mocker.request_history
                if r.method == 'PUT']
        self.assertEqual(['token-1', 'token-2'],
                         [r.headers['X-Auth-Token'] for r in puts])

    def test_body_can_be_sent_again(self):
        # keystoneauth sends a request again after a 401 and a new token.
        path = self.write('disk.raw', os.urandom(MiB + 3))
        with open(path, 'rb') as file:
            body = objectstore._FileRange(file.fileno(), path, 2, MiB)
            first = b''.join(body)
            self.assertEqual(first, b''.join(body))
        self.assertEqual(MiB, len(first))
        self.assertEqual(md5(first), body.md5.hexdigest())
        self.assertIn(path, repr(body))

    def test_reader_stops_when_the_request_does(self):
        path = self.write('disk.raw', os.urandom(8 * MiB))
        with open(path, 'rb') as file:
            chunks = iter(objectstore._FileRange(file.fileno(), path, 0,
                                                 8 * MiB))
            next(chunks)
            chunks.close()  # what dropping the body does
        self.assertNotIn('imageplugin-read-ahead',
                         [thread.name for thread in threading.enumerate()])

    def test_connection_lost_while_sending(self):
        path = self.write('disk.raw', os.urandom(3 * MiB))

        def reset(request, context):
            next(iter(request.body))
            raise requests.exceptions.ConnectionError(
                'Connection aborted: Connection reset by peer')

        self.swift.mocker.register_uri(
            'PUT', ENDPOINT + '/images/disk.raw', content=reset)
        error = self.assertRaises(exceptions.CommandError, self.store.upload,
                                  'images', 'disk.raw', path)
        self.assertEqual(
            f'Cannot upload {path} to images/disk.raw: cannot reach the '
            f'object storage at {ENDPOINT}/images/disk.raw: connection reset',
            str(error))
        self.assertNotIn('imageplugin-read-ahead',
                         [thread.name for thread in threading.enumerate()])

    def test_invalid_segment_size(self):
        path = self.write('disk.raw', b'x')
        error = self.assertRaises(exceptions.CommandError, self.store.upload,
                                  'images', 'disk.raw', path,
                                  segment_size=1000)
        self.assertEqual('Invalid segment size 1000: it must be from 1 MiB '
                         'to 5 GiB', str(error))


class RenewableToken(token_endpoint.Token):
    """A token the session may renew after a 401, as a password's is."""

    def __init__(self):
        super().__init__(ENDPOINT, 'token-1')

    def invalidate(self):
        self.token = 'token-2'
        return True


class TestLargeObject(StoreTestCase):

    def setUp(self):
        super().setUp()
        self.large_file(2 * MiB + 100)

    def upload(self, **kwargs):
        return self.store.upload('images', 'disk.raw', self.path,
                                 segment_size=MiB, **kwargs)

    def manifest(self):
        [(_, _, body, request)] = [
            put for put in self.swift.puts() if put[1] == 'disk.raw']
        self.assertIn('multipart-manifest=put', request.url)
        return json.loads(body)

    def test_segments_and_manifest(self):
        upload = self.upload()
        # Segments go up at once, in any order; the manifest comes last.
        puts = sorted(self.swift.puts()[:3], key=lambda put: put[1]) + \
            self.swift.puts()[3:]
        self.assertEqual(
            [self.segment(1, self.path), self.segment(2, self.path),
             self.segment(3, self.path), 'disk.raw'],
            [name for _, name, _, _ in puts])
        self.assertEqual(
            f'disk.raw.segments/{self.identity(self.path)}/1048576/000001',
            puts[0][1])
        self.assertEqual(self.parts, [body for _, _, body, _ in puts[:3]])
        self.assertEqual(
            [str(len(part)) for part in self.parts],
            [request.headers['Content-Length'] for *_, request in puts[:3]])
        self.assertEqual(
            [{'path': 'images/' + self.segment(i + 1, self.path),
              'etag': md5(part), 'size_bytes': len(part)}
             for i, part in enumerate(self.parts)],
            self.manifest())
        slo_etag = md5(''.join(md5(p) for p in self.parts).encode())
        self.assertEqual(objectstore.Upload(
            'images', 'disk.raw', self.size, slo_etag, 3, 0), upload)
        # Segments are named after the file: never written over blindly.
        self.assertEqual(
            [None, None, None, '*'],
            [request.headers.get('If-None-Match') for *_, request in puts])

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
        self.assertEqual([self.segment(3, self.path), 'disk.raw'],
                         [name for _, name, _, _ in self.swift.puts()])
        self.assertEqual(2, upload.reused)
        self.assertEqual([MiB, 2 * MiB, self.size], done)
        self.assertEqual(3, len(self.manifest()))

    def test_resume_sends_a_differing_segment_again(self):
        self.upload()
        stored = self.swift.containers['images'][self.segment(2, self.path)]
        stored['etag'] = md5(b'other bytes of the same size')
        self.swift.sent.clear()
        upload = self.upload()
        self.assertEqual([self.segment(2, self.path), 'disk.raw'],
                         [name for _, name, _, _ in self.swift.puts()])
        self.assertEqual(self.parts[1], self.swift.puts()[0][2])
        self.assertEqual(2, upload.reused)

    def test_resume_sends_a_short_segment_again(self):
        self.upload()
        stored = self.swift.containers['images'][self.segment(1, self.path)]
        stored['size'] = 10
        self.swift.sent.clear()
        self.upload()
        self.assertEqual([self.segment(1, self.path), 'disk.raw'],
                         [name for _, name, _, _ in self.swift.puts()])

    def test_segment_etag_mismatch(self):
        self.swift.damaged.add(self.segment(2, self.path))
        error = self.assertRaises(exceptions.CommandError, self.upload)
        self.assertIn(f'Cannot upload segment 2 of 3 of {self.path} to '
                      'images/disk.raw: the object storage stored data with '
                      'MD5 ', str(error))
        self.assertNotIn('disk.raw', self.swift.containers['images'])

    def test_store_without_static_large_objects(self):
        self.swift.slo = False
        error = self.assertRaises(exceptions.CommandError, self.upload)
        self.assertEqual(
            'Cannot write the manifest of images/disk.raw: this object '
            'storage stored the manifest as a plain object: it offers no '
            'Static Large Objects; upload with a segment size of at least '
            'the file size (at most 5 GiB)', str(error))

    def test_segment_size_grows_for_huge_files(self):
        self.assertEqual(objectstore.DEFAULT_SEGMENT_SIZE,
                         objectstore.segment_size_for(
                             160 * objectstore.GiB,
                             objectstore.DEFAULT_SEGMENT_SIZE))
        self.assertEqual(2 * MiB,
                         objectstore.segment_size_for(1000 * MiB + 1, MiB))
        error = self.assertRaises(exceptions.CommandError,
                                  objectstore.segment_size_for,
                                  6000 * objectstore.GiB, MiB)
        self.assertEqual('The file is too big for the object storage: '
                         '6442450944000 bytes would need more than 1000 '
                         'segments of 5 GiB', str(error))


class TestDefaultSegmentSize(StoreTestCase):
    """Without a segment size, a file goes up in as many segments as are
    sent at once, of 32 to 256 MiB."""

    def test_from_the_size_alone(self):
        size_for = objectstore.default_segment_size
        self.assertEqual(32 * MiB, size_for(1))
        self.assertEqual(32 * MiB, size_for(256 * MiB))
        self.assertEqual(128 * MiB, size_for(objectstore.GiB))
        # Rounded up to whole MiB: never a ninth, tiny segment.
        self.assertEqual(129 * MiB, size_for(objectstore.GiB + 1))
        self.assertEqual(256 * MiB, size_for(2 * objectstore.GiB + 1))
        self.assertEqual(256 * MiB, size_for(160 * objectstore.GiB))

    def test_small_file_is_one_object(self):
        path = self.write('disk.raw', b'x' * MiB)
        upload = self.store.upload('images', 'disk.raw', path)
        self.assertEqual(0, upload.segments)
        self.assertEqual(['disk.raw'],
                         [name for _, name, _, _ in self.swift.puts()])

    def test_larger_file_is_cut_the_same_way_at_any_concurrency(self):
        self.large_file(32 * MiB + 1)
        upload = self.store.upload('images', 'disk.raw', self.path)
        self.assertEqual(2, upload.segments)
        self.assertEqual(
            [32 * MiB, 1],
            sorted((int(request.headers['Content-Length'])
                    for _, name, _, request in self.swift.puts()
                    if name != 'disk.raw'), reverse=True))
        del self.swift.containers['images']['disk.raw']
        resumed = self.store.upload('images', 'disk.raw', self.path,
                                    concurrency=1)
        self.assertEqual(2, resumed.reused)


class TestConcurrentSegments(StoreTestCase):
    """Segments sent several at once: same objects, checks and resume."""

    def setUp(self):
        super().setUp()
        self.large_file(8 * MiB + 3)

    def upload(self, **kwargs):
        kwargs.setdefault('concurrency', 4)
        return self.store.upload('images', 'disk.raw', self.path,
                                 segment_size=MiB, **kwargs)

    def stored_segments(self):
        prefix = objectstore.segments_prefix('disk.raw',
                                             self.identity(self.path))
        return sorted(name for name in self.swift.containers['images']
                      if name.startswith(prefix))

    def on_segment(self, index, handler):
        """Answer the PUTs of segment ``index`` with ``handler``."""
        self.swift.mocker.register_uri(
            'PUT', f'{ENDPOINT}/images/{self.segment(index, self.path)}',
            content=handler)

    def test_segments_are_sent_at_once(self):
        # requests-mock answers one request at a time, so the workers are
        # watched without it: only four at once get past the barrier.
        barrier = threading.Barrier(4, timeout=30)
        run = objectstore._Run(None, 8, 4)

        def send(index):
            barrier.wait()
            return index

        self.assertEqual(list(range(1, 9)), run.run(send))

    def test_segments_and_manifest(self):
        upload = self.upload(digest='sha512')
        self.assertEqual(
            [{'path': 'images/' + self.segment(i, self.path),
              'etag': md5(part), 'size_bytes': len(part)}
             for i, part in enumerate(self.parts, 1)],
            json.loads(self.swift.puts()[-1][2]))
        for index, part in enumerate(self.parts, 1):
            self.assertEqual(part, self.swift.data(
                'images', self.segment(index, self.path)))
        slo_etag = md5(''.join(md5(p) for p in self.parts).encode())
        self.assertEqual(objectstore.Upload(
            'images', 'disk.raw', self.size, slo_etag, 9, 0,
            {'sha512': sha512(self.data)}), upload)
        self.assertEqual(
            [], [t.name for t in threading.enumerate()
                 if t.name.startswith('imageplugin-')])

    def test_progress_adds_up_from_one_thread_at_a_time(self):
        done = []
        inside = threading.Lock()
        overlapped = []

        def progress(total):
            if not inside.acquire(blocking=False):
                overlapped.append(total)
                return
            try:
                done.append(total)
            finally:
                inside.release()

        self.upload(progress=progress)
        self.assertEqual([], overlapped)
        self.assertEqual(sorted(done), done)
        self.assertEqual(self.size, done[-1])

    def test_a_failing_segment_fails_the_upload_and_leaves_the_rest(self):
        def unavailable(request, context):
            b''.join(request.body)
            context.status_code = 503
            return b'Service Unavailable'

        self.on_segment(3, unavailable)
        error = self.assertRaises(exceptions.CommandError, self.upload)
        self.assertEqual(
            f'Cannot upload segment 3 of 9 of {self.path} to '
            'images/disk.raw: Service Unavailable (HTTP 503)', str(error))
        self.assertNotIn('disk.raw', self.swift.containers['images'])
        stored = self.stored_segments()
        self.assertNotIn(self.segment(3, self.path), stored)

        self.swift.mocker.register_uri(
            'PUT', f'{ENDPOINT}/images/{self.segment(3, self.path)}',
            content=self.swift._answer)
        self.swift.sent.clear()
        done = []
        upload = self.upload(progress=done.append)
        self.assertEqual(len(stored), upload.reused)
        self.assertEqual(
            sorted(set(self.stored_segments()) - set(stored)) + ['disk.raw'],
            sorted(name for _, name, _, _ in self.swift.puts()[:-1])
            + [self.swift.puts()[-1][1]])
        self.assertEqual(self.size, done[-1])
        self.assertEqual(md5(''.join(md5(p) for p in self.parts).encode()),
                         upload.etag)

    def test_the_first_failing_segment_is_told(self):
        self.swift.damaged.update(self.segment(i, self.path)
                                  for i in range(1, 10))
        error = self.assertRaises(exceptions.CommandError, self.upload)
        self.assertIn(f'Cannot upload segment 1 of 9 of {self.path} ',
                      str(error))
        self.assertNotIn('\n', str(error))

    def test_resume_checks_stored_segments_at_once(self):
        self.upload()
        del self.swift.containers['images']['disk.raw']
        stored = self.swift.containers['images'][self.segment(5, self.path)]
        stored['etag'] = md5(b'other bytes of the same size')
        self.swift.sent.clear()
        done = []
        upload = self.upload(progress=done.append, digest='sha512')
        self.assertEqual([self.segment(5, self.path), 'disk.raw'],
                         [name for _, name, _, _ in self.swift.puts()])
        self.assertEqual(8, upload.reused)
        self.assertEqual({'sha512': sha512(self.data)}, upload.digests)
        self.assertEqual(self.size, done[-1])

    def threads_left(self, within=30):
        """The names of our threads still alive after ``within`` s."""
        deadline = time.monotonic() + within
        while True:
            ours = [thread for thread in threading.enumerate()
                    if thread.name.startswith('imageplugin-')]
            if not ours or time.monotonic() > deadline:
                return [thread.name for thread in ours]
            for thread in ours:
                try:
                    thread.join(max(0.0, deadline - time.monotonic()))
                except RuntimeError:
                    # Listed while its start() was cut short by the
                    # interrupt: it runs in a moment.
                    time.sleep(0.01)

    def test_interrupted_upload_stops_and_resumes(self):
        if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            self.skipTest('SIGINT does not raise KeyboardInterrupt here')
        release = threading.Event()

        def interrupted(request, context):
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C
            release.wait(30)
            return self.swift._answer(request, context)

        self.on_segment(2, interrupted)
        done = []
        self.assertRaises(KeyboardInterrupt, self.upload, concurrency=2,
                          progress=done.append)
        reported = len(done)
        release.set()
        self.assertEqual([], self.threads_left())
        # Nothing is drawn once the upload was interrupted.
        self.assertEqual(reported, len(done))
        stored = self.stored_segments()
        # The segment being sent gave up: it is sent anew.
        self.assertNotIn(self.segment(2, self.path), stored)
        self.assertNotIn('disk.raw', self.swift.containers['images'])

        self.on_segment(2, self.swift._answer)
        upload = self.upload()
        self.assertEqual(len(stored), upload.reused)
        self.assertEqual(self.data, b''.join(
            self.swift.data('images', self.segment(i, self.path))
            for i in range(1, 10)))

    def test_invalid_concurrency(self):
        for count in (0, objectstore.MAX_CONCURRENCY + 1):
            error = self.assertRaises(exceptions.CommandError, self.upload,
                                      concurrency=count)
            self.assertEqual(
                f'Invalid upload concurrency {count}: it must be from 1 '
                f'to {objectstore.MAX_CONCURRENCY}', str(error))

    def test_buffers_stay_within_the_budget(self):
        self.assertEqual((objectstore.CHUNK_SIZE, objectstore.READ_AHEAD),
                         objectstore.buffers(1))
        for workers in range(2, objectstore.MAX_CONCURRENCY + 1):
            chunk_size, read_ahead = objectstore.buffers(workers)
            # One chunk each, read and sent in turn.
            self.assertEqual(0, read_ahead)
            self.assertLessEqual(workers * chunk_size,
                                 objectstore.PARALLEL_BUFFERS)
            self.assertGreaterEqual(chunk_size, objectstore.MIN_CHUNK_SIZE)


class TestDelete(StoreTestCase):

    def test_large_object_and_its_segments(self):
        data = os.urandom(MiB + 1)
        path = self.write('disk.raw', data)
        self.store.upload('images', 'disk.raw', path, segment_size=MiB)
        objects = self.swift.containers['images']
        # What an interrupted upload of this file cut another way left,
        # and what another file's upload of that name is writing.
        mine = self.segment(1, path, segment_size=2 * MiB)
        theirs = objectstore.segment_name('disk.raw', 'a1b2c3d4e5f6', MiB,
                                          1)
        for name in (mine, theirs, 'disk.raw.txt'):
            objects[name] = {'size': 1, 'etag': md5(b'x')}
        self.swift.sent.clear()
        self.assertTrue(self.store.delete('images', 'disk.raw',
                                          self.identity(path)))
        self.assertEqual(sorted([theirs, 'disk.raw.txt']), sorted(objects))
        deletes = [request for method, _, _, _, request in self.swift.sent
                   if method == 'DELETE']
        self.assertEqual(
            ENDPOINT + '/images/disk.raw?multipart-manifest=delete',
            deletes[0].url)

    def test_another_files_object_is_left_alone(self):
        path = self.write('disk.raw', b'x')
        self.store.upload('images', 'disk.raw', path)
        self.swift.sent.clear()
        error = self.assertRaises(exceptions.CommandError, self.store.delete,
                                  'images', 'disk.raw', 'a1b2c3d4e5f6')
        self.assertEqual(
            'Cannot delete images/disk.raw: it is no longer an upload of '
            'this file (another upload wrote it), so it was left alone',
            str(error))
        self.assertEqual(['HEAD'], [m for m, *_ in self.swift.sent])
        self.assertIn('disk.raw', self.swift.containers['images'])

    def test_plain_object(self):
        path = self.write('disk.raw', b'x')
        self.store.upload('images', 'disk.raw', path)
        self.assertTrue(self.store.delete('images', 'disk.raw'))
        self.assertEqual({}, self.swift.containers['images'])
        [delete] = [request for method, _, _, _, request in self.swift.sent
                    if method == 'DELETE']
        self.assertNotIn('multipart-manifest', delete.url)

    def test_missing_object(self):
        self.assertFalse(self.store.delete('images', 'disk.raw'))
        self.assertFalse(self.store.delete('gone', 'disk.raw'))

    def test_failed_segment_delete_is_reported(self):
        path = self.write('disk.raw', os.urandom(MiB + 1))
        self.store.upload('images', 'disk.raw', path, segment_size=MiB)
        segment = self.segment(1, path)
        self.swift.slo_delete_errors = [[f'/images/{segment}',
                                         '409 Conflict']]
        error = self.assertRaises(exceptions.CommandError,
                                  self.store.delete, 'images', 'disk.raw')
        self.assertEqual(
            'Cannot delete images/disk.raw: 400 Bad Request '
            f'(/images/{segment}: 409 Conflict)', str(error))


class TestContainer(StoreTestCase):

    def test_created_when_missing(self):
        self.assertTrue(self.store.ensure_container('new'))
        self.assertIn('new', self.swift.containers)
        self.assertEqual(['HEAD', 'PUT'],
                         [method for method, *_ in self.swift.sent])

    def test_existing(self):
        self.assertFalse(self.store.ensure_container('images'))
        self.assertEqual(['HEAD'], [method for method, *_ in self.swift.sent])

    def test_forbidden(self):
        self.swift.sent.clear()
        with mock.patch.object(self.swift, '_container',
                               side_effect=self.forbidden):
            error = self.assertRaises(exceptions.CommandError,
                                      self.store.ensure_container, 'images')
        self.assertEqual(
            'Cannot use container images: Forbidden. Your role in this '
            'project does not allow it in the object storage (Swift lets '
            'its operator roles, often member or admin, write) (HTTP 403)',
            str(error))

    def test_unauthorized(self):
        with mock.patch.object(self.swift, '_container',
                               side_effect=self.unauthorized):
            error = self.assertRaises(exceptions.CommandError,
                                      self.store.ensure_container, 'images')
        self.assertEqual(
            'Cannot use container images: Unauthorized. The object storage '
            'did not accept the token: check the credentials of your cloud '
            'profile (HTTP 401)', str(error))

    @staticmethod
    def forbidden(request, context, container):
        context.status_code = 403
        context.reason = 'Forbidden'
        return b''

    @staticmethod
    def unauthorized(request, context, container):
        context.status_code = 401
        context.reason = 'Unauthorized'
        return b''

    def test_invalid_name(self):
        for name in ('', 'a/b'):
            error = self.assertRaises(exceptions.CommandError,
                                      self.store.ensure_container, name)
            self.assertEqual(f"Invalid container name {name!r}: it may not "
                             "be empty or hold '/'", str(error))


class TestTempURL(StoreTestCase):

    def setUp(self):
        super().setUp()
        self.log = self.useFixture(fixtures.FakeLogger(level=logging.DEBUG))
        self.useFixture(fixtures.MockPatch(
            'imageplugin.objectstore.time.time', return_value=1700000000.4))

    def verify(self, url, key, lifetime):
        """Check a TempURL's signature as Swift's tempurl middleware does."""
        parts = urllib.parse.urlsplit(url)
        query = urllib.parse.parse_qs(parts.query)
        expires = query['temp_url_expires'][0]
        self.assertEqual(str(1700000000 + lifetime), expires)
        path = urllib.parse.unquote(parts.path)
        expected = hmac.new(key.encode(), f'GET\n{expires}\n{path}'.encode(),
                            hashlib.sha256).hexdigest()
        self.assertEqual([expected], query['temp_url_sig'])
        return path

    def test_signed_with_the_account_key(self):
        self.swift.account_meta['X-Account-Meta-Temp-URL-Key'] = KEY
        url = self.store.temp_url('images', 'my disk.raw', 3600)
        self.assertTrue(url.startswith(
            ENDPOINT + '/images/my%20disk.raw?temp_url_sig='), url)
        self.assertEqual('/v1/AUTH_test/images/my disk.raw',
                         self.verify(url, KEY, 3600))
        self.assertEqual(['HEAD'], [method for method, *_ in self.swift.sent])

    def test_second_key(self):
        self.swift.account_meta['X-Account-Meta-Temp-URL-Key-2'] = KEY
        self.verify(self.store.temp_url('images', 'a', 60), KEY, 60)

    def test_given_key(self):
        self.verify(self.store.temp_url('images', 'a', 60, key=KEY), KEY, 60)
        self.assertEqual([], self.swift.sent)

    def test_key_set_when_missing(self):
        url = self.store.temp_url('images', 'disk.raw', 600)
        key = self.swift.account_meta['X-Account-Meta-Temp-URL-Key']
        self.assertRegex(key, '^[0-9a-f]{64}$')
        self.verify(url, key, 600)
        self.assertEqual(['HEAD', 'POST', 'HEAD'],
                         [method for method, *_ in self.swift.sent])
        self.assertNotIn(key, self.log.output)
        self.assertNotIn(url.split('?')[1], self.log.output)
        # keystoneauth logs other requests: the silence is on purpose.
        self.store.ensure_container('new')
        self.assertIn('REQ: curl -g -i -X PUT', self.log.output)

    def test_key_never_in_errors(self):
        def refuse(request, context):
            # A server that quotes the request in its error.
            if request.method == 'HEAD':
                return b''
            context.status_code = 400
            return json.dumps({'message': str(request.headers)}).encode()

        with mock.patch.object(self.swift, '_account', side_effect=refuse):
            error = self.assertRaises(exceptions.CommandError,
                                      self.store.temp_url_key)
        [(_, _, _, _, post)] = [s for s in self.swift.sent if s[0] == 'POST']
        key = post.headers['X-Account-Meta-Temp-URL-Key']
        self.assertNotIn(key, str(error))
        self.assertIn('<redacted>', str(error))
        self.assertTrue(str(error).startswith(
            'Cannot set a TempURL key on the object storage account: '))

    def test_key_not_kept(self):
        def forgetful(request, context):
            context.status_code = 204
            return b''

        with mock.patch.object(self.swift, '_account', side_effect=forgetful):
            error = self.assertRaises(exceptions.CommandError,
                                      self.store.temp_url_key)
        self.assertEqual('Cannot set a TempURL key on the object storage '
                         'account: the account did not keep the key',
                         str(error))


class FakeClientManager:
    region_name = 'RegionOne'
    interface = None
    session = 'the session'

    def __init__(self, endpoint=None, override=None, catalog=True):
        self.endpoint = endpoint
        self.override = override
        self.auth_ref = object() if catalog else None
        self.asked = []

    def get_configuration(self):
        return {'object_store_endpoint_override': self.override}

    def get_endpoint_for_service_type(self, service_type, region_name,
                                      interface):
        self.asked.append((service_type, region_name, interface))
        if self.endpoint is ks_exc.EndpointNotFound:
            raise ks_exc.EndpointNotFound()
        return self.override or self.endpoint


class TestFromClientManager(testtools.TestCase):

    def test_catalog(self):
        instance = FakeClientManager(ENDPOINT)
        store = objectstore.ObjectStore.from_client_manager(instance)
        self.assertEqual((ENDPOINT, 'the session'),
                         (store.endpoint, store.session))
        self.assertEqual([('object-store', 'RegionOne', 'public')],
                         instance.asked)

    def test_override_without_catalog(self):
        instance = FakeClientManager(override=ENDPOINT, catalog=False)
        store = objectstore.ObjectStore.from_client_manager(instance)
        self.assertEqual(ENDPOINT, store.endpoint)

    def test_override_is_the_profile_region_only(self):
        """Rackspace's copy: the other region's Cloud Files come from the
        catalog, not from the profile's override."""
        instance = FakeClientManager(override=ENDPOINT)
        instance.auth_ref = mock.Mock()
        url_for = instance.auth_ref.service_catalog.url_for
        url_for.return_value = 'http://127.0.0.2:8080/v1/AUTH_two'
        store = objectstore.ObjectStore.from_client_manager(instance,
                                                            'RegionTwo')
        self.assertEqual('http://127.0.0.2:8080/v1/AUTH_two', store.endpoint)
        url_for.assert_called_once_with(service_type='object-store',
                                        region_name='RegionTwo',
                                        interface='public')
        self.assertEqual([], instance.asked)

    def test_no_endpoint(self):
        for endpoint in (None, ks_exc.EndpointNotFound):
            error = self.assertRaises(
                exceptions.CommandError,
                objectstore.ObjectStore.from_client_manager,
                FakeClientManager(endpoint))
            self.assertEqual(
                'Cannot find the object storage: the catalog has no public '
                'object-store endpoint in region RegionOne; choose another '
                'with --os-region-name or --os-interface, or set '
                'object_store_endpoint_override in clouds.yaml', str(error))

    def test_token_and_endpoint_have_no_catalog(self):
        error = self.assertRaises(
            exceptions.CommandError,
            objectstore.ObjectStore.from_client_manager,
            FakeClientManager(ENDPOINT, catalog=False))
        self.assertEqual(
            'Cannot find the object storage: a token given with '
            '--os-endpoint comes with no service catalog; set '
            'object_store_endpoint_override in clouds.yaml, or use a '
            'profile that logs in', str(error))

    def test_identity_unreachable(self):
        class Unreachable(FakeClientManager):
            @property
            def auth_ref(self):
                raise ks_exc.ConnectFailure(
                    'Unable to establish connection to '
                    'http://127.0.0.1:5000/v3/auth/tokens: Connection refused')

            @auth_ref.setter
            def auth_ref(self, value):
                pass

        error = self.assertRaises(
            exceptions.CommandError,
            objectstore.ObjectStore.from_client_manager,
            Unreachable(ENDPOINT))
        self.assertEqual(
            'Cannot find the object storage: cannot reach the identity '
            'service at http://127.0.0.1:5000/v3/auth/tokens: connection '
            'refused', str(error))


def sha512(data):
    return hashlib.sha512(data).hexdigest()


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
        self.assertNotEqual(objectstore.file_identity(stat),
                            self.identity(first))
        self.assertEqual('disk-0123456789ab.raw',
                         objectstore.default_object_name('disk.raw',
                                                         '0123456789ab'))

    def test_another_files_object_is_refused_before_sending(self):
        other = self.write('other.raw', b'other bytes')
        self.store.upload('images', 'disk.raw', other)
        path = self.write('disk.raw', os.urandom(2 * MiB + 1))
        self.swift.sent.clear()
        error = self.assertRaises(objectstore.ObjectTaken, self.store.upload,
                                  'images', 'disk.raw', path,
                                  segment_size=MiB)
        self.assertEqual(
            f'Cannot upload {path} to images/disk.raw: the object storage '
            'already holds an object of that name that is not an upload of '
            'this file; choose another --object-name or --container',
            str(error))
        self.assertEqual([('HEAD', 'disk.raw')],
                         [(m, n) for m, _, n, _, _ in self.swift.sent])
        self.assertEqual(b'other bytes', self.swift.data('images',
                                                         'disk.raw'))

    def test_an_object_without_our_mark_is_refused(self):
        self.swift.containers['images']['disk.raw'] = {
            'size': 1, 'etag': md5(b'x'), 'data': b'x'}
        path = self.write('disk.raw', b'x')
        self.assertRaises(objectstore.ObjectTaken, self.store.upload,
                          'images', 'disk.raw', path)
        self.assertEqual([], self.swift.puts())

    def test_this_files_object_is_written_again(self):
        # E.g. kept by --keep-upload: running again is not refused.
        path = self.write('disk.raw', os.urandom(2 * MiB + 1))
        self.store.upload('images', 'disk.raw', path, segment_size=MiB)
        self.swift.sent.clear()
        upload = self.store.upload('images', 'disk.raw', path,
                                   segment_size=MiB)
        self.assertEqual(3, upload.reused)
        [manifest_put] = self.object_puts()
        self.assertNotIn('If-None-Match', manifest_put.headers)

    def test_written_by_another_upload_meanwhile(self):
        path = self.write('disk.raw', os.urandom(MiB + 1))

        def race(done):
            if done == MiB:  # the last segment is sent: the other wins
                self.swift.containers['images']['disk.raw'] = {
                    'size': 1, 'etag': md5(b'x'), 'data': b'x'}

        error = self.assertRaises(objectstore.ObjectTaken, self.store.upload,
                                  'images', 'disk.raw', path,
                                  segment_size=MiB, progress=race,
                                  concurrency=1)
        self.assertEqual(
            'Cannot write the manifest of images/disk.raw: another upload '
            'wrote images/disk.raw meanwhile (HTTP 412); choose another '
            '--object-name or --container', str(error))
        self.assertEqual(b'x', self.swift.data('images', 'disk.raw'))

    def test_a_file_changed_since_it_was_named(self):
        path = self.write('disk.raw', b'x')
        identity = self.identity(path)
        self.write('disk.raw', b'xy')
        error = self.assertRaises(exceptions.CommandError, self.store.upload,
                                  'images', 'disk.raw', path,
                                  identity=identity)
        self.assertEqual(f'{path} changed after it was checked: run the '
                         'command again once nothing writes to it',
                         str(error))
        self.assertEqual([], self.swift.sent)

    def test_same_name_different_files_use_other_segments(self):
        first = self.write('disk.raw', os.urandom(MiB + 1))
        self.store.upload('images', 'first.raw', first, segment_size=MiB)
        second = self.write('second.raw', os.urandom(MiB + 1))
        self.store.upload('images', 'second.raw', second, segment_size=MiB)
        names = [n for _, n, _, _ in self.swift.puts() if '.segments/' in n]
        self.assertEqual(4, len(set(names)))


class TestWholeFileDigest(StoreTestCase):
    """The file's hash, computed in the reads the upload does anyway."""

    def setUp(self):
        super().setUp()
        self.data = os.urandom(3 * MiB + 7)
        self.path = self.write('disk.raw', self.data)

    def upload(self, **kwargs):
        return self.store.upload('images', 'disk.raw', self.path,
                                 digest='sha512', **kwargs)

    def test_single_object(self):
        upload = self.upload(segment_size=4 * MiB)
        self.assertEqual({'md5': md5(self.data),
                          'sha512': sha512(self.data)}, upload.digests)

    def test_md5_of_a_single_object_is_its_etag(self):
        upload = self.store.upload('images', 'disk.raw', self.path,
                                   digest='md5', segment_size=4 * MiB)
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
            'PUT', ENDPOINT + '/images/disk.raw', content=expired_once)
        upload = self.upload(segment_size=4 * MiB)
        self.assertEqual(sha512(self.data), upload.digests['sha512'])

# SPDX-License-Identifier: Apache-2.0
"""Segments sent several at once (``imageplugin.segmentrun``), through
``transfer.upload``: the same objects, checks and resume as one at a
time, within the buffer budget, and stopped by Ctrl-C."""

import json
import os
import signal
import threading
import time

from osc_lib import exceptions

from imageplugin import bodies
from imageplugin import largeobject
from imageplugin import objectstore
from imageplugin import segmentrun
from imageplugin import transfer
from tests.unit import base
from tests.unit.fakeswift import ENDPOINT
from tests.unit.fakeswift import MiB
from tests.unit.fakeswift import StoreTestCase
from tests.unit.fakeswift import md5
from tests.unit.fakeswift import sha512


class TestConcurrentSegments(StoreTestCase):
    """Segments sent several at once: same objects, checks and resume."""

    def setUp(self):
        super().setUp()
        self.large_file(8 * MiB + 3)

    def upload(self, **kwargs):
        kwargs.setdefault('concurrency', 4)
        return transfer.upload(
            self.store,
            'images',
            'disk.raw',
            self.path,
            segment_size=MiB,
            **kwargs,
        )

    def stored_segments(self):
        prefix = largeobject.segments_prefix(
            'disk.raw', self.identity(self.path)
        )
        return sorted(
            name
            for name in self.swift.containers['images']
            if name.startswith(prefix)
        )

    def on_segment(self, index, handler):
        """Answer the PUTs of segment ``index`` with ``handler``."""
        self.swift.mocker.register_uri(
            'PUT',
            f'{ENDPOINT}/images/{self.segment(index, self.path)}',
            content=handler,
        )

    def test_segments_are_sent_at_once(self):
        # requests-mock answers one request at a time, so the workers are
        # watched without it: only four at once get past the barrier.
        barrier = threading.Barrier(4, timeout=30)
        run = segmentrun.SegmentRun(None, 8, 4)

        def send(index):
            barrier.wait()
            return index

        self.assertEqual(list(range(1, 9)), run.run(send))

    def test_segments_and_manifest(self):
        upload = self.upload(digest='sha512')
        self.assertEqual(
            [
                {
                    'path': 'images/' + self.segment(i, self.path),
                    'etag': md5(part),
                    'size_bytes': len(part),
                }
                for i, part in enumerate(self.parts, 1)
            ],
            json.loads(self.swift.puts()[-1][2]),
        )
        for index, part in enumerate(self.parts, 1):
            self.assertEqual(
                part, self.swift.data('images', self.segment(index, self.path))
            )
        slo_etag = md5(''.join(md5(p) for p in self.parts).encode())
        self.assertEqual(
            transfer.Upload(
                'images',
                'disk.raw',
                self.size,
                slo_etag,
                9,
                0,
                {'sha512': sha512(self.data)},
            ),
            upload,
        )
        self.assertEqual(
            [],
            [
                t.name
                for t in threading.enumerate()
                if t.name.startswith('imageplugin-')
            ],
        )

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
            'images/disk.raw: Service Unavailable (HTTP 503)',
            str(error),
        )
        self.assertNotIn('disk.raw', self.swift.containers['images'])
        stored = self.stored_segments()
        self.assertNotIn(self.segment(3, self.path), stored)

        self.swift.mocker.register_uri(
            'PUT',
            f'{ENDPOINT}/images/{self.segment(3, self.path)}',
            content=self.swift._answer,
        )
        self.swift.sent.clear()
        done = []
        upload = self.upload(progress=done.append)
        self.assertEqual(len(stored), upload.reused)
        self.assertEqual(
            sorted(set(self.stored_segments()) - set(stored)) + ['disk.raw'],
            sorted(name for _, name, _, _ in self.swift.puts()[:-1])
            + [self.swift.puts()[-1][1]],
        )
        self.assertEqual(self.size, done[-1])
        self.assertEqual(
            md5(''.join(md5(p) for p in self.parts).encode()), upload.etag
        )

    def test_the_first_failing_segment_is_told(self):
        self.swift.damaged.update(
            self.segment(i, self.path) for i in range(1, 10)
        )
        error = self.assertRaises(exceptions.CommandError, self.upload)
        self.assertIn(
            f'Cannot upload segment 1 of 9 of {self.path} ', str(error)
        )
        self.assertNotIn('\n', str(error))

    def test_resume_checks_stored_segments_at_once(self):
        self.upload()
        del self.swift.containers['images']['disk.raw']
        stored = self.swift.containers['images'][self.segment(5, self.path)]
        stored['etag'] = md5(b'other bytes of the same size')
        self.swift.sent.clear()
        done = []
        upload = self.upload(progress=done.append, digest='sha512')
        self.assertEqual(
            [self.segment(5, self.path), 'disk.raw'],
            [name for _, name, _, _ in self.swift.puts()],
        )
        self.assertEqual(8, upload.reused)
        self.assertEqual({'sha512': sha512(self.data)}, upload.digests)
        self.assertEqual(self.size, done[-1])

    def threads_left(self, within=30):
        """The names of our threads still alive after ``within`` s."""
        deadline = time.monotonic() + within
        while True:
            ours = [
                thread
                for thread in threading.enumerate()
                if thread.name.startswith('imageplugin-')
            ]
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
        base.with_python_sigint(self)
        release = threading.Event()

        def interrupted(request, context):
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C
            release.wait(30)
            return self.swift._answer(request, context)

        self.on_segment(2, interrupted)
        done = []
        self.assertRaises(
            KeyboardInterrupt, self.upload, concurrency=2, progress=done.append
        )
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
        self.assertEqual(
            self.data,
            b''.join(
                self.swift.data('images', self.segment(i, self.path))
                for i in range(1, 10)
            ),
        )

    def test_invalid_concurrency(self):
        for count in (0, objectstore.MAX_CONCURRENCY + 1):
            error = self.assertRaises(
                exceptions.CommandError, self.upload, concurrency=count
            )
            self.assertEqual(
                f'Invalid upload concurrency {count}: it must be from 1 '
                f'to {objectstore.MAX_CONCURRENCY}',
                str(error),
            )

    def test_buffers_stay_within_the_budget(self):
        self.assertEqual(
            (bodies.CHUNK_SIZE, bodies.READ_AHEAD), segmentrun.buffers(1)
        )
        for workers in range(2, objectstore.MAX_CONCURRENCY + 1):
            chunk_size, read_ahead = segmentrun.buffers(workers)
            # One chunk each, read and sent in turn.
            self.assertEqual(0, read_ahead)
            self.assertLessEqual(
                workers * chunk_size, segmentrun.PARALLEL_BUFFERS
            )
            self.assertGreaterEqual(chunk_size, segmentrun.MIN_CHUNK_SIZE)

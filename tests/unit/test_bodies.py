# SPDX-License-Identifier: Apache-2.0
"""Request bodies of ``imageplugin.bodies``: file ranges sent again, and
their read-ahead thread."""

import os
import threading

from imageplugin import bodies
from tests.unit.fakeswift import MiB
from tests.unit.fakeswift import StoreTestCase
from tests.unit.fakeswift import md5


class TestFileRange(StoreTestCase):
    def test_body_can_be_sent_again(self):
        # keystoneauth sends a request again after a 401 and a new token.
        path = self.write('disk.raw', os.urandom(MiB + 3))
        with open(path, 'rb') as file:
            body = bodies.FileRange(file.fileno(), path, 2, MiB)
            first = b''.join(body)
            self.assertEqual(first, b''.join(body))
        self.assertEqual(MiB, len(first))
        self.assertEqual(md5(first), body.md5.hexdigest())
        self.assertIn(path, repr(body))

    def test_reader_stops_when_the_request_does(self):
        path = self.write('disk.raw', os.urandom(8 * MiB))
        with open(path, 'rb') as file:
            chunks = iter(bodies.FileRange(file.fileno(), path, 0, 8 * MiB))
            next(chunks)
            chunks.close()  # what dropping the body does
        self.assertNotIn(
            'imageplugin-read-ahead',
            [thread.name for thread in threading.enumerate()],
        )

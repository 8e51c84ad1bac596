# SPDX-License-Identifier: Apache-2.0
"""Swift's proxy stopped before or during an ``import --file`` upload."""

import json
import os
import re
import time

import fixtures

from imageplugin import largeobject
from tests.faults import base
from tests.support.files import MiB
from tests.support.files import random_file

SEGMENTS = 10
SEGMENT_SIZE = 32 * MiB


class TestSwiftDown(base.FaultTestCase):
    def test_upload_while_swift_is_down(self):
        name = self.unique_name()
        self.addCleanup(self.delete_container, name)
        before = set(self.task_ids())
        self.stop_service('swift-proxy')
        result = self.openstack(
            'image',
            'task',
            'import',
            '--file',
            self.sample('sample.qcow2')['path'],
            '--name',
            name,
            '--container',
            name,
            '--wait',
            '-f',
            'json',
        )
        self.assertFailsWith(
            result,
            'Cannot read the object storage account: cannot reach '
            'the object storage at '
            f'{self.cloud["admin_swift_storage_url"]}: connection refused',
        )
        self.assertEqual([], self.new_tasks_named(before, name))

    def test_upload_cut_by_a_proxy_stop_resumes(self):
        folder = self.useFixture(fixtures.TempDir()).path
        path, md5 = random_file(
            folder, 'disk.raw', SEGMENTS * SEGMENT_SIZE, algorithm='md5'
        )
        name = self.unique_name()
        self.addCleanup(self.delete_images_named, name)
        self.addCleanup(self.delete_container, name)
        # Two at once: the stop below comes while most segments are
        # still to be sent (eight at once could all be done by then).
        args = (
            'image',
            'task',
            'import',
            '--file',
            path,
            '--name',
            name,
            '--container',
            name,
            '--segment-size',
            '32M',
            '--upload-concurrency',
            '2',
            '--wait',
            '-f',
            'json',
        )
        # Where the plugin puts this file's upload (named after it).
        identity = largeobject.file_identity(os.stat(path))
        upload = largeobject.default_object_name('disk.raw', identity)
        segments = largeobject.segments_prefix(upload, identity)

        running = self.start(*args)
        deadline = time.monotonic() + 120
        while not any(n.startswith(segments) for n in self.objects(name)):
            self.assertIsNone(running.proc.poll(), running.stderr)
            self.assertLess(
                time.monotonic(), deadline, 'no segment stored within 120 s'
            )
            time.sleep(0.05)
        self.stop_service('swift-proxy')
        first = self.finished(running)
        self.assertEqual((1, ''), (first.exit_code, first.stdout), first)
        where = re.escape(
            f'{self.cloud["admin_swift_storage_url"]}/{name}'
            f'/{segments}{SEGMENT_SIZE}/'
        )
        manifest = re.escape(
            f'{self.cloud["admin_swift_storage_url"]}/{name}/{upload}'
        )
        self.assertRegex(
            first.stderr,
            '^Cannot (((upload segment [0-9]+ of 10 of '
            f'{re.escape(path)} to {re.escape(f"{name}/{upload}")}|check '
            f'segment {re.escape(segments)}[0-9]+/[0-9]{{6}}): cannot reach '
            f'the object storage at {where}[0-9]{{6}})|'
            # A slow stop can come after the last segment.
            f'write the manifest of {re.escape(f"{name}/{upload}")}: '
            f'cannot reach the object storage at {manifest}): connection '
            '(refused|reset|failed)\\. The segments stored so far stay '
            f'under {re.escape(f"{name}/{segments}")}: run the same command '
            'again to resume the upload\\.\n\\Z',
        )

        self.start_service('swift-proxy')
        stored = [n for n in self.objects(name) if n.startswith(segments)]
        self.assertTrue(1 <= len(stored) <= SEGMENTS, stored)
        self.assertEqual(len(stored), len(set(stored)))
        result = self.openstack(*args)
        self.assertEqual(0, result.exit_code, result)
        task = json.loads(result.stdout)
        self.assertEqual(
            f'Resumed the upload: {len(stored)} of {SEGMENTS} segments were '
            'already stored.\nVerified image '
            f'{task["result"]["image_id"]}: its sha512 (os_hash_value) '
            f'matches the {SEGMENTS * SEGMENT_SIZE} bytes read from {path}; '
            'disk format raw, container format bare, as meant.\n',
            result.stderr,
        )
        self.assertEqual('success', task['status'])
        image = self.get_json(
            f'{self.glance_v2}/images/{task["result"]["image_id"]}'
        )
        self.assertEqual(
            ('active', SEGMENTS * SEGMENT_SIZE, md5),
            (image['status'], image['size'], image['checksum']),
        )
        # The upload and every segment, old and new, are gone.
        self.assertEqual([], self.objects(name))

    def test_file_written_during_the_upload_leaves_nothing(self):
        folder = self.useFixture(fixtures.TempDir()).path
        path, _ = random_file(
            folder, 'disk.raw', SEGMENTS * SEGMENT_SIZE, algorithm='md5'
        )
        name = self.unique_name()
        self.addCleanup(self.delete_container, name)
        before = set(self.task_ids())
        identity = largeobject.file_identity(os.stat(path))
        segments = largeobject.segments_prefix(
            largeobject.default_object_name('disk.raw', identity), identity
        )

        # Two at once: the write below comes while most segments are
        # still to be sent.
        running = self.start(
            'image',
            'task',
            'import',
            '--file',
            path,
            '--name',
            name,
            '--container',
            name,
            '--segment-size',
            '32M',
            '--upload-concurrency',
            '2',
            '--wait',
            '-f',
            'json',
        )
        deadline = time.monotonic() + 120
        while not any(n.startswith(segments) for n in self.objects(name)):
            self.assertIsNone(running.proc.poll(), running.stderr)
            self.assertLess(
                time.monotonic(), deadline, 'no segment stored within 120 s'
            )
            time.sleep(0.05)
        with open(path, 'ab') as file:
            file.write(b'written meanwhile')
        result = self.finished(running)
        self.assertEqual(
            (
                1,
                '',
                f'{path} changed while it was being uploaded: upload it '
                'again once nothing writes to it. Nothing of it stays in the '
                'object storage.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertEqual([], self.objects(name))
        self.assertEqual([], self.new_tasks_named(before, name))

# SPDX-License-Identifier: Apache-2.0
"""``image task import --file`` through the local cloud's real Swift.

Glance imports the upload through a Swift TempURL (the upstream dialect).
"""

import json
import os
import signal
import uuid

import fixtures

from imageplugin import largeobject
from tests.functional import base
from tests.support.files import MiB
from tests.support.files import random_file


class TestUpload(base.FunctionalTestCase):
    def setUp(self):
        super().setUp()
        self.folder = self.useFixture(fixtures.TempDir()).path
        self.container = 'func-' + uuid.uuid4().hex[:8]
        self.addCleanup(
            self.openstack,
            'container',
            'delete',
            '--recursive',
            self.container,
        )

    def objects(self):
        """Names in the test's container, straight from Swift."""
        listed = self.cloud.request(
            'GET',
            f'{self.cloud["admin_swift_storage_url"]}/'
            f'{self.container}?format=json',
        )
        self.assertEqual(200, listed.status_code, listed.text)
        return [o['name'] for o in listed.json()]

    def test_segmented_upload_is_imported_and_cleaned_up(self):
        # Four segments, three at once.
        path, sha256 = random_file(self.folder, 'disk.raw', 304 * MiB)
        result = self.openstack(
            'image',
            'task',
            'import',
            '--file',
            path,
            '--name',
            'uploaded',
            '--container',
            self.container,
            '--segment-size',
            '100M',
            '--upload-concurrency',
            '3',
            '--wait',
            '-f',
            'json',
        )
        self.assertEqual(0, result.exit_code, result)
        task = result.json()
        self.assertEqual('success', task['status'])
        self.assertEqual(
            f'Verified image {task["result"]["image_id"]}: its '
            f'sha512 (os_hash_value) matches the {304 * MiB} '
            f'bytes read from {path}; disk format raw, '
            'container format bare, as meant.\n',
            result.stderr,
        )
        self.assertIn('temp_url_sig=<redacted>', task['input']['import_from'])
        image_id = task['result']['image_id']
        self.addCleanup(self.delete_image, image_id)
        self.assertEqual(sha256, self.image_bytes_sha256(image_id))
        self.assertEqual([], self.objects())

    def test_interrupted_upload_resumes(self):
        path, sha256 = random_file(self.folder, 'disk.raw', 640 * MiB)
        identity = largeobject.file_identity(os.stat(path))
        name = largeobject.default_object_name('disk.raw', identity)
        segments = largeobject.segments_prefix(
            f'{self.container}/{name}', identity
        )
        args = [
            'image',
            'task',
            'import',
            '--file',
            path,
            '--container',
            self.container,
            '--segment-size',
            '64M',
            '--upload-concurrency',
            '4',
            '--wait',
            '-f',
            'json',
        ]
        # On a terminal the plugin draws its progress (every 0.25 s). Four
        # segments go up at once: a bar between 41% and 89%
        # means more than four segments' bytes were sent, so one is
        # stored, and the upload has a segment or more to go when Ctrl-C
        # comes, with segments in flight that the next run sends again.
        first = base.Running(
            [self.executable, '--os-cloud', 'local-admin', *args],
            self.env,
            stderr_on_pty=True,
        )
        self.addCleanup(first.kill)
        first.wait_for_stderr(
            r'Uploading disk\.raw: [0-9.]+ MiB of 640\.0 '
            r'MiB \((4[1-9]|[5-8][0-9])%\)',
            timeout=120,
        )
        first.proc.send_signal(signal.SIGINT)
        interrupted = first.finish(timeout=60)
        self.assertEqual(
            (130, ''), (interrupted.exit_code, interrupted.stdout), interrupted
        )
        self.assertTrue(
            interrupted.stderr.endswith(
                base.CLEAR_LINE + 'Upload interrupted. The segments stored so '
                f'far stay under {segments}: run the same command again to '
                'resume the upload.\n'
            ),
            interrupted.stderr,
        )

        result = self.openstack(*args)
        self.assertEqual(0, result.exit_code, result)
        first_line, *rest = result.stderr.splitlines()
        self.assertRegex(
            first_line,
            r'^Resumed the upload: [1-9] of 10 '
            'segments were already stored\\.$',
        )
        task = result.json()
        self.assertEqual(
            [
                f'Verified image {task["result"]["image_id"]}: '
                f'its sha512 (os_hash_value) matches the '
                f'{640 * MiB} bytes read from {path}; disk format '
                'raw, container format bare, as meant.'
            ],
            rest,
        )
        self.addCleanup(self.delete_image, task['result']['image_id'])
        self.assertEqual(
            sha256, self.image_bytes_sha256(task['result']['image_id'])
        )
        self.assertEqual([], self.objects())

    def test_same_named_files_imported_at_once(self):
        # a/disk.raw and b/disk.raw into the default container, together:
        # each upload has its own object and segments.
        files = []
        for folder in ('a', 'b'):
            os.mkdir(os.path.join(self.folder, folder))
            path, md5 = random_file(
                os.path.join(self.folder, folder),
                'disk.raw',
                48 * MiB,
                algorithm='md5',
            )
            files.append((path, md5))
        runs = []
        for path, _ in files:
            running = base.Running(
                [
                    self.executable,
                    '--os-cloud',
                    'local-admin',
                    'image',
                    'task',
                    'import',
                    '--file',
                    path,
                    '--segment-size',
                    '16M',
                    '--wait',
                    '-f',
                    'json',
                ],
                self.env,
            )
            self.addCleanup(running.kill)
            runs.append(running)
        for (path, md5), running in zip(files, runs, strict=True):
            result = running.finish(timeout=base.COMMAND_TIMEOUT)
            self.assertEqual(0, result.exit_code, result)
            image_id = result.json()['result']['image_id']
            self.addCleanup(self.delete_image, image_id)
            self.assertEqual(
                f'Verified image {image_id}: its sha512 '
                f'(os_hash_value) matches the {48 * MiB} bytes '
                f'read from {path}; disk format raw, container '
                'format bare, as meant.\n',
                result.stderr,
            )
            image = json.loads(
                self.assertSucceeds(
                    self.openstack('image', 'show', image_id, '-f', 'json')
                )
            )
            self.assertEqual(md5, image['checksum'])

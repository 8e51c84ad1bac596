# SPDX-License-Identifier: Apache-2.0
"""A member of a project imports through interoperable image import.

The tasks API of the local Glance is admin-only, as upstream's default
policy has it: ``image task import`` then creates the image and imports
it by web-download (a URL) or glance-direct (a --file).
"""

import json
import os
import re
import signal
import uuid

from tests.functional import base

MEMBER = 'local-member'
TIMES = ('created_at', 'updated_at', 'expires_at')
# How the tasks API spells a time, and so every command of ours.
UTC_TIME = r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ'


class InteropTestCase(base.FunctionalTestCase):
    def setUp(self):
        super().setUp()
        self.name = f'interop-{uuid.uuid4().hex[:8]}'
        self.addCleanup(self.delete_images_named, self.name)

    def member(self, *args):
        return self.openstack(*args, cloud=MEMBER)

    def images_named(self, name):
        return self.member(
            'image', 'list', '--name', name, '-f', 'value', '-c', 'ID'
        ).stdout.split()

    def delete_images_named(self, name):
        for image_id in self.images_named(name):
            self.member('image', 'delete', image_id)

    def assertActiveWithBytesOf(self, task, sample):
        self.assertEqual(
            ('success', 'api_image_import'), (task['status'], task['type'])
        )
        image = self.member(
            'image', 'show', task['image_id'], '-f', 'json'
        ).json()
        self.assertEqual(
            (
                'active',
                self.name,
                sample['disk_format'],
                self.cloud['member']['project_id'],
            ),
            (
                image['status'],
                image['name'],
                image['disk_format'],
                image['owner'],
            ),
        )
        self.assertEqual(sample['md5'], image['checksum'])
        self.assertEqual(
            sample['sha256'], self.image_bytes_sha256(task['image_id'])
        )


class TestImport(InteropTestCase):
    def test_url(self):
        sample = self.sample('sample.qcow2')
        task = json.loads(
            self.assertSucceeds(
                self.member(
                    'image',
                    'task',
                    'import',
                    '--import-from',
                    sample['url'],
                    '--name',
                    self.name,
                    '--min-disk',
                    '1',
                    '--wait',
                    '-f',
                    'json',
                )
            )
        )
        self.assertActiveWithBytesOf(task, sample)
        self.assertEqual(
            'web-download', task['input']['import_req']['method']['name']
        )
        # The same times through the image (the member's import above,
        # show and list --long) as through the admin's tasks API.
        times = {name: task[name] for name in TIMES}
        self.assertTrue(
            all(re.fullmatch(UTC_TIME, value) for value in times.values()),
            times,
        )
        shown = json.loads(
            self.assertSucceeds(
                self.openstack(
                    'image', 'task', 'show', task['id'], '-f', 'json'
                )
            )
        )
        self.assertEqual(times, {name: shown[name] for name in TIMES})
        [listed] = self.member(
            'image',
            'task',
            'list',
            '--long',
            '--image',
            task['image_id'],
            '-f',
            'json',
        ).json()
        self.assertEqual(
            (times['created_at'], times['expires_at'], shown['message']),
            (listed['Created At'], listed['Expires At'], listed['Message']),
        )

    def test_file(self):
        sample = self.sample('sample.raw')
        result = self.member(
            'image',
            'task',
            'import',
            '--file',
            sample['path'],
            '--name',
            self.name,
            '--wait',
            '-f',
            'json',
        )
        task = result.json()
        self.assertEqual(
            (
                0,
                f'Verified image {task["image_id"]}: its sha512 '
                '(os_hash_value) '
                f'matches the {os.path.getsize(sample["path"])} bytes read '
                'from '
                f'{sample["path"]}; disk format raw, container format bare, '
                'as '
                'meant.\n',
            ),
            (result.exit_code, result.stderr),
        )
        self.assertActiveWithBytesOf(task, sample)

    def test_failure_leaves_no_image(self):
        result = self.member(
            'image',
            'task',
            'import',
            '--import-from',
            self.cloud['failing_sample_url'],
            '--name',
            self.name,
            '--wait',
            '-f',
            'json',
        )
        task = result.json()
        self.assertEqual((1, 'failure'), (result.exit_code, task['status']))
        self.assertEqual(
            f'Task {task["id"]} failed: Task failed due to Internal Error '
            '(the image went back to queued)\n'
            f'Image {task["image_id"]} was deleted.\n',
            result.stderr,
        )
        self.assertEqual([], self.images_named(self.name))

    def test_format_mismatch_is_refused_before_any_image(self):
        sample = self.sample('sample.qcow2')
        self.assertFailsWith(
            self.member(
                'image',
                'task',
                'import',
                '--file',
                sample['path'],
                '--disk-format',
                'raw',
                '--name',
                self.name,
            ),
            f'Cannot import {sample["path"]}: --disk-format raw contradicts '
            'its content, which is qcow2; give --disk-format qcow2 or leave '
            'the option out',
        )
        self.assertEqual([], self.images_named(self.name))


class TestWaiting(InteropTestCase):
    def test_timeout_then_wait_again_through_the_image(self):
        result = self.member(
            'image',
            'task',
            'import',
            '--import-from',
            self.cloud['slow_sample_url'],
            '--disk-format',
            'raw',
            '--name',
            self.name,
            '--wait',
            '--timeout',
            '3',
            '-f',
            'json',
        )
        task = result.json()
        self.assertEqual(
            (
                124,
                self.timeout_message(
                    task['id'],
                    3,
                    task['status'],
                    MEMBER,
                    ('--image', task['image_id']),
                ),
            ),
            (result.exit_code, result.stderr),
        )
        listed = self.member(
            'image', 'task', 'list', '--image', self.name, '-f', 'json'
        ).json()
        self.assertEqual([task['id']], [row['ID'] for row in listed])
        shown = self.member(
            'image',
            'task',
            'show',
            task['id'],
            '--image',
            task['image_id'],
            '-f',
            'json',
        ).json()
        self.assertEqual(task['request_id'], shown['request_id'])

    def test_ctrl_c_says_how_to_wait_again(self):
        running = base.Running(
            [
                self.executable,
                '--os-cloud',
                MEMBER,
                'image',
                'task',
                'import',
                '--import-from',
                self.cloud['slow_sample_url'],
                '--disk-format',
                'raw',
                '--name',
                self.name,
                '--wait',
            ],
            self.env,
            stderr_on_pty=True,
        )
        self.addCleanup(running.kill)
        shown = running.wait_for_stderr(
            r'Task ([0-9a-f-]{36}): (pending|processing), [0-9]+ s', timeout=90
        )
        running.proc.send_signal(signal.SIGINT)
        result = running.finish(timeout=60)
        task_id = shown.group(1)
        [image_id] = self.images_named(self.name)
        self.assertEqual((130, ''), (result.exit_code, result.stdout))
        again = self.resume_command(task_id, MEMBER, ('--image', image_id))
        self.assertRegex(
            result.stderr,
            re.escape(
                f'Stopped waiting for task {task_id}; it goes on in the '
                'cloud. '
                f'Wait again with: {again}\n'
            )
            + r'\Z',
        )

    def test_refused_show_points_to_the_image(self):
        task_id = str(uuid.uuid4())
        result = self.member('image', 'task', 'show', task_id)
        self.assertEqual((1, ''), (result.exit_code, result.stdout))
        self.assertTrue(
            result.stderr.endswith(
                '(HTTP 403) The tasks of your own images: openstack image '
                'task '
                f'show {task_id} --image <image>\n'
            ),
            result.stderr,
        )

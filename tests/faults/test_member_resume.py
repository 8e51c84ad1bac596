# SPDX-License-Identifier: Apache-2.0
"""Ctrl-C while a member's --file goes up to the object storage (the
web-download route), then the same command resumes the upload."""

import re
import signal

import fixtures

from tests.faults import base
from tests.support.files import MiB
from tests.support.files import random_file

CLEAR = re.escape(base.CLEAR_LINE)
MEMBER = 'local-member'


class TestMemberResume(base.FaultTestCase):
    def member_objects(self, container):
        listed = self.openstack(
            'object',
            'list',
            container,
            '-f',
            'value',
            '-c',
            'Name',
            cloud=MEMBER,
        )
        return listed.stdout.split()

    def test_ctrl_c_then_the_same_command_resumes(self):
        folder = self.useFixture(fixtures.TempDir()).path
        path, sha512 = random_file(folder, 'disk.raw', 256 * MiB, 'sha512')
        name = self.unique_name()
        self.addCleanup(self.member_images_deleted, name)
        self.addCleanup(
            self.openstack,
            'container',
            'delete',
            '--recursive',
            name,
            cloud=MEMBER,
        )
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
            '16M',
            '--upload-concurrency',
            '2',
            '--wait',
            '-f',
            'json',
        )
        running = self.start(*args, stderr_on_pty=True, cloud=MEMBER)
        # A bar between 11% and 89%: a segment is stored, more are left.
        running.wait_for_stderr(
            r'Uploading disk\.raw: [0-9.]+ MiB of 256\.0 MiB '
            r'\((1[1-9]|[2-8][0-9])%\)',
            timeout=60,
        )
        running.proc.send_signal(signal.SIGINT)
        result = self.finished(running, timeout=60)
        self.assertEqual((130, ''), (result.exit_code, result.stdout), result)
        self.assertRegex(
            result.stderr,
            'Upload interrupted. The segments stored so far stay under '
            f'{re.escape(name)}/disk-[0-9a-f]{{12}}\\.raw\\.segments/'
            '[0-9a-f]{12}/: run the same command again to resume the '
            'upload.\n\\Z',
        )
        stored = self.member_objects(name)
        self.assertTrue(stored, 'no segment was stored')
        self.assertEqual(
            [], self.member_images(name), 'an image before the upload ended'
        )
        # The same command again: the stored segments are not sent again.
        again = self.openstack(*args, cloud=MEMBER)
        self.assertEqual(0, again.exit_code, again)
        resumed = re.match(
            r'Resumed the upload: ([0-9]+) of 16 segments were already '
            r'stored\.\nVerified image ',
            again.stderr,
        )
        self.assertIsNotNone(resumed, again.stderr)
        # Every segment listed was reused (the listing may lag, never lead).
        self.assertGreaterEqual(int(resumed.group(1)), len(stored))
        task = again.json()
        self.assertEqual(
            'web-download', task['input']['import_req']['method']['name']
        )
        image = self.openstack(
            'image', 'show', task['image_id'], '-f', 'json', cloud=MEMBER
        ).json()
        self.assertEqual(
            ('active', sha512),
            (image['status'], image['properties']['os_hash_value']),
        )
        self.assertEqual([], self.member_objects(name))

    def member_images(self, name):
        return self.openstack(
            'image',
            'list',
            '--name',
            name,
            '-f',
            'value',
            '-c',
            'ID',
            cloud=MEMBER,
        ).stdout.split()

    def member_images_deleted(self, name):
        for image_id in self.member_images(name):
            self.openstack('image', 'delete', image_id, cloud=MEMBER)

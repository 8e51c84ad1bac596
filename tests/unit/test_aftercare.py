# SPDX-License-Identifier: Apache-2.0
"""What every import route does once its import has succeeded: the image
compared with what was meant (formats, size, the bytes as read), or
refused and deleted."""

import hashlib
import os

from tests.unit import base
from tests.unit import fakes
from tests.unit import fakeswift
from tests.unit import images
from tests.unit import test_interop
from tests.unit import test_uploadimport

IMAGE_ID = test_uploadimport.IMAGE_ID
IMAGE_URL = test_uploadimport.IMAGE_URL


FIXED_VHD = b'\x00' * 4096 + images.vhd_footer(4096)
QCOW2 = test_uploadimport.QCOW2
CONVERT = (
    'give --convert-to vhd to send it as a dynamic VHD, or --convert-to '
    'qcow2 (qemu-img converts it here)'
)


class TestTornGlanceDirect(test_interop.InteropTestCase):
    """A member's --file (glance-direct) written to while it is sent."""

    def setUp(self):
        super().setUp()
        self.data = images.qcow2() + b'\x00' * (3 * 1024 * 1024)
        self.path = self.home + '/disk.qcow2'
        with open(self.path, 'wb') as file:
            file.write(self.data)
        # Long ago: a write during the test changes the modification time
        # however coarse the file system's clock is.
        os.utime(self.path, ns=(10**18, 10**18))

    def stage_with(self, change):
        """Glance's stage, ``change()`` made once the first chunk is in."""
        received = []

        def stage(request, context):
            received.append(request.body.read(65536))
            change()
            received.extend(iter(lambda: request.body.read(65536), b''))
            context.status_code = 204
            return ''

        self.requests.put(IMAGE_URL + '/stage', text=stage)
        return received

    def test_a_file_written_to_while_sent_is_refused_and_deleted(self):
        def rewrite_the_end():
            with open(self.path, 'r+b') as file:
                file.seek(-4, os.SEEK_END)
                file.write(b'new!')

        received = self.stage_with(rewrite_the_end)
        torn = self.data[:-4] + b'new!'
        # What Glance would show of the torn bytes, had they been imported.
        self.images_seen(
            test_interop.image(
                'active',
                lock=False,
                size=len(torn),
                checksum=hashlib.md5(torn, usedforsecurity=False).hexdigest(),
            )
        )
        result = self.openstack(
            'image',
            'task',
            'import',
            '--file',
            self.path,
            '--wait',
            '-f',
            'value',
            '-c',
            'status',
        )
        self.assertEqual(torn, b''.join(received))
        self.assertEqual(
            (
                1,
                '',
                f'{self.path} changed while it was being sent (its '
                'modification time): what was sent may mix '
                'both versions; import it again once nothing writes to it. '
                f'Image {IMAGE_ID} was deleted.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertTrue(self.deleted.called)
        self.assertFalse(self.started.called)

    def test_a_file_replaced_while_sent_is_refused(self):
        def replace():
            other = self.path + '.new'
            with open(other, 'wb') as file:
                file.write(self.data)
            os.replace(other, self.path)

        self.stage_with(replace)
        result = self.openstack(
            'image', 'task', 'import', '--file', self.path, '--wait'
        )
        self.assertEqual(1, result.exit_code, result)
        self.assertTrue(
            result.stderr.startswith(
                f'{self.path} changed while it was being sent (it was replaced'
            ),
            result.stderr,
        )
        self.assertTrue(self.deleted.called)
        self.assertFalse(self.started.called)


class TasksApiTestCase(test_uploadimport.UploadImportTestCase):
    """An admin of Glance, whose import task succeeds."""

    def setUp(self):
        super().setUp()
        self.offer('import', 'api_image_import')
        self.requests.post(
            base.TASKS_URL,
            status_code=201,
            json=dict(fakes.GLANCE_SUCCESS, status='pending'),
        )
        self.requests.get(
            base.TASKS_URL + '/' + base.TASK_ID, json=fakes.GLANCE_SUCCESS
        )


class TestObjectStorageRoute(TasksApiTestCase):
    """An admin's --file through object storage and Glance's tasks API."""

    def shown(self, content, **fields):
        """The image as Glance shows it after importing ``content``."""
        image = {
            'id': IMAGE_ID,
            'status': 'active',
            'size': len(content),
            'disk_format': 'raw',
            'container_format': 'bare',
            'checksum': fakeswift.md5(content),
            'os_hash_algo': 'sha512',
            'os_hash_value': hashlib.sha512(content).hexdigest(),
        }
        self.requests.get(IMAGE_URL, json=dict(image, **fields))

    def test_kept_with_keep_image(self):
        content = QCOW2
        self.path = self.file('disk.qcow2', content)
        self.shown(content)
        result = self.run_import('--file', self.path, '--wait', '--keep-image')
        self.assertEqual(1, result.exit_code, result)
        self.assertTrue(
            result.stderr.endswith(
                f'; image {IMAGE_ID} is kept (--keep-image): delete it with '
                f'"openstack image delete {IMAGE_ID}"\n'
            ),
            result.stderr,
        )
        self.assertFalse(self.deleted.called)

    def test_a_format_rewritten_by_the_tasks_api_is_refused(self):
        content = QCOW2
        self.path = self.file('disk.qcow2', content)
        self.shown(content)
        result = self.run_import('--file', self.path, '--wait')
        self.assertEqual(1, result.exit_code, result)
        self.assertTrue(
            result.stderr.startswith(
                f"Glance's tasks API stored image {IMAGE_ID} with disk "
                'format raw: its introspection rewrote disk format qcow2'
            ),
            result.stderr,
        )
        self.assertTrue(
            result.stderr.endswith(f'image {IMAGE_ID} was deleted\n'),
            result.stderr,
        )
        self.assertTrue(self.deleted.called)

    def test_a_fixed_vhd_is_refused_before_the_upload(self):
        # The tasks API would store it as raw, interoperable import fails
        # it: nothing is sent.
        self.path = self.file('disk.vhd', FIXED_VHD)
        result = self.run_import('--file', self.path, '--wait')
        self.assertEqual(
            (
                1,
                f'Cannot import {self.path}: it is a fixed VHD, which the '
                'tasks API of Glance stores as raw (its introspection '
                "rewrites the format) and Glance's interoperable import "
                'fails ("Image disk_format vhd does not match stream data '
                f'raw"); {CONVERT}\n',
            ),
            (result.exit_code, result.stderr),
        )
        self.assertEqual([], self.task_posts())
        self.assertEqual([], self.swift.sent)

    def test_an_image_that_cannot_be_deleted_is_said_left_behind(self):
        content = QCOW2
        self.path = self.file('disk.qcow2', content)
        self.shown(content)
        self.requests.delete(
            IMAGE_URL, status_code=403, json={'message': 'Image is protected'}
        )
        result = self.run_import('--file', self.path, '--wait')
        self.assertEqual(1, result.exit_code, result)
        self.assertEqual(1, len(result.stderr.splitlines()), result.stderr)
        self.assertTrue(
            result.stderr.endswith(f'; image {IMAGE_ID} is left behind\n'),
            result.stderr,
        )

    def test_protected_is_not_set_on_a_refused_image(self):
        content = QCOW2
        self.path = self.file('disk.qcow2', content)
        self.shown(content)
        patched = self.requests.patch(IMAGE_URL, json={})
        result = self.run_import('--file', self.path, '--wait', '--protected')
        self.assertEqual(1, result.exit_code, result)
        self.assertTrue(self.deleted.called)
        self.assertFalse(patched.called)

    def test_protected_in_input_is_held_back_as_protected_is(self):
        # Protected from the start, a refused image could not be deleted.
        content = QCOW2
        self.path = self.file('disk.qcow2', content)
        self.shown(content)
        patched = self.requests.patch(IMAGE_URL, json={})
        result = self.run_import(
            '--file',
            self.path,
            '--wait',
            '--input',
            '{"image_properties": {"protected": true, "os_distro": "x"}}',
        )
        self.assertEqual(1, result.exit_code, result)
        self.assertEqual(
            {'name': 'disk', 'os_distro': 'x'},
            {
                key: value
                for key, value in self.task_posts()[0]['input'][
                    'image_properties'
                ].items()
                if key not in ('disk_format', 'container_format')
                and not key.startswith('owner_specified.')
            },
        )
        self.assertTrue(self.deleted.called)
        self.assertFalse(patched.called)

    def test_a_file_replaced_during_the_upload_is_refused(self):
        content = test_uploadimport.QCOW2
        self.path = self.file('disk.qcow2', content)
        self.shown(content, disk_format='qcow2')
        name = self.object_name(self.path)

        def replaced(request, context):
            # The upload reads what it opened; the path names another file.
            other = self.path + '.new'
            with open(other, 'wb') as file:
                file.write(content)
            os.replace(other, self.path)
            return self.swift._answer(request, context)

        self.requests.put(
            f'{fakeswift.ENDPOINT}/images/{name}', content=replaced
        )
        result = self.run_import(
            '--file', self.path, '--wait', '-f', 'value', '-c', 'status'
        )
        self.assertEqual(
            (
                1,
                'success\n',
                f'{self.path} changed while it was being sent '
                '(it was replaced): what was sent may mix both versions; '
                'import it again once nothing writes to it; image '
                f'{IMAGE_ID} was deleted\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertTrue(self.deleted.called)


class TestTasksApiUrl(TasksApiTestCase):
    """An admin's URL imported by Glance's tasks API: Glance read it."""

    URL = 'http://127.0.0.1:8000/disk.qcow2'

    def setUp(self):
        super().setUp()
        self.serve_image(self.URL, QCOW2)

    def url_import(self, *args):
        return self.run_import(
            '--import-from',
            self.URL,
            '--name',
            'disk',
            '--wait',
            '-f',
            'value',
            '-c',
            'status',
            *args,
        )

    def test_rewritten_formats_are_refused(self):
        self.requests.get(
            IMAGE_URL,
            json={
                'id': IMAGE_ID,
                'disk_format': 'raw',
                'container_format': 'bare',
            },
        )
        result = self.url_import()
        self.assertEqual((1, 'success\n'), (result.exit_code, result.stdout))
        self.assertTrue(
            result.stderr.startswith(
                f"Glance's tasks API stored image {IMAGE_ID} with disk "
                'format raw: its introspection rewrote disk format qcow2; '
            ),
            result.stderr,
        )
        self.assertTrue(
            result.stderr.endswith(f'image {IMAGE_ID} was deleted\n'),
            result.stderr,
        )
        self.assertTrue(self.deleted.called)

    def test_an_unread_vhd_rewritten_gets_the_convert_advice(self):
        # Content that could not be read here is taken by its name: a
        # fixed VHD then shows itself only once Glance stored it as raw.
        url = 'http://127.0.0.1:8000/unread.vhd'
        self.requests.get(url, status_code=403, reason='Forbidden')
        self.requests.get(
            IMAGE_URL,
            json={
                'id': IMAGE_ID,
                'disk_format': 'raw',
                'container_format': 'bare',
            },
        )
        result = self.run_import(
            '--import-from',
            url,
            '--name',
            'disk',
            '--wait',
            '-f',
            'value',
            '-c',
            'status',
        )
        self.assertEqual((1, 'success\n'), (result.exit_code, result.stdout))
        self.assertTrue(
            result.stderr.endswith(
                f"Glance's tasks API stored image {IMAGE_ID} with disk "
                'format raw: its introspection rewrote disk format vhd; '
                f'{CONVERT}; image {IMAGE_ID} was deleted\n'
            ),
            result.stderr,
        )
        self.assertTrue(self.deleted.called)

    def test_protected_in_input_is_set_once_the_image_is_as_meant(self):
        self.requests.get(
            IMAGE_URL,
            json={
                'id': IMAGE_ID,
                'disk_format': 'qcow2',
                'container_format': 'bare',
            },
        )
        patched = self.requests.patch(IMAGE_URL, json={})
        result = self.url_import(
            '--input', '{"image_properties": {"protected": true}}'
        )
        self.assertEqual((0, 'success\n'), (result.exit_code, result.stdout))
        self.assertNotIn(
            'protected', self.task_posts()[0]['input']['image_properties']
        )
        self.assertEqual(
            [{'op': 'replace', 'path': '/protected', 'value': True}],
            patched.last_request.json(),
        )

    def test_formats_as_meant_and_no_hash_claimed(self):
        looked = self.requests.get(
            IMAGE_URL,
            json={
                'id': IMAGE_ID,
                'disk_format': 'qcow2',
                'container_format': 'bare',
            },
        )
        result = self.url_import()
        self.assertEqual(
            (0, 'success\n', ''),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertTrue(looked.called)
        self.assertFalse(self.deleted.called)

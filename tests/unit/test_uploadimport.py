# SPDX-License-Identifier: Apache-2.0
import hashlib
import json
import os
import signal
from unittest import mock
import urllib.parse

import testtools

from imageplugin import imagefile
from imageplugin import largeobject
from imageplugin import localfile
from imageplugin import request
from imageplugin import uploadimport
from tests.support import files
from tests.unit import base
from tests.unit import fakes
from tests.unit import fakeswift
from tests.unit import images

SCHEMA_URL = base.ENDPOINT + '/v2/schemas/task'
IMAGE_ID = fakes.GLANCE_SUCCESS['result']['image_id']
IMAGE_URL = base.ENDPOINT + '/v2/images/' + IMAGE_ID
QCOW2 = b'QFI\xfb\x00\x00\x00\x03' + b'\x00' * 4088
VHD_FOOTER = images.vhd_footer(4096)
MiB = 1024**2


class UploadImportTestCase(base.ShellTestCase):
    """A password profile whose catalog has an image and a Swift service."""

    def setUp(self):
        super().setUp()
        self.use_catalog(
            [base.password_profile('test', region_name='RegionOne')],
            [
                ('image', 'public', base.ENDPOINT, 'RegionOne'),
                ('object-store', 'public', fakeswift.ENDPOINT, 'RegionOne'),
            ],
        )
        self.swift = fakeswift.FakeSwift(self.requests)
        self.clock = self.useFixture(base.FakeClock())
        # The look at the tasks API before the upload.
        self.access = self.requests.get(base.TASKS_URL, json={'tasks': []})
        self.deleted = self.requests.delete(IMAGE_URL, status_code=204)

    def offer(self, *task_types):
        self.requests.get(
            SCHEMA_URL,
            json={'properties': {'type': {'enum': list(task_types)}}},
        )

    def file(self, name, content):
        return files.write_file(self.home, name, content)

    def run_import(self, *args, tty=False):
        return self.openstack(
            '--os-cloud',
            'test',
            'image',
            'task',
            'import',
            *args,
            auth=(),
            tty=tty,
        )

    def object_name(self, path):
        """The object an upload of the file at ``path`` goes to."""
        identity = largeobject.file_identity(os.stat(path))
        return largeobject.default_object_name(
            os.path.basename(path), identity
        )

    def glance_image(self, content, **fields):
        """The image Glance shows after importing ``content``."""
        image = {
            'id': IMAGE_ID,
            'status': 'active',
            'size': len(content),
            'disk_format': 'qcow2',
            'container_format': 'bare',
            'checksum': fakeswift.md5(content),
            'os_hash_algo': 'sha512',
            'os_hash_value': hashlib.sha512(content).hexdigest(),
        }
        image.update(fields)
        self.requests.get(IMAGE_URL, json=image)

    def verified(
        self, content=QCOW2, algorithm='sha512', field='os_hash_value'
    ):
        """The line of an image verified against the file."""
        return (
            f'Verified image {IMAGE_ID}: its {algorithm} ({field}) '
            f'matches the {len(content)} bytes read from {self.path}; '
            'disk format qcow2, container format bare, as meant.\n'
        )

    def recorded(self, content, where=None):
        """The properties that record ``content`` (uploaded as ``where``
        where the upload stays), as openstacksdk records them."""
        found = {
            'owner_specified.openstack.md5': fakeswift.md5(content),
            'owner_specified.openstack.sha256': hashlib.sha256(
                content
            ).hexdigest(),
        }
        if where:
            found['owner_specified.openstack.object'] = where
        return found

    def task_posts(self):
        return [
            r.json()
            for r in self.requests.request_history
            if r.method == 'POST' and r.url == base.TASKS_URL
        ]


class TestGlanceDialect(UploadImportTestCase):
    def setUp(self):
        super().setUp()
        self.offer('import', 'api_image_import', 'location_import')
        self.path = self.file('disk.qcow2', QCOW2)

    def test_upload_then_import_through_a_temp_url(self):
        created = dict(fakes.GLANCE_SUCCESS, status='pending')
        self.requests.post(base.TASKS_URL, status_code=201, json=created)
        self.requests.get(
            base.TASKS_URL + '/' + base.TASK_ID, json=fakes.GLANCE_SUCCESS
        )
        self.glance_image(QCOW2)
        name = self.object_name(self.path)
        result = self.run_import(
            '--file', self.path, '--name', 'disk', '--wait', '-f', 'json'
        )
        self.assertEqual(
            (0, self.verified()), (result.exit_code, result.stderr), result
        )
        self.assertEqual('success', json.loads(result.stdout)['status'])
        [sent] = self.task_posts()
        url = sent['input']['import_from']
        self.assertRegex(name, r'^disk-[0-9a-f]{12}\.qcow2$')
        self.assertTrue(
            url.startswith(f'{fakeswift.ENDPOINT}/images/{name}?'), url
        )
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        self.assertEqual({'temp_url_sig', 'temp_url_expires'}, set(query))
        self.assertEqual(
            {
                'name': 'disk',
                'disk_format': 'qcow2',
                'container_format': 'bare',
                # Deleted once the task has ended: not named.
                **self.recorded(QCOW2),
            },
            sent['input']['image_properties'],
        )
        self.assertEqual('qcow2', sent['input']['import_from_format'])
        # The upload reached Swift, then was deleted once the task ended.
        self.assertEqual(
            [('images', name, QCOW2)],
            [(c, n, b) for c, n, b, _ in self.swift.puts()],
        )
        self.assertEqual({}, self.swift.containers['images'])
        # The image is read once the task has ended, before the cleanup.
        urls = [r.url for r in self.requests.request_history]
        self.assertEqual(
            urls.index(base.TASKS_URL + '/' + base.TASK_ID) + 1,
            urls.index(IMAGE_URL),
        )

    def test_second_ctrl_c_changes_nothing(self):
        # Python's own Ctrl-C handling, as in the openstack process, even
        # where this runner was started with SIGINT ignored.
        base.with_python_sigint(self)
        self.addCleanup(
            signal.signal, signal.SIGINT, signal.default_int_handler
        )

        def ctrl_c(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGINT)
            return 'Nothing was stored; run the same command again.'

        def interrupted_put(request, context):
            ctrl_c()
            return self.swift._answer(request, context)

        self.requests.put(
            f'{fakeswift.ENDPOINT}/images/{self.object_name(self.path)}',
            content=interrupted_put,
        )
        # The second Ctrl-C comes while the first one's line is made.
        with mock.patch(
            'imageplugin.uploadimport.UploadImport.resume_note',
            side_effect=ctrl_c,
        ):
            result = self.run_import('--file', self.path, '--wait')
        self.assertEqual(
            (
                130,
                '',
                'Upload interrupted. Nothing was stored; run the same '
                'command again.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertEqual([], self.task_posts())

    def test_progress_bar_on_a_terminal(self):
        self.requests.post(
            base.TASKS_URL,
            status_code=201,
            json=dict(fakes.GLANCE_SUCCESS, status='pending'),
        )
        result = self.run_import(
            '--file',
            self.path,
            '--container',
            'new',
            '-f',
            'value',
            '-c',
            'status',
            tty=True,
        )
        name = self.object_name(self.path)
        left = (
            f'The uploaded image stays at new/{name}'
            ' in the object storage until you delete it, once the task '
            f'has ended: swift delete new {name}.\n'
        )
        # The bar, wiped once the upload is done, then the note.
        self.assertEqual(
            (
                0,
                'pending\n',
                '\r\033[KUploading disk.qcow2: 4.0 KiB of '
                '4.0 KiB (100%)\r\033[K' + left,
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertIn('new', self.swift.containers)

    def test_no_progress_bar_off_a_terminal(self):
        self.requests.post(
            base.TASKS_URL,
            status_code=201,
            json=dict(fakes.GLANCE_SUCCESS, status='pending'),
        )
        result = self.run_import(
            '--file', self.path, '-f', 'value', '-c', 'status'
        )
        self.assertEqual(
            (
                0,
                'pending\n',
                'The uploaded image stays at images/'
                f'{self.object_name(self.path)} in the object storage until '
                'you delete it, once the task has ended: swift delete images '
                f'{self.object_name(self.path)}.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )

    def test_a_large_object_left_is_deleted_with_its_segments(self):
        self.requests.post(
            base.TASKS_URL,
            status_code=201,
            json=dict(fakes.GLANCE_SUCCESS, status='pending'),
        )
        path = files.write_file(
            self.home, 'big disk.qcow2', QCOW2 + bytes(2 * 1024 * 1024)
        )
        result = self.run_import(
            '--file', path, '--segment-size', '1048576', '-f', 'value'
        )
        name = self.object_name(path)
        self.assertEqual(0, result.exit_code, result.stderr)
        self.assertIn(
            f"once the task has ended: swift delete images '{name}' (which "
            'deletes its segments too).',
            result.stderr,
        )

    def test_signature_never_shown(self):
        echoed = {}

        def echo(request, context):
            echoed.update(request.json())
            context.status_code = 201
            return dict(
                fakes.GLANCE_SUCCESS,
                status='pending',
                input=request.json()['input'],
            )

        self.requests.post(base.TASKS_URL, json=echo)
        result = self.run_import('--file', self.path, '-f', 'json')
        self.assertEqual(0, result.exit_code, result)
        signature = urllib.parse.parse_qs(
            urllib.parse.urlsplit(echoed['input']['import_from']).query
        )['temp_url_sig'][0]
        self.assertNotIn(signature, result.stdout + result.stderr)
        shown = json.loads(result.stdout)['input']['import_from']
        self.assertIn('temp_url_sig=<redacted>', shown)
        key = self.swift.account_meta['X-Account-Meta-Temp-URL-Key']
        self.assertNotIn(key, result.stdout + result.stderr)

    def test_without_wait_the_upload_stays_and_that_is_said(self):
        self.requests.post(
            base.TASKS_URL,
            status_code=201,
            json=dict(fakes.GLANCE_SUCCESS, status='pending'),
        )
        name = self.object_name(self.path)
        result = self.run_import(
            '--file', self.path, '-f', 'value', '-c', 'status'
        )
        self.assertEqual(
            (
                0,
                'pending\n',
                f'The uploaded image stays at images/{name}'
                ' in the object storage until you delete it, once the task has'
                f' ended: swift delete images {name}.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertIn(name, self.swift.containers['images'])

    def test_refused_task_deletes_the_upload(self):
        self.requests.post(
            base.TASKS_URL,
            status_code=403,
            json={
                'message': 'You are not authorized to complete '
                'tasks_api_access action.'
            },
        )
        result = self.run_import('--file', self.path)
        self.assertEqual((1, ''), (result.exit_code, result.stdout))
        self.assertTrue(
            result.stderr.endswith('(HTTP 403). The upload was deleted.\n'),
            result.stderr,
        )
        self.assertEqual({}, self.swift.containers['images'])

    def test_keep_upload(self):
        self.requests.post(
            base.TASKS_URL,
            status_code=201,
            json=dict(fakes.GLANCE_SUCCESS, status='pending'),
        )
        self.requests.get(
            base.TASKS_URL + '/' + base.TASK_ID, json=fakes.GLANCE_SUCCESS
        )
        self.glance_image(QCOW2)
        result = self.run_import(
            '--file',
            self.path,
            '--keep-upload',
            '--container',
            'mine',
            '--object-name',
            'x.qcow2',
            '--wait',
            '-f',
            'value',
            '-c',
            'status',
        )
        self.assertEqual(
            (
                0,
                'success\n',
                self.verified() + 'The uploaded image is kept '
                'at mine/x.qcow2.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertEqual(QCOW2, self.swift.data('mine', 'x.qcow2'))
        [sent] = self.task_posts()
        self.assertEqual(
            'mine/x.qcow2',
            sent['input']['image_properties'][
                'owner_specified.openstack.object'
            ],
        )

    def test_segments_and_a_failed_task(self):
        content = QCOW2 * 600  # 2.4 MiB in 1 MiB segments
        path = self.file('big.qcow2', content)
        self.requests.post(
            base.TASKS_URL,
            status_code=201,
            json=dict(fakes.GLANCE_SUCCESS, status='pending'),
        )
        self.requests.get(
            base.TASKS_URL + '/' + base.TASK_ID,
            json=dict(
                fakes.GLANCE_SUCCESS,
                status='failure',
                message='Task failed due to Internal Error',
            ),
        )
        result = self.run_import(
            '--file',
            path,
            '--segment-size',
            '1M',
            '--wait',
            '-f',
            'value',
            '-c',
            'status',
        )
        self.assertEqual(
            (
                1,
                'failure\n',
                f'Task {base.TASK_ID} failed: Task failed due to Internal '
                'Error\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        segments = [n for _, n, _, _ in self.swift.puts() if '.segments/' in n]
        self.assertEqual(3, len(segments))
        # A failed task made no image to compare.
        self.assertNotIn(
            '/v2/images/',
            ' '.join(r.url for r in self.requests.request_history),
        )
        self.assertEqual({}, self.swift.containers['images'])

    def test_same_named_files_go_to_different_objects(self):
        os.mkdir(os.path.join(self.home, 'a'))
        os.mkdir(os.path.join(self.home, 'b'))
        first = self.file('a/disk.qcow2', QCOW2)
        second = self.file('b/disk.qcow2', QCOW2[:-1] + b'\x01')
        self.requests.post(
            base.TASKS_URL,
            status_code=201,
            json=dict(fakes.GLANCE_SUCCESS, status='pending'),
        )
        for path in (first, second):
            self.assertEqual(0, self.run_import('--file', path).exit_code)
        names = [self.object_name(first), self.object_name(second)]
        self.assertNotEqual(names[0], names[1])
        self.assertEqual(
            sorted(names), sorted(self.swift.containers['images'])
        )
        self.assertEqual(
            [QCOW2, QCOW2[:-1] + b'\x01'],
            [self.swift.data('images', n) for n in names],
        )
        sent = [
            urllib.parse.urlsplit(t['input']['import_from']).path
            for t in self.task_posts()
        ]
        self.assertEqual(
            [
                urllib.parse.urlsplit(fakeswift.ENDPOINT).path + '/images/' + n
                for n in names
            ],
            sent,
        )

    def test_object_name_of_another_file_is_refused(self):
        other = self.file('other.qcow2', QCOW2[:-1] + b'\x01')
        self.requests.post(
            base.TASKS_URL,
            status_code=201,
            json=dict(fakes.GLANCE_SUCCESS, status='pending'),
        )
        self.run_import('--file', other, '--object-name', 'x.qcow2')
        self.swift.sent.clear()
        tasks_before = len(self.task_posts())
        result = self.run_import(
            '--file', self.path, '--object-name', 'x.qcow2'
        )
        self.assertFailsWith(
            result,
            f'Cannot upload {self.path} to images/x.qcow2: the '
            'object storage already holds an object of that name that is not'
            ' an upload of this file; choose another --object-name or '
            '--container',
        )
        self.assertEqual(tasks_before, len(self.task_posts()))
        self.assertEqual([], self.swift.puts())
        self.assertEqual(
            QCOW2[:-1] + b'\x01', self.swift.data('images', 'x.qcow2')
        )

    def test_an_object_replaced_meanwhile_is_not_deleted(self):
        self.requests.post(
            base.TASKS_URL,
            status_code=201,
            json=dict(fakes.GLANCE_SUCCESS, status='pending'),
        )
        self.glance_image(QCOW2)

        def replaced(request, context):
            # Something else writes the object while the task runs.
            self.swift.containers['images']['x.qcow2'] = {
                'size': 1,
                'etag': fakeswift.md5(b'x'),
                'data': b'x',
            }
            return fakes.GLANCE_SUCCESS

        self.requests.get(base.TASKS_URL + '/' + base.TASK_ID, json=replaced)
        result = self.run_import(
            '--file',
            self.path,
            '--object-name',
            'x.qcow2',
            '--wait',
            '-f',
            'value',
            '-c',
            'status',
        )
        self.assertEqual(
            (
                0,
                'success\n',
                self.verified() + 'Cannot delete '
                'images/x.qcow2: it is no longer an upload of this file '
                '(another upload wrote it), so it was left alone.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertEqual(b'x', self.swift.data('images', 'x.qcow2'))

    def wait_for_success(self, *args):
        self.requests.post(
            base.TASKS_URL,
            status_code=201,
            json=dict(fakes.GLANCE_SUCCESS, status='pending'),
        )
        self.requests.get(
            base.TASKS_URL + '/' + base.TASK_ID, json=fakes.GLANCE_SUCCESS
        )
        return self.run_import(
            '--file', self.path, '--wait', '-f', 'value', '-c', 'status', *args
        )

    def test_image_that_does_not_match_fails(self):
        other = QCOW2[:-4] + b'more'
        self.glance_image(other)
        theirs = hashlib.sha512(other).hexdigest()
        ours = hashlib.sha512(QCOW2).hexdigest()
        result = self.wait_for_success()
        self.assertEqual(
            (
                1,
                'success\n',
                f'Image {IMAGE_ID} does not hold the bytes of '
                f'{self.path}: its sha512 (os_hash_value) is {theirs}, and '
                f'the 4096 bytes read from the file hash to {ours}; '
                f'image {IMAGE_ID} was deleted\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertTrue(self.deleted.called)

    def test_image_of_another_size_fails(self):
        self.glance_image(QCOW2 + b'more')
        result = self.wait_for_success('--keep-image')
        self.assertEqual(
            (
                1,
                'success\n',
                f'Image {IMAGE_ID} holds 4100 bytes, and 4096 '
                f'were read from {self.path}; image {IMAGE_ID} is kept '
                f'(--keep-image): delete it with "openstack image delete '
                f'{IMAGE_ID}"\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertFalse(self.deleted.called)

    def segmented(self):
        content = QCOW2 * 300  # 1.2 MiB: two segments of 1 MiB
        self.path = self.file('big.qcow2', content)
        return content

    def test_segmented_upload_is_verified_by_sha512(self):
        # Glance's os_hash_value, hashed while the segments were read.
        content = self.segmented()
        self.glance_image(content)
        result = self.wait_for_success('--segment-size', '1M')
        self.assertEqual(
            (0, self.verified(content)),
            (result.exit_code, result.stderr),
        )
        [sent] = self.task_posts()
        self.assertEqual(
            self.recorded(content),
            {
                key: value
                for key, value in sent['input']['image_properties'].items()
                if key.startswith('owner_specified.')
            },
        )

    def test_segmented_upload_that_does_not_match_fails(self):
        content = self.segmented()
        other = content[:-4] + b'more'
        self.glance_image(other)
        result = self.wait_for_success('--segment-size', '1M')
        theirs = hashlib.sha512(other).hexdigest()
        ours = hashlib.sha512(content).hexdigest()
        self.assertEqual(
            (
                1,
                f'Image {IMAGE_ID} does not hold the bytes of {self.path}: '
                f'its sha512 (os_hash_value) is {theirs}, and the '
                f'{len(content)} bytes read from the file hash to {ours}; '
                f'image {IMAGE_ID} was deleted\n',
            ),
            (result.exit_code, result.stderr),
        )

    def test_cloud_without_hashes(self):
        self.glance_image(
            QCOW2, checksum=None, os_hash_algo=None, os_hash_value=None
        )
        result = self.wait_for_success()
        self.assertEqual(
            (
                0,
                'success\n',
                f'Cannot verify the bytes of image {IMAGE_ID}: '
                f'it shows no hash, and the upload of {self.path} computed '
                'md5, sha256, sha512; '
                'disk format qcow2, container format bare, as meant.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )

    def test_other_hash_algorithm_falls_back_to_the_checksum(self):
        self.glance_image(
            QCOW2,
            os_hash_algo='sha384',
            os_hash_value=hashlib.sha384(QCOW2).hexdigest(),
        )
        result = self.wait_for_success()
        self.assertEqual(
            (0, self.verified(QCOW2, 'md5', 'checksum')),
            (result.exit_code, result.stderr),
        )

    def test_sha256_of_glance_is_compared(self):
        self.glance_image(
            QCOW2,
            os_hash_algo='sha256',
            os_hash_value=hashlib.sha256(QCOW2).hexdigest(),
        )
        result = self.wait_for_success()
        self.assertEqual(
            (0, self.verified(QCOW2, 'sha256', 'os_hash_value')),
            (result.exit_code, result.stderr),
        )

    def test_segmented_upload_with_other_hash_algorithm(self):
        # The MD5 of the whole file, not the store's ETag of segments.
        content = self.segmented()
        self.glance_image(
            content,
            os_hash_algo='sha384',
            os_hash_value=hashlib.sha384(content).hexdigest(),
        )
        result = self.wait_for_success('--segment-size', '1M')
        self.assertEqual(
            (0, self.verified(content, 'md5', 'checksum')),
            (result.exit_code, result.stderr),
        )

    def test_image_cannot_be_read(self):
        self.requests.get(
            IMAGE_URL,
            status_code=404,
            json={'message': f'No image found with ID {IMAGE_ID}'},
        )
        result = self.wait_for_success()
        self.assertEqual(
            (
                0,
                f'No image with ID {IMAGE_ID} at {base.ENDPOINT}/v2 (HTTP '
                f'404): image {IMAGE_ID} was not compared with what was '
                'meant.\n',
            ),
            (result.exit_code, result.stderr),
        )

    def test_content_must_match_the_disk_format(self):
        path = self.file('disk.img', QCOW2)
        result = self.run_import('--file', path, '--disk-format', 'raw')
        self.assertFailsWith(
            result,
            f'Cannot import {path}: --disk-format raw contradicts '
            'its content, which is qcow2; give --disk-format qcow2 or leave '
            'the option out',
        )
        # Nothing was asked of the cloud, not even a token.
        self.assertEqual([], self.requests.request_history)

    def test_an_img_file_is_imported_as_its_content(self):
        path = self.file('cirros.img', QCOW2)
        self.requests.post(
            base.TASKS_URL, status_code=201, json=fakes.GLANCE_SUCCESS
        )
        self.assertSucceeds(self.run_import('--file', path))
        [sent] = self.task_posts()
        self.assertEqual(
            (
                'qcow2',
                {
                    'name': 'cirros',
                    'disk_format': 'qcow2',
                    'container_format': 'bare',
                    **self.recorded(QCOW2, f'images/{self.object_name(path)}'),
                },
            ),
            (
                sent['input']['import_from_format'],
                sent['input']['image_properties'],
            ),
        )

    def test_unsafe_file_is_refused_before_logging_in(self):
        path = self.file('x.qcow2', images.qcow2(backing_file=True))
        result = self.run_import('--file', path)
        self.assertEqual((1, ''), (result.exit_code, result.stdout))
        self.assertTrue(
            result.stderr.startswith(
                f'Cannot import {path}: it is a qcow2 image with a backing '
                'file'
            ),
            result.stderr,
        )
        self.assertEqual([], self.requests.request_history)

    def test_a_member_without_glance_direct_is_stopped_first(self):
        self.requests.get(
            base.TASKS_URL,
            status_code=403,
            json={
                'message': 'You are not authorized to complete '
                'tasks_api_access action.<br /><br />\n',
                'code': '403 Forbidden',
                'title': 'Forbidden',
            },
        )
        self.requests.get(
            base.ENDPOINT + '/v2/info/import',
            json={'import-methods': {'value': ['web-download']}},
        )
        result = self.run_import('--file', self.path)
        self.assertFailsWith(
            result,
            'Cannot use the tasks API: You are not authorized to '
            'complete tasks_api_access action. The tasks API of this Glance '
            'is admin-only (policy tasks_api_access): use a profile with the '
            'admin role. (HTTP 403) This Glance offers no glance-direct '
            'import either (its methods: web-download)',
        )
        self.assertEqual([], self.swift.sent)
        self.assertEqual([], self.task_posts())

    def test_the_task_method_is_checked_before_the_upload(self):
        self.requests.get(
            base.TASKS_URL,
            status_code=403,
            json={
                'message': 'You are not authorized to complete '
                'tasks_api_access action.'
            },
        )
        result = self.run_import('--file', self.path, '--method', 'task')
        self.assertFailsWith(
            result,
            'Cannot use the tasks API: You are not authorized to '
            'complete tasks_api_access action. The tasks API of this Glance '
            'is admin-only (policy tasks_api_access): use a profile with the '
            'admin role. (HTTP 403)',
        )
        self.assertEqual([], self.swift.sent)

    def test_typed_properties(self):
        self.requests.post(
            base.TASKS_URL, status_code=201, json=fakes.GLANCE_SUCCESS
        )
        self.assertSucceeds(
            self.run_import(
                '--file',
                self.path,
                '--property',
                'min_disk=1',
                '--min-ram',
                '64',
                '--private',
                '--unprotected',
                '--tag',
                't',
            )
        )
        [sent] = self.task_posts()
        self.assertEqual(
            {
                'name': 'disk',
                'disk_format': 'qcow2',
                'container_format': 'bare',
                'min_disk': 1,
                'min_ram': 64,
                'visibility': 'private',
                'protected': False,
                'tags': ['t'],
                **self.recorded(
                    QCOW2, f'images/{self.object_name(self.path)}'
                ),
            },
            sent['input']['image_properties'],
        )

    def test_missing_file(self):
        path = os.path.join(self.home, 'nope.qcow2')
        self.assertFailsWith(
            self.run_import('--file', path),
            f'Cannot upload {path}: no such file',
        )
        self.assertEqual([], self.swift.sent)

    def test_bad_segment_size(self):
        result = self.run_import('--file', self.path, '--segment-size', 'big')
        self.assertFailsWith(
            result,
            'openstack image task import: error: argument '
            "--segment-size: 'big' is not a size such as 100M or 2G (see "
            'openstack image task import --help)',
            exit_code=2,
        )


class TestFileChangedDuringTheUpload(UploadImportTestCase):
    """A file written to while it goes up: one line that says so, what
    was stored of it deleted, no resume hint (its identity changed, so
    running again starts anew), and no task."""

    def setUp(self):
        super().setUp()
        self.offer('import', 'api_image_import', 'location_import')
        self.content = QCOW2 * 600  # 2.4 MiB: three segments of 1 MiB
        self.path = self.file('big.qcow2', self.content)
        self.name = self.object_name(self.path)
        self.prefix = largeobject.segments_prefix(
            self.name, largeobject.file_identity(os.stat(self.path))
        )

    def write_during(self, name):
        """Append to the file while ``name`` is being stored."""

        def written(request, context):
            with open(self.path, 'ab') as file:
                file.write(b'more')
            return self.swift._answer(request, context)

        self.requests.register_uri(
            'PUT', f'{fakeswift.ENDPOINT}/images/{name}', content=written
        )

    def objects_deleted(self):
        return [
            urllib.parse.unquote(r.path).partition('/images/')[2]
            for r in self.requests.request_history
            if r.method == 'DELETE'
        ]

    def assertRefused(self, result, line):
        """Exit 1, ``line`` alone on stderr, and no task created."""
        self.assertEqual(
            (1, '', line + '\n'),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertEqual([], self.task_posts())

    def changed(self, ending):
        return (
            f'{self.path} changed while it was being uploaded: upload '
            f'it again once nothing writes to it. {ending}'
        )

    def segments(self):
        return [f'{self.prefix}{MiB}/{index:06d}' for index in (1, 2, 3)]

    def test_segments_are_deleted(self):
        self.write_during(self.segments()[1])
        result = self.run_import(
            '--file',
            self.path,
            '--segment-size',
            '1M',
            '--upload-concurrency',
            '1',
        )
        self.assertRefused(
            result, self.changed('Nothing of it stays in the object storage.')
        )
        self.assertEqual(self.segments(), self.objects_deleted())
        self.assertEqual({}, self.swift.containers['images'])

    def test_single_object_is_deleted(self):
        self.write_during(self.name)
        result = self.run_import('--file', self.path)
        self.assertRefused(
            result, self.changed('Nothing of it stays in the object storage.')
        )
        self.assertEqual([self.name], self.objects_deleted())
        self.assertEqual({}, self.swift.containers['images'])

    def test_segments_that_cannot_be_deleted_are_told_with_the_command(self):
        self.write_during(self.segments()[2])
        first = self.segments()[0]
        self.requests.delete(
            f'{fakeswift.ENDPOINT}/images/{first}',
            status_code=503,
            text='Service Unavailable',
        )
        result = self.run_import(
            '--file',
            self.path,
            '--segment-size',
            '1M',
            '--upload-concurrency',
            '1',
        )
        self.assertRefused(
            result,
            self.changed(
                f'What was stored of it stays: Cannot delete segment {first}: '
                'Service Unavailable (HTTP 503); delete it with "swift delete '
                f'images --prefix {self.prefix}".'
            ),
        )
        self.assertEqual([first], self.objects_deleted())
        self.assertEqual(
            sorted(self.segments()), sorted(self.swift.containers['images'])
        )

    def test_a_file_changed_before_its_upload(self):
        """Changed between the check and the upload: nothing was sent."""

        def write(*args, **kwargs):
            with open(self.path, 'ab') as file:
                file.write(b'more')
            return True

        with mock.patch(
            'imageplugin.objectstore.ObjectStore.ensure_container',
            side_effect=write,
        ):
            result = self.run_import('--file', self.path)
        self.assertRefused(
            result,
            f'{self.path} changed after it was checked: run the '
            'command again once nothing writes to it. Nothing of it stays '
            'in the object storage.',
        )
        self.assertEqual([], self.swift.puts())


class TestRackspaceDialect(UploadImportTestCase):
    def setUp(self):
        super().setUp()
        self.offer('import', 'export')

    def test_imports_container_object(self):
        path = self.file('my-image.vhd', b'\x00' * 4096 + VHD_FOOTER)
        self.requests.post(
            base.TASKS_URL, status_code=201, json=fakes.RACKSPACE_PENDING
        )
        result = self.run_import(
            '--file',
            path,
            '--name',
            'My image',
            '--container',
            'exports',
            '-f',
            'value',
            '-c',
            'status',
        )
        self.assertEqual(0, result.exit_code, result)
        self.assertEqual(
            [
                {
                    'type': 'import',
                    'input': {
                        'import_from': 'exports/' + self.object_name(path),
                        'image_properties': {'name': 'My image'},
                    },
                }
            ],
            self.task_posts(),
        )

    def test_a_name_in_input_outranks_the_file_name(self):
        path = self.file('my-image.vhd', b'\x00' * 4096 + VHD_FOOTER)
        self.requests.post(
            base.TASKS_URL, status_code=201, json=fakes.RACKSPACE_PENDING
        )
        result = self.run_import(
            '--file', path, '--input', '{"image_properties": {"name": "N"}}'
        )
        self.assertEqual(0, result.exit_code, result)
        self.assertEqual(
            {'name': 'N'},
            self.task_posts()[0]['input']['image_properties'],
        )

    def test_checksum_verified(self):
        content = b'\x00' * 4096 + VHD_FOOTER
        path = self.file('my-image.vhd', content)
        self.requests.post(
            base.TASKS_URL, status_code=201, json=fakes.RACKSPACE_PENDING
        )
        self.requests.get(
            base.TASKS_URL + '/' + base.TASK_ID,
            json=dict(
                fakes.RACKSPACE_PENDING,
                status='success',
                result={'image_id': IMAGE_ID},
            ),
        )
        # Rackspace Cloud Images shows an MD5 checksum, no os_hash_*.
        self.requests.get(
            IMAGE_URL,
            json={
                'id': IMAGE_ID,
                'status': 'active',
                'checksum': fakeswift.md5(content),
            },
        )
        result = self.run_import(
            '--file', path, '--wait', '-f', 'value', '-c', 'status'
        )
        self.assertEqual(
            (
                0,
                'success\n',
                f'Verified image {IMAGE_ID}: its md5 '
                f'(checksum) matches the 4608 bytes read from {path}.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )

    def test_only_vhd(self):
        path = self.file('disk.qcow2', QCOW2)
        self.assertFailsWith(
            self.run_import('--file', path),
            f'Cannot import {path}: Rackspace Cloud Images imports VHD files '
            'only and this one is qcow2 (convert it with "qemu-img convert '
            '-f qcow2 -O vpc <in> <out>")',
        )
        self.assertEqual([], self.swift.puts())

    def test_virtual_size_over_the_limit_before_any_request(self):
        path = self.file('big.vhd', images.dynamic_vhd(200 * images.GiB))
        result = self.run_import('--file', path, '--dialect', 'rackspace')
        self.assertFailsWith(
            result,
            f'Cannot import {path}: it expands to a disk of 200.0 '
            'GiB (214748364800 bytes), over the 160.0 GiB Rackspace imports '
            '(error 413)',
        )
        self.assertEqual([], self.requests.request_history)

    def test_properties_other_than_the_name_are_refused(self):
        path = self.file('my-image.vhd', b'\x00' * 4096 + VHD_FOOTER)
        result = self.run_import(
            '--file', path, '--dialect', 'rackspace', '--min-disk', '10'
        )
        self.assertFailsWith(
            result,
            'An import from <container>/<object> (Rackspace Cloud '
            'Images) accepts no image property but --name; --min-disk would '
            'make the task fail',
        )
        self.assertEqual([], self.requests.request_history)

    def test_properties_in_input_are_refused_before_the_upload(self):
        path = self.file('my-image.vhd', b'\x00' * 4096 + VHD_FOOTER)
        result = self.run_import(
            '--file',
            path,
            '--dialect',
            'rackspace',
            '--input',
            '{"image_properties": {"min_ram": 512}}',
        )
        self.assertFailsWith(
            result,
            'An import from <container>/<object> (Rackspace Cloud '
            'Images) accepts no image property but --name; --input '
            'image_properties.min_ram would make the task fail',
        )
        self.assertEqual([], self.requests.request_history)

    def test_a_name_in_input_outranks_the_file_name_on_glance(self):
        path = self.file('disk.qcow2', QCOW2)
        self.requests.post(
            base.TASKS_URL, status_code=201, json=fakes.GLANCE_SUCCESS
        )
        result = self.run_import(
            '--file',
            path,
            '--dialect',
            'glance',
            '--input',
            '{"image_properties": {"name": "N", "os_distro": "x"}}',
        )
        self.assertEqual(0, result.exit_code, result)
        properties = self.task_posts()[0]['input']['image_properties']
        self.assertEqual(
            ('N', 'x'), (properties['name'], properties['os_distro'])
        )

    def test_forced_dialect(self):
        path = self.file('disk.qcow2', QCOW2)
        self.requests.post(
            base.TASKS_URL, status_code=201, json=fakes.GLANCE_SUCCESS
        )
        result = self.run_import('--file', path, '--dialect', 'glance')
        self.assertEqual(0, result.exit_code, result)
        self.assertIn(
            'temp_url_sig=', self.task_posts()[0]['input']['import_from']
        )


class TestRackspaceWithoutCatalog(base.ShellTestCase):
    """A token and an endpoint: no catalog, so no object storage."""

    def test_too_large_is_refused_for_its_size(self):
        self.serve_task_schema(fakes.RACKSPACE_TASK_SCHEMA)
        self.requests.get(base.TASKS_URL, json={'tasks': []})
        path = files.write_file(
            self.home, 'big.vhd', images.dynamic_vhd(200 * images.GiB)
        )
        result = self.openstack('image', 'task', 'import', '--file', path)
        self.assertFailsWith(
            result,
            f'Cannot import {path}: it expands to a disk of 200.0 '
            'GiB (214748364800 bytes), over the 160.0 GiB Rackspace imports '
            '(error 413)',
        )


class TestResumeNote(testtools.TestCase):
    """What an interrupted upload says of the segments it leaves."""

    def upload(self, temporary):
        image = imagefile.ImageFile('disk.raw', 64 * 1024**2, None, None)
        local = localfile.LocalFile(
            image, {}, (), 'disk-abc.raw', 'abc', temporary=temporary
        )
        args = request.ImportRequest(segment_size=8 * 1024**2)
        return uploadimport.UploadImport(local, None, False, args)

    def test_a_file_of_the_user_can_be_resumed(self):
        self.assertEqual(
            'The segments stored so far stay under '
            'images/disk-abc.raw.segments/abc/: run the same command again '
            'to resume the upload.',
            self.upload(False).resume_note(),
        )

    def test_a_temporary_file_cannot(self):
        # Decompressed or converted here: gone once the run ends.
        note = self.upload(True).resume_note()
        self.assertIn('images/disk-abc.raw.segments/abc/', note)
        self.assertIn('no run can resume', note)
        self.assertNotIn('run the same command again', note)

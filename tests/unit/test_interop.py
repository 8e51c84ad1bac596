# SPDX-License-Identifier: Apache-2.0
"""Interoperable image import, as a member of an upstream Glance runs it."""

import hashlib
import json

from tests.support import files
from tests.unit import base
from tests.unit import fakes
from tests.unit import images

IMAGE_ID = '7d1b6f4e-0c3a-4f7e-9a51-2b8e6c0d4f11'
IMAGE_URL = base.ENDPOINT + '/v2/images/' + IMAGE_ID
REQUEST_ID = 'req-5a0c1f53-6d51-4b0a-a5d6-3f4e2c1b0a99'
SOURCE = 'http://127.0.0.1:8000/cirros.img'
ADMIN_ONLY = {
    'status_code': 403,
    'json': {
        'message': 'You are not authorized to complete tasks_api_access '
        'action.<br /><br />\n',
        'code': '403 Forbidden',
        'title': 'Forbidden',
    },
}


def import_task(status='processing', **fields):
    """A task as GET /v2/images/{id}/tasks lists it (Glance 33)."""
    task = {
        'id': base.TASK_ID,
        'type': 'api_image_import',
        'status': status,
        'owner': 'p1',
        'image_id': IMAGE_ID,
        'request_id': REQUEST_ID,
        'user_id': 'u1',
        'message': '',
        'input': {
            'image_id': IMAGE_ID,
            'import_req': {'method': {'name': 'web-download', 'uri': SOURCE}},
        },
        'result': None,
        'created_at': '2026-11-30T23:18:46.550651',
        'updated_at': '2026-11-30T23:18:46.550651',
        'expires_at': None,
        'deleted': False,
        'deleted_at': None,
    }
    task.update(fields)
    return task


def image(status, lock=True, **fields):
    answer = {
        'id': IMAGE_ID,
        'status': status,
        'disk_format': 'qcow2',
        'container_format': 'bare',
        'os_glance_importing_to_stores': '',
        'os_glance_failed_import': '',
    }
    if lock:
        answer['os_glance_import_task'] = base.TASK_ID
    answer.update(fields)
    return answer


# An image that copy-image may copy into the store cheap.
BEFORE_COPY = image('active', lock=False, stores='fast')


class InteropTestCase(base.ShellTestCase):
    def setUp(self):
        super().setUp()
        self.clock = self.useFixture(base.FakeClock())
        self.requests.post(base.TASKS_URL, **ADMIN_ONLY)
        self.requests.get(base.TASKS_URL, **ADMIN_ONLY)
        self.requests.get(
            base.ENDPOINT + '/v2/info/import',
            json={
                'import-methods': {
                    'value': ['glance-direct', 'web-download', 'copy-image']
                }
            },
        )
        self.created = self.requests.post(
            base.ENDPOINT + '/v2/images',
            status_code=201,
            json=image('queued', lock=False),
        )
        self.started = self.requests.post(
            IMAGE_URL + '/import',
            status_code=202,
            headers={'x-openstack-request-id': REQUEST_ID},
        )
        self.deleted = self.requests.delete(IMAGE_URL, status_code=204)
        self.patched = self.requests.patch(
            IMAGE_URL, json=image('uploading', lock=False)
        )
        self.tasks = self.requests.get(
            IMAGE_URL + '/tasks',
            json={
                'tasks': [
                    import_task(
                        id='0b9d3c52-8f0e-4f55-8a6b-0c1d2e3f4a5b',
                        request_id='req-other',
                    ),
                    import_task(),
                ]
            },
        )

    def images_seen(self, *answers):
        self.requests.get(IMAGE_URL, [{'json': answer} for answer in answers])

    def tasks_seen(self, *tasks):
        self.requests.get(
            IMAGE_URL + '/tasks',
            [{'json': {'tasks': [task]}} for task in tasks],
        )

    def url_import(self, *args):
        self.serve_image(SOURCE, images.qcow2())
        return self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            SOURCE,
            '--name',
            'cirros',
            *args,
        )


class TestUrl(InteropTestCase):
    def test_member_imports_by_web_download(self):
        result = self.url_import('--min-disk', '1', '-f', 'json')
        shown = json.loads(self.assertSucceeds(result))
        self.assertEqual(
            (base.TASK_ID, 'processing', IMAGE_ID, REQUEST_ID),
            (
                shown['id'],
                shown['status'],
                shown['image_id'],
                shown['request_id'],
            ),
        )
        self.assertNotIn('deleted', shown['properties'])
        self.assertEqual(
            {
                'name': 'cirros',
                'disk_format': 'qcow2',
                'container_format': 'bare',
                'min_disk': 1,
            },
            self.created.last_request.json(),
        )
        self.assertEqual(
            {'method': {'name': 'web-download', 'uri': SOURCE}},
            self.started.last_request.json(),
        )
        self.assertFalse(self.deleted.called)

    def test_wait_to_active(self):
        self.images_seen(
            image('queued'), image('importing'), image('active', lock=False)
        )
        self.tasks_seen(
            import_task('pending'),
            import_task(),
            import_task(),
            import_task('success', message='Copied 4 MiB'),
        )
        result = self.url_import(
            '--wait', '-f', 'value', '-c', 'status', '-c', 'message'
        )
        self.assertEqual(
            (0, 'Copied 4 MiB\nsuccess\n', ''),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertFalse(self.deleted.called)

    def test_active_with_a_store_still_importing_is_not_the_end(self):
        self.images_seen(
            image('active', lock=True, os_glance_importing_to_stores='cheap'),
            image('active', lock=False),
        )
        result = self.url_import('--wait', '-f', 'value', '-c', 'status')
        self.assertEqual((0, 'success\n'), (result.exit_code, result.stdout))
        # Two looks; the aftercare checks what the second saw.
        self.assertEqual(
            2,
            len(
                [
                    r
                    for r in self.requests.request_history
                    if r.method == 'GET' and r.url == IMAGE_URL
                ]
            ),
        )

    def test_failure_is_told_and_the_image_deleted(self):
        self.images_seen(image('importing'), image('queued', lock=False))
        self.tasks_seen(
            import_task(),
            import_task(),
            import_task(
                'failure', message='Task failed due to Internal Error'
            ),
        )
        result = self.url_import('--wait', '-f', 'value', '-c', 'status')
        self.assertEqual(
            (
                1,
                'failure\n',
                f'Task {base.TASK_ID} failed: Task failed due '
                'to Internal Error (the image went back to queued)\n'
                f'Image {IMAGE_ID} was deleted.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertTrue(self.deleted.called)

    def test_failed_task_ends_the_wait_though_the_lock_stays(self):
        # Glance 33 leaves the lock of some failures (a store named
        # twice): the task record ends the wait.
        self.images_seen(image('importing'), image('importing'))
        self.tasks_seen(
            import_task(),
            import_task(
                'failure', message='Task failed due to Internal Error'
            ),
        )
        result = self.url_import('--wait', '-f', 'value', '-c', 'status')
        self.assertEqual(
            (
                1,
                'failure\n',
                f'Task {base.TASK_ID} failed: Task failed due '
                'to Internal Error (the image was left importing)\n'
                f'Image {IMAGE_ID} was deleted.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )

    def test_ctrl_c_while_the_image_is_created(self):
        self.requests.post(base.ENDPOINT + '/v2/images', exc=KeyboardInterrupt)
        result = self.url_import('--wait')
        self.assertEqual(
            (
                130,
                '',
                'Interrupted. An image may have been created before '
                'the interrupt: see openstack image list --name cirros\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )

    def test_ctrl_c_while_the_import_is_started(self):
        self.requests.post(IMAGE_URL + '/import', exc=KeyboardInterrupt)
        result = self.url_import('--wait')
        self.assertEqual(
            (130, '', f'Interrupted. Image {IMAGE_ID} was deleted.\n'),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertTrue(self.deleted.called)

    def test_ctrl_c_once_the_import_started(self):
        self.requests.get(IMAGE_URL + '/tasks', exc=KeyboardInterrupt)
        result = self.url_import('--wait')
        self.assertEqual(
            (
                130,
                '',
                'Interrupted. The import has started: see openstack '
                f'image task list --image {IMAGE_ID}\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertFalse(self.deleted.called)

    def test_task_input_is_refused_before_any_image(self):
        self.assertFailsWith(
            self.url_import('--input', '{"image_properties": {"a": "b"}}'),
            '--input is task input of the tasks API, which this import does '
            'not use (interoperable import takes none): give image '
            'properties with --property',
        )
        self.assertFalse(self.created.called)

    def test_upload_options_are_said_to_do_nothing(self):
        result = self.url_import(
            '--keep-upload',
            '--container',
            'mine',
            '-f',
            'value',
            '-c',
            'status',
        )
        self.assertEqual(
            (
                0,
                'processing\n',
                '--container, --keep-upload have no effect '
                'here: there is no --file to upload\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )

    def test_protected_once_imported(self):
        # Glance cannot delete a protected image whose import failed.
        patched = self.requests.patch(IMAGE_URL, json=image('active'))
        self.images_seen(image('active', lock=False))
        result = self.url_import(
            '--protected', '--wait', '-f', 'value', '-c', 'status'
        )
        self.assertEqual(
            (0, 'success\n', ''),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertNotIn('protected', self.created.last_request.json())
        self.assertEqual(
            [{'op': 'replace', 'path': '/protected', 'value': True}],
            patched.last_request.json(),
        )

    def test_protected_image_that_failed_is_deleted(self):
        patched = self.requests.patch(IMAGE_URL, json=image('queued'))
        self.images_seen(image('queued', lock=False))
        result = self.url_import(
            '--protected', '--wait', '-f', 'value', '-c', 'status'
        )
        self.assertEqual(
            (
                1,
                'failure\n',
                f'Task {base.TASK_ID} failed: the image service '
                'gave no reason (the image went back to queued)\n'
                f'Image {IMAGE_ID} was deleted.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertFalse(patched.called)
        self.assertTrue(self.deleted.called)

    def test_protected_at_once_without_wait(self):
        self.assertSucceeds(self.url_import('--protected'))
        self.assertIs(True, self.created.last_request.json()['protected'])

    def test_keep_image(self):
        self.images_seen(image('queued', lock=False))
        result = self.url_import('--wait', '--keep-image')
        self.assertEqual(1, result.exit_code)
        self.assertTrue(
            result.stderr.endswith(
                f'Image {IMAGE_ID} is kept (--keep-image).\n'
            ),
            result.stderr,
        )
        self.assertFalse(self.deleted.called)

    def test_refused_import_leaves_no_image(self):
        self.requests.post(
            IMAGE_URL + '/import',
            status_code=409,
            json={
                'message': "Image needs to be in 'queued' state to use "
                "'web-download' method"
            },
        )
        result = self.url_import()
        self.assertFailsWith(
            result,
            f'Cannot import image {IMAGE_ID}: Image needs to be in '
            "'queued' state to use 'web-download' method (HTTP 409). Image "
            f'{IMAGE_ID} was deleted.',
        )
        self.assertTrue(self.deleted.called)

    def test_timeout_says_how_to_wait_again_through_the_image(self):
        self.requests.get(IMAGE_URL, json=image('importing'))
        result = self.url_import(
            '--wait', '--timeout', '10', '-f', 'value', '-c', 'status'
        )
        self.assertEqual(
            (
                124,
                'processing\n',
                f'Gave up waiting for task {base.TASK_ID}'
                ' after 10 s: it is still processing. Wait again with: '
                f'openstack image task show {base.TASK_ID} --image {IMAGE_ID} '
                '--wait\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertFalse(self.deleted.called)

    def test_no_web_download_offered(self):
        self.requests.get(
            base.ENDPOINT + '/v2/info/import',
            json={'import-methods': {'value': ['glance-direct']}},
        )
        result = self.url_import()
        self.assertFailsWith(
            result,
            'Cannot use the tasks API: You are not authorized '
            'to complete tasks_api_access action. The tasks API of this '
            'Glance is admin-only (policy tasks_api_access): use a profile '
            'with the admin role. (HTTP 403) This Glance offers no '
            'web-download import either (its methods: glance-direct)',
        )
        self.assertFalse(self.created.called)

    def test_method_must_fit_the_source(self):
        for args, message in (
            (
                ('--import-from', 'c/o.vhd', '--method', 'web-download'),
                '--method web-download imports a URL or a --file',
            ),
            (
                ('--import-from', SOURCE, '--method', 'glance-direct'),
                '--method glance-direct imports a --file',
            ),
        ):
            self.assertFailsWith(
                self.openstack('image', 'task', 'import', *args), message
            )
        self.assertEqual([], self.requests.request_history)


class TestFile(InteropTestCase):
    def setUp(self):
        super().setUp()
        self.staged, self.received = self.read_stage(IMAGE_URL + '/stage')
        self.data = images.qcow2() + b'data' * 1000
        self.path = files.write_file(self.home, 'cirros.img', self.data)

    def test_the_image_seen_active_is_verified_without_reading_it_again(
        self,
    ):
        md5 = hashlib.md5(self.data, usedforsecurity=False).hexdigest()
        self.images_seen(
            image('uploading'), image('active', lock=False, checksum=md5)
        )
        result = self.openstack(
            'image', 'task', 'import', '--file', self.path, '--wait'
        )
        self.assertEqual(0, result.exit_code, result.stderr)
        self.assertIn(f'Verified image {IMAGE_ID}', result.stderr)
        reads = [
            seen
            for seen in self.requests.request_history
            if seen.method == 'GET' and seen.url == IMAGE_URL
        ]
        # One a poll: the second saw it active, and is what is verified.
        self.assertEqual(2, len(reads))

    def test_member_sends_the_file_by_glance_direct(self):
        md5 = hashlib.md5(self.data, usedforsecurity=False).hexdigest()
        self.images_seen(
            image('uploading'), image('active', lock=False, checksum=md5)
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
        self.assertEqual(
            (
                0,
                'success\n',
                f'Verified image {IMAGE_ID}: its md5 '
                f'(checksum) matches the {len(self.data)} bytes read from '
                f'{self.path}; disk format qcow2, container format bare, as '
                'meant.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertEqual(
            {
                'name': 'cirros',
                'disk_format': 'qcow2',
                'container_format': 'bare',
            },
            self.created.last_request.json(),
        )
        sent = self.staged.last_request
        self.assertEqual(
            'application/octet-stream', sent.headers['Content-Type']
        )
        self.assertEqual(str(len(self.data)), sent.headers['Content-Length'])
        self.assertEqual([self.data], self.received)
        self.assertEqual(
            {'method': {'name': 'glance-direct'}},
            self.started.last_request.json(),
        )

    def test_the_image_records_the_hashes_before_its_import(self):
        md5 = hashlib.md5(self.data, usedforsecurity=False).hexdigest()
        sha256 = hashlib.sha256(self.data).hexdigest()
        self.images_seen(image('active', lock=False, checksum=md5))
        result = self.openstack(
            'image', 'task', 'import', '--file', self.path, '--wait'
        )
        self.assertEqual(0, result.exit_code, result.stderr)
        self.assertEqual(
            [
                {
                    'op': 'add',
                    'path': '/owner_specified.openstack.md5',
                    'value': md5,
                },
                {
                    'op': 'add',
                    'path': '/owner_specified.openstack.sha256',
                    'value': sha256,
                },
            ],
            self.patched.last_request.json(),
        )
        self.assertEqual(
            'application/openstack-images-v2.1-json-patch',
            self.patched.last_request.headers['Content-Type'],
        )
        sent = [
            (request.method, request.path)
            for request in self.requests.request_history
            if request.method in ('PUT', 'PATCH', 'POST')
        ]
        path = f'/v2/images/{IMAGE_ID}'
        self.assertEqual(
            [
                ('POST', '/v2/images'),
                ('PUT', path + '/stage'),
                ('PATCH', path),
                ('POST', path + '/import'),
            ],
            sent,
        )

    def test_hashes_refused_delete_the_image(self):
        self.requests.patch(
            IMAGE_URL,
            status_code=403,
            json={'message': 'Attribute owner_specified is reserved.'},
        )
        result = self.openstack(
            'image', 'task', 'import', '--file', self.path, '--wait'
        )
        self.assertEqual(1, result.exit_code)
        self.assertIn(
            f'Cannot record the hashes of {self.path} on image {IMAGE_ID}',
            result.stderr,
        )
        self.assertIn(f'Image {IMAGE_ID} was deleted.', result.stderr)
        self.assertFalse(self.started.called)
        self.assertTrue(self.deleted.called)

    def test_an_image_of_other_bytes_fails(self):
        self.images_seen(image('active', lock=False, checksum='0' * 32))
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
        self.assertEqual((1, 'success\n'), (result.exit_code, result.stdout))
        self.assertIn(
            f'Image {IMAGE_ID} does not hold the bytes of '
            f'{self.path}: its md5 (checksum) is {"0" * 32}',
            result.stderr,
        )

    def test_left_importing_is_a_failure_and_cleaned(self):
        self.images_seen(image('importing', lock=False, disk_format='raw'))
        self.tasks_seen(
            import_task(),
            import_task(
                'failure', message='Task failed due to Internal Error'
            ),
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
        self.assertEqual(
            (
                1,
                'failure\n',
                f'Task {base.TASK_ID} failed: Task failed due '
                'to Internal Error (the image was left importing; it declares '
                'disk format raw and its data is qcow2)\n'
                f'Image {IMAGE_ID} was deleted.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )

    def test_failed_staging_leaves_no_image(self):
        self.requests.put(
            IMAGE_URL + '/stage',
            status_code=413,
            json={'message': 'Image exceeds the storage quota'},
        )
        result = self.openstack('image', 'task', 'import', '--file', self.path)
        self.assertFailsWith(
            result,
            f'Cannot send the data of image {IMAGE_ID}: Image '
            'exceeds the storage quota (HTTP 413). Image '
            f'{IMAGE_ID} was deleted.',
        )
        self.assertFalse(self.started.called)


class TestTasksOfAnImage(InteropTestCase):
    def test_show_through_the_image(self):
        out = self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'show',
                base.TASK_ID,
                '--image',
                IMAGE_ID,
                '-f',
                'value',
                '-c',
                'id',
                '-c',
                'request_id',
            )
        )
        self.assertEqual(f'{base.TASK_ID}\n{REQUEST_ID}\n', out)

    def test_show_wait_through_the_image(self):
        self.images_seen(image('active', lock=False))
        self.tasks_seen(import_task(), import_task('success'))
        out = self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'show',
                base.TASK_ID,
                '--image',
                IMAGE_ID,
                '--wait',
                '-f',
                'value',
                '-c',
                'status',
            )
        )
        self.assertEqual('success\n', out)

    def test_show_of_a_task_the_image_has_not(self):
        other = '0b9d3c52-8f0e-4f55-8a6b-0c1d2e3f4a5c'
        self.assertFailsWith(
            self.openstack(
                'image', 'task', 'show', other, '--image', IMAGE_ID
            ),
            f'Image {IMAGE_ID} has no task {other} of your project (see '
            f'openstack image task list --image {IMAGE_ID})',
        )

    def test_list_newest_first_with_filters(self):
        self.requests.get(
            IMAGE_URL + '/tasks',
            json={
                'tasks': [
                    import_task(
                        'failure', id='t1', created_at='2026-11-30T10:00:00'
                    ),
                    import_task(
                        'success', id='t2', created_at='2026-11-30T12:00:00'
                    ),
                    import_task(
                        'success',
                        id='t3',
                        created_at='2026-11-30T11:00:00',
                        type='copy-image',
                    ),
                ]
            },
        )
        out = self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'list',
                '--image',
                IMAGE_ID,
                '-f',
                'value',
                '-c',
                'ID',
            )
        )
        self.assertEqual('t2\nt3\nt1\n', out)
        out = self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'list',
                '--image',
                IMAGE_ID,
                '--status',
                'success',
                '--type',
                'api_image_import',
                '-f',
                'value',
                '-c',
                'ID',
            )
        )
        self.assertEqual('t2\n', out)

    def test_list_type_the_cloud_does_not_have(self):
        # As the tasks API's list refuses it, not an empty list.
        from tests.unit import fakes

        self.serve_task_schema(fakes.GLANCE_TASK_SCHEMA)
        self.assertFailsWith(
            self.openstack(
                'image', 'task', 'list', '--image', IMAGE_ID, '--type', 'bogus'
            ),
            '--type bogus: this cloud has no task of that type (its task '
            'types: import, api_image_import, location_import)',
        )
        # A type it has, of which the image has no task: an empty list.
        out = self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'list',
                '--image',
                IMAGE_ID,
                '--type',
                'location_import',
                '-f',
                'json',
            )
        )
        self.assertEqual([], json.loads(out))

    def test_list_paging_options_do_not_apply(self):
        self.assertFailsWith(
            self.openstack(
                'image',
                'task',
                'list',
                '--image',
                IMAGE_ID,
                '--limit',
                '5',
                '--sort-dir',
                'asc',
            ),
            "--sort-dir, --limit cannot be used with --image: an image's "
            'tasks come in one list, newest first',
        )

    def test_refused_list_points_to_the_images(self):
        self.assertFailsWith(
            self.openstack('image', 'task', 'list'),
            'Cannot list tasks: You are not authorized to complete '
            'tasks_api_access action. The tasks API of this Glance is '
            'admin-only (policy tasks_api_access): use a profile with the '
            'admin role. (HTTP 403) The tasks of your own images: openstack '
            'image task list --image <image>',
        )


class TestStores(InteropTestCase):
    """A multi-store Glance: --store, --all-stores and copy-image."""

    def setUp(self):
        super().setUp()
        self.store_list = self.requests.get(
            base.ENDPOINT + '/v2/info/stores',
            json={
                'stores': [{'id': 'fast', 'default': 'true'}, {'id': 'cheap'}]
            },
        )
        # The image as copy-image's check reads it first, before the import.
        self.images_seen(BEFORE_COPY)

    def copy_image(self, *args):
        return self.openstack(
            'image', 'task', 'import', '--image', IMAGE_ID, *args
        )

    def test_copy_image_into_a_store(self):
        self.images_seen(
            BEFORE_COPY, image('active'), image('active', lock=False)
        )
        self.tasks_seen(import_task(), import_task('success'))
        result = self.copy_image(
            '--store', 'cheap', '--wait', '-f', 'value', '-c', 'status'
        )
        self.assertEqual(
            (0, 'success\n', ''),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertEqual(
            {'method': {'name': 'copy-image'}, 'stores': ['cheap']},
            self.started.last_request.json(),
        )
        self.assertFalse(self.created.called)
        self.assertFalse(self.deleted.called)

    def test_copy_image_into_all_stores(self):
        result = self.copy_image('--all-stores', '-f', 'value', '-c', 'status')
        self.assertEqual(
            (0, 'processing\n'), (result.exit_code, result.stdout)
        )
        self.assertEqual(
            {'method': {'name': 'copy-image'}, 'all_stores': True},
            self.started.last_request.json(),
        )

    def test_failed_store_fails_and_keeps_the_image(self):
        self.images_seen(
            BEFORE_COPY,
            image('active'),
            image('active', lock=False, os_glance_failed_import='cheap'),
        )
        # The one the import's start reads, then one a look.
        self.tasks_seen(
            import_task(),
            import_task(),
            import_task(
                'failure', message='Task failed due to Internal Error'
            ),
        )
        result = self.copy_image(
            '--store', 'cheap', '--wait', '-f', 'value', '-c', 'status'
        )
        self.assertEqual(
            (
                1,
                'failure\n',
                f'Task {base.TASK_ID} failed: Task failed due '
                'to Internal Error (the image stays active in the stores it '
                'was in; stores that failed: cheap)\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertFalse(self.deleted.called)

    def test_earlier_failure_of_another_store_is_not_this_one(self):
        self.images_seen(
            BEFORE_COPY,
            image('active', lock=False, os_glance_failed_import='fast'),
        )
        result = self.copy_image(
            '--store', 'cheap', '--wait', '-f', 'value', '-c', 'status'
        )
        self.assertEqual((0, 'success\n'), (result.exit_code, result.stdout))

    def test_what_copy_image_would_refuse_is_refused_first(self):
        for answer, line in (
            (
                image('active', lock=False, stores='fast,cheap'),
                f'Cannot copy image {IMAGE_ID} into cheap: it is already '
                'there (its stores: fast,cheap); name only stores it is '
                'not in',
            ),
            (
                image('queued', lock=False),
                f'Image {IMAGE_ID} is queued: only an active image can be '
                'copied into more stores',
            ),
        ):
            self.images_seen(answer)
            for extra in ((), ('--dry-run',)):
                self.assertFailsWith(
                    self.copy_image('--store', 'cheap', *extra), line
                )
        self.assertFalse(self.started.called)

    def test_a_missing_image_is_refused_by_a_dry_run_too(self):
        self.requests.get(IMAGE_URL, status_code=404, text='Not Found')
        # Not JSON: the root is read, and is Glance's.
        self.requests.get(
            base.ENDPOINT + '/', status_code=300, json=fakes.GLANCE_VERSIONS
        )
        result = self.copy_image('--store', 'cheap', '--dry-run')
        self.assertFailsWith(
            result,
            f'No image with ID {IMAGE_ID} at {base.ENDPOINT}/v2 (HTTP 404)',
        )

    def test_refused_by_policy_leaves_the_image(self):
        self.requests.post(
            IMAGE_URL + '/import',
            status_code=403,
            json={
                'message': 'You are not authorized to complete copy_image '
                'action.',
                'code': '403 Forbidden',
            },
        )
        result = self.copy_image('--store', 'cheap')
        self.assertEqual(1, result.exit_code)
        self.assertIn(
            'You are not authorized to complete copy_image action',
            result.stderr,
        )
        self.assertEqual(1, len(result.stderr.splitlines()), result)
        self.assertFalse(self.deleted.called)

    def test_unknown_store_refused_before_any_image(self):
        self.assertFailsWith(
            self.url_import('--store', 'slow'),
            'This Glance has no store slow (its stores: fast, cheap)',
        )
        self.assertFalse(self.created.called)

    def test_single_store_glance(self):
        self.requests.get(
            base.ENDPOINT + '/v2/info/stores',
            status_code=404,
            text='Multi backend is not supported at this site.',
        )
        self.assertFailsWith(
            self.copy_image('--all-stores'),
            'This Glance has a single store: --store and --all-stores need '
            'one with several (enabled_backends)',
        )
        self.assertFalse(self.started.called)

    def test_url_imported_into_a_store(self):
        result = self.url_import(
            '--store', 'cheap', '-f', 'value', '-c', 'status'
        )
        self.assertEqual(
            (0, 'processing\n'), (result.exit_code, result.stdout)
        )
        self.assertEqual(
            {
                'method': {'name': 'web-download', 'uri': SOURCE},
                'stores': ['cheap'],
            },
            self.started.last_request.json(),
        )

    def test_a_store_named_twice_is_sent_once(self):
        # Glance fails such an import and leaves the image locked.
        result = self.url_import(
            '--store', 'cheap', '--store', 'fast', '--store', 'cheap'
        )
        self.assertEqual(0, result.exit_code, result)
        self.assertEqual(
            ['cheap', 'fast'], self.started.last_request.json()['stores']
        )

    def test_store_takes_interop_import_even_for_an_admin(self):
        self.requests.post(
            base.TASKS_URL, status_code=201, json={'id': base.TASK_ID}
        )
        result = self.url_import(
            '--store', 'cheap', '-f', 'value', '-c', 'status'
        )
        self.assertEqual(0, result.exit_code, result)
        self.assertTrue(self.started.called)
        self.assertFalse(
            [
                r
                for r in self.requests.request_history
                if r.url == base.TASKS_URL
            ]
        )


class TestCopyImageRefused(InteropTestCase):
    """Options that cannot go with copy-image: refused before logging in
    or before any request to the image service."""

    def test_without_stores(self):
        self.assertFailsWith(
            self.openstack('image', 'task', 'import', '--image', IMAGE_ID),
            '--image needs the stores to copy it into: --store <store> '
            '(repeat for more) or --all-stores',
        )

    def test_with_image_options(self):
        self.assertFailsWith(
            self.openstack(
                'image',
                'task',
                'import',
                '--image',
                IMAGE_ID,
                '--all-stores',
                '--name',
                'x',
            ),
            '--name describes a new image; --image copies an existing one '
            'into more stores',
        )

    def test_with_another_method(self):
        self.assertFailsWith(
            self.openstack(
                'image',
                'task',
                'import',
                '--image',
                IMAGE_ID,
                '--all-stores',
                '--method',
                'web-download',
            ),
            '--image is copied into more stores by copy-image, not by '
            'web-download',
        )

    def test_copy_image_without_an_image(self):
        self.assertFailsWith(
            self.url_import('--method', 'copy-image'),
            '--method copy-image copies an --image into more stores',
        )

    def test_stores_with_the_tasks_api(self):
        self.assertFailsWith(
            self.url_import('--method', 'task', '--store', 'fast'),
            '--store and --all-stores choose stores of interoperable '
            'import; the tasks API cannot',
        )

    def tearDown(self):
        self.assertFalse(self.started.called)
        super().tearDown()

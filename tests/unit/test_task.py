# SPDX-License-Identifier: Apache-2.0
import json
import os
from unittest import mock

import requests
import yaml

from imageplugin import task
from tests.unit import base
from tests.unit import fakes
from tests.unit import fakeswift
from tests.unit import images

SEED_BODY = {
    'type': 'import',
    'input': {
        'image_properties': {'name': 'My excellent custom image'},
        'import_from': 'exports/my-excellent-image.vhd',
    },
}


def unchecked(source):
    """The line said where a token and an endpoint (no catalog) leave the
    object storage unknown."""
    return (
        f'Did not check {source} before the import (Cannot find the '
        'object storage: a token given with --os-endpoint comes with no '
        'service catalog; set object_store_endpoint_override in '
        'clouds.yaml, or use a profile that logs in): the task checks '
        'it.\n'
    )


class TestImportRackspace(base.ShellTestCase):
    def setUp(self):
        super().setUp()
        self.serve_task_schema()

    def test_seed_request_and_response(self):
        self.requests.post(
            base.TASKS_URL, status_code=201, json=fakes.RACKSPACE_PENDING
        )

        out = self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'import',
                '--import-from',
                'exports/my-excellent-image.vhd',
                '--name',
                'My excellent custom image',
                '-f',
                'json',
            ),
            unchecked('exports/my-excellent-image.vhd'),
        )

        self.assertEqual(SEED_BODY, self.sent_json())
        sent = self.requests.last_request
        self.assertEqual(base.TOKEN, sent.headers['X-Auth-Token'])
        self.assertEqual('application/json', sent.headers['Accept'])
        self.assertEqual('application/json', sent.headers['Content-Type'])
        shown = json.loads(out)
        self.assertEqual(
            {
                'created_at': '2014-02-26T02:58:46Z',
                'expires_at': None,
                'id': base.TASK_ID,
                'image_id': None,
                'input': SEED_BODY['input'],
                'message': '',
                'owner_id': '00000123',
                'properties': {},
                'request_id': None,
                'result': None,
                'status': 'pending',
                'type': 'import',
                'updated_at': '2014-02-26T02:58:46Z',
                'user_id': None,
            },
            shown,
        )

    def test_format_is_passed_on(self):
        self.requests.post(
            base.TASKS_URL, status_code=201, json=fakes.RACKSPACE_PENDING
        )
        self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'import',
                '--import-from',
                'exports/a.vhd',
                '--import-from-format',
                'vhd',
                '--name',
                'a',
            ),
            unchecked('exports/a.vhd'),
        )
        self.assertEqual(
            {
                'import_from': 'exports/a.vhd',
                'import_from_format': 'vhd',
                'image_properties': {'name': 'a'},
            },
            self.sent_json()['input'],
        )

    def test_the_image_is_named_after_the_object(self):
        self.requests.post(
            base.TASKS_URL, status_code=201, json=fakes.RACKSPACE_PENDING
        )
        self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'import',
                '--import-from',
                'exports/my-excellent-image.vhd',
            ),
            unchecked('exports/my-excellent-image.vhd'),
        )
        self.assertEqual(
            {
                'import_from': 'exports/my-excellent-image.vhd',
                'image_properties': {'name': 'my-excellent-image'},
            },
            self.sent_json()['input'],
        )

    def test_image_properties_other_than_name_are_refused(self):
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            'exports/a.vhd',
            '--name',
            'a',
            '--property',
            'os_distro=ubuntu',
        )
        self.assertFailsWith(
            result,
            'An import from <container>/<object> (Rackspace Cloud Images) '
            'accepts no image property but --name; --property would make '
            'the task fail',
        )
        # Only the schema, which tells this is Rackspace (not Glance).
        self.assertEqual(
            [('GET', base.ENDPOINT + fakes.SCHEMA_URL)],
            [(r.method, r.url) for r in self.requests.request_history],
        )

    def test_object_without_container_is_refused(self):
        result = self.openstack(
            'image', 'task', 'import', '--import-from', 'my-image.vhd'
        )
        self.assertFailsWith(
            result,
            "--import-from 'my-image.vhd' must be <container>/<object> (an "
            "object in the cloud's object storage) or an http(s) URL",
        )
        self.assertEqual([], self.requests.request_history)


class TestRackspaceObjectCheck(base.ShellTestCase):
    """The object is read from Cloud Files before the task is created."""

    OBJECT_URL = fakeswift.ENDPOINT + '/exports/my-image.vhd'

    def setUp(self):
        super().setUp()
        self.use_catalog(
            [base.password_profile('rackspace')],
            [
                ('image', 'public', base.ENDPOINT, 'RegionOne'),
                ('object-store', 'public', fakeswift.ENDPOINT, 'RegionOne'),
            ],
        )
        self.serve_task_schema()
        self.requests.post(
            base.TASKS_URL, status_code=201, json=fakes.RACKSPACE_PENDING
        )

    def serve_object(self, data):
        return self.serve_image(self.OBJECT_URL, data)

    def run_import(self):
        return self.openstack(
            '--os-cloud',
            'rackspace',
            'image',
            'task',
            'import',
            '--import-from',
            'exports/my-image.vhd',
            '-f',
            'value',
            '-c',
            'status',
            auth=(),
        )

    def test_a_good_vhd_is_imported(self):
        served = self.serve_object(
            bytes(2 * 1024 * 1024) + images.vhd_footer(2 * 1024 * 1024)
        )
        self.assertEqual('pending\n', self.assertSucceeds(self.run_import()))
        self.assertEqual(
            ['bytes=0-1048575', 'bytes=-512'],
            [r.headers['Range'] for r in served.request_history],
        )
        self.assertEqual(
            base.TOKEN, served.last_request.headers['X-Auth-Token']
        )

    def test_a_vhd_of_a_200_gib_disk_is_refused(self):
        self.serve_object(images.dynamic_vhd(200 * images.GiB))
        self.assertFailsWith(
            self.run_import(),
            'Cannot import exports/my-image.vhd: it '
            'expands to a disk of 200.0 GiB (214748364800 bytes), over the '
            '160.0 GiB Rackspace imports (error 413)',
        )
        self.assertEqual(
            [],
            [
                r
                for r in self.requests.request_history
                if r.url == base.TASKS_URL
            ],
        )

    def test_a_missing_object_is_refused(self):
        self.requests.get(self.OBJECT_URL, status_code=404, text='')
        self.assertFailsWith(
            self.run_import(),
            'Cannot import exports/my-image.vhd: the '
            'object storage of this region has no such object (HTTP 404); '
            'check the container and object names, and --os-region-name',
        )

    def test_an_unreadable_object_is_left_to_the_task(self):
        self.requests.get(self.OBJECT_URL, status_code=403, text='')
        self.assertEqual(
            'pending\n',
            self.assertSucceeds(
                self.run_import(),
                'Did not check exports/my-image.vhd before the import (Cannot '
                'read exports/my-image.vhd: Forbidden. Your role in this '
                'project '
                'does not allow it in the object storage (Swift lets its '
                'operator '
                'roles, often member or admin, write) (HTTP 403)): the task '
                'checks it.\n',
            ),
        )


class TestImportGlance(base.ShellTestCase):
    def setUp(self):
        super().setUp()
        self.open_tasks_api()

    def test_url_with_formats_from_content(self):
        self.serve_image('http://127.0.0.1:8000/cirros.qcow2', images.qcow2())
        self.requests.post(
            base.TASKS_URL, status_code=201, json=fakes.GLANCE_SUCCESS
        )
        self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'import',
                '--import-from',
                'http://127.0.0.1:8000/cirros.qcow2',
                '--name',
                'cirros',
            )
        )
        self.assertEqual(
            {'type': 'import', 'input': fakes.GLANCE_INPUT}, self.sent_json()
        )

    def test_options_of_other_routes_are_said_to_do_nothing(self):
        self.serve_image('http://127.0.0.1:8000/cirros.qcow2', images.qcow2())
        self.requests.post(
            base.TASKS_URL, status_code=201, json=fakes.GLANCE_SUCCESS
        )
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            'http://127.0.0.1:8000/cirros.qcow2',
            '--segment-size',
            '8M',
            '--keep-image',
            '-f',
            'value',
            '-c',
            'status',
        )
        self.assertEqual(
            (
                0,
                'success\n',
                '--segment-size has no effect here: there is '
                'no --file to upload\n--keep-image has no effect here: the '
                'tasks API creates the image, and Glance deletes it when the '
                'import fails\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )

    def test_protected_once_imported_with_wait(self):
        # Glance cannot delete a protected image whose import failed.
        self.serve_task_schema(fakes.GLANCE_TASK_SCHEMA)
        self.serve_image('http://127.0.0.1:8000/cirros.qcow2', images.qcow2())
        self.requests.post(
            base.TASKS_URL,
            status_code=201,
            json=dict(fakes.GLANCE_SUCCESS, status='pending'),
        )
        self.requests.get(
            base.TASKS_URL + '/' + base.TASK_ID, json=fakes.GLANCE_SUCCESS
        )
        image_id = fakes.GLANCE_SUCCESS['result']['image_id']
        patched = self.requests.patch(
            base.ENDPOINT + '/v2/images/' + image_id, json={}
        )
        self.requests.get(
            base.ENDPOINT + '/v2/images/' + image_id,
            json={
                'id': image_id,
                'disk_format': 'qcow2',
                'container_format': 'bare',
            },
        )
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            'http://127.0.0.1:8000/cirros.qcow2',
            '--name',
            'cirros',
            '--protected',
            '--wait',
            '-f',
            'value',
            '-c',
            'status',
        )
        # The image's formats as meant: nothing to say.
        self.assertEqual(
            (0, 'success\n', ''),
            (result.exit_code, result.stdout, result.stderr),
        )
        posted = [
            r for r in self.requests.request_history if r.method == 'POST'
        ]
        self.assertEqual(fakes.GLANCE_INPUT, posted[0].json()['input'])
        self.assertEqual(
            [{'op': 'replace', 'path': '/protected', 'value': True}],
            patched.last_request.json(),
        )

    def test_an_img_name_is_what_its_content_is(self):
        url = 'https://127.0.0.1/noble-server-cloudimg-amd64.img'
        served = self.serve_image(url, images.qcow2(3 * images.GiB))
        self.requests.post(
            base.TASKS_URL, status_code=201, json=fakes.GLANCE_SUCCESS
        )
        self.assertSucceeds(
            self.openstack('image', 'task', 'import', '--import-from', url)
        )
        self.assertEqual(
            {
                'import_from': url,
                'import_from_format': 'qcow2',
                'image_properties': {
                    'disk_format': 'qcow2',
                    'container_format': 'bare',
                },
            },
            self.sent_json()['input'],
        )
        # Only the start was asked for, and without our token.
        self.assertEqual(
            'bytes=0-8388607', served.last_request.headers['Range']
        )
        self.assertNotIn('X-Auth-Token', served.last_request.headers)

    def test_explicit_formats_and_typed_properties(self):
        self.serve_image('https://127.0.0.1/download?id=7', images.qcow2())
        self.requests.post(
            base.TASKS_URL, status_code=201, json=fakes.GLANCE_SUCCESS
        )
        self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'import',
                '--import-from',
                'https://127.0.0.1/download?id=7',
                '--import-from-format',
                'qcow2',
                '--disk-format',
                'raw',
                '--container-format',
                'ovf',
                '--name',
                'n',
                '--property',
                'os_distro=ubuntu',
                '--property',
                'min_disk=1',
                '--min-ram',
                '512',
                '--tag',
                'a',
                '--tag',
                'b',
                '--community',
                '--protected',
            )
        )
        self.assertEqual(
            {
                'import_from': 'https://127.0.0.1/download?id=7',
                'import_from_format': 'qcow2',
                'image_properties': {
                    'name': 'n',
                    'disk_format': 'raw',
                    'container_format': 'ovf',
                    'os_distro': 'ubuntu',
                    'min_disk': 1,
                    'min_ram': 512,
                    'tags': ['a', 'b'],
                    'visibility': 'community',
                    'protected': True,
                },
            },
            self.sent_json()['input'],
        )

    def test_unreadable_url_with_an_ambiguous_name_asks(self):
        self.requests.get(
            'http://127.0.0.1:8000/image.img',
            exc=requests.exceptions.ConnectionError,
        )
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            'http://127.0.0.1:8000/image.img?sig=abc',
        )
        self.assertFailsWith(
            result,
            'Cannot tell the disk format of http://127.0.0.1:8000/image.img: '
            'it cannot be reached from here, and its name does not tell for '
            'sure; give --disk-format (e.g. qcow2 or raw)',
        )
        self.assertEqual(
            ['GET'], [r.method for r in self.requests.request_history]
        )

    def test_unreadable_url_imported_as_told_with_a_note(self):
        self.requests.get(
            'http://127.0.0.1:8000/image.img',
            exc=requests.exceptions.ConnectionError,
        )
        self.requests.post(
            base.TASKS_URL, status_code=201, json=fakes.GLANCE_SUCCESS
        )
        result = self.openstack(
            'image',
            'task',
            'import',
            '--disk-format',
            'qcow2',
            '--import-from',
            'http://127.0.0.1:8000/image.img',
            '-f',
            'value',
            '-c',
            'status',
        )
        self.assertEqual(
            (
                0,
                'success\n',
                'Could not read the start of '
                'http://127.0.0.1:8000/image.img (it cannot be reached from '
                'here): importing it as qcow2, unchecked\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertEqual(
            'qcow2', self.sent_json()['input']['import_from_format']
        )

    def test_input_is_merged_under_the_options(self):
        self.serve_image('http://127.0.0.1:8000/cirros.qcow2', images.qcow2())
        self.requests.post(
            base.TASKS_URL, status_code=201, json=fakes.GLANCE_SUCCESS
        )
        self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'import',
                '--import-from',
                'http://127.0.0.1:8000/cirros.qcow2',
                '--name',
                'cirros',
                '--input',
                '{"import_from": "http://ignored/x.raw", "backend": "fast",'
                ' "image_properties": {"min_ram": "512", "name": "lost"}}',
            )
        )
        sent = self.sent_json()['input']
        self.assertEqual('fast', sent['backend'])
        self.assertEqual(
            'http://127.0.0.1:8000/cirros.qcow2', sent['import_from']
        )
        # Typed as Glance's schema types it, as --property would be.
        self.assertEqual(
            {
                'min_ram': 512,
                'name': 'cirros',
                'disk_format': 'qcow2',
                'container_format': 'bare',
            },
            sent['image_properties'],
        )

    def test_invalid_input_json(self):
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            'exports/a.vhd',
            '--input',
            '{"a": ',
        )
        self.assertFailsWith(
            result,
            '--input is not valid JSON: Expecting value: line 1 '
            'column 7 (char 6)',
        )
        self.assertEqual([], self.requests.request_history)

    def test_input_must_be_an_object(self):
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            'exports/a.vhd',
            '--input',
            '[1]',
        )
        self.assertFailsWith(
            result,
            '--input must be a JSON object such as \'{"key": "value"}\'',
        )

    def test_other_schemes_are_refused(self):
        result = self.openstack(
            'image', 'task', 'import', '--import-from', 'file:///tmp/a.qcow2'
        )
        self.assertFailsWith(
            result,
            '--import-from must be <container>/<object> or an '
            'http(s) URL, not a file:// address',
        )

    def test_property_without_equals_is_a_usage_error(self):
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            'http://h/a.raw',
            '--property',
            'novalue',
        )
        self.assertEqual(2, result.exit_code)
        self.assertIn(
            "Expected 'key=value' type, but got: novalue", result.stderr
        )
        self.assertEqual([], self.requests.request_history)

    def test_import_from_is_required(self):
        result = self.openstack('image', 'task', 'import', '--name', 'x')
        self.assertFailsWith(
            result,
            'openstack image task import: error: one of the '
            'arguments --import-from --file --image is required (see '
            'openstack image task import --help)',
            exit_code=2,
        )

    def test_server_refusal_is_one_line(self):
        self.serve_image('http://127.0.0.1:8000/a.raw', bytes(4096))
        self.requests.post(
            base.TASKS_URL,
            status_code=400,
            json={
                'message': 'URI for legacy import task does not pass '
                'filtering: http://127.0.0.1:8000/a.raw'
                '<br /><br />\n',
                'code': '400 Bad Request',
                'title': 'Bad Request',
            },
        )
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            'http://127.0.0.1:8000/a.raw',
        )
        self.assertFailsWith(
            result,
            'Cannot create the import task: URI for legacy import '
            'task does not pass filtering: http://127.0.0.1:8000/a.raw '
            '(HTTP 400)',
        )


class TestShow(base.ShellTestCase):
    def setUp(self):
        super().setUp()
        self.requests.get(
            base.TASKS_URL + '/' + base.TASK_ID, json=fakes.GLANCE_SUCCESS
        )

    def show(self, *args):
        return self.openstack('image', 'task', 'show', base.TASK_ID, *args)

    def test_json_has_core_columns_and_hidden_fields(self):
        shown = json.loads(self.assertSucceeds(self.show('-f', 'json')))
        self.assertEqual(
            {
                'created_at': '2026-11-27T10:00:00Z',
                # Spelled as the tasks API spells times (the answer has no Z).
                'expires_at': '2026-11-29T10:00:01Z',
                'id': base.TASK_ID,
                'image_id': '7d1b6f4e-0c3a-4f7e-9a51-2b8e6c0d4f11',
                'input': fakes.GLANCE_INPUT,
                'message': '',
                'owner_id': '4a2c6a1e3f0b4c3d9e8f7a6b5c4d3e2f',
                'properties': {},
                'request_id': 'req-5a0c1f53-6d51-4b0a-a5d6-3f4e2c1b0a99',
                'result': {'image_id': '7d1b6f4e-0c3a-4f7e-9a51-2b8e6c0d4f11'},
                'status': 'success',
                'type': 'import',
                'updated_at': '2026-11-27T10:00:01Z',
                'user_id': '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
            },
            shown,
        )
        self.assertTrue(set(task.CORE_COLUMNS) <= set(shown))

    def test_yaml(self):
        shown = yaml.safe_load(self.assertSucceeds(self.show('-f', 'yaml')))
        self.assertEqual(fakes.GLANCE_INPUT, shown['input'])
        self.assertEqual('success', shown['status'])

    def test_value_of_chosen_columns(self):
        out = self.assertSucceeds(
            self.show('-f', 'value', '-c', 'status', '-c', 'owner_id')
        )
        self.assertEqual('4a2c6a1e3f0b4c3d9e8f7a6b5c4d3e2f\nsuccess\n', out)

    def test_shell(self):
        out = self.assertSucceeds(
            self.show('-f', 'shell', '-c', 'status', '-c', 'image_id')
        )
        self.assertEqual(
            'image_id="7d1b6f4e-0c3a-4f7e-9a51-2b8e6c0d4f11"\n'
            'status="success"\n',
            out,
        )

    def test_table_is_readable(self):
        out = self.assertSucceeds(self.show())
        rows = {
            line.split('|')[1].strip(): line.split('|')[2].strip()
            for line in out.splitlines()
            if line.startswith('|')
        }
        self.assertEqual('success', rows['status'])
        self.assertEqual(
            "image_id='7d1b6f4e-0c3a-4f7e-9a51-2b8e6c0d4f11'", rows['result']
        )
        self.assertIn(
            "import_from='http://127.0.0.1:8000/cirros.qcow2'", rows['input']
        )

    def test_unmodelled_fields_are_properties(self):
        self.requests.get(
            base.TASKS_URL + '/' + base.TASK_ID,
            json=dict(fakes.RACKSPACE_PENDING, region='IAD'),
        )
        shown = json.loads(self.assertSucceeds(self.show('-f', 'json')))
        self.assertEqual({'region': 'IAD'}, shown['properties'])
        self.assertEqual('', shown['message'])

    def test_image_id_from_the_result(self):
        image_id = 'b7a1c2d3-0000-4000-8000-000000000001'
        done = dict(
            fakes.RACKSPACE_PENDING,
            status='success',
            result={'image_id': image_id},
        )
        self.requests.get(base.TASKS_URL + '/' + base.TASK_ID, json=done)
        out = self.assertSucceeds(self.show('-f', 'value', '-c', 'image_id'))
        self.assertEqual(image_id + '\n', out)

    def test_failure_message_is_shown(self):
        failed = dict(
            fakes.RACKSPACE_PENDING,
            status='failure',
            message="Image cannot be imported. Error code: '721'",
        )
        self.requests.get(base.TASKS_URL + '/' + base.TASK_ID, json=failed)
        out = self.assertSucceeds(self.show('-f', 'value', '-c', 'message'))
        self.assertEqual("Image cannot be imported. Error code: '721'\n", out)

    def test_unknown_task(self):
        self.requests.get(
            base.TASKS_URL + '/' + base.TASK_ID,
            status_code=404,
            text='<html><head><title>404 Not Found</title></head><body>'
            '<h1>404 Not Found</h1>Could not find task</body></html>',
        )
        # Not JSON: the root is read, and is Glance's.
        self.requests.get(
            base.ENDPOINT + '/', status_code=300, json=fakes.GLANCE_VERSIONS
        )
        self.assertFailsWith(
            self.show(),
            f'No task with ID {base.TASK_ID} at {base.ENDPOINT}/v2 (HTTP 404)',
        )

    def test_not_a_uuid(self):
        result = self.openstack('image', 'task', 'show', 'not-a-task')
        self.assertFailsWith(
            result,
            "'not-a-task' is not a task ID: task IDs are UUIDs such "
            'as fc29a67c-ad76-49bc-a317-a5f38dcb44c0',
        )
        self.assertEqual([], self.requests.request_history)

    def test_other_spellings_of_the_uuid_name_the_same_task(self):
        for spelling in (
            base.TASK_ID.upper(),
            '{' + base.TASK_ID + '}',
            'urn:uuid:' + base.TASK_ID,
            base.TASK_ID.replace('-', ''),
        ):
            shown = json.loads(
                self.assertSucceeds(
                    self.openstack(
                        'image', 'task', 'show', spelling, '-f', 'json'
                    )
                )
            )
            self.assertEqual(base.TASK_ID, shown['id'])
            self.assertEqual(
                base.TASKS_URL + '/' + base.TASK_ID,
                self.requests.last_request.url,
            )

    def test_our_show_replaces_cores(self):
        # Only ours shows image_id; core's would call openstacksdk.
        out = self.assertSucceeds(self.show('-f', 'value', '-c', 'image_id'))
        self.assertEqual('7d1b6f4e-0c3a-4f7e-9a51-2b8e6c0d4f11\n', out)


def task_in(status, **fields):
    return dict(fakes.GLANCE_SUCCESS, status=status, **fields)


class TestWait(base.ShellTestCase):
    def setUp(self):
        super().setUp()
        self.clock = self.useFixture(base.FakeClock())
        self.show_url = base.TASKS_URL + '/' + base.TASK_ID
        self.offer(fakes.GLANCE_TASK_SCHEMA)

    def offer(self, schema):
        self.requests.get(base.ENDPOINT + fakes.SCHEMA_URL, json=schema)

    def test_show_wait_to_success(self):
        self.requests.get(
            self.show_url,
            [
                {'json': task_in('pending')},
                {'json': task_in('processing')},
                {'json': task_in('success')},
            ],
        )
        out = self.assertSucceeds(
            self.openstack(
                'image', 'task', 'show', base.TASK_ID, '--wait', '-f', 'json'
            )
        )
        self.assertEqual('success', json.loads(out)['status'])
        self.assertEqual(
            [fakes.SCHEMA_URL] + 3 * [f'/v2/tasks/{base.TASK_ID}'],
            [r.path for r in self.requests.request_history],
        )
        self.assertEqual([0.5, 0.5], self.clock.sleeps)

    def test_rackspace_is_asked_every_30_seconds_at_most(self):
        self.offer(fakes.RACKSPACE_TASK_SCHEMA)
        self.requests.get(
            self.show_url,
            [
                {'json': fakes.RACKSPACE_EXPORT_PENDING},
                {
                    'json': dict(
                        fakes.RACKSPACE_EXPORT_PENDING, status='processing'
                    )
                },
                {'json': fakes.RACKSPACE_EXPORT_SUCCESS},
            ],
        )
        out = self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'show',
                base.TASK_ID,
                '--wait',
                '--max-poll-interval',
                '5',
                '-f',
                'value',
                '-c',
                'status',
            )
        )
        self.assertEqual('success\n', out)
        self.assertEqual([30.0, 30.0], self.clock.sleeps)

    def test_rackspace_by_its_endpoint_when_the_schema_is_unreadable(self):
        endpoint = 'https://iad.images.api.rackspacecloud.com/v2'
        self.requests.get(endpoint + '/schemas/task', status_code=503, text='')
        self.requests.get(
            f'{endpoint}/tasks/{base.TASK_ID}',
            [
                {'json': fakes.RACKSPACE_EXPORT_PENDING},
                {'json': fakes.RACKSPACE_EXPORT_SUCCESS},
            ],
        )
        self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'show',
                base.TASK_ID,
                '--wait',
                auth=('--os-token', base.TOKEN, '--os-endpoint', endpoint),
            )
        )
        self.assertEqual([30.0], self.clock.sleeps)

    def test_import_with_dialect_given_reads_no_schema(self):
        self.requests.post(
            base.TASKS_URL, status_code=201, json=fakes.RACKSPACE_PENDING
        )
        self.requests.get(
            self.show_url,
            json=dict(
                fakes.RACKSPACE_PENDING,
                status='success',
                result={'image_id': fakes.EXPORTED_IMAGE_ID},
            ),
        )
        self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'import',
                '--import-from',
                'exports/a.vhd',
                '--dialect',
                'rackspace',
                '--wait',
            ),
            unchecked('exports/a.vhd'),
        )
        self.assertEqual([30.0], self.clock.sleeps)
        self.assertNotIn(
            fakes.SCHEMA_URL, [r.path for r in self.requests.request_history]
        )

    def test_failure_exits_1_with_the_task_on_stdout(self):
        failed = task_in(
            'failure', message="Image cannot be imported. Error code: '721'"
        )
        self.requests.get(
            self.show_url, [{'json': task_in('processing')}, {'json': failed}]
        )
        result = self.openstack(
            'image', 'task', 'show', base.TASK_ID, '--wait', '-f', 'json'
        )
        self.assertEqual(1, result.exit_code)
        self.assertEqual('failure', json.loads(result.stdout)['status'])
        self.assertEqual(
            f'Task {base.TASK_ID} failed: Image cannot be imported. Error '
            "code: '721' (the VHD has a parent: flatten it into a "
            'standalone VHD, e.g. with "qemu-img convert -f vpc -O vpc")\n',
            result.stderr,
        )

    def test_timeout_exits_124_and_says_how_to_resume(self):
        self.requests.get(self.show_url, json=task_in('processing'))
        result = self.openstack(
            'image',
            'task',
            'show',
            base.TASK_ID,
            '--wait',
            '--timeout',
            '90',
            '-f',
            'value',
            '-c',
            'status',
        )
        self.assertEqual(
            (
                124,
                'processing\n',
                f'Gave up waiting for task {base.TASK_ID} after 90 s: it is '
                'still processing. Wait again with: openstack image task show '
                f'{base.TASK_ID} --wait\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertEqual(90, self.clock.now)
        # Each look asked for an answer within the time left, 60 s at
        # most, the last one 0.5 s.
        timeouts = [r.timeout for r in self.requests.request_history]
        self.assertEqual([60, 60], timeouts[:2])
        self.assertEqual(0.5, timeouts[-1])

    def test_resume_command_names_the_profile(self):
        with open(self.clouds_yaml, 'w') as clouds:
            clouds.write(
                'clouds:\n  my cloud:\n    auth_type: none\n'
                f'    auth:\n      endpoint: {base.ENDPOINT}\n'
            )
        self.requests.get(self.show_url, json=task_in('processing'))
        result = self.openstack(
            '--os-cloud',
            'my cloud',
            'image',
            'task',
            'show',
            base.TASK_ID,
            '--wait',
            '--timeout',
            '1',
            auth=(),
        )
        self.assertEqual(124, result.exit_code)
        self.assertTrue(
            result.stderr.endswith(
                "Wait again with: openstack --os-cloud 'my cloud' image task "
                f'show {base.TASK_ID} --wait\n'
            ),
            result.stderr,
        )

    def assertWaitsThrough(self, failure, note):
        """A wait meets ``failure`` once, says ``note`` and goes on."""
        self.requests.get(
            self.show_url,
            [
                {'json': task_in('processing')},
                failure,
                {'json': task_in('success')},
            ],
        )
        result = self.openstack(
            'image',
            'task',
            'show',
            base.TASK_ID,
            '--wait',
            '-f',
            'value',
            '-c',
            'status',
        )
        self.assertEqual(
            (0, 'success\n', f'Cannot show task {base.TASK_ID}: {note}\n'),
            (result.exit_code, result.stdout, result.stderr),
        )

    def test_first_look_rides_out_a_restart(self):
        self.requests.get(
            self.show_url,
            [
                {
                    'exc': requests.exceptions.ConnectionError(
                        'Connection refused'
                    )
                },
                {'json': task_in('success')},
            ],
        )
        result = self.openstack(
            'image',
            'task',
            'show',
            base.TASK_ID,
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
                f'Cannot show task {base.TASK_ID}: cannot reach '
                f'the image service at {self.show_url}: connection refused; '
                'still waiting\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        # Looked at once, again half a second after the failure.
        self.assertEqual([0.5], self.clock.sleeps)

    def test_no_answer_before_the_timeout(self):
        self.requests.get(
            self.show_url,
            exc=requests.exceptions.ReadTimeout('read timed out'),
        )
        result = self.openstack(
            'image',
            'task',
            'show',
            base.TASK_ID,
            '--wait',
            '--timeout',
            '5',
            '-f',
            'json',
        )
        self.assertEqual(124, result.exit_code)
        self.assertEqual(
            {'id': base.TASK_ID, 'status': None},
            {k: json.loads(result.stdout)[k] for k in ('id', 'status')},
        )
        self.assertTrue(
            result.stderr.endswith(
                f'Gave up waiting for task {base.TASK_ID} after 5 s: the '
                'image '
                'service did not tell its status. Wait again with: openstack '
                f'image task show {base.TASK_ID} --wait\n'
            ),
            result.stderr,
        )

    def test_unknown_task_is_not_waited_for(self):
        self.requests.get(
            self.show_url,
            status_code=404,
            json={'message': f'Could not find task {base.TASK_ID}'},
        )
        self.assertFailsWith(
            self.openstack('image', 'task', 'show', base.TASK_ID, '--wait'),
            f'No task with ID {base.TASK_ID} at {base.ENDPOINT}/v2 (HTTP 404)',
        )

    def test_a_look_without_answer_is_retried(self):
        self.assertWaitsThrough(
            {'exc': requests.exceptions.ReadTimeout('read timed out')},
            f'cannot reach the image service at {self.show_url}: timed out; '
            'still waiting',
        )

    def test_transient_errors_while_waiting(self):
        self.assertWaitsThrough(
            {'status_code': 503, 'headers': {'Retry-After': '7'}, 'text': ''},
            'Service Unavailable (HTTP 503); still waiting (the server asks '
            'for 7 s)',
        )
        self.assertIn(7, self.clock.sleeps)

    def test_ctrl_c_exits_130_and_says_how_to_resume(self):
        self.requests.get(self.show_url, json=task_in('processing'))
        self.clock.sleep = mock.Mock(side_effect=KeyboardInterrupt)
        result = self.openstack(
            'image', 'task', 'show', base.TASK_ID, '--wait'
        )
        self.assertEqual(
            (
                130,
                '',
                f'Stopped waiting for task {base.TASK_ID}; it goes on '
                'in the cloud. Wait again with: openstack image task show '
                f'{base.TASK_ID} --wait\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )

    def test_timeout_needs_wait(self):
        self.requests.get(self.show_url, json=task_in('processing'))
        self.assertFailsWith(
            self.openstack(
                'image', 'task', 'show', base.TASK_ID, '--timeout', '5'
            ),
            '--timeout needs --wait',
        )

    def test_timeout_must_be_positive(self):
        for value in ('0', '-3', 'soon'):
            result = self.openstack(
                'image',
                'task',
                'show',
                base.TASK_ID,
                '--wait',
                '--timeout',
                value,
            )
            self.assertEqual(2, result.exit_code)
            self.assertIn(
                f'argument --timeout: {value!r} is not a positive number',
                result.stderr,
            )
        self.assertEqual([], self.requests.request_history)

    def test_import_retries_rackspaces_intermittent_failure(self):
        self.offer(fakes.RACKSPACE_TASK_SCHEMA)
        other_id = '0b9d3c52-8f0e-4f55-8a6b-0c1d2e3f4a5b'
        intermittent = dict(
            fakes.RACKSPACE_PENDING,
            status='failure',
            message="Image cannot be imported. Error code: '396'",
        )
        self.requests.post(
            base.TASKS_URL,
            [
                {'status_code': 201, 'json': fakes.RACKSPACE_PENDING},
                {
                    'status_code': 201,
                    'json': dict(fakes.RACKSPACE_PENDING, id=other_id),
                },
            ],
        )
        self.requests.get(self.show_url, json=intermittent)
        self.requests.get(
            base.TASKS_URL + '/' + other_id,
            json=dict(
                fakes.RACKSPACE_PENDING,
                id=other_id,
                status='success',
                result={'image_id': 'a1b2'},
            ),
        )
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            'exports/my-excellent-image.vhd',
            '--name',
            'My excellent custom image',
            '--wait',
            '-f',
            'value',
            '-c',
            'id',
            '-c',
            'status',
        )
        self.assertEqual(
            (
                0,
                f'{other_id}\nsuccess\n',
                unchecked('exports/my-excellent-image.vhd')
                + f"Task {base.TASK_ID} failed with Rackspace's intermittent "
                f'error 396; created it again as task {other_id} (retry 1 of '
                '2)\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        posts = [
            r for r in self.requests.request_history if r.method == 'POST'
        ]
        self.assertEqual([SEED_BODY, SEED_BODY], [r.json() for r in posts])

    def test_import_gives_up_after_the_retries(self):
        self.offer(fakes.RACKSPACE_TASK_SCHEMA)
        intermittent = dict(
            fakes.RACKSPACE_PENDING,
            status='failure',
            message="Image cannot be imported. Error code: '396'",
        )
        self.requests.post(
            base.TASKS_URL, status_code=201, json=fakes.RACKSPACE_PENDING
        )
        self.requests.get(self.show_url, json=intermittent)
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            'exports/a.vhd',
            '--wait',
            '-f',
            'value',
            '-c',
            'status',
        )
        self.assertEqual(1, result.exit_code)
        self.assertEqual('failure\n', result.stdout)
        self.assertEqual(
            3,
            len(
                [
                    r
                    for r in self.requests.request_history
                    if r.method == 'POST'
                ]
            ),
        )
        self.assertTrue(
            result.stderr.endswith(
                f'Task {base.TASK_ID} failed: Image cannot be imported. Error '
                "code: '396' (the file is not a valid VHD; Rackspace also "
                'returns this code intermittently, so retrying can help)\n'
            )
        )

    def test_no_progress_unless_stderr_is_a_terminal(self):
        self.requests.get(
            self.show_url,
            [{'json': task_in('processing')}, {'json': task_in('success')}],
        )
        result = self.openstack(
            'image',
            'task',
            'show',
            base.TASK_ID,
            '--wait',
            '-f',
            'value',
            '-c',
            'status',
        )
        self.assertEqual(
            (0, 'success\n', ''),
            (result.exit_code, result.stdout, result.stderr),
        )

    def test_progress_on_a_terminal_is_one_line_then_cleared(self):
        self.requests.get(
            self.show_url,
            [
                {'json': task_in('pending')},
                {'json': task_in('processing')},
                {'json': task_in('success')},
            ],
        )
        result = self.openstack(
            'image',
            'task',
            'show',
            base.TASK_ID,
            '--wait',
            '-f',
            'value',
            '-c',
            'status',
            tty=True,
        )
        self.assertEqual((0, 'success\n'), (result.exit_code, result.stdout))
        self.assertEqual(
            f'\r\x1b[KTask {base.TASK_ID}: pending, 0 s'
            f'\r\x1b[KTask {base.TASK_ID}: processing, 0 s\r\x1b[K',
            result.stderr,
        )


class TestList(base.ShellTestCase):
    def page(self, count, start=0, next_marker=None):
        body = {
            'tasks': [
                {
                    'id': f'00000000-0000-0000-0000-{n:012d}',
                    'type': 'import',
                    'status': 'success',
                    'owner': 'o',
                    'created_at': '2026-11-27T10:00:00Z',
                    'updated_at': '2026-11-27T10:00:01Z',
                    'expires_at': '2026-11-29T10:00:01Z',
                }
                for n in range(start, start + count)
            ],
            'first': '/v2/tasks',
            'schema': '/v2/schemas/tasks',
        }
        if next_marker:
            body['next'] = f'/v2/tasks?marker={next_marker}&limit={count}'
        return {'json': body}

    def test_follows_pages_with_filters(self):
        self.requests.get(
            base.TASKS_URL,
            [
                self.page(2, 0, next_marker='m1'),
                self.page(2, 2, next_marker='m2'),
                self.page(1, 4),
            ],
        )
        out = self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'list',
                '--status',
                'success',
                '--type',
                'api_image_import',
                '--sort-key',
                'updated_at',
                '--sort-dir',
                'asc',
                '--limit',
                '2',
                '-f',
                'json',
            )
        )
        listed = json.loads(out)
        self.assertEqual(5, len(listed))
        self.assertEqual(
            {
                'ID': '00000000-0000-0000-0000-000000000000',
                'Type': 'import',
                'Status': 'success',
                'Owner': 'o',
            },
            listed[0],
        )
        queries = [r.qs for r in self.requests.request_history]
        common = {
            'status': ['success'],
            'type': ['api_image_import'],
            'sort_key': ['updated_at'],
            'sort_dir': ['asc'],
            'limit': ['2'],
        }
        self.assertEqual(
            [common, dict(common, marker=['m1']), dict(common, marker=['m2'])],
            queries,
        )

    def test_max_items_really_stops(self):
        self.requests.get(
            base.TASKS_URL,
            [
                self.page(3, 0, next_marker='m1'),
                self.page(3, 3, next_marker='m2'),
            ],
        )
        out = self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'list',
                '--max-items',
                '4',
                '--limit',
                '3',
                '-f',
                'value',
                '-c',
                'ID',
            )
        )
        self.assertEqual(
            [f'00000000-0000-0000-0000-{n:012d}' for n in range(4)],
            out.split(),
        )
        self.assertEqual(
            [['3'], ['1']],
            [r.qs['limit'] for r in self.requests.request_history],
        )

    def test_pages_are_bounded_when_no_size_is_given(self):
        self.requests.get(
            base.TASKS_URL,
            [self.page(100, 0, next_marker='m1'), self.page(100, 100)],
        )
        out = self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'list',
                '--max-items',
                '1000',
                '-f',
                'value',
                '-c',
                'ID',
            )
        )
        self.assertEqual(200, len(out.split()))
        self.assertEqual(
            [['200'], ['200']],
            [r.qs['limit'] for r in self.requests.request_history],
        )

    def test_long(self):
        self.requests.get(base.TASKS_URL, [self.page(1)])
        out = self.assertSucceeds(
            self.openstack('image', 'task', 'list', '--long', '-f', 'json')
        )
        self.assertEqual(
            [
                'ID',
                'Type',
                'Status',
                'Owner',
                'Created At',
                'Updated At',
                'Expires At',
                'Message',
            ],
            list(json.loads(out)[0]),
        )

    def test_rackspace_entries(self):
        # Rackspace lists no expires_at, input, result or message.
        ids = ['baef2134-9c33-47b9-9d63-c29a2a224715', base.TASK_ID]
        self.requests.get(
            base.TASKS_URL,
            json={
                'first': '/v2/tasks',
                'schema': '/v2/schemas/tasks',
                'tasks': [
                    fakes.rackspace_list_entry(ids[0], 'pending'),
                    fakes.rackspace_list_entry(ids[1], 'processing'),
                ],
            },
        )
        out = self.assertSucceeds(
            self.openstack('image', 'task', 'list', '--long', '-f', 'json')
        )
        self.assertEqual(
            [
                {
                    'ID': ids[0],
                    'Type': 'export',
                    'Status': 'pending',
                    'Owner': '00000123',
                    'Created At': '2014-02-26T02:04:18Z',
                    'Updated At': '2014-02-26T02:04:18Z',
                    'Expires At': None,
                    'Message': '',
                },
                {
                    'ID': ids[1],
                    'Type': 'export',
                    'Status': 'processing',
                    'Owner': '00000123',
                    'Created At': '2014-02-26T02:04:18Z',
                    'Updated At': '2014-02-26T02:04:18Z',
                    'Expires At': None,
                    'Message': '',
                },
            ],
            json.loads(out),
        )

    def serve_typed_tasks(self):
        """Glance's list: its type filter takes 'import' alone; pages of
        two, three api_image_import tasks among five."""
        ids = [f'00000000-0000-0000-0000-{n:012d}' for n in range(5)]
        types = [
            'import',
            'api_image_import',
            'import',
            'api_image_import',
            'api_image_import',
        ]

        def answer(request, context):
            if request.qs.get('type', ['import']) != ['import']:
                context.status_code = 400
                return {
                    'message': 'Invalid type value: '
                    f'{request.qs["type"][0]}<br /><br />\n',
                    'code': '400 Bad Request',
                    'title': 'Bad Request',
                }
            start = (
                ids.index(request.qs['marker'][0]) + 1
                if 'marker' in request.qs
                else 0
            )
            end = start + int(request.qs['limit'][0])
            body = {
                'tasks': [
                    {
                        'id': ids[n],
                        'type': types[n],
                        'status': 'success',
                        'owner': 'o',
                    }
                    for n in range(start, min(end, 5))
                ]
            }
            if end < 5:
                body['next'] = f'/v2/tasks?marker={ids[end - 1]}'
            return body

        self.requests.get(base.TASKS_URL, json=answer)
        self.serve_task_schema(fakes.GLANCE_TASK_SCHEMA)
        return ids

    def test_type_glance_lists_but_does_not_filter(self):
        ids = self.serve_typed_tasks()
        result = self.openstack(
            'image',
            'task',
            'list',
            '--type',
            'api_image_import',
            '--limit',
            '2',
            '-f',
            'value',
            '-c',
            'ID',
        )
        self.assertEqual(
            (0, f'{ids[1]}\n{ids[3]}\n{ids[4]}\n', ''),
            (result.exit_code, result.stdout, result.stderr),
        )
        # Refused with the type, then every page without it.
        self.assertEqual(
            [
                {'type': ['api_image_import'], 'limit': ['2']},
                {'limit': ['2']},
                {'limit': ['2'], 'marker': [ids[1]]},
                {'limit': ['2'], 'marker': [ids[3]]},
            ],
            [
                r.qs
                for r in self.requests.request_history
                if r.path == '/v2/tasks'
            ],
        )

    def test_type_filtered_by_the_client_honours_max_items_and_marker(self):
        ids = self.serve_typed_tasks()
        result = self.openstack(
            'image',
            'task',
            'list',
            '--type',
            'api_image_import',
            '--limit',
            '2',
            '--marker',
            ids[0],
            '--max-items',
            '1',
            '-f',
            'value',
            '-c',
            'ID',
        )
        self.assertEqual(
            (0, f'{ids[1]}\n', ''),
            (result.exit_code, result.stdout, result.stderr),
        )
        # One task wanted: no page read after the one that holds it.
        self.assertEqual(
            [
                {
                    'type': ['api_image_import'],
                    'limit': ['1'],
                    'marker': [ids[0]],
                },
                {'limit': ['2'], 'marker': [ids[0]]},
            ],
            [
                r.qs
                for r in self.requests.request_history
                if r.path == '/v2/tasks'
            ],
        )

    def test_type_the_cloud_does_not_have(self):
        self.serve_typed_tasks()
        self.assertFailsWith(
            self.openstack('image', 'task', 'list', '--type', 'export'),
            '--type export: this cloud has no task of that type (its task '
            'types: import, api_image_import, location_import)',
        )

    def test_bad_status(self):
        result = self.openstack('image', 'task', 'list', '--status', 'done')
        self.assertEqual(2, result.exit_code)
        self.assertIn(
            "argument --status: invalid choice: 'done'", result.stderr
        )

    def test_bad_sort_key_from_the_server(self):
        self.requests.get(
            base.TASKS_URL,
            status_code=400,
            json={'message': 'Sort key supplied was not valid.<br /><br />\n'},
        )
        self.assertFailsWith(
            self.openstack('image', 'task', 'list', '--sort-key', 'name'),
            'Cannot list tasks: Sort key supplied was not valid. (HTTP 400)',
        )

    def test_zero_limit(self):
        result = self.openstack('image', 'task', 'list', '--limit', '0')
        self.assertEqual(2, result.exit_code)
        self.assertIn(
            "argument --limit: '0' is not a positive whole number",
            result.stderr,
        )


IMAGE_ID = '7d1b6f4e-0c3a-4f7e-9a51-2b8e6c0d4f11'


class TestExport(base.ShellTestCase):
    """Exports on a cloud like Rackspace's: an image and a Swift service."""

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
        self.swift.containers['exports'] = {}
        self.requests.get(
            base.ENDPOINT + fakes.SCHEMA_URL, json=fakes.RACKSPACE_TASK_SCHEMA
        )
        self.clock = self.useFixture(base.FakeClock())

    def export(self, *args):
        return self.openstack(
            '--os-cloud', 'test', 'image', 'task', 'export', *args, auth=()
        )

    def image_requests(self):
        return [
            (r.method, r.path)
            for r in self.requests.request_history
            if r.url.startswith(base.ENDPOINT)
        ]

    def test_export(self):
        self.requests.post(
            base.TASKS_URL,
            status_code=201,
            json=fakes.RACKSPACE_EXPORT_PENDING,
        )
        self.requests.get(
            base.TASKS_URL + '/' + base.TASK_ID,
            [
                {
                    'json': dict(
                        fakes.RACKSPACE_EXPORT_PENDING, status='processing'
                    )
                },
                {'json': fakes.RACKSPACE_EXPORT_SUCCESS},
            ],
        )
        result = self.export(
            IMAGE_ID, '--container', 'exports', '--wait', '-f', 'json'
        )
        out = self.assertSucceeds(result)
        self.assertEqual(
            {
                'type': 'export',
                'input': {
                    'image_uuid': IMAGE_ID,
                    'receiving_swift_container': 'exports',
                },
            },
            [
                r.json()
                for r in self.requests.request_history
                if r.method == 'POST' and r.url == base.TASKS_URL
            ][0],
        )
        shown = json.loads(out)
        self.assertEqual(
            {'export_location': f'exports/{fakes.EXPORTED_IMAGE_ID}.vhd'},
            shown['result'],
        )
        self.assertEqual('', shown['message'])
        # The container and the object were looked at before the task.
        self.assertEqual(
            [('HEAD', 'exports', ''), ('HEAD', 'exports', f'{IMAGE_ID}.vhd')],
            [(m, c, n) for m, c, n, _, _ in self.swift.sent],
        )
        self.assertEqual(
            [('GET', fakes.SCHEMA_URL), ('POST', '/v2/tasks')]
            + 2 * [('GET', f'/v2/tasks/{base.TASK_ID}')],
            self.image_requests(),
        )
        # Rackspace asks for 30 s between looks.
        self.assertEqual([30.0, 30.0], self.clock.sleeps)

    def test_missing_container(self):
        self.assertFailsWith(
            self.export(IMAGE_ID, '--container', 'archive'),
            f'Cannot export image {IMAGE_ID} to container archive: the '
            'object storage has no such container; create it first '
            '("openstack container create archive")',
        )
        self.assertNotIn('POST', [m for m, _ in self.image_requests()])

    def test_exported_already(self):
        self.swift.containers['exports'][f'{IMAGE_ID}.vhd'] = {
            'size': 1,
            'etag': fakeswift.md5(b'x'),
        }
        self.assertFailsWith(
            self.export(IMAGE_ID, '--container', 'exports'),
            f'Cannot export image {IMAGE_ID} to container exports: it '
            f'already holds {IMAGE_ID}.vhd, and a second export there '
            'fails; delete that object or export to another container',
        )
        self.assertNotIn('POST', [m for m, _ in self.image_requests()])

    def test_export_failing_on_the_server(self):
        self.requests.post(
            base.TASKS_URL,
            status_code=201,
            json=fakes.RACKSPACE_EXPORT_PENDING,
        )
        self.requests.get(
            base.TASKS_URL + '/' + base.TASK_ID,
            json=fakes.RACKSPACE_EXPORT_FAILURE,
        )
        result = self.export(
            IMAGE_ID,
            '--container',
            'exports',
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
                f'Task {base.TASK_ID} failed: Swift already has '
                f"an object with id '{fakes.EXPORTED_IMAGE_ID}.vhd' in "
                'container'
                " 'exports'\n",
            ),
            (result.exit_code, result.stdout, result.stderr),
        )

    def test_image_by_name(self):
        self.requests.get(
            base.ENDPOINT + '/v2/images?name=web',
            json={'images': [{'id': IMAGE_ID}]},
        )
        self.requests.post(
            base.TASKS_URL,
            status_code=201,
            json=fakes.RACKSPACE_EXPORT_PENDING,
        )
        self.assertSucceeds(self.export('web', '--container', 'exports'))
        self.assertEqual(IMAGE_ID, self.sent_json()['input']['image_uuid'])
        self.assertEqual(
            ('HEAD', 'exports', f'{IMAGE_ID}.vhd'), self.swift.sent[-1][:3]
        )

    def test_unknown_image_name(self):
        self.requests.get(
            base.ENDPOINT + '/v2/images?name=web', json={'images': []}
        )
        self.assertFailsWith(
            self.export('web', '--container', 'exports'),
            "Cannot find image 'web': no image has this name or ID",
        )
        self.assertEqual([], self.swift.sent)

    def test_invalid_container_names(self):
        for name in ('a/b', 'a.b', 'what?', ''):
            self.assertFailsWith(
                self.export(IMAGE_ID, '--container', name),
                f"Invalid container name {name!r}: an export container's "
                "name may not be empty or hold '/', '?' or '.'",
            )
        self.assertEqual([], self.requests.request_history)

    def test_cloud_without_export(self):
        self.requests.get(
            base.ENDPOINT + fakes.SCHEMA_URL, json=fakes.GLANCE_TASK_SCHEMA
        )
        self.assertFailsWith(
            self.export(IMAGE_ID, '--container', 'exports'),
            'This cloud offers no export task (its task types: import, '
            'api_image_import, location_import); exporting is a Rackspace '
            'Cloud Images feature',
        )
        self.assertEqual([('GET', fakes.SCHEMA_URL)], self.image_requests())
        self.assertEqual([], self.swift.sent)

    def test_export_without_an_object_storage_endpoint(self):
        self.requests.post(
            base.TASKS_URL,
            status_code=201,
            json=fakes.RACKSPACE_EXPORT_PENDING,
        )
        # A token and --os-endpoint: no catalog names the object storage.
        os.remove(self.clouds_yaml)
        result = self.openstack(
            'image',
            'task',
            'export',
            IMAGE_ID,
            '--container',
            'exports',
            '-f',
            'value',
            '-c',
            'status',
        )
        self.assertEqual(
            (
                0,
                'pending\n',
                'Cannot find the object storage: a token '
                'given with --os-endpoint comes with no service catalog; set '
                'object_store_endpoint_override in clouds.yaml, or use a '
                'profile that logs in. Container exports was not checked '
                'before the export.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertEqual([], self.swift.sent)
        self.assertEqual(
            [('GET', fakes.SCHEMA_URL), ('POST', '/v2/tasks')],
            self.image_requests(),
        )

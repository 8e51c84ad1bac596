# SPDX-License-Identifier: Apache-2.0
import json

import requests

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

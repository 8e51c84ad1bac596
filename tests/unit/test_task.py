import json

import yaml

from imageplugin import task
from tests.unit import base
from tests.unit import fakes

SEED_BODY = {
    'type': 'import',
    'input': {
        'image_properties': {'name': 'My excellent custom image'},
        'import_from': 'exports/my-excellent-image.vhd',
    },
}


class TestImportRackspace(base.ShellTestCase):

    def test_seed_request_and_response(self):
        self.requests.post(base.TASKS_URL, status_code=201,
                           json=fakes.RACKSPACE_PENDING)

        out = self.assertSucceeds(self.openstack(
            'image', 'task', 'import',
            '--import-from', 'exports/my-excellent-image.vhd',
            '--name', 'My excellent custom image', '-f', 'json'))

        self.assertEqual(SEED_BODY, self.sent_json())
        sent = self.requests.last_request
        self.assertEqual(base.TOKEN, sent.headers['X-Auth-Token'])
        self.assertEqual('application/json', sent.headers['Accept'])
        self.assertEqual('application/json', sent.headers['Content-Type'])
        shown = json.loads(out)
        self.assertEqual({
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
        }, shown)

    def test_format_is_passed_on(self):
        self.requests.post(base.TASKS_URL, status_code=201,
                           json=fakes.RACKSPACE_PENDING)
        self.assertSucceeds(self.openstack(
            'image', 'task', 'import', '--import-from', 'exports/a.vhd',
            '--import-from-format', 'vhd', '--name', 'a'))
        self.assertEqual({'import_from': 'exports/a.vhd',
                          'import_from_format': 'vhd',
                          'image_properties': {'name': 'a'}},
                         self.sent_json()['input'])

    def test_image_properties_other_than_name_are_refused(self):
        result = self.openstack(
            'image', 'task', 'import', '--import-from', 'exports/a.vhd',
            '--name', 'a', '--property', 'os_distro=ubuntu')
        self.assertFailsWith(
            result,
            'An import from <container>/<object> (Rackspace Cloud Images) '
            'accepts no image property but --name; --property would make '
            'the task fail')
        self.assertEqual([], self.requests.request_history)

    def test_object_without_container_is_refused(self):
        result = self.openstack('image', 'task', 'import',
                                '--import-from', 'my-image.vhd')
        self.assertFailsWith(
            result,
            "--import-from 'my-image.vhd' must be <container>/<object> (an "
            "object in the cloud's object storage) or an http(s) URL")
        self.assertEqual([], self.requests.request_history)


class TestImportGlance(base.ShellTestCase):

    def test_url_with_formats_from_extension(self):
        self.requests.post(base.TASKS_URL, status_code=201,
                           json=fakes.GLANCE_SUCCESS)
        self.assertSucceeds(self.openstack(
            'image', 'task', 'import',
            '--import-from', 'http://127.0.0.1:8000/cirros.qcow2',
            '--name', 'cirros'))
        self.assertEqual({'type': 'import', 'input': fakes.GLANCE_INPUT},
                         self.sent_json())

    def test_explicit_formats_and_properties(self):
        self.requests.post(base.TASKS_URL, status_code=201,
                           json=fakes.GLANCE_SUCCESS)
        self.assertSucceeds(self.openstack(
            'image', 'task', 'import',
            '--import-from', 'https://127.0.0.1/download?id=7',
            '--import-from-format', 'qcow2', '--disk-format', 'raw',
            '--container-format', 'ovf', '--name', 'n',
            '--property', 'os_distro=ubuntu', '--property', 'hw_rng=yes'))
        self.assertEqual({
            'import_from': 'https://127.0.0.1/download?id=7',
            'import_from_format': 'qcow2',
            'image_properties': {
                'name': 'n', 'disk_format': 'raw',
                'container_format': 'ovf', 'os_distro': 'ubuntu',
                'hw_rng': 'yes'},
        }, self.sent_json()['input'])

    def test_unknown_extension_asks_for_the_format(self):
        result = self.openstack(
            'image', 'task', 'import',
            '--import-from', 'http://127.0.0.1:8000/image?sig=abc')
        self.assertFailsWith(
            result,
            "Cannot tell the image format from 'http://127.0.0.1:8000/image':"
            " give --disk-format (and --import-from-format when the source "
            "is in another format), e.g. --disk-format qcow2")
        self.assertEqual([], self.requests.request_history)

    def test_input_is_merged_under_the_options(self):
        self.requests.post(base.TASKS_URL, status_code=201,
                           json=fakes.GLANCE_SUCCESS)
        self.assertSucceeds(self.openstack(
            'image', 'task', 'import',
            '--import-from', 'http://127.0.0.1:8000/cirros.qcow2',
            '--name', 'cirros', '--input',
            '{"import_from": "http://ignored/x.raw", "backend": "fast",'
            ' "image_properties": {"min_ram": "512", "name": "lost"}}'))
        sent = self.sent_json()['input']
        self.assertEqual('fast', sent['backend'])
        self.assertEqual('http://127.0.0.1:8000/cirros.qcow2',
                         sent['import_from'])
        self.assertEqual({'min_ram': '512', 'name': 'cirros',
                          'disk_format': 'qcow2', 'container_format': 'bare'},
                         sent['image_properties'])

    def test_invalid_input_json(self):
        result = self.openstack(
            'image', 'task', 'import', '--import-from', 'exports/a.vhd',
            '--input', '{"a": ')
        self.assertFailsWith(
            result, '--input is not valid JSON: Expecting value: line 1 '
            'column 7 (char 6)')
        self.assertEqual([], self.requests.request_history)

    def test_input_must_be_an_object(self):
        result = self.openstack(
            'image', 'task', 'import', '--import-from', 'exports/a.vhd',
            '--input', '[1]')
        self.assertFailsWith(
            result,
            '--input must be a JSON object such as \'{"key": "value"}\'')

    def test_other_schemes_are_refused(self):
        result = self.openstack('image', 'task', 'import',
                                '--import-from', 'file:///tmp/a.qcow2')
        self.assertFailsWith(
            result, '--import-from must be <container>/<object> or an '
            'http(s) URL, not a file:// address')

    def test_property_without_equals_is_a_usage_error(self):
        result = self.openstack(
            'image', 'task', 'import', '--import-from', 'http://h/a.raw',
            '--property', 'novalue')
        self.assertEqual(2, result.exit_code)
        self.assertIn("Expected 'key=value' type, but got: novalue",
                      result.stderr)
        self.assertEqual([], self.requests.request_history)

    def test_import_from_is_required(self):
        result = self.openstack('image', 'task', 'import', '--name', 'x')
        self.assertEqual(2, result.exit_code)
        self.assertIn('the following arguments are required: --import-from',
                      result.stderr)

    def test_server_refusal_is_one_line(self):
        self.requests.post(
            base.TASKS_URL, status_code=400,
            json={'message': 'URI for legacy import task does not pass '
                             'filtering: http://127.0.0.1:8000/a.raw'
                             '<br /><br />\n',
                  'code': '400 Bad Request', 'title': 'Bad Request'})
        result = self.openstack('image', 'task', 'import',
                                '--import-from', 'http://127.0.0.1:8000/a.raw')
        self.assertFailsWith(
            result, 'Cannot create the import task: URI for legacy import '
            'task does not pass filtering: http://127.0.0.1:8000/a.raw '
            '(HTTP 400)')


class TestShow(base.ShellTestCase):

    def setUp(self):
        super().setUp()
        self.requests.get(base.TASKS_URL + '/' + base.TASK_ID,
                          json=fakes.GLANCE_SUCCESS)

    def show(self, *args):
        return self.openstack('image', 'task', 'show', base.TASK_ID, *args)

    def test_json_has_core_columns_and_hidden_fields(self):
        shown = json.loads(self.assertSucceeds(self.show('-f', 'json')))
        self.assertEqual({
            'created_at': '2026-11-27T10:00:00Z',
            'expires_at': '2026-11-29T10:00:01.000000',
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
        }, shown)
        self.assertTrue(set(task.CORE_COLUMNS) <= set(shown))

    def test_yaml(self):
        shown = yaml.safe_load(self.assertSucceeds(self.show('-f', 'yaml')))
        self.assertEqual(fakes.GLANCE_INPUT, shown['input'])
        self.assertEqual('success', shown['status'])

    def test_value_of_chosen_columns(self):
        out = self.assertSucceeds(self.show('-f', 'value', '-c', 'status',
                                            '-c', 'owner_id'))
        self.assertEqual('4a2c6a1e3f0b4c3d9e8f7a6b5c4d3e2f\nsuccess\n', out)

    def test_shell(self):
        out = self.assertSucceeds(self.show('-f', 'shell', '-c', 'status',
                                            '-c', 'image_id'))
        self.assertEqual('image_id="7d1b6f4e-0c3a-4f7e-9a51-2b8e6c0d4f11"\n'
                         'status="success"\n', out)

    def test_table_is_readable(self):
        out = self.assertSucceeds(self.show())
        rows = {line.split('|')[1].strip(): line.split('|')[2].strip()
                for line in out.splitlines() if line.startswith('|')}
        self.assertEqual('success', rows['status'])
        self.assertEqual("image_id='7d1b6f4e-0c3a-4f7e-9a51-2b8e6c0d4f11'",
                         rows['result'])
        self.assertIn("import_from='http://127.0.0.1:8000/cirros.qcow2'",
                      rows['input'])

    def test_unmodelled_fields_are_properties(self):
        self.requests.get(base.TASKS_URL + '/' + base.TASK_ID,
                          json=dict(fakes.RACKSPACE_PENDING, region='IAD'))
        shown = json.loads(self.assertSucceeds(self.show('-f', 'json')))
        self.assertEqual({'region': 'IAD'}, shown['properties'])
        self.assertEqual('', shown['message'])

    def test_failure_message_is_shown(self):
        failed = dict(fakes.RACKSPACE_PENDING, status='failure',
                      message="Image cannot be imported. Error code: '721'")
        self.requests.get(base.TASKS_URL + '/' + base.TASK_ID, json=failed)
        out = self.assertSucceeds(self.show('-f', 'value', '-c', 'message'))
        self.assertEqual("Image cannot be imported. Error code: '721'\n", out)

    def test_unknown_task(self):
        self.requests.get(
            base.TASKS_URL + '/' + base.TASK_ID, status_code=404,
            text='<html><head><title>404 Not Found</title></head><body>'
                 '<h1>404 Not Found</h1>Could not find task</body></html>')
        self.assertFailsWith(
            self.show(), f'No task with ID {base.TASK_ID} at '
            f'{base.ENDPOINT}/v2 (HTTP 404)')

    def test_not_a_uuid(self):
        result = self.openstack('image', 'task', 'show', 'not-a-task')
        self.assertFailsWith(
            result, "'not-a-task' is not a task ID: task IDs are UUIDs such "
            "as fc29a67c-ad76-49bc-a317-a5f38dcb44c0")
        self.assertEqual([], self.requests.request_history)

    def test_our_show_replaces_cores(self):
        # Only ours shows image_id; core's would call openstacksdk.
        out = self.assertSucceeds(self.show('-f', 'value', '-c', 'image_id'))
        self.assertEqual('7d1b6f4e-0c3a-4f7e-9a51-2b8e6c0d4f11\n', out)

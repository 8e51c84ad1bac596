# SPDX-License-Identifier: Apache-2.0
import json
from unittest import mock

import requests
import yaml

from imageplugin import task
from tests.unit import base
from tests.unit import fakes
from tests.unit.test_taskimport import SEED_BODY
from tests.unit.test_taskimport import unchecked


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

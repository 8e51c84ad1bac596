# SPDX-License-Identifier: Apache-2.0
"""The plugin against real Glance 33, Keystone 30 and Swift on loopback.

Only the upstream Glance dialect runs here: Glance refuses Rackspace's
``container/object`` imports (its ``import_from`` must be an http(s) URL),
so the Rackspace dialect is covered by the unit tests alone.
"""

import json
import re
import uuid

import yaml

from tests.functional import base


class TestImport(base.FunctionalTestCase):
    def assertImported(self, sample_name):
        sample = self.sample(sample_name)
        name = f'func-{uuid.uuid4().hex[:8]}'
        task = json.loads(
            self.assertSucceeds(
                self.import_and_wait(sample['url'], '--name', name)
            )
        )
        self.assertEqual('success', task['status'])
        self.assertEqual(
            sample['disk_format'],
            task['input']['image_properties']['disk_format'],
        )
        image_id = task['result']['image_id']
        self.addCleanup(self.delete_image, image_id)
        image = self.openstack('image', 'show', image_id, '-f', 'json')
        image = image.json()
        self.assertEqual(
            ('active', name, sample['disk_format']),
            (image['status'], image['name'], image['disk_format']),
        )
        self.assertEqual(sample['sha256'], self.image_bytes_sha256(image_id))

    def test_raw(self):
        self.assertImported('sample.raw')

    def test_qcow2(self):
        self.assertImported('sample.qcow2')

    def test_missing_source_is_refused_before_any_task(self):
        url = self.cloud['missing_sample_url']
        self.assertFailsWith(
            self.import_and_wait(url),
            f'Cannot import {url}: it answers HTTP 404 (File not found): '
            'there is no image there to import',
        )

    def test_broken_source_fails_with_its_message(self):
        result = self.import_and_wait(self.cloud['failing_sample_url'])
        self.assertEqual(1, result.exit_code)
        task = result.json()
        self.assertEqual('failure', task['status'])
        self.assertEqual(
            f'Task {task["id"]} failed: {task["message"]}\n', result.stderr
        )
        self.assertTrue(task['message'])

    def test_timeout_says_how_to_wait_again(self):
        # The slow sample trickles in: the task is still processing at 3 s.
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            self.cloud['slow_sample_url'],
            '--disk-format',
            'raw',
            '--wait',
            '--timeout',
            '3',
            '-f',
            'value',
            '-c',
            'id',
            '-c',
            'status',
        )
        task_id, status = result.stdout.split()
        self.assertEqual((124, 'processing'), (result.exit_code, status))
        self.assertEqual(
            self.timeout_message(task_id, 3, 'processing'), result.stderr
        )

    def test_wait_on_an_existing_task(self):
        created = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            self.cloud['failing_sample_url'],
            '-f',
            'value',
            '-c',
            'id',
        )
        task_id = self.assertSucceeds(created).strip()
        result = self.openstack(
            'image',
            'task',
            'show',
            task_id,
            '--wait',
            '-f',
            'value',
            '-c',
            'status',
        )
        self.assertEqual((1, 'failure\n'), (result.exit_code, result.stdout))


class TestErrors(base.FunctionalTestCase):
    def test_member_is_told_the_api_is_admin_only(self):
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            self.sample('sample.raw')['url'],
            '--method',
            'task',
            cloud='local-member',
        )
        self.assertFailsWith(
            result,
            'Cannot use the tasks API: You are not authorized '
            'to complete tasks_api_access action. The tasks API of this '
            'Glance is admin-only (policy tasks_api_access): use a profile '
            'with the admin role. (HTTP 403)',
        )

    def test_unknown_task(self):
        task_id = str(uuid.uuid4())
        self.assertFailsWith(
            self.openstack('image', 'task', 'show', task_id),
            f'No task with ID {task_id} at {self.cloud["glance_url"]}/v2 '
            '(HTTP 404)',
        )

    def test_glance_refuses_a_host_it_does_not_allow(self):
        # Unreadable from here too: the name tells the format.
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            'http://127.0.0.2:1/image.qcow2',
        )
        self.assertEqual((1, ''), (result.exit_code, result.stdout))
        self.assertTrue(
            result.stderr.startswith(
                'Cannot create the import task: URI for legacy import task '
                'does '
                'not pass filtering'
            ),
            result.stderr,
        )
        self.assertTrue(result.stderr.endswith('(HTTP 400)\n'))
        self.assertEqual(1, result.stderr.count('\n'))


class TestOutput(base.FunctionalTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.task_id = None

    def setUp(self):
        super().setUp()
        if TestOutput.task_id is None:
            created = self.openstack(
                'image',
                'task',
                'import',
                '--import-from',
                self.cloud['failing_sample_url'],
                '--wait',
                '-f',
                'value',
                '-c',
                'id',
            )
            TestOutput.task_id = created.stdout.strip()
        self.assertTrue(TestOutput.task_id)

    def show(self, *args):
        return self.assertSucceeds(
            self.openstack('image', 'task', 'show', self.task_id, *args)
        )

    def test_json(self):
        task = json.loads(self.show('-f', 'json'))
        self.assertEqual(self.task_id, task['id'])
        self.assertEqual(self.cloud['admin']['project_id'], task['owner_id'])
        self.assertIsInstance(task['input'], dict)

    def test_yaml(self):
        task = yaml.safe_load(self.show('-f', 'yaml'))
        self.assertEqual(('failure', 'import'), (task['status'], task['type']))

    def test_value(self):
        self.assertEqual(
            f'{self.task_id}\nfailure\n',
            self.show('-f', 'value', '-c', 'id', '-c', 'status'),
        )

    def test_shell(self):
        self.assertEqual(
            f'id="{self.task_id}"\nstatus="failure"\n',
            self.show('-f', 'shell', '-c', 'id', '-c', 'status'),
        )

    def test_table(self):
        out = self.show()
        rows = {
            line.split('|')[1].strip(): line.split('|')[2].strip()
            for line in out.splitlines()
            if line.startswith('| ')
        }
        self.assertEqual('failure', rows['status'])
        self.assertIn('user_id', rows)


class TestAuthentication(base.FunctionalTestCase):
    def test_os_variables_and_endpoint_override(self):
        admin = self.cloud['admin']
        env = {
            'OS_AUTH_URL': admin['auth_url'],
            'OS_USERNAME': admin['username'],
            'OS_PASSWORD': admin['password'],
            'OS_PROJECT_NAME': admin['project_name'],
            'OS_USER_DOMAIN_NAME': 'Default',
            'OS_PROJECT_DOMAIN_NAME': 'Default',
            'OS_IDENTITY_API_VERSION': '3',
            'OS_CLIENT_CONFIG_FILE': '/dev/null',
        }
        self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'list',
                '--max-items',
                '1',
                cloud=None,
                env=env,
            )
        )
        closed = self.openstack(
            'image',
            'task',
            'list',
            '--max-items',
            '1',
            cloud=None,
            env=dict(env, OS_IMAGE_ENDPOINT_OVERRIDE='http://127.0.0.1:9/'),
        )
        self.assertFailsWith(
            closed,
            'Cannot list tasks: cannot reach the image service at '
            'http://127.0.0.1:9/v2/tasks: connection refused',
        )

    def test_token(self):
        token = self.assertSucceeds(
            self.openstack('token', 'issue', '-f', 'value', '-c', 'id')
        ).strip()
        self.secrets.append(token)
        task_id = self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'import',
                '--import-from',
                self.cloud['failing_sample_url'],
                '-f',
                'value',
                '-c',
                'id',
            )
        )
        for auth in (
            ['--os-token', token, '--os-endpoint', self.cloud['glance_url']],
            [
                '--os-auth-type',
                'token',
                '--os-token',
                token,
                '--os-auth-url',
                self.cloud['auth_url'],
                '--os-project-id',
                self.cloud['admin']['project_id'],
            ],
        ):
            out = self.assertSucceeds(
                self.openstack(
                    *auth,
                    'image',
                    'task',
                    'show',
                    task_id.strip(),
                    '-f',
                    'value',
                    '-c',
                    'id',
                    cloud=None,
                    env={'OS_CLIENT_CONFIG_FILE': '/dev/null'},
                )
            )
            self.assertEqual(task_id, out)


class TestNewcomerMistakes(base.FunctionalTestCase):
    """What the real services answer to a wrong endpoint or token."""

    def with_token(self, token, endpoint, *args):
        return self.openstack(
            '--os-token',
            token,
            '--os-endpoint',
            endpoint,
            *args,
            cloud=None,
            env={'OS_CLIENT_CONFIG_FILE': '/dev/null'},
        )

    def test_endpoint_of_another_service(self):
        token = self.cloud.token()
        self.secrets.append(token)
        keystone = self.cloud['auth_url'].rsplit('/v3', 1)[0]
        swift = self.cloud['admin_swift_storage_url']
        advice = (
            "give the image service's URL (--os-endpoint, "
            "image_endpoint_override, or the catalog's image endpoint)"
        )
        self.assertFailsWith(
            self.with_token(token, keystone, 'image', 'task', 'list'),
            f'Cannot list tasks: {keystone} does not answer as an image '
            'service: it is the identity service (Keystone), whose version '
            f'document lists identity API versions; {advice} (HTTP 404)',
        )
        result = self.with_token(
            token,
            swift,
            'image',
            'task',
            'show',
            '0d1e2f00-0000-4000-8000-000000000000',
        )
        self.assertEqual((1, ''), (result.exit_code, result.stdout), result)
        self.assertRegex(
            result.stderr,
            r'^Cannot show task [-0-9a-f]+: '
            f'{re.escape(swift)} does not answer as an image service: it is '
            r'the object storage \(Swift [0-9.]+\), which answers /info '
            rf'with its capabilities; {re.escape(advice)} \(HTTP 4\d\d\)\n\Z',
        )

    def test_made_up_token(self):
        made_up = 'gAAAAABmade-up-token'
        self.secrets.append(made_up)
        renew = (
            'get a new one with "openstack token issue" (with a '
            'profile that logs in with a password)'
        )
        self.assertFailsWith(
            self.with_token(
                made_up, self.cloud['glance_url'], 'image', 'task', 'list'
            ),
            'Cannot list tasks: the image service refused the token: it is '
            f'expired, revoked or invalid; {renew} (HTTP 401)',
        )
        self.assertFailsWith(
            self.openstack(
                '--os-auth-type',
                'token',
                '--os-token',
                made_up,
                '--os-auth-url',
                self.cloud['auth_url'],
                '--os-project-id',
                self.cloud['admin']['project_id'],
                'image',
                'task',
                'list',
                cloud=None,
                env={'OS_CLIENT_CONFIG_FILE': '/dev/null'},
            ),
            'Cannot log in: the token is expired, revoked or invalid (the '
            f'identity service answered HTTP 404); {renew}',
        )


class TestList(base.FunctionalTestCase):
    def listed(self, *args):
        return self.openstack(
            'image',
            'task',
            'list',
            '--sort-key',
            'created_at',
            '--sort-dir',
            'asc',
            *args,
            '-f',
            'json',
        ).json()

    def test_pages_and_max_items(self):
        for _ in range(3):
            self.assertSucceeds(
                self.openstack(
                    'image',
                    'task',
                    'import',
                    '--import-from',
                    self.cloud['failing_sample_url'],
                )
            )
        # The oldest tasks first: tasks created meanwhile come last.
        in_one_page = self.listed('--limit', '5', '--max-items', '5')
        in_pages_of_two = self.listed('--limit', '2', '--max-items', '5')
        self.assertEqual(5, len(in_one_page))
        self.assertEqual(in_one_page, in_pages_of_two)
        self.assertEqual(5, len({task['ID'] for task in in_one_page}))
        self.assertEqual(in_one_page[:1], self.listed('--max-items', '1'))

    def test_types_glance_does_not_filter_on(self):
        # A member's URL import is an interoperable import: its task is
        # an api_image_import, which Glance's list refuses as a filter.
        created = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            self.sample('sample.qcow2')['url'],
            '--name',
            f'func-{uuid.uuid4().hex[:8]}',
            '--wait',
            '-f',
            'json',
            cloud='local-member',
        ).json()
        self.addCleanup(self.delete_image, created['image_id'])
        listed = self.listed('--type', 'api_image_import')
        self.assertIn(created['id'], [task['ID'] for task in listed])
        self.assertEqual(
            {'api_image_import'}, {task['Type'] for task in listed}
        )
        self.assertEqual(
            listed[:1],
            self.listed(
                '--type',
                'api_image_import',
                '--max-items',
                '1',
                '--limit',
                '1',
            ),
        )
        self.assertFailsWith(
            self.openstack('image', 'task', 'list', '--type', 'export'),
            '--type export: this cloud has no task of that type (its task '
            'types: import, api_image_import, location_import)',
        )

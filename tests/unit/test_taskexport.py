# SPDX-License-Identifier: Apache-2.0
import json
import os

from tests.unit import base
from tests.unit import fakes
from tests.unit import fakeswift

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

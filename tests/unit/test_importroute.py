# SPDX-License-Identifier: Apache-2.0
"""image task import --dry-run: every read-only check, then the plan, and
nothing created, uploaded or deleted."""

import json
import re

from tests.support import files
from tests.unit import base
from tests.unit import fakes
from tests.unit import fakeswift
from tests.unit import images
from tests.unit import test_interop

SOURCE = 'http://127.0.0.1:8000/cirros.img'


class DryRunTestCase(base.ShellTestCase):
    def changes(self):
        """The requests that would have changed something."""
        return [
            (request.method, request.url)
            for request in self.requests.request_history
            if request.method not in ('GET', 'HEAD')
            and request.url != base.KEYSTONE + '/auth/tokens'
        ]

    def dry_run(self, *args):
        result = self.openstack(
            'image', 'task', 'import', *args, '--dry-run', '-f', 'json'
        )
        self.assertEqual((0, ''), (result.exit_code, result.stderr), result)
        self.assertEqual([], self.changes())
        return json.loads(result.stdout)


class TestDryRunAsAdmin(DryRunTestCase):
    def setUp(self):
        super().setUp()
        self.access = self.open_tasks_api()
        self.serve_image(SOURCE, images.qcow2())

    def test_a_url_by_the_tasks_api(self):
        shown = self.dry_run(
            '--import-from',
            SOURCE,
            '--name',
            'cirros',
            '--protected',
            '--wait',
        )
        self.assertTrue(self.access.called)
        self.assertEqual(
            {
                'route': 'task',
                'method': 'task',
                'source': SOURCE,
                'disk_format': 'qcow2',
                'container_format': 'bare',
                'source_format': 'qcow2',
                'image_properties': {'name': 'cirros', 'protected': True},
                'steps': [
                    f'create an import task of {SOURCE}',
                    'wait for the import to end',
                    'compare the image that landed with what was meant',
                    'protect the image',
                ],
                'creates': ['an import task', 'an image (by the task)'],
                'uploads': [],
                'deletes': [
                    'nothing of a failed task: Glance deletes its image',
                    'the image, if it lands other than meant',
                ],
                'notes': [],
            },
            shown,
        )

    def test_a_table_reads_as_one(self):
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            SOURCE,
            '--dry-run',
            '-c',
            'route',
            '-c',
            'method',
            '-f',
            'value',
        )
        self.assertEqual(
            (0, 'task\ntask\n', ''),
            (result.exit_code, result.stdout, result.stderr),
        )

    def test_steps_keep_their_order_in_a_table(self):
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            SOURCE,
            '--wait',
            '--dry-run',
            '-c',
            'steps',
        )
        self.assertEqual((0, ''), (result.exit_code, result.stderr))
        lines = [line.strip('| ') for line in result.stdout.splitlines()]
        self.assertEqual(
            [
                f'steps | 1. create an import task of {SOURCE}',
                '2. wait for the import to end',
                '3. compare the image that landed with what was meant',
            ],
            [
                line
                for line in lines
                if line and not line.startswith(('+', 'Field'))
            ],
        )

    def test_properties_of_input_are_shown_under_the_options(self):
        shown = self.dry_run(
            '--import-from',
            SOURCE,
            '--min-disk',
            '2',
            '--input',
            '{"image_properties": {"min_disk": "3", "os_distro": "x"}}',
        )
        self.assertEqual(
            {'min_disk': 2, 'os_distro': 'x'}, shown['image_properties']
        )

    def test_an_image_kept_is_not_said_deleted(self):
        shown = self.dry_run('--import-from', SOURCE, '--wait', '--keep-image')
        self.assertEqual(
            ['nothing of a failed task: Glance deletes its image'],
            shown['deletes'],
        )

    def test_notes_are_in_the_plan_not_on_stderr(self):
        shown = self.dry_run('--import-from', SOURCE, '--keep-image')
        self.assertEqual(
            [
                '--keep-image has no effect here: the tasks API '
                'creates the image, and Glance deletes it when the '
                'import fails'
            ],
            shown['notes'],
        )

    def test_a_refusal_is_the_same_as_without_dry_run(self):
        for extra in ((), ('--dry-run',)):
            result = self.openstack(
                'image',
                'task',
                'import',
                '--import-from',
                SOURCE,
                '--store',
                'fast',
                '--method',
                'task',
                *extra,
            )
            self.assertFailsWith(
                result,
                '--store and --all-stores choose stores of '
                'interoperable import; the tasks API cannot',
            )
        self.assertEqual([], self.requests.request_history)


class TestDryRunOfAnUpload(DryRunTestCase):
    """An admin's --file: through the object storage, whose container is
    looked at, not created."""

    def setUp(self):
        super().setUp()

        self.use_catalog(
            [base.password_profile('admin')],
            [
                ('image', 'public', base.ENDPOINT, 'RegionOne'),
                ('object-store', 'public', fakeswift.ENDPOINT, 'RegionOne'),
            ],
        )
        self.serve_task_schema(fakes.GLANCE_TASK_SCHEMA)
        self.open_tasks_api()
        self.container = fakeswift.ENDPOINT + '/images'
        self.path = files.write_file(self.home, 'disk.img', images.qcow2())

    def import_file(self, *args):
        return self.openstack(
            '--os-cloud',
            'admin',
            'image',
            'task',
            'import',
            '--file',
            self.path,
            *args,
            auth=(),
        )

    def plan_of(self, *args):
        result = self.import_file('--dry-run', '-f', 'json', *args)
        self.assertEqual((0, ''), (result.exit_code, result.stderr))
        self.assertEqual([], self.changes())
        return json.loads(result.stdout)

    def test_a_missing_container_would_be_created(self):
        head = self.requests.head(self.container, status_code=404)
        shown = self.plan_of()
        self.assertTrue(head.called)
        self.assertEqual('task-upload', shown['route'])
        self.assertEqual(
            [
                'container images, if missing',
                'an import task',
                'an image (by the task)',
            ],
            shown['creates'],
        )

    def test_an_existing_container_is_used(self):
        self.requests.head(self.container, status_code=204)
        looked = self.requests.head(
            re.compile(re.escape(self.container + '/disk-')), status_code=404
        )
        shown = self.plan_of('--keep-upload')
        self.assertTrue(looked.called)
        self.assertEqual(
            ['an import task', 'an image (by the task)'], shown['creates']
        )
        self.assertEqual([], shown['deletes'])

    def test_an_object_of_another_file_is_refused_as_the_run_does(self):
        self.requests.head(self.container, status_code=204)
        self.requests.head(
            self.container + '/taken.img',
            status_code=200,
            headers={'X-Object-Meta-Imageplugin-File': 'another-file'},
        )
        # The run asks the account for its TempURL key first.
        self.requests.head(
            fakeswift.ENDPOINT,
            status_code=204,
            headers={'X-Account-Meta-Temp-URL-Key': 'key'},
        )
        for extra in (('--dry-run',), ()):
            result = self.import_file('--object-name', 'taken.img', *extra)
            self.assertFailsWith(
                result,
                f'Cannot upload {self.path} to images/taken.img: the object '
                'storage already holds an object of that name that is not '
                'an upload of this file; choose another --object-name or '
                '--container',
            )
        self.assertEqual([], self.changes())


class TestDryRunAsMember(DryRunTestCase):
    def setUp(self):
        super().setUp()
        self.requests.get(base.TASKS_URL, **test_interop.ADMIN_ONLY)
        self.requests.get(
            base.ENDPOINT + '/v2/info/import',
            json={
                'import-methods': {'value': ['glance-direct', 'web-download']}
            },
        )

    def test_a_file_by_glance_direct(self):
        path = files.write_file(self.home, 'disk.img', images.qcow2())
        shown = self.dry_run('--file', path, '--wait')
        self.assertEqual(
            ('glance-direct', 'glance-direct', path, 'disk'),
            (
                shown['route'],
                shown['method'],
                shown['source'],
                shown['image_properties']['name'],
            ),
        )
        self.assertEqual(
            [
                'create an image',
                f'read {path} once, hashing it, and send it to the '
                "image's staging area",
                'import it by glance-direct',
                'wait for the import to end',
                'compare the image that landed with what was meant',
            ],
            shown['steps'],
        )
        self.assertEqual(
            [f"{path} to the image's staging area"], shown['uploads']
        )
        self.assertEqual(
            [
                'the new image, if its import cannot start, fails, or '
                'lands other than meant'
            ],
            shown['deletes'],
        )

    def test_what_is_deleted_follows_wait_and_keep_image(self):
        # As the run does: an image whose import cannot start is deleted
        # even with --keep-image, and only a wait sees a failure.
        path = files.write_file(self.home, 'disk.img', images.qcow2())
        for extra in ((), ('--keep-image',), ('--wait', '--keep-image')):
            shown = self.dry_run('--file', path, *extra)
            self.assertEqual(
                ['the new image, if its import cannot start'],
                shown['deletes'],
                extra,
            )

    def test_a_url_by_web_download(self):
        self.serve_image(SOURCE, images.qcow2())
        shown = self.dry_run('--import-from', SOURCE, '--segment-size', '8M')
        self.assertEqual('web-download', shown['route'])
        self.assertEqual(
            [
                '--segment-size has no effect here: there is no '
                '--file to upload'
            ],
            shown['notes'],
        )

    def test_unknown_store_refused_before_any_image(self):
        self.serve_image(SOURCE, images.qcow2())
        self.requests.get(
            base.ENDPOINT + '/v2/info/stores',
            json={'stores': [{'id': 'fast'}]},
        )
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            SOURCE,
            '--store',
            'slow',
            '--dry-run',
        )
        self.assertFailsWith(
            result, 'This Glance has no store slow (its stores: fast)'
        )
        self.assertEqual([], self.changes())


class TestDryRunOnRackspace(DryRunTestCase):
    def test_an_object_by_the_tasks_api(self):
        self.serve_task_schema(fakes.RACKSPACE_TASK_SCHEMA)
        self.requests.get(base.ENDPOINT + '/v2/info/import', status_code=404)
        shown = self.dry_run(
            '--import-from', 'exports/my-image.vhd', '--dialect', 'rackspace'
        )
        self.assertEqual(
            ('task', 'exports/my-image.vhd'), (shown['route'], shown['source'])
        )


class TestServerWithoutRanges(DryRunTestCase):
    """A web server that ignores Range (python -m http.server) sends the
    whole image to the first look."""

    def setUp(self):
        super().setUp()
        self.access = self.open_tasks_api()

    def serve_whole(self, url, data):
        self.requests.get(
            url, content=data, headers={'Content-Length': str(len(data))}
        )

    def test_a_fixed_vhd_is_told_by_its_footer(self):
        url = 'http://127.0.0.1:8000/disk.vhd'
        size = 4 * 1024**2
        self.serve_whole(url, bytes(size) + images.vhd_footer(size))
        result = self.openstack(
            'image', 'task', 'import', '--import-from', url, '--dry-run'
        )
        # Told a fixed VHD by the footer at its end, read with the size.
        self.assertEqual(1, result.exit_code, result)
        self.assertIn(f'Cannot import {url}: it is a fixed VHD', result.stderr)

    def test_an_empty_file_is_refused(self):
        url = 'http://127.0.0.1:8000/disk.img'
        self.serve_whole(url, b'')
        for extra in ((), ('--dry-run',)):
            result = self.openstack(
                'image', 'task', 'import', '--import-from', url, *extra
            )
            self.assertFailsWith(
                result,
                f'Cannot import {url}: it answers with no data (an empty '
                'file): there is no image there to import',
            )
        self.assertEqual([], self.changes())
        self.assertFalse(self.access.called)

    def test_an_empty_file_asked_for_a_range(self):
        url = 'http://127.0.0.1:8000/disk.img'
        self.requests.get(
            url,
            status_code=416,
            reason='Range Not Satisfiable',
            headers={'Content-Range': 'bytes */0'},
        )
        result = self.openstack(
            'image', 'task', 'import', '--import-from', url, '--dry-run'
        )
        self.assertFailsWith(
            result,
            f'Cannot import {url}: it answers with no data (an empty '
            'file): there is no image there to import',
        )

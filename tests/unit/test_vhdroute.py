# SPDX-License-Identifier: Apache-2.0
"""VHDs take the route of Glance that imports them, or are refused first.

Glance 33's tasks API fails a dynamic VHD, its interoperable import a
fixed one (``imageplugin.vhdroute``).
"""

import io

import testtools

from imageplugin import inspection
from imageplugin import vhdroute
from tests.support import files
from tests.unit import base
from tests.unit import fakes
from tests.unit import images
from tests.unit import test_interop
from tests.unit import test_uploadimport
from tests.unit.test_interop import IMAGE_URL

MiB = 1024**2
SOURCE = 'http://127.0.0.1:8000/disk.vhd'
SCHEMA_URL = base.ENDPOINT + fakes.SCHEMA_URL
DYNAMIC = images.dynamic_vhd(4 * MiB)
FIXED = bytes(2 * MiB) + images.vhd_footer(2 * MiB)
CONVERT = (
    'give --convert-to vhd to send it as a dynamic VHD, or --convert-to '
    'qcow2 (qemu-img converts it here)'
)
FIXED_REASON = (
    "it is a fixed VHD, which Glance's interoperable import ({}) takes for "
    'raw data and fails ("Image disk_format vhd does not match stream data '
    'raw")'
)


class VhdTestCase(test_interop.InteropTestCase):
    """A Glance whose tasks API answers (an admin) unless ``member``."""

    member = False

    def setUp(self):
        super().setUp()
        self.requests.get(SCHEMA_URL, json=fakes.GLANCE_TASK_SCHEMA)
        if not self.member:
            self.access = self.requests.get(base.TASKS_URL, json={'tasks': []})
            self.task_created = self.requests.post(
                base.TASKS_URL,
                status_code=201,
                json=dict(fakes.GLANCE_SUCCESS, status='pending'),
            )
        self.staged, self.received = self.read_stage(IMAGE_URL + '/stage')

    def url_import(self, data, *args):
        self.serve_image(SOURCE, data)
        return self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            SOURCE,
            '--name',
            'disk',
            *args,
        )

    def file_import(self, data, *args):
        path = files.write_file(self.home, 'disk.vhd', data)
        return path, self.openstack(
            'image', 'task', 'import', '--file', path, *args
        )

    def offer_methods(self, *methods):
        self.requests.get(
            base.ENDPOINT + '/v2/info/import',
            json={'import-methods': {'value': list(methods)}},
        )

    def posts(self):
        return [
            (request.method, request.url)
            for request in self.requests.request_history
            if request.method in ('POST', 'PUT', 'DELETE')
        ]

    def assertNothingCreated(self):
        self.assertEqual(
            [],
            [
                post
                for post in self.posts()
                if post != ('POST', base.TASKS_URL)
            ],
        )
        if not self.member:
            self.assertFalse(self.task_created.called)


class TestDynamicVhdAsAdmin(VhdTestCase):
    def test_url_goes_by_web_download_and_says_so(self):
        result = self.url_import(DYNAMIC, '-f', 'value', '-c', 'status')
        self.assertEqual(
            (
                0,
                'processing\n',
                f'{SOURCE} is a dynamic VHD, which the tasks '
                'API of Glance fails to import: importing it by web-download '
                '(interoperable import) instead.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertFalse(self.task_created.called)
        self.assertEqual(
            {'name': 'disk', 'disk_format': 'vhd', 'container_format': 'bare'},
            self.created.last_request.json(),
        )
        self.assertEqual(
            {'method': {'name': 'web-download', 'uri': SOURCE}},
            self.started.last_request.json(),
        )

    def test_an_iso_url_goes_by_web_download_and_says_so(self):
        # Glance 33's tasks API stores an ISO as raw.
        result = self.url_import(
            images.iso(), '--disk-format', 'iso', '-f', 'value', '-c', 'status'
        )
        self.assertEqual(
            (
                0,
                'processing\n',
                f'{SOURCE} is an ISO image, which the tasks API of Glance '
                'stores as raw (its introspection rewrites the format): '
                'importing it by web-download (interoperable import) '
                'instead.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertFalse(self.task_created.called)
        self.assertEqual(
            'iso', self.created.last_request.json()['disk_format']
        )

    def test_an_iso_by_the_tasks_api_is_refused(self):
        path, result = self.file_import(images.iso(), '--method', 'task')
        self.assertFailsWith(
            result,
            f'Cannot import {path} by the tasks API (--method task): it is '
            'an ISO image, which the tasks API of Glance stores as raw (its '
            'introspection rewrites the format); leave --method out to '
            'import it by glance-direct (interoperable import)',
        )
        self.assertNothingCreated()

    def test_file_goes_by_glance_direct_and_says_so(self):
        path, result = self.file_import(DYNAMIC, '-f', 'value', '-c', 'status')
        self.assertEqual(
            (
                0,
                'processing\n',
                f'{path} is a dynamic VHD, which the tasks '
                'API of Glance fails to import: importing it by glance-direct '
                '(interoperable import) instead.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertFalse(self.task_created.called)
        self.assertEqual([DYNAMIC], self.received)
        self.assertEqual(
            {'method': {'name': 'glance-direct'}},
            self.started.last_request.json(),
        )

    def test_forced_tasks_api_is_refused(self):
        result = self.url_import(DYNAMIC, '--method', 'task')
        self.assertFailsWith(
            result,
            f'Cannot import {SOURCE} by the tasks API (--method '
            'task): it is a dynamic VHD, which the tasks API of Glance fails '
            'to import ("Image disk_format vpc does not match stream data '
            'vhd"); leave --method out to import it by web-download '
            '(interoperable import), or give --convert-to qcow2',
        )
        self.assertNothingCreated()

    def test_forced_tasks_api_for_a_file_is_refused_before_the_upload(self):
        path, result = self.file_import(DYNAMIC, '--method', 'task')
        self.assertFailsWith(
            result,
            f'Cannot import {path} by the tasks API (--method task): '
            'it is a dynamic VHD, which the tasks API of Glance fails to '
            'import ("Image disk_format vpc does not match stream data '
            'vhd"); leave --method out to import it by glance-direct '
            '(interoperable import), or give --convert-to qcow2',
        )
        self.assertNothingCreated()

    def test_without_the_interop_method_it_is_refused(self):
        self.offer_methods('glance-direct')
        result = self.url_import(DYNAMIC)
        self.assertFailsWith(
            result,
            f'Cannot import {SOURCE}: it is a dynamic VHD, which the '
            'tasks API of Glance fails to import ("Image disk_format vpc '
            'does not match stream data vhd"), and this Glance offers no '
            'web-download import (its methods: glance-direct); give '
            '--convert-to qcow2',
        )
        self.assertNothingCreated()

    def test_a_fixed_vhd_is_refused_before_anything(self):
        # Its tasks API would store it as raw; interoperable import fails
        # it: neither route takes it as a vhd.
        result = self.url_import(FIXED)
        self.assertFailsWith(
            result,
            f'Cannot import {SOURCE}: it is a fixed VHD, which the tasks '
            'API of Glance stores as raw (its introspection rewrites the '
            'format) and Glance\'s interoperable import fails ("Image '
            'disk_format vhd does not match stream data raw"); '
            f'{CONVERT}',
        )
        self.assertNothingCreated()

    def test_other_formats_take_the_tasks_api(self):
        result = self.url_import(images.qcow2(), '-f', 'value', '-c', 'status')
        self.assertEqual(
            (0, 'pending\n', ''),
            (result.exit_code, result.stdout, result.stderr),
        )
        # The access is asked before the task: the plan is whole first.
        self.assertTrue(self.access.called)
        self.assertTrue(self.task_created.called)


class TestDynamicVhdAsMember(VhdTestCase):
    member = True

    def test_url_goes_by_web_download_as_before(self):
        result = self.url_import(DYNAMIC, '-f', 'value', '-c', 'status')
        self.assertEqual(
            (0, 'processing\n', ''),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertEqual(
            {'method': {'name': 'web-download', 'uri': SOURCE}},
            self.started.last_request.json(),
        )


class TestFixedVhdAsMember(VhdTestCase):
    member = True

    def test_file_is_refused_before_anything_is_created(self):
        path, result = self.file_import(FIXED)
        self.assertFailsWith(
            result,
            f'Cannot import {path}: '
            + FIXED_REASON.format('glance-direct')
            + ', and the tasks API, which imports it, is admin-only here; '
            + CONVERT,
        )
        self.assertNothingCreated()
        self.assertEqual([], self.received)

    def test_url_is_refused_before_anything_is_created(self):
        result = self.url_import(FIXED)
        self.assertFailsWith(
            result,
            f'Cannot import {SOURCE}: '
            + FIXED_REASON.format('web-download')
            + ', and the tasks API, which imports it, is admin-only here; '
            + CONVERT,
        )
        self.assertNothingCreated()

    def test_forced_glance_direct_is_refused(self):
        path, result = self.file_import(FIXED, '--method', 'glance-direct')
        self.assertFailsWith(
            result,
            f'Cannot import {path} by glance-direct (--method '
            'glance-direct): '
            + FIXED_REASON.format('glance-direct')
            + '; the tasks API, which imports it, is admin-only here: '
            + CONVERT,
        )
        self.assertNothingCreated()

    def test_a_dynamic_vhd_file_goes_by_glance_direct_unsaid(self):
        _, result = self.file_import(DYNAMIC, '-f', 'value', '-c', 'status')
        self.assertEqual(
            (0, 'processing\n', ''),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertEqual([DYNAMIC], self.received)


class TestFixedVhdAsAdmin(VhdTestCase):
    def test_forced_web_download_is_refused(self):
        result = self.url_import(FIXED, '--method', 'web-download')
        self.assertFailsWith(
            result,
            f'Cannot import {SOURCE} by web-download (--method '
            'web-download): '
            + FIXED_REASON.format('web-download')
            + "; Glance's tasks API would store it as raw (its introspection "
            'rewrites the format): ' + CONVERT,
        )
        self.assertNothingCreated()

    def test_a_store_is_refused(self):
        self.requests.get(
            base.ENDPOINT + '/v2/info/stores',
            json={'stores': [{'id': 'cheap'}]},
        )
        path, result = self.file_import(FIXED, '--store', 'cheap')
        self.assertFailsWith(
            result,
            f'Cannot import {path} by glance-direct (--store): '
            + FIXED_REASON.format('glance-direct')
            + "; Glance's tasks API would store it as raw (its introspection "
            'rewrites the format): ' + CONVERT,
        )
        self.assertNothingCreated()


class TestRackspaceUnchanged(test_uploadimport.UploadImportTestCase):
    def test_dynamic_vhd_goes_by_the_rackspace_task(self):
        self.offer('import', 'export')
        path = self.file('my-image.vhd', images.dynamic_vhd(4 * MiB))
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
        self.assertNotIn('dynamic VHD', result.stderr)
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


class TestKind(testtools.TestCase):
    def test_kinds(self):
        def content(data):
            return inspection._with_footer(
                inspection.inspect_stream(io.BytesIO(data)),
                data[-512:],
                len(data),
            )

        self.assertEqual('dynamic', vhdroute.kind(content(DYNAMIC)))
        self.assertEqual('fixed', vhdroute.kind(content(FIXED)))
        self.assertIsNone(vhdroute.kind(content(images.qcow2())))
        self.assertIsNone(vhdroute.kind(None))

# SPDX-License-Identifier: Apache-2.0
"""``image task copy`` on Rackspace: export, transfer, import."""

import json

from imageplugin import largeobject
from imageplugin import objectstore
from tests.unit import base
from tests.unit import fakes
from tests.unit import fakeswift
from tests.unit import images

IMAGE_ID = fakes.EXPORTED_IMAGE_ID
IMAGE_URL = base.ENDPOINT + '/v2/images/' + IMAGE_ID
TARGET = 'http://127.0.0.1:9393/v2'
SWIFT_TWO = 'http://127.0.0.1:8081/v1/AUTH_test'
COPY_ID = '5b0e1d2c-3f4a-4b5c-8d6e-7f8091a2b3c4'
EXPORT_ID = '0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9'
MiB = objectstore.MiB
# A fixed VHD of 3 MiB: four segments of 1 MiB (the last one 512 bytes).
# Bytes 1 to 255 over and over: no segment starts with a zero byte, which
# FakeSwift's damage would leave as it was.
VHD = (bytes(range(1, 256)) * (3 * MiB // 255 + 1))[
    : 3 * MiB
] + images.vhd_footer(3 * MiB)
OBJECT = f'{IMAGE_ID}.vhd'


def task(task_id, status, task_type='import', **fields):
    answer = dict(
        fakes.RACKSPACE_PENDING,
        id=task_id,
        status=status,
        type=task_type,
        self=f'/v2/tasks/{task_id}',
    )
    answer.update(fields)
    return answer


class ExportCopyTestCase(base.ShellTestCase):
    """Two regions of a cloud like Rackspace's, each with Cloud Files."""

    def setUp(self):
        super().setUp()
        self.use_catalog(
            [base.password_profile('test', region_name='RegionOne')],
            [
                ('image', 'public', base.ENDPOINT + '/v2', 'RegionOne'),
                ('image', 'public', TARGET, 'RegionTwo'),
                ('object-store', 'public', fakeswift.ENDPOINT, 'RegionOne'),
                ('object-store', 'public', SWIFT_TWO, 'RegionTwo'),
            ],
        )
        self.clock = self.useFixture(base.FakeClock())
        self.one = fakeswift.FakeSwift(self.requests)
        self.two = fakeswift.FakeSwift(self.requests, SWIFT_TWO)
        self.requests.get(
            base.ENDPOINT + fakes.SCHEMA_URL, json=fakes.RACKSPACE_TASK_SCHEMA
        )
        self.requests.get(
            TARGET + '/info/import', status_code=404, text='Not Found'
        )
        # RegionTwo has no image of the copy's name (duplicates).
        self.target_named = self.requests.get(
            TARGET + '/images', json={'images': []}
        )
        self.requests.get(
            IMAGE_URL,
            json={
                'id': IMAGE_ID,
                'name': 'web',
                'status': 'active',
                'checksum': fakeswift.md5(VHD),
            },
        )
        self.requests.get(base.TASKS_URL, json={'tasks': []})
        self.exports = self.requests.post(
            base.TASKS_URL,
            status_code=201,
            json=task(EXPORT_ID, 'pending', 'export'),
        )
        # The export writes the VHD as Rackspace does, then succeeds.
        self.requests.get(
            f'{base.TASKS_URL}/{EXPORT_ID}', json=self.export_ends
        )
        self.imports = self.requests.post(
            TARGET + '/tasks',
            status_code=201,
            json=task(base.TASK_ID, 'pending'),
        )
        self.requests.get(
            f'{TARGET}/tasks/{base.TASK_ID}',
            json=task(base.TASK_ID, 'success', result={'image_id': COPY_ID}),
        )
        self.copy_image = self.requests.get(
            f'{TARGET}/images/{COPY_ID}',
            json={
                'id': COPY_ID,
                'status': 'active',
                'checksum': fakeswift.md5(VHD),
            },
        )
        self.copy_deleted = self.requests.delete(
            f'{TARGET}/images/{COPY_ID}', status_code=204
        )

    def export_ends(self, request, context):
        self.one.add_dlo('images', OBJECT, [VHD[: 2 * MiB], VHD[2 * MiB :]])
        self.exported_etag = self.one.containers['images'][OBJECT]['etag']
        return task(
            EXPORT_ID,
            'success',
            'export',
            result={'export_location': f'images/{OBJECT}'},
        )

    def copy(self, *args):
        return self.openstack(
            '--os-cloud',
            'test',
            'image',
            'task',
            'copy',
            IMAGE_ID,
            '--to-region',
            'RegionTwo',
            '--segment-size',
            '1M',
            *args,
            auth=(),
        )

    def segment(self, index):
        """The name of segment ``index`` of the copy in RegionTwo."""
        head = {'Etag': self.exported_etag, 'Content-Length': str(len(VHD))}
        return largeobject.segment_name(
            OBJECT, largeobject.object_identity(head), MiB, index
        )


class TestCopy(ExportCopyTestCase):
    def test_export_transfer_import(self):
        result = self.copy('--wait', '-f', 'json')
        self.assertEqual(
            (
                0,
                f'Verified image {COPY_ID} in RegionTwo: its md5 (checksum) '
                f'matched image {IMAGE_ID} in RegionOne.\n'
                f'Deleted images/{OBJECT} in RegionOne and RegionTwo.\n',
            ),
            (result.exit_code, result.stderr),
            result,
        )
        self.assertEqual(
            ('success', COPY_ID),
            (
                json.loads(result.stdout)['status'],
                json.loads(result.stdout)['image_id'],
            ),
        )
        self.assertEqual(
            {
                'type': 'export',
                'input': {
                    'image_uuid': IMAGE_ID,
                    'receiving_swift_container': 'images',
                },
            },
            self.exports.last_request.json(),
        )
        self.assertEqual(
            {
                'type': 'import',
                'input': {
                    'import_from': f'images/{OBJECT}',
                    'image_properties': {'name': 'web'},
                },
            },
            self.imports.last_request.json(),
        )
        # Four segments went to RegionTwo, then a manifest; all of it,
        # and the export, deleted once the import had ended.
        sent = sorted(name for _, name, _, _ in self.two.puts())
        self.assertEqual(
            [OBJECT] + [self.segment(i) for i in range(1, 5)], sent
        )
        self.assertEqual({}, self.one.containers['images'])
        self.assertEqual({}, self.two.containers['images'])

    def test_dry_run_shows_the_plan_and_does_nothing(self):
        result = self.copy('--dry-run', '-f', 'json')
        self.assertEqual((0, ''), (result.exit_code, result.stderr), result)
        shown = json.loads(result.stdout)
        self.assertEqual(
            ('export-import', f'image {IMAGE_ID} in RegionOne'),
            (shown['route'], shown['source']),
        )
        self.assertEqual(
            [f'images/{OBJECT} from RegionOne to RegionTwo'], shown['uploads']
        )
        self.assertEqual(
            [
                f'images/{OBJECT} in RegionOne, once the import has ended',
                f'images/{OBJECT} in RegionTwo, once the import has ended',
            ],
            shown['deletes'],
        )
        self.assertFalse(self.exports.called)
        self.assertEqual([], self.two.puts())

    def test_timeout_bounds_the_whole_copy(self):
        # The export takes 90 s of the 120: the import has 30 left.
        self.requests.get(
            f'{base.TASKS_URL}/{EXPORT_ID}',
            [
                {'json': task(EXPORT_ID, 'processing', 'export')},
                {'json': task(EXPORT_ID, 'processing', 'export')},
                {'json': self.export_ends},
            ],
        )
        self.requests.get(
            f'{TARGET}/tasks/{base.TASK_ID}',
            json=task(base.TASK_ID, 'processing'),
        )
        result = self.copy(
            '--wait', '--timeout', '120', '-f', 'value', '-c', 'status'
        )
        self.assertEqual(
            (124, 'processing\n'), (result.exit_code, result.stdout)
        )
        self.assertEqual(120, self.clock.now)
        self.assertIn(
            f'Gave up waiting for task {base.TASK_ID} after 120 s: it is '
            'still processing. Wait again with: openstack --os-cloud test '
            '--os-region-name RegionTwo image task show '
            f'{base.TASK_ID} --wait\n',
            result.stderr,
        )

    def test_bytes_copied_are_the_export(self):
        result = self.copy(
            '--keep-upload',
            '--upload-concurrency',
            '3',
            '-f',
            'value',
            '-c',
            'status',
        )
        self.assertEqual(0, result.exit_code, result)
        self.assertEqual(VHD, self.two.content('images', OBJECT))
        self.assertEqual(VHD, self.one.content('images', OBJECT))

    def test_without_wait_the_objects_stay(self):
        result = self.copy('-f', 'value', '-c', 'status')
        self.assertEqual(
            (
                0,
                'pending\n',
                f'The exported image stays at images/{OBJECT} '
                'in RegionOne and RegionTwo until you delete it, once the '
                'import has ended.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )

    def test_checksum_differs(self):
        self.requests.get(
            f'{TARGET}/images/{COPY_ID}',
            json={'id': COPY_ID, 'status': 'active', 'checksum': '0' * 32},
        )
        result = self.copy('--wait', '-f', 'value', '-c', 'status')
        self.assertEqual(1, result.exit_code, result)
        self.assertEqual(
            [
                f'Image {COPY_ID} in RegionTwo does not hold the bytes of '
                'image '
                f'{IMAGE_ID} in RegionOne: its md5 (checksum) is {"0" * 32}, '
                f"the source's is {fakeswift.md5(VHD)}",
                f'Image {COPY_ID} was deleted.',
                f'Deleted images/{OBJECT} in RegionOne and RegionTwo.',
            ],
            result.stderr.splitlines(),
        )
        self.assertTrue(self.copy_deleted.called)


class TestGoesOn(ExportCopyTestCase):
    """The same command run again goes on from the step it reached."""

    def test_an_export_already_made_is_used(self):
        self.export_ends(None, None)
        result = self.copy('-f', 'value', '-c', 'status')
        self.assertEqual(0, result.exit_code, result)
        self.assertEqual(
            f'Using the export of image {IMAGE_ID} already at images/'
            f'{OBJECT} in RegionOne.',
            result.stderr.splitlines()[0],
        )
        self.assertFalse(self.exports.called)

    def test_a_running_export_is_waited_for(self):
        self.requests.get(
            base.TASKS_URL,
            [
                {'json': {'tasks': [fakes.rackspace_list_entry(EXPORT_ID)]}},
                {'json': {'tasks': []}},
            ],
        )
        self.requests.get(
            f'{base.TASKS_URL}/{EXPORT_ID}',
            [
                {
                    'json': task(
                        EXPORT_ID,
                        'processing',
                        'export',
                        input={
                            'image_uuid': IMAGE_ID,
                            'receiving_swift_container': 'images',
                        },
                    )
                },
                {'json': self.export_ends},
            ],
        )
        result = self.copy('-f', 'value', '-c', 'status')
        self.assertEqual(0, result.exit_code, result)
        self.assertEqual(
            f'Waiting for export task {EXPORT_ID} of image {IMAGE_ID}, '
            'started earlier.',
            result.stderr.splitlines()[0],
        )
        self.assertFalse(self.exports.called)

    def test_an_interrupted_transfer_resumes(self):
        self.two.containers['images'] = {}
        self.export_ends(None, None)
        self.two.damaged.add(self.segment(3))
        failed = self.copy('--upload-concurrency', '1')
        self.assertEqual(1, failed.exit_code)
        self.assertIn(
            f'The export stays at images/{OBJECT} in RegionOne; '
            'run the same command again to resume the copy.',
            failed.stderr,
        )
        self.assertFalse(self.imports.called)
        self.two.damaged.clear()
        result = self.copy(
            '--upload-concurrency', '1', '-f', 'value', '-c', 'status'
        )
        self.assertEqual(0, result.exit_code, result)
        self.assertIn(
            'Resumed the transfer: 2 of 4 segments were already stored.',
            result.stderr,
        )
        self.assertEqual(VHD, self.two.content('images', OBJECT))


class TestRefused(ExportCopyTestCase):
    def test_failed_export(self):
        self.requests.get(
            f'{base.TASKS_URL}/{EXPORT_ID}',
            json=task(
                EXPORT_ID, 'failure', 'export', message='Error code: 523'
            ),
        )
        result = self.copy('--wait', '-f', 'value', '-c', 'status')
        self.assertEqual((1, 'failure\n'), (result.exit_code, result.stdout))
        self.assertTrue(
            result.stderr.startswith(
                f'Task {EXPORT_ID} failed: Error code: 523'
            ),
            result,
        )
        self.assertFalse(self.imports.called)

    def test_image_not_active(self):
        self.requests.get(IMAGE_URL, json={'id': IMAGE_ID, 'status': 'queued'})
        self.assertFailsWith(
            self.copy(),
            f'Image {IMAGE_ID} is queued in RegionOne: only an '
            'active image can be copied',
        )
        self.assertFalse(self.exports.called)

    def test_glance_method(self):
        self.assertFailsWith(
            self.copy('--method', 'glance-direct'),
            '--method is for Glance; Rackspace copies by an export task, a '
            'transfer and an import task',
        )
        self.assertFalse(self.exports.called)

    def test_bad_container(self):
        self.assertFailsWith(
            self.copy('--container', 'a/b'),
            "Invalid container name 'a/b': an export container's name may "
            "not be empty or hold '/', '?' or '.'",
        )

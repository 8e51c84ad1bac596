# SPDX-License-Identifier: Apache-2.0
"""The same bytes twice: an import whose image is already there."""

import hashlib
import json

from osc_lib import exceptions
import testtools

from imageplugin import duplicates
from imageplugin import plan
from imageplugin import planfacts
from imageplugin import request
from tests.support import files
from tests.unit import base
from tests.unit import fakeswift
from tests.unit import images
from tests.unit import test_interop
from tests.unit import test_rackspacecopy
from tests.unit import test_regioncopy
from tests.unit import test_uploadimport

EXISTING_ID = '3c9e1f0a-5b7d-4e2c-8a6f-1d0b9c8e7a65'
EXISTING_URL = base.ENDPOINT + '/v2/images/' + EXISTING_ID
OTHER_PROJECT = '0f1e2d3c4b5a69788796a5b4c3d2e1f0'
ALREADY_THERE = (
    f'Already there: {EXISTING_ID} (cirros); nothing was created '
    '(--allow-duplicates makes another)\n'
)


def existing(data, **fields):
    """An active image of ``data`` named cirros, as Glance 33 lists it
    after ``openstack image create --file`` (openstacksdk records empty
    hashes there)."""
    image = {
        'id': EXISTING_ID,
        'name': 'cirros',
        'status': 'active',
        'owner': base.PROJECT_ID,
        'size': len(data),
        'disk_format': 'qcow2',
        'container_format': 'bare',
        'checksum': hashlib.md5(data, usedforsecurity=False).hexdigest(),
        'os_hash_algo': 'sha512',
        'os_hash_value': hashlib.sha512(data).hexdigest(),
        'owner_specified.openstack.md5': '',
        'owner_specified.openstack.sha256': '',
        'owner_specified.openstack.object': 'images/cirros',
    }
    image.update(fields)
    return image


class TestMemberFile(test_interop.InteropTestCase):
    """A member's --file, which goes by glance-direct."""

    def setUp(self):
        super().setUp()
        self.staged, _ = self.read_stage(test_interop.IMAGE_URL + '/stage')
        self.data = images.qcow2() + b'data' * 1000
        self.path = self.file_of(self.data)
        self.existing_tasks = self.requests.get(
            EXISTING_URL + '/tasks',
            json={
                'tasks': [
                    test_interop.import_task(
                        'success',
                        id='11111111-2222-4333-8444-555555555555',
                        image_id=EXISTING_ID,
                        created_at='2026-11-30T10:00:00.000000',
                    ),
                    test_interop.import_task(
                        'success',
                        image_id=EXISTING_ID,
                        created_at='2026-11-30T11:00:00.000000',
                    ),
                ]
            },
        )

    def file_of(self, data):
        return files.write_file(self.home, 'cirros.img', data)

    def run_import(self, *args):
        return self.openstack(
            'image', 'task', 'import', '--file', self.path, *args
        )

    def listed(self, *found):
        return self.requests.get(
            base.ENDPOINT + '/v2/images?name=cirros',
            json={'images': list(found)},
        )

    def assertNothingCreated(self):
        changes = [
            (request.method, request.path)
            for request in self.requests.request_history
            if request.method not in ('GET', 'HEAD')
        ]
        self.assertEqual([], changes)

    def test_same_bytes_show_the_image_s_task(self):
        looked = self.listed(existing(self.data))
        result = self.run_import('--wait', '-f', 'json')
        self.assertEqual(
            (0, ALREADY_THERE), (result.exit_code, result.stderr), result
        )
        shown = json.loads(result.stdout)
        # The newest of its tasks.
        self.assertEqual(
            (base.TASK_ID, EXISTING_ID, 'success'),
            (shown['id'], shown['image_id'], shown['status']),
        )
        self.assertNothingCreated()
        self.assertEqual({'name': ['cirros']}, looked.last_request.qs)

    def test_recognised_by_openstacksdk_s_sha256(self):
        # An image of openstacksdk's, on a cloud showing no hash of its own.
        self.listed(
            existing(
                self.data,
                checksum=None,
                os_hash_algo=None,
                os_hash_value=None,
                **{
                    'owner_specified.openstack.sha256': hashlib.sha256(
                        self.data
                    ).hexdigest()
                },
            )
        )
        result = self.run_import('-f', 'value', '-c', 'image_id')
        self.assertEqual(
            (0, EXISTING_ID + '\n', ALREADY_THERE),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertNothingCreated()

    def test_a_hash_that_differs_is_another_image(self):
        # Glance's MD5 agrees, its recorded SHA-256 does not: not the same.
        self.listed(
            existing(
                self.data,
                os_hash_algo=None,
                os_hash_value=None,
                **{'owner_specified.openstack.sha256': '0' * 64},
            )
        )
        self.run_import('--wait')
        self.assertTrue(self.created.called)

    def test_other_bytes_of_the_same_name_are_imported(self):
        self.listed(existing(self.data + b'more'))
        self.images_seen(test_interop.image('active', lock=False))
        result = self.run_import('-f', 'value', '-c', 'status')
        self.assertEqual(0, result.exit_code, result)
        self.assertNotIn('Already there', result.stderr)
        self.assertTrue(self.created.called)
        self.assertTrue(self.staged.called)

    def test_same_size_other_bytes_are_imported(self):
        other = self.data[:-4] + b'more'
        self.listed(existing(other))
        self.run_import()
        self.assertTrue(self.created.called)

    def test_allow_duplicates_does_not_look(self):
        looked = self.listed(existing(self.data))
        result = self.run_import('--allow-duplicates')
        self.assertEqual(0, result.exit_code, result)
        self.assertFalse(looked.called)
        self.assertTrue(self.created.called)
        self.assertTrue(self.started.called)

    def test_an_image_not_active_is_no_duplicate(self):
        self.listed(existing(self.data, status='queued'))
        self.run_import()
        self.assertTrue(self.created.called)

    def test_no_image_of_the_name_reads_the_file_once(self):
        # The plan as usual: the look cost one GET.
        result = self.run_import('--dry-run', '-f', 'json')
        plan = json.loads(self.assertSucceeds(result))
        self.assertEqual('glance-direct', plan['route'])
        self.assertTrue(self.same_named.called)

    def test_dry_run_shows_the_image_already_there(self):
        self.listed(existing(self.data))
        result = self.run_import('--dry-run', '-f', 'json')
        plan = json.loads(self.assertSucceeds(result))
        self.assertEqual(
            {
                'route': 'already-there',
                'steps': [
                    'look for an image of the same name and content: image '
                    f'{EXISTING_ID} (cirros) holds {self.path} (md5, '
                    'sha512)',
                    'show its import task where it has one, else the image',
                ],
                'creates': [],
                'uploads': [],
                'deletes': [],
                'notes': [ALREADY_THERE.rstrip('\n')],
            },
            {
                key: plan[key]
                for key in (
                    'route',
                    'steps',
                    'creates',
                    'uploads',
                    'deletes',
                    'notes',
                )
            },
        )
        self.assertNothingCreated()

    def test_an_image_without_tasks_is_shown_by_its_id(self):
        self.listed(existing(self.data))
        self.requests.get(EXISTING_URL + '/tasks', json={'tasks': []})
        result = self.run_import('-f', 'json')
        self.assertEqual(
            (
                0,
                ALREADY_THERE + f'Image {EXISTING_ID} has no import task '
                'listed (Glance lists those of interoperable imports): see '
                f'openstack image show {EXISTING_ID}\n',
            ),
            (result.exit_code, result.stderr),
        )
        shown = json.loads(result.stdout)
        self.assertEqual(
            (None, EXISTING_ID, None),
            (shown['id'], shown['image_id'], shown['status']),
        )
        self.assertNothingCreated()


class TestMemberUrl(test_interop.InteropTestCase):
    def test_a_url_s_bytes_are_unknown_a_note_says_so(self):
        self.requests.get(
            base.ENDPOINT + '/v2/images?name=cirros',
            json={'images': [existing(images.qcow2())]},
        )
        result = self.url_import('--dry-run', '-f', 'json')
        plan = json.loads(self.assertSucceeds(result))
        self.assertEqual('web-download', plan['route'])
        self.assertIn(
            f'Image {EXISTING_ID} is also named {"cirros"!r}: whether it '
            f'holds the bytes of {test_interop.SOURCE} is known only once '
            'they are imported (Glance reads a URL itself), so another is '
            'made',
            plan['notes'],
        )

    def test_no_name_no_look(self):
        self.serve_image(test_interop.SOURCE, images.qcow2())
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            test_interop.SOURCE,
            '--dry-run',
        )
        self.assertEqual(0, result.exit_code, result)
        self.assertFalse(self.same_named.called)


class TestAdminUpload(test_uploadimport.UploadImportTestCase):
    """An admin's --file, through the object storage and the tasks API,
    logged in with a password (the project is known)."""

    def setUp(self):
        super().setUp()
        self.offer('import')
        self.data = test_uploadimport.QCOW2
        self.path = self.file('cirros.qcow2', self.data)
        self.requests.get(EXISTING_URL + '/tasks', json={'tasks': []})

    def listed(self, *found):
        return self.requests.get(
            base.ENDPOINT + '/v2/images?name=cirros',
            json={'images': list(found)},
        )

    def test_nothing_is_uploaded(self):
        # Glance's tasks API leaves its images' owner empty.
        self.listed(existing(self.data, owner=None))
        result = self.run_import('--file', self.path, '--wait')
        self.assertEqual(0, result.exit_code, result)
        self.assertTrue(result.stderr.startswith(ALREADY_THERE), result)
        self.assertEqual([], self.swift.puts())
        self.assertEqual([], self.task_posts())

    def test_another_project_s_image_is_not_ours(self):
        self.listed(existing(self.data, owner=OTHER_PROJECT))
        result = self.run_import('--file', self.path, '--dry-run')
        self.assertEqual(0, result.exit_code, result)
        self.assertNotIn('already-there', result.stdout)


class TestCopyToAnotherRegion(test_regioncopy.CopyTestCase):
    """image task copy: RegionTwo may hold the image already."""

    def held(self, **fields):
        """RegionTwo lists a copy of the source named cirros."""
        copy = test_regioncopy.copy_image(
            'active',
            lock=False,
            owner=base.PROJECT_ID,
            size=len(test_regioncopy.DATA),
            checksum=test_regioncopy.MD5,
            os_hash_algo='sha512',
            os_hash_value=test_regioncopy.SHA512,
        )
        copy.update(fields)
        return self.requests.get(
            test_regioncopy.TARGET + '/v2/images?name=cirros',
            json={'images': [copy]},
        )

    def already(self):
        return (
            f'Already there: {test_regioncopy.COPY_ID} (cirros); nothing '
            'was created (--allow-duplicates makes another)\n'
        )

    def test_the_copy_is_there_already(self):
        looked = self.held()
        result = self.copy('--to-region', 'RegionTwo', '--wait', '-f', 'json')
        self.assertEqual(
            (0, self.already()), (result.exit_code, result.stderr), result
        )
        self.assertEqual(
            test_regioncopy.COPY_ID, json.loads(result.stdout)['image_id']
        )
        self.assertEqual({'name': ['cirros']}, looked.last_request.qs)
        self.assertFalse(self.created.called)
        self.assertFalse(self.started.called)

    def test_dry_run_says_so(self):
        self.held()
        result = self.copy(
            '--to-region', 'RegionTwo', '--dry-run', '-f', 'json'
        )
        plan = json.loads(self.assertSucceeds(result))
        self.assertEqual(
            (
                'already-there',
                'look for an image of the same name and content: image '
                f'{test_regioncopy.COPY_ID} (cirros) holds image '
                f'{test_regioncopy.SOURCE_ID} in RegionOne (md5, sha512)',
            ),
            (plan['route'], plan['steps'][0]),
        )
        self.assertFalse(self.created.called)

    def test_other_bytes_are_copied(self):
        self.held(os_hash_value='0' * 128)
        self.copy('--to-region', 'RegionTwo')
        self.assertTrue(self.created.called)

    def test_allow_duplicates_does_not_look(self):
        looked = self.held()
        self.copy('--to-region', 'RegionTwo', '--allow-duplicates')
        self.assertFalse(looked.called)
        self.assertTrue(self.created.called)

    def test_the_name_given_is_looked_for(self):
        looked = self.requests.get(
            test_regioncopy.TARGET + '/v2/images?name=other',
            json={'images': []},
        )
        self.copy('--to-region', 'RegionTwo', '--name', 'other')
        self.assertTrue(looked.called)
        self.assertTrue(self.created.called)


class TestDecide(testtools.TestCase):
    """plan.decide takes the image already there from the facts."""

    def test_already_there_creates_nothing(self):
        image = {'id': EXISTING_ID, 'name': 'cirros'}
        decided = plan.decide(
            request.ImportRequest(file='cirros.img'),
            planfacts.Facts(
                dialect='glance',
                tasks_refusal='',
                duplicate=duplicates.Existing(image, 'sha512'),
            ),
            'cirros.img',
        )
        self.assertEqual(
            (duplicates.ALREADY_THERE, (), (), (), image),
            (
                decided.route,
                decided.creates,
                decided.uploads,
                decided.deletes,
                decided.image,
            ),
        )

    def test_a_refusal_of_the_request_comes_first(self):
        self.assertRaises(
            exceptions.CommandError,
            plan.decide,
            request.ImportRequest(file='cirros.img', method='copy-image'),
            planfacts.Facts(
                duplicate=duplicates.Existing({'id': EXISTING_ID}, 'md5')
            ),
        )


class TestSameBytes(testtools.TestCase):
    def test_every_shared_hash_must_agree(self):
        image = {'size': 3, 'checksum': 'aa', 'os_hash_algo': 'sha512'}
        image['os_hash_value'] = 'bb'
        self.assertEqual(
            'md5, sha512',
            duplicates.same_bytes(image, 3, {'md5': 'aa', 'sha512': 'bb'}),
        )
        self.assertIsNone(
            duplicates.same_bytes(image, 3, {'md5': 'aa', 'sha512': 'cc'})
        )

    def test_no_shared_hash_is_no_match(self):
        self.assertIsNone(duplicates.same_bytes({'size': 3}, 3, {'md5': 'aa'}))

    def test_another_size_is_no_match(self):
        self.assertIsNone(
            duplicates.same_bytes(
                {'size': 4, 'checksum': 'aa'}, 3, {'md5': 'aa'}
            )
        )


class TestRackspaceCopy(test_rackspacecopy.ExportCopyTestCase):
    """A Rackspace copy: export, transfer, import, unless RegionTwo holds
    the image already."""

    def test_nothing_is_exported(self):
        held = {
            'id': EXISTING_ID,
            'name': 'web',
            'status': 'active',
            'owner': base.PROJECT_ID,
            'size': len(test_rackspacecopy.VHD),
            'checksum': fakeswift.md5(test_rackspacecopy.VHD),
        }
        self.requests.get(
            test_rackspacecopy.TARGET + '/images?name=web',
            json={'images': [held]},
        )
        self.requests.get(
            test_rackspacecopy.TARGET + f'/images/{EXISTING_ID}/tasks',
            json={'tasks': []},
        )
        result = self.copy('--wait', '-f', 'value', '-c', 'image_id')
        self.assertEqual(
            (
                0,
                EXISTING_ID + '\n',
                f'Already there: {EXISTING_ID} (web); nothing was created '
                '(--allow-duplicates makes another)\n'
                f'Image {EXISTING_ID} has no import task listed (Glance '
                'lists those of interoperable imports): see openstack '
                f'--os-region-name RegionTwo image show {EXISTING_ID}\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertEqual(
            [],
            [
                (r.method, r.url)
                for r in self.requests.request_history
                if r.method not in ('GET', 'HEAD')
                and 'auth/tokens' not in r.url
            ],
        )

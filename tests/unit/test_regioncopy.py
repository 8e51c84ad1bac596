# SPDX-License-Identifier: Apache-2.0
"""``image task copy``: an image of RegionOne copied into RegionTwo."""

import hashlib
import json
import os

from tests.unit import base
from tests.unit import fakes
from tests.unit import test_interop

TARGET = 'http://127.0.0.1:9393'
SOURCE_ID = '3f0c8e2a-5b7d-4c1e-9f6a-8d2b4e6c0a13'
SOURCE_URL = base.ENDPOINT + '/v2/images/' + SOURCE_ID
COPY_ID = '9e4d2c1b-7a6f-4e5d-8c3b-2a1f0e9d8c7b'
COPY_URL = TARGET + '/v2/images/' + COPY_ID
REQUEST_ID = 'req-1c2b3a49-5d6e-4f70-8a9b-0c1d2e3f4a5b'
DATA = b'QFI\xfb\x00\x00\x00\x03' + bytes(8184)
SHA512 = hashlib.sha512(DATA).hexdigest()
MD5 = hashlib.md5(DATA, usedforsecurity=False).hexdigest()


def source_image(**fields):
    """The image to copy, as RegionOne's Glance shows it."""
    image = {
        'id': SOURCE_ID,
        'name': 'cirros',
        'status': 'active',
        'disk_format': 'qcow2',
        'container_format': 'bare',
        'visibility': 'shared',
        'protected': False,
        'min_disk': 1,
        'min_ram': 64,
        'tags': ['base'],
        'size': len(DATA),
        'virtual_size': 117440512,
        'checksum': MD5,
        'os_hash_algo': 'sha512',
        'os_hash_value': SHA512,
        'owner': 'p1',
        'os_hidden': False,
        'hw_disk_bus': 'scsi',
        'distro_release': '0.6',
        'os_glance_import_task': None,
        'os_glance_failed_import': '',
        'stores': 'file',
        'created_at': '2026-11-30T10:00:00Z',
        'updated_at': '2026-11-30T10:00:01Z',
        'file': f'/v2/images/{SOURCE_ID}/file',
        'self': f'/v2/images/{SOURCE_ID}',
        'schema': '/v2/schemas/image',
        'direct_url': None,
        'locations': [],
    }
    image.update(fields)
    return image


def copy_image(status, lock=True, **fields):
    """The copy, as RegionTwo's Glance shows it."""
    image = {
        'id': COPY_ID,
        'name': 'cirros',
        'status': status,
        'disk_format': 'qcow2',
        'os_glance_importing_to_stores': '',
        'os_glance_failed_import': '',
    }
    if lock:
        image['os_glance_import_task'] = base.TASK_ID
    image.update(fields)
    return image


def copy_task(status='processing', **fields):
    return test_interop.import_task(
        status, image_id=COPY_ID, request_id=REQUEST_ID, **fields
    )


def left_to_do(last_step):
    """The line that a copy whose wait was cut short ends with."""
    return (
        f'Image {COPY_ID} in RegionTwo is not checked: once its import has '
        f"ended, compare its hash with image {SOURCE_ID}'s in RegionOne "
        '(os_hash_value, "openstack image show" in both regions) and '
        f'{last_step}.'
    )


class CopyTestCase(base.ShellTestCase):
    """A member whose profile is in RegionOne; both regions' Glances
    offer glance-download."""

    def setUp(self):
        super().setUp()
        self.use_catalog(
            [base.password_profile('test', region_name='RegionOne')],
            [
                ('image', 'public', base.ENDPOINT, 'RegionOne'),
                ('image', 'public', TARGET, 'RegionTwo'),
            ],
        )
        self.clock = self.useFixture(base.FakeClock())
        self.requests.get(SOURCE_URL, json=source_image())
        self.methods(['glance-direct', 'web-download', 'glance-download'])
        self.created = self.requests.post(
            TARGET + '/v2/images',
            status_code=201,
            json=copy_image('queued', lock=False),
        )
        self.started = self.requests.post(
            COPY_URL + '/import',
            status_code=202,
            headers={'x-openstack-request-id': REQUEST_ID},
        )
        self.deleted = self.requests.delete(COPY_URL, status_code=204)
        self.requests.get(COPY_URL + '/tasks', json={'tasks': [copy_task()]})
        # RegionTwo has no image of the copy's name (duplicates).
        self.target_named = self.requests.get(
            TARGET + '/v2/images', json={'images': []}
        )

    def methods(self, offered):
        self.requests.get(
            TARGET + '/v2/info/import',
            json={'import-methods': {'value': offered}},
        )

    def copies_seen(self, *answers):
        self.requests.get(COPY_URL, [{'json': answer} for answer in answers])

    def copy(self, *args, tty=False):
        return self.openstack(
            '--os-cloud',
            'test',
            'image',
            'task',
            'copy',
            SOURCE_ID,
            *args,
            auth=(),
            tty=tty,
        )

    def target_requests(self):
        return [
            (r.method, r.url)
            for r in self.requests.request_history
            if r.url.startswith(TARGET)
        ]


class TestGlanceDownload(CopyTestCase):
    def test_copy_waited_for_and_verified(self):
        self.copies_seen(
            copy_image('queued'),
            copy_image(
                'active',
                lock=False,
                checksum=MD5,
                os_hash_algo='sha512',
                os_hash_value=SHA512,
            ),
        )
        result = self.copy('--to-region', 'RegionTwo', '--wait', '-f', 'json')
        self.assertEqual(
            (
                0,
                f'Verified image {COPY_ID} in RegionTwo: its sha512 '
                f'(os_hash_value) matched image {SOURCE_ID} in RegionOne.\n',
            ),
            (result.exit_code, result.stderr),
            result,
        )
        shown = json.loads(result.stdout)
        self.assertEqual(
            (base.TASK_ID, 'success', COPY_ID),
            (shown['id'], shown['status'], shown['image_id']),
        )
        # Everything the user set, not what Glance keeps for itself.
        self.assertEqual(
            {
                'name': 'cirros',
                'disk_format': 'qcow2',
                'container_format': 'bare',
                'visibility': 'shared',
                'min_disk': 1,
                'min_ram': 64,
                'tags': ['base'],
                'os_hidden': False,
                'hw_disk_bus': 'scsi',
                'distro_release': '0.6',
            },
            self.created.last_request.json(),
        )
        self.assertEqual(
            {
                'method': {
                    'name': 'glance-download',
                    'glance_image_id': SOURCE_ID,
                    'glance_region': 'RegionOne',
                    'glance_service_interface': 'public',
                }
            },
            self.started.last_request.json(),
        )
        self.assertFalse(self.deleted.called)

    def test_dry_run_shows_the_plan_and_does_nothing(self):
        result = self.copy(
            '--to-region',
            'RegionTwo',
            '--name',
            'other',
            '--wait',
            '--dry-run',
            '-f',
            'json',
        )
        self.assertEqual((0, ''), (result.exit_code, result.stderr), result)
        self.assertEqual(
            {
                'route': 'glance-download',
                'method': 'glance-download',
                'source': f'image {SOURCE_ID} in RegionOne',
                'steps': [
                    f'create an image in RegionTwo with the properties '
                    f"of image {SOURCE_ID}, named 'other'",
                    'import its data by glance-download: RegionTwo '
                    'reads it from RegionOne',
                    'wait for the import to end',
                    "compare the copy's hash with the image's",
                ],
                'creates': ['an image in RegionTwo'],
                'uploads': [],
                'deletes': [
                    'the copy, if its import fails or its bytes differ'
                ],
                'notes': [],
            },
            json.loads(result.stdout),
        )
        self.assertEqual(
            [],
            [
                r
                for r in self.requests.request_history
                if r.method not in ('GET', 'HEAD')
                and not r.url.endswith('/auth/tokens')
            ],
        )

    def test_dry_run_without_wait_compares_nothing(self):
        # The hashes are compared only once the import is waited for.
        result = self.copy(
            '--to-region', 'RegionTwo', '--dry-run', '-f', 'json'
        )
        self.assertEqual((0, ''), (result.exit_code, result.stderr), result)
        plan = json.loads(result.stdout)
        self.assertEqual(
            (
                ['the copy, if its import cannot be started'],
                'show the import task (not waited for)',
            ),
            (plan['deletes'], plan['steps'][-1]),
        )

    def test_dry_run_of_a_protected_image(self):
        self.requests.get(SOURCE_URL, json=source_image(protected=True))
        plans = [
            json.loads(
                self.assertSucceeds(
                    self.copy(
                        '--to-region',
                        'RegionTwo',
                        '--dry-run',
                        *wait,
                        '-f',
                        'json',
                    )
                )
            )
            for wait in ((), ('--wait',))
        ]
        self.assertEqual(
            [
                (
                    'show the import task (not waited for)',
                    [
                        f'Image {SOURCE_ID} is protected: its copy is '
                        'protected only with --wait; without, protect it '
                        'once it is active'
                    ],
                ),
                ('protect the copy, as the image is', []),
            ],
            [(plan['steps'][-1], plan['notes']) for plan in plans],
        )

    def test_name_given(self):
        result = self.copy(
            '--to-region',
            'RegionTwo',
            '--name',
            'other',
            '-f',
            'value',
            '-c',
            'status',
        )
        self.assertEqual(
            (0, 'processing\n', ''),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertEqual('other', self.created.last_request.json()['name'])

    def test_bytes_differ(self):
        self.copies_seen(
            copy_image(
                'active',
                lock=False,
                checksum=MD5,
                os_hash_algo='sha512',
                os_hash_value='0' * 128,
            )
        )
        result = self.copy(
            '--to-region', 'RegionTwo', '--wait', '-f', 'value', '-c', 'status'
        )
        self.assertEqual(
            (
                1,
                'success\n',
                f'Image {COPY_ID} in RegionTwo does not hold the bytes of '
                f'image {SOURCE_ID} in RegionOne: its sha512 (os_hash_value) '
                f"is {'0' * 128}, the source's is {SHA512}\n"
                f'Image {COPY_ID} was deleted.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )

    def test_failed_import_deletes_the_copy(self):
        self.copies_seen(
            copy_image('queued'), copy_image('queued', lock=False)
        )
        self.requests.get(
            COPY_URL + '/tasks',
            [
                {'json': {'tasks': [copy_task()]}},
                {
                    'json': {
                        'tasks': [
                            copy_task(
                                'failure',
                                message='Task failed due to Internal Error',
                            )
                        ]
                    }
                },
            ],
        )
        result = self.copy(
            '--to-region', 'RegionTwo', '--wait', '-f', 'value', '-c', 'status'
        )
        self.assertEqual(
            (
                1,
                'failure\n',
                f'Task {base.TASK_ID} failed: Task failed due '
                'to Internal Error (the image went back to queued)\n'
                f'Image {COPY_ID} was deleted.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertTrue(self.deleted.called)

    def test_timeout_names_the_region_to_resume_in(self):
        self.copies_seen(copy_image('queued'))
        result = self.copy(
            '--to-region',
            'RegionTwo',
            '--wait',
            '--timeout',
            '5',
            '-f',
            'value',
            '-c',
            'status',
        )
        self.assertEqual(124, result.exit_code, result)
        self.assertIn(
            'openstack --os-cloud test --os-region-name RegionTwo image '
            f'task show {base.TASK_ID} --image {COPY_ID} --wait',
            result.stderr,
        )
        # The resume command only waits: what it leaves undone is said.
        self.assertEqual(
            left_to_do(
                'delete it if its import fails (openstack --os-region-name '
                f'RegionTwo image delete {COPY_ID})'
            ),
            result.stderr.splitlines()[-1],
        )
        self.assertFalse(self.deleted.called)

    def test_interrupted_wait_of_a_protected_copy_says_what_is_left(self):
        self.requests.get(SOURCE_URL, json=source_image(protected=True))
        self.requests.get(COPY_URL, exc=KeyboardInterrupt)
        result = self.copy(
            '--to-region', 'RegionTwo', '--wait', '--keep-image'
        )
        self.assertEqual((130, ''), (result.exit_code, result.stdout), result)
        self.assertEqual(
            left_to_do(
                'protect it as its source (openstack --os-region-name '
                f'RegionTwo image set --protected {COPY_ID})'
            ),
            result.stderr.splitlines()[-1],
        )
        self.assertFalse(self.deleted.called)

    def test_interrupted_creation_points_to_the_copy_region(self):
        self.requests.post(TARGET + '/v2/images', exc=KeyboardInterrupt)
        result = self.copy('--to-region', 'RegionTwo', '--wait')
        self.assertEqual(
            (
                130,
                '',
                'Interrupted. An image may have been created before the '
                'interrupt: see openstack --os-region-name RegionTwo image '
                'list --name cirros\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )

    def test_protected_source_protects_the_copy(self):
        self.requests.get(SOURCE_URL, json=source_image(protected=True))
        self.copies_seen(copy_image('active', lock=False, checksum=MD5))
        patched = self.requests.patch(COPY_URL, json=copy_image('active'))
        result = self.copy(
            '--to-region', 'RegionTwo', '--wait', '-f', 'value', '-c', 'status'
        )
        self.assertEqual(0, result.exit_code, result)
        self.assertEqual(
            [{'op': 'replace', 'path': '/protected', 'value': True}],
            patched.last_request.json(),
        )
        self.assertNotIn('protected', self.created.last_request.json())

    def test_public_source_copied_as_not_public_for_a_member(self):
        self.requests.get(SOURCE_URL, json=source_image(visibility='public'))
        self.requests.post(
            TARGET + '/v2/images',
            [
                {
                    'status_code': 403,
                    'json': {
                        'message': 'You are not authorized to complete '
                        'publicize_image action.',
                        'code': '403',
                    },
                },
                {'status_code': 201, 'json': copy_image('queued', lock=False)},
            ],
        )
        result = self.copy(
            '--to-region', 'RegionTwo', '-f', 'value', '-c', 'status'
        )
        self.assertEqual(
            (
                0,
                'processing\n',
                f'Image {SOURCE_ID} is public in RegionOne;'
                ' its copy is not: making an image public takes the admin '
                'role.\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        first, second = [
            r.json()
            for r in self.requests.request_history
            if r.method == 'POST' and r.url == TARGET + '/v2/images'
        ]
        self.assertEqual('public', first['visibility'])
        self.assertNotIn('visibility', second)


class TestStreamed(CopyTestCase):
    """A target without glance-download: the data streams through."""

    def setUp(self):
        super().setUp()
        self.methods(['glance-direct', 'web-download'])
        self.requests.get(SOURCE_URL + '/file', content=DATA)
        self.staged, self.received = self.read_stage(COPY_URL + '/stage')

    def test_data_streamed_into_the_stage(self):
        self.copies_seen(
            copy_image(
                'active',
                lock=False,
                checksum=MD5,
                os_hash_algo='sha512',
                os_hash_value=SHA512,
            )
        )
        result = self.copy(
            '--to-region',
            'RegionTwo',
            '--wait',
            '-f',
            'value',
            '-c',
            'status',
            tty=True,
        )
        self.assertEqual((0, 'success\n'), (result.exit_code, result.stdout))
        self.assertIn(
            '\r\033[KSending image cirros from RegionOne: 8.0 KiB '
            'of 8.0 KiB (100%)',
            result.stderr,
        )
        self.assertEqual([DATA], self.received)
        self.assertEqual(
            str(len(DATA)), self.staged.last_request.headers['Content-Length']
        )
        self.assertEqual(
            {'method': {'name': 'glance-direct'}},
            self.started.last_request.json(),
        )

    def test_source_data_cut_short(self):
        self.requests.get(SOURCE_URL + '/file', content=DATA[:4096])
        result = self.copy('--to-region', 'RegionTwo', '--wait')
        self.assertFailsWith(
            result,
            'The image cirros from RegionOne ended after 4096 of '
            f'8192 bytes. Image {COPY_ID} was deleted.',
        )
        self.assertFalse(self.started.called)

    def test_glance_download_asked_for_and_not_offered(self):
        result = self.copy(
            '--to-region', 'RegionTwo', '--method', 'glance-download'
        )
        self.assertFailsWith(
            result,
            'The image service of RegionTwo offers no '
            'glance-download (its methods: glance-direct, web-download)',
        )
        self.assertFalse(self.created.called)


class TestEndpointOverride(CopyTestCase):
    """An override is the endpoint of the profile's region only: the
    other region's comes from the catalog."""

    NO_CATALOG = (
        '--to-region needs a service catalog (a login that lists '
        "the regions' endpoints), and a token given with "
        '--os-endpoint comes with none: use a profile that logs '
        'in'
    )

    def test_image_endpoint_override_is_the_source_only(self):
        # The catalog's RegionOne endpoint is not the one the profile uses.
        self.use_catalog(
            [
                base.password_profile(
                    'test',
                    region_name='RegionOne',
                    image_endpoint_override=base.ENDPOINT,
                )
            ],
            [
                ('image', 'public', 'http://127.0.0.9:9292', 'RegionOne'),
                ('image', 'public', TARGET, 'RegionTwo'),
            ],
        )
        result = self.copy(
            '--to-region', 'RegionTwo', '-f', 'value', '-c', 'image_id'
        )
        self.assertEqual(
            (0, f'{COPY_ID}\n', ''),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertEqual(
            {
                'name': 'glance-download',
                'glance_image_id': SOURCE_ID,
                'glance_region': 'RegionOne',
                'glance_service_interface': 'public',
            },
            self.started.last_request.json()['method'],
        )
        self.assertEqual(
            [],
            [
                r.url
                for r in self.requests.request_history
                if r.url.startswith('http://127.0.0.9')
            ],
        )

    def test_token_and_endpoint_have_no_catalog(self):
        os.remove(self.clouds_yaml)
        for region in (('--os-region-name', 'RegionOne'), ()):
            result = self.openstack(
                *region,
                'image',
                'task',
                'copy',
                SOURCE_ID,
                '--to-region',
                'RegionTwo',
            )
            self.assertFailsWith(result, self.NO_CATALOG)
        self.assertEqual([], self.requests.request_history)

    def test_admin_token_profile_has_no_catalog(self):
        with open(self.clouds_yaml, 'w') as clouds:
            clouds.write(
                'clouds:\n  token:\n    auth_type: admin_token\n'
                f'    auth:\n      endpoint: {base.ENDPOINT}\n'
                f'      token: {base.TOKEN}\n    region_name: RegionOne\n'
            )
        result = self.openstack(
            '--os-cloud',
            'token',
            'image',
            'task',
            'copy',
            SOURCE_ID,
            '--to-region',
            'RegionTwo',
            auth=(),
        )
        self.assertFailsWith(result, self.NO_CATALOG)
        self.assertEqual([], self.requests.request_history)


class TestImageByName(CopyTestCase):
    """The image named, hidden (``os_hidden``) or not."""

    IMAGES = base.ENDPOINT + '/v2/images'

    def listed(self, visible, hidden):
        """Glance's answers by name: without hidden images, and with
        hidden ones only (``os_hidden=true``)."""
        self.requests.get(
            self.IMAGES + '?name=xb-hidden',
            json={'images': [{'id': i} for i in visible]},
        )
        self.requests.get(
            self.IMAGES + '?name=xb-hidden&os_hidden=true',
            json={'images': [{'id': i} for i in hidden]},
        )

    def copy_named(self):
        return self.openstack(
            '--os-cloud',
            'test',
            'image',
            'task',
            'copy',
            'xb-hidden',
            '--to-region',
            'RegionTwo',
            '-f',
            'value',
            '-c',
            'image_id',
            auth=(),
        )

    def lookups(self):
        return [
            r.qs
            for r in self.requests.request_history
            if r.method == 'GET' and r.url.split('?')[0] == self.IMAGES
        ]

    def test_hidden_image_found(self):
        self.listed([], [SOURCE_ID])
        result = self.copy_named()
        self.assertEqual(
            (0, f'{COPY_ID}\n', ''),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertEqual(
            [
                {'name': ['xb-hidden']},
                {'name': ['xb-hidden'], 'os_hidden': ['true']},
            ],
            self.lookups(),
        )
        self.assertEqual(
            SOURCE_ID,
            self.started.last_request.json()['method']['glance_image_id'],
        )

    def test_visible_image_needs_one_lookup(self):
        self.listed([SOURCE_ID], [])
        self.assertEqual(0, self.copy_named().exit_code)
        self.assertEqual([{'name': ['xb-hidden']}], self.lookups())

    def test_no_image_of_the_name(self):
        self.listed([], [])
        self.assertFailsWith(
            self.copy_named(),
            "Cannot find image 'xb-hidden': no image has this name or ID",
        )
        self.assertFalse(self.created.called)

    def test_hidden_images_sharing_the_name(self):
        self.listed([], [SOURCE_ID, COPY_ID])
        self.assertFailsWith(
            self.copy_named(),
            "Cannot find image 'xb-hidden': 2 images have this name; give "
            'the ID',
        )
        self.assertFalse(self.created.called)

    def test_visible_images_sharing_the_name(self):
        self.listed([SOURCE_ID, COPY_ID], [])
        self.assertFailsWith(
            self.copy_named(),
            "Cannot find image 'xb-hidden': 2 images have this name; give "
            'the ID',
        )
        self.assertEqual([{'name': ['xb-hidden']}], self.lookups())
        self.assertFalse(self.created.called)

    def test_filter_refused(self):
        """A cloud that refuses the os_hidden filter has no hidden image
        to find."""
        self.listed([], [])
        self.requests.get(
            self.IMAGES + '?name=xb-hidden&os_hidden=true',
            status_code=400,
            json={'message': 'Bad filter'},
        )
        self.assertFailsWith(
            self.copy_named(),
            "Cannot find image 'xb-hidden': no image has this name or ID",
        )


class TestRefused(CopyTestCase):
    """Nothing is created in the target for a copy that cannot be made."""

    def tearDown(self):
        self.assertFalse(self.created.called)
        super().tearDown()

    def test_same_region(self):
        self.assertFailsWith(
            self.copy('--to-region', 'regionone'),
            'The image is in RegionOne already: --to-region names another '
            'region',
        )

    def test_unknown_region(self):
        self.assertFailsWith(
            self.copy('--to-region', 'RegionThree'),
            'Region RegionThree has no public image endpoint in the catalog '
            '(regions with one: RegionOne, RegionTwo)',
        )

    def test_source_not_active(self):
        self.requests.get(SOURCE_URL, json=source_image(status='queued'))
        self.assertFailsWith(
            self.copy('--to-region', 'RegionTwo'),
            f'Image {SOURCE_ID} is queued in RegionOne: only an active '
            'image can be copied',
        )

    def test_source_not_visible(self):
        self.requests.get(SOURCE_URL, status_code=404, text='Not Found')
        # Not JSON: the root is read, and is Glance's.
        self.requests.get(
            base.ENDPOINT + '/', status_code=300, json=fakes.GLANCE_VERSIONS
        )
        self.assertFailsWith(
            self.copy('--to-region', 'RegionTwo'),
            f'No image with ID {SOURCE_ID} at {base.ENDPOINT}/v2 (HTTP 404)',
        )

    def test_empty_region_is_a_usage_error(self):
        for region in ('', ' '):
            result = self.copy('--to-region', region)
            self.assertEqual(
                (
                    2,
                    '',
                    'openstack image task copy: error: argument '
                    '--to-region: it must not be empty (see openstack image '
                    'task copy --help)\n',
                ),
                (result.exit_code, result.stdout, result.stderr),
            )
        self.assertEqual([], self.requests.request_history)

    def test_empty_name_is_a_usage_error(self):
        result = self.copy('--to-region', 'RegionTwo', '--name', '')
        self.assertEqual(
            (
                2,
                '',
                'openstack image task copy: error: argument --name: it '
                'must not be empty (see openstack image task copy --help)\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertEqual([], self.requests.request_history)

    def test_name_too_long(self):
        result = self.copy('--to-region', 'RegionTwo', '--name', 'x' * 256)
        self.assertEqual(1, result.exit_code)
        self.assertIn('255', result.stderr)

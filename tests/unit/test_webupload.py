# SPDX-License-Identifier: Apache-2.0
"""A member's --file: parallel segments to the object storage, then
web-download from a TempURL (the plan's web-download-upload route)."""

import hashlib
import json
import lzma
import os
import urllib.parse

from imageplugin import largeobject
from tests.support import files
from tests.unit import base
from tests.unit import fakeswift
from tests.unit import images
from tests.unit import test_interop

IMAGE_ID = test_interop.IMAGE_ID
IMAGE_URL = test_interop.IMAGE_URL
INFO_URL = 'http://127.0.0.1:8080/info'
MiB = 1024**2


class WebUploadTestCase(test_interop.InteropTestCase):
    """A member (the tasks API refused) of a cloud with object storage."""

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
        self.info = self.requests.get(
            INFO_URL, json={'swift': {}, 'tempurl': {}, 'slo': {}}
        )
        self.staged, self.received = self.read_stage(IMAGE_URL + '/stage')
        # 2.5 MiB: three segments of 1 MiB.
        self.data = images.qcow2() + os.urandom(5 * MiB // 2)
        self.path = files.write_file(self.home, 'disk.qcow2', self.data)
        self.sha512 = hashlib.sha512(self.data).hexdigest()

    def run_import(self, *args, path=None):
        return self.openstack(
            '--os-cloud',
            'test',
            'image',
            'task',
            'import',
            '--file',
            path or self.path,
            '--name',
            'disk',
            *args,
            auth=(),
        )

    def landed(self, **fields):
        answer = dict(
            size=len(self.data),
            checksum=hashlib.md5(self.data, usedforsecurity=False).hexdigest(),
            os_hash_algo='sha512',
            os_hash_value=self.sha512,
        )
        answer.update(fields)
        self.images_seen(test_interop.image('active', lock=False, **answer))

    def stored(self):
        return sorted(
            name
            for objects in self.swift.containers.values()
            for name in objects
        )

    def verified(self, algorithm='sha512', field='os_hash_value'):
        return (
            f'Verified image {IMAGE_ID}: its {algorithm} ({field}) matches '
            f'the {len(self.data)} bytes read from {self.path}; disk '
            'format qcow2, container format bare, as meant.\n'
        )


class TestUploadThenWebDownload(WebUploadTestCase):
    def test_segments_then_web_download_from_a_temp_url(self):
        self.landed()
        result = self.run_import(
            '--segment-size', '1048576', '--wait', '-f', 'json'
        )
        self.assertEqual(
            (0, self.verified()), (result.exit_code, result.stderr), result
        )
        self.assertEqual('success', json.loads(result.stdout)['status'])
        sent = self.started.last_request.json()
        self.assertEqual('web-download', sent['method']['name'])
        url = sent['method']['uri']
        identity = largeobject.file_identity(os.stat(self.path))
        name = f'disk-{identity}.qcow2'
        self.assertTrue(
            url.startswith(f'{fakeswift.ENDPOINT}/images/{name}?'), url
        )
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        self.assertEqual({'temp_url_sig', 'temp_url_expires'}, set(query))
        # Three segments and a manifest went up; all deleted afterwards.
        puts = [
            (container, obj)
            for method, container, obj, _, _ in self.swift.sent
            if method == 'PUT' and obj
        ]
        self.assertEqual(4, len(puts), puts)
        self.assertEqual([], self.stored())
        self.assertFalse(self.staged.called)
        # Its hashes recorded as openstacksdk does; not the object, which
        # is deleted.
        self.assertEqual(
            {
                'name': 'disk',
                'disk_format': 'qcow2',
                'container_format': 'bare',
                'owner_specified.openstack.md5': hashlib.md5(
                    self.data, usedforsecurity=False
                ).hexdigest(),
                'owner_specified.openstack.sha256': hashlib.sha256(
                    self.data
                ).hexdigest(),
            },
            self.created.last_request.json(),
        )
        # The TempURL key is never shown.
        key = self.swift.account_meta['X-Account-Meta-Temp-URL-Key']
        self.assertNotIn(key, result.stdout + result.stderr)

    def test_a_compressed_file_is_said_as_the_user_gave_it(self):
        # Decompressed into a temporary file, which goes up in segments:
        # the lines name the file given, not the temporary one (gone).
        packed = files.write_file(
            self.home, 'disk.qcow2.xz', lzma.compress(self.data)
        )
        self.landed()
        result = self.run_import(
            '--segment-size',
            '1048576',
            '--wait',
            '-f',
            'value',
            '-c',
            'status',
            path=packed,
        )
        self.assertEqual((0, 'success\n'), (result.exit_code, result.stdout))
        self.assertIn(
            f'Verified image {IMAGE_ID}: its sha512 (os_hash_value) matches '
            f'the {len(self.data)} bytes read from {packed}, decompressed; '
            'disk format qcow2',
            result.stderr,
        )
        self.assertEqual(
            'web-download', self.started.last_request.json()['method']['name']
        )

    def test_debug_shows_no_key_and_no_signature(self):
        self.landed()
        result = self.openstack(
            '--debug',
            '--os-cloud',
            'test',
            'image',
            'task',
            'import',
            '--file',
            self.path,
            '--wait',
            auth=(),
        )
        self.assertEqual(0, result.exit_code, result)
        key = self.swift.account_meta['X-Account-Meta-Temp-URL-Key']
        self.assertNotIn(key, result.stdout + result.stderr)
        self.assertIn('temp_url_sig=<redacted>', result.stderr)
        self.assertNotRegex(result.stderr, 'temp_url_sig=(?!<redacted>)')

    def test_without_wait_the_upload_stays_for_glance_to_read(self):
        result = self.run_import('-f', 'value', '-c', 'status')
        self.assertEqual(0, result.exit_code, result)
        identity = largeobject.file_identity(os.stat(self.path))
        self.assertEqual(
            f'images/disk-{identity}.qcow2',
            self.created.last_request.json()[
                'owner_specified.openstack.object'
            ],
        )
        self.assertEqual(
            f'The uploaded image stays at images/disk-{identity}.qcow2 in '
            'the object storage until you delete it, once the task has '
            f'ended: swift delete images disk-{identity}.qcow2.\n',
            result.stderr,
        )

    def test_a_key_that_cannot_be_set_leaves_no_upload(self):
        self.requests.post(
            fakeswift.ENDPOINT, status_code=403, json={'message': 'Forbidden'}
        )
        result = self.run_import('--segment-size', '1048576', '--wait')
        self.assertEqual(1, result.exit_code, result)
        self.assertIn(
            'Cannot set a TempURL key on the object storage account: '
            'Forbidden.',
            result.stderr,
        )
        self.assertTrue(result.stderr.endswith(' The upload was deleted.\n'))
        self.assertEqual([], self.stored())
        self.assertFalse(self.created.called)

    def test_keep_upload(self):
        self.landed()
        result = self.run_import('--keep-upload', '--wait')
        self.assertEqual(0, result.exit_code, result)
        identity = largeobject.file_identity(os.stat(self.path))
        self.assertIn(
            f'The uploaded image is kept at images/disk-{identity}.qcow2.',
            result.stderr,
        )
        self.assertEqual([f'disk-{identity}.qcow2'], self.stored())
        # The image names the object that stays, as openstacksdk does.
        self.assertEqual(
            f'images/disk-{identity}.qcow2',
            self.created.last_request.json()[
                'owner_specified.openstack.object'
            ],
        )

    def test_dry_run_shows_the_route_and_does_nothing(self):
        result = self.run_import('--dry-run', '-f', 'json')
        self.assertEqual(0, result.exit_code, result)
        shown = json.loads(result.stdout)
        self.assertEqual('web-download-upload', shown['route'])
        self.assertFalse(self.created.called)
        self.assertEqual(
            [], [sent for sent in self.swift.sent if sent[0] != 'HEAD']
        )

    def test_image_of_other_bytes_is_refused_and_upload_deleted(self):
        self.landed(os_hash_value='0' * 128)
        result = self.run_import(
            '--segment-size',
            '1048576',
            '--wait',
            '-f',
            'value',
            '-c',
            'status',
        )
        self.assertEqual(1, result.exit_code, result)
        self.assertIn(
            f'Image {IMAGE_ID} does not hold the bytes of {self.path}: '
            f'its sha512 (os_hash_value) is {"0" * 128}',
            result.stderr,
        )
        self.assertEqual([], self.stored())


class TestGlanceRefusesTheTempUrl(WebUploadTestCase):
    def setUp(self):
        super().setUp()
        self.started = self.requests.post(
            IMAGE_URL + '/import',
            [
                {
                    'status_code': 400,
                    'json': {
                        'message': 'URI for web-download does not pass '
                        'filtering: http://127.0.0.1:8080/v1/AUTH_test/'
                        'images/disk.qcow2?temp_url_sig=abc123&'
                        'temp_url_expires=1'
                    },
                },
                {
                    'status_code': 202,
                    'headers': {
                        'x-openstack-request-id': test_interop.REQUEST_ID
                    },
                },
            ],
        )

    def test_falls_back_to_glance_direct_leaving_no_upload(self):
        self.landed()
        result = self.run_import('--wait', '-f', 'value', '-c', 'status')
        self.assertEqual(
            (
                0,
                'success\n',
                'Glance refuses to import from the object storage (its '
                'import filtering refuses the TempURL): The upload was '
                'deleted. The file goes by glance-direct instead; --method '
                'glance-direct skips the upload next time.\n'
                + self.verified(),
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        first, second = self.started.request_history
        self.assertEqual('web-download', first.json()['method']['name'])
        self.assertEqual({'method': {'name': 'glance-direct'}}, second.json())
        self.assertEqual([self.data], self.received)
        self.assertEqual([], self.stored())
        # The first image went with the refused import.
        self.assertEqual(2, self.created.call_count)
        self.assertEqual(1, self.deleted.call_count)
        self.assertNotIn('abc123', result.stderr)


class TestWhenTheRouteCannotBeHad(WebUploadTestCase):
    def test_method_glance_direct_skips_the_object_storage(self):
        self.landed()
        result = self.run_import('--method', 'glance-direct', '--wait')
        self.assertEqual(0, result.exit_code, result)
        self.assertEqual([], self.swift.sent)
        self.assertFalse(self.info.called)
        self.assertEqual([self.data], self.received)

    def account_refused(self):
        self.requests.head(
            fakeswift.ENDPOINT,
            status_code=403,
            json={'message': 'Forbidden'},
        )

    def test_a_role_that_may_not_write_goes_by_glance_direct(self):
        self.account_refused()
        self.landed()
        result = self.run_import('--wait')
        self.assertEqual(0, result.exit_code, result)
        self.assertEqual(
            {'method': {'name': 'glance-direct'}},
            self.started.last_request.json(),
        )
        self.assertEqual([self.data], self.received)

    def test_web_download_asked_for_is_refused_in_one_line(self):
        self.account_refused()
        result = self.run_import('--method', 'web-download')
        self.assertFailsWith(
            result,
            '--method web-download sends a --file through the object '
            'storage, which cannot take it: Cannot use the object storage '
            'account: Forbidden. Your role in this project does not allow '
            'it in the object storage (Swift lets its operator roles, '
            'often member or admin, write) (HTTP 403); use --method '
            'glance-direct',
        )
        self.assertFalse(self.created.called)

    def test_no_temp_urls_goes_by_glance_direct(self):
        self.requests.get(INFO_URL, json={'swift': {}, 'slo': {}})
        self.landed()
        result = self.run_import('--wait')
        self.assertEqual(0, result.exit_code, result)
        self.assertEqual([self.data], self.received)
        self.assertEqual([], [s for s in self.swift.sent if s[0] == 'PUT'])

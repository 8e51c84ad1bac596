# SPDX-License-Identifier: Apache-2.0
"""A member's --file goes up to Swift in parallel segments and Glance
imports it by web-download from a TempURL; where Glance's import
filtering refuses Swift's URL (RegionTwo's Glance refuses its port), the
file goes by glance-direct and nothing stays in Swift."""

import uuid

import fixtures

from tests.functional import base
from tests.support.files import MiB
from tests.support.files import random_file


class MemberUploadTestCase(base.FunctionalTestCase):
    def setUp(self):
        super().setUp()
        self.name = f'member-upload-{uuid.uuid4().hex[:8]}'
        folder = self.useFixture(fixtures.TempDir()).path
        self.path, self.sha512 = random_file(
            folder, 'disk.raw', 24 * MiB, 'sha512'
        )

    def import_file(self, cloud, *args):
        self.addCleanup(self.delete_images_named, cloud, self.name)
        self.addCleanup(
            self.openstack,
            'container',
            'delete',
            '--recursive',
            self.name,
            cloud=cloud,
        )
        return self.openstack(
            'image',
            'task',
            'import',
            '--file',
            self.path,
            '--name',
            self.name,
            '--container',
            self.name,
            '--segment-size',
            '4194304',
            '--wait',
            '-f',
            'json',
            *args,
            cloud=cloud,
        )

    def delete_images_named(self, cloud, name):
        listed = self.openstack(
            'image',
            'list',
            '--name',
            name,
            '-f',
            'value',
            '-c',
            'ID',
            cloud=cloud,
        )
        for image_id in listed.stdout.split():
            self.openstack('image', 'delete', image_id, cloud=cloud)

    def objects(self, cloud):
        return self.openstack(
            'object',
            'list',
            self.name,
            '-f',
            'value',
            '-c',
            'Name',
            cloud=cloud,
        ).stdout.split()

    def assertImported(self, result, cloud, method):
        self.assertEqual(0, result.exit_code, result)
        task = result.json()
        self.assertEqual(method, task['input']['import_req']['method']['name'])
        image = self.openstack(
            'image', 'show', task['image_id'], '-f', 'json', cloud=cloud
        ).json()
        self.assertEqual('active', image['status'])
        self.assertEqual(
            ('sha512', self.sha512),
            (
                image['properties']['os_hash_algo'],
                image['properties']['os_hash_value'],
            ),
        )
        return task


class TestMemberUpload(MemberUploadTestCase):
    def test_segments_temp_url_then_web_download(self):
        result = self.import_file('local-member')
        task = self.assertImported(result, 'local-member', 'web-download')
        self.assertEqual(
            f'Verified image {task["image_id"]}: its sha512 '
            f'(os_hash_value) matches the {24 * MiB} bytes read from '
            f'{self.path}; disk format raw, container format bare, as '
            'meant.\n',
            result.stderr,
        )
        # The TempURL's signature is not shown in the task's input.
        self.assertNotRegex(result.stdout, 'temp_url_sig=(?!<redacted>)')
        # The object and its six segments are gone.
        self.assertEqual([], self.objects('local-member'))

    def test_glance_direct_asked_for_skips_swift(self):
        result = self.import_file('local-member', '--method', 'glance-direct')
        task = self.assertImported(result, 'local-member', 'glance-direct')
        self.assertEqual(
            '--container, --segment-size have no effect here: glance-direct '
            'sends the file to Glance, not to the object storage\n'
            f'Verified image {task["image_id"]}: its sha512 '
            f'(os_hash_value) matches the {24 * MiB} bytes read from '
            f'{self.path}; disk format raw, container format bare, as '
            'meant.\n',
            result.stderr,
        )
        self.assertEqual([], self.objects('local-member'))

    def test_glance_refuses_the_temp_url_then_glance_direct(self):
        result = self.import_file('local-member-two')
        task = self.assertImported(result, 'local-member-two', 'glance-direct')
        self.assertEqual(
            'Glance refuses to import from the object storage (its import '
            'filtering refuses the TempURL): The upload was deleted. The '
            'file goes by glance-direct instead; --method glance-direct '
            'skips the upload next time.\n'
            f'Verified image {task["image_id"]}: its sha512 '
            f'(os_hash_value) matches the {24 * MiB} bytes read from '
            f'{self.path}; disk format raw, container format bare, as '
            'meant.\n',
            result.stderr,
        )
        self.assertEqual([], self.objects('local-member-two'))
        # One image: the first went with the refused import.
        listed = self.openstack(
            'image',
            'list',
            '--name',
            self.name,
            '-f',
            'value',
            '-c',
            'ID',
            cloud='local-member-two',
        )
        self.assertEqual([task['image_id']], listed.stdout.split())

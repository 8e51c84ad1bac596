# SPDX-License-Identifier: Apache-2.0
"""The same bytes twice, on the local Glance 33: the image an import
makes records its hashes as openstacksdk does, and importing the same
file again under the same name finds it and creates nothing."""

import hashlib
import os
import shutil
import tempfile
import uuid

from tests.functional import base
from tests.functional import test_copy


class TestSameBytesTwice(base.FunctionalTestCase):
    def setUp(self):
        super().setUp()
        self.name = f'duplicates-{uuid.uuid4().hex[:8]}'
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder, True)
        self.data = os.urandom(512 * 1024)
        self.path = os.path.join(folder, 'disk.raw')
        with open(self.path, 'wb') as file:
            file.write(self.data)
        self.addCleanup(self.delete_images_named)

    def images_named(self):
        return self.openstack(
            'image', 'list', '--name', self.name, '-f', 'value', '-c', 'ID'
        ).stdout.split()

    def delete_images_named(self):
        for image_id in self.images_named():
            self.delete_image(image_id)

    def import_file(self, *args, cloud='local-member'):
        return self.openstack(
            'image',
            'task',
            'import',
            '--file',
            self.path,
            '--name',
            self.name,
            '--wait',
            '-f',
            'json',
            *args,
            cloud=cloud,
        )

    def properties(self, image_id):
        shown = self.openstack(
            'image', 'show', image_id, '-f', 'json', cloud='local-member'
        ).json()
        return shown['properties']

    def recorded(self):
        return {
            'owner_specified.openstack.md5': hashlib.md5(
                self.data, usedforsecurity=False
            ).hexdigest(),
            'owner_specified.openstack.sha256': hashlib.sha256(
                self.data
            ).hexdigest(),
        }

    def already_there(self, image_id):
        return (
            f'Already there: {image_id} ({self.name}); nothing was created '
            '(--allow-duplicates makes another)\n'
        )

    def test_a_member_imports_the_same_file_twice(self):
        first = self.import_file()
        self.assertEqual(0, first.exit_code, first)
        image_id = first.json()['image_id']
        # glance-direct: the hashes are recorded, the proof is sha512.
        self.assertEqual(
            f'Verified image {image_id}: its sha512 (os_hash_value) matches '
            f'the {len(self.data)} bytes read from {self.path}; disk format '
            'raw, container format bare, as meant.\n',
            first.stderr,
        )
        properties = self.properties(image_id)
        self.assertEqual(
            self.recorded(),
            {
                key: value
                for key, value in properties.items()
                if key.startswith('owner_specified.')
            },
        )
        second = self.import_file()
        self.assertEqual(
            (0, self.already_there(image_id)),
            (second.exit_code, second.stderr),
            second,
        )
        # The first import's task is shown.
        self.assertEqual(
            (first.json()['id'], image_id, 'success'),
            (
                second.json()['id'],
                second.json()['image_id'],
                second.json()['status'],
            ),
        )
        self.assertEqual([image_id], self.images_named())
        third = self.import_file('--allow-duplicates')
        self.assertEqual(0, third.exit_code, third)
        self.assertNotEqual(image_id, third.json()['image_id'])
        self.assertEqual(
            sorted([image_id, third.json()['image_id']]),
            sorted(self.images_named()),
        )

    def test_an_admins_kept_upload_records_its_object(self):
        # The tasks API, through the object storage; the object an image
        # names stays (openstacksdk deletes it with the image).
        first = self.import_file('--keep-upload', cloud='local-admin')
        self.assertEqual(0, first.exit_code, first)
        image_id = first.json()['image_id']
        properties = self.properties(image_id)
        self.assertEqual(
            self.recorded(),
            {
                key: properties[key]
                for key in self.recorded()
                if key in properties
            },
        )
        kept = properties['owner_specified.openstack.object']
        self.assertRegex(kept, r'^images/disk-[0-9a-f]{12}\.raw$')
        self.addCleanup(
            self.cloud.request,
            'DELETE',
            f'{self.cloud["admin_swift_storage_url"]}/{kept}',
        )
        second = self.import_file(cloud='local-admin')
        self.assertEqual(
            (0, self.already_there(image_id)),
            (second.exit_code, second.stderr.splitlines(True)[0]),
            second,
        )
        self.assertEqual([image_id], self.images_named())

    def test_an_image_openstacksdk_made_is_recognised(self):
        # openstack image create --file is openstacksdk's create_image:
        # empty owner_specified hashes, Glance's own sha512.
        created = self.openstack(
            'image',
            'create',
            '--file',
            self.path,
            '--disk-format',
            'raw',
            self.name,
            '-f',
            'json',
            cloud='local-member',
        )
        self.assertEqual(0, created.exit_code, created)
        image_id = created.json()['id']
        self.assertEqual(
            '', self.properties(image_id)['owner_specified.openstack.sha256']
        )
        dry = self.import_file('--dry-run')
        self.assertEqual(0, dry.exit_code, dry)
        self.assertEqual('already-there', dry.json()['route'])
        self.assertIn('(md5, sha512)', dry.json()['steps'][0])
        again = self.import_file()
        self.assertEqual(0, again.exit_code, again)
        self.assertTrue(again.stderr.startswith(self.already_there(image_id)))
        self.assertEqual(
            (None, image_id), (again.json()['id'], again.json()['image_id'])
        )
        self.assertEqual([image_id], self.images_named())

    def test_other_bytes_of_the_same_name_make_another_image(self):
        first = self.import_file()
        self.assertEqual(0, first.exit_code, first)
        with open(self.path, 'ab') as file:
            file.write(b'more')
        second = self.import_file()
        self.assertEqual(0, second.exit_code, second)
        self.assertNotIn('Already there', second.stderr)
        self.assertEqual(2, len(self.images_named()))


class TestCopyTwice(test_copy.CopyTestCase):
    def test_a_second_copy_finds_the_first(self):
        source = self.source()

        def copy(*args):
            return self.openstack(
                'image',
                'task',
                'copy',
                source['id'],
                '--to-region',
                'RegionTwo',
                '--wait',
                '-f',
                'json',
                *args,
                cloud='local-member',
            )

        first = copy()
        self.assertEqual(0, first.exit_code, first)
        made = self.copied(first)
        second = copy()
        self.assertEqual(
            (
                0,
                f'Already there: {made["id"]} ({made["name"]}); nothing was '
                'created (--allow-duplicates makes another)\n',
            ),
            (second.exit_code, second.stderr),
            second,
        )
        self.assertEqual(
            (first.json()['id'], made['id']),
            (second.json()['id'], second.json()['image_id']),
        )
        self.assertEqual(
            [made['id']],
            [
                image['id']
                for image in self.images_named('RegionTwo', made['name'])
            ],
        )
        third = copy('--allow-duplicates')
        self.assertEqual(0, third.exit_code, third)
        self.copied(third)
        self.assertEqual(2, len(self.images_named('RegionTwo', made['name'])))

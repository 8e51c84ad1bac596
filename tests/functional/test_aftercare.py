# SPDX-License-Identifier: Apache-2.0
"""The image that landed, compared with what was meant, on the local
Glance: its tasks API stores an ISO as raw (its introspection rewrites
the format), so the plan takes interoperable import, which keeps it."""

import os
import shutil
import tempfile
import uuid

from tests.functional import base


def write_iso(folder):
    """An ISO 9660 image: its volume descriptor's "CD001" at 0x8001."""
    data = bytearray(1024 * 1024)
    data[0x8000:0x8006] = b'\x01CD001'
    path = os.path.join(folder, 'cd.img')
    with open(path, 'wb') as file:
        file.write(data)
    return path


class TestFormatsAsMeant(base.FunctionalTestCase):
    def setUp(self):
        super().setUp()
        self.name = f'aftercare-{uuid.uuid4().hex[:8]}'
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder, True)
        self.path = write_iso(folder)
        self.addCleanup(self.delete_images_named)

    def images_named(self):
        return self.openstack(
            'image', 'list', '--name', self.name, '-f', 'value', '-c', 'ID'
        ).stdout.split()

    def delete_images_named(self):
        for image_id in self.images_named():
            self.delete_image(image_id)

    def import_iso(self, *args):
        return self.openstack(
            'image',
            'task',
            'import',
            '--file',
            self.path,
            '--disk-format',
            'iso',
            '--name',
            self.name,
            '--wait',
            '-f',
            'json',
            *args,
        )

    def test_iso_by_the_tasks_api_is_refused_before_anything(self):
        result = self.import_iso('--method', 'task')
        self.assertEqual(
            (
                1,
                '',
                f'Cannot import {self.path} by the tasks API (--method '
                'task): it is an ISO image, which the tasks API of Glance '
                'stores as raw (its introspection rewrites the format); '
                'leave --method out to import it by glance-direct '
                '(interoperable import)\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertEqual([], self.images_named())

    def test_an_admins_iso_goes_by_glance_direct_and_stays_iso(self):
        result = self.import_iso()
        image_id = result.json()['image_id']
        self.assertEqual(
            (
                0,
                f'{self.path} is an ISO image, which the tasks API of Glance '
                'stores as raw (its introspection rewrites the format): '
                'importing it by glance-direct (interoperable import) '
                'instead.\n'
                f'Verified image {image_id}: its sha512 (os_hash_value) '
                f'matches the {1024 * 1024} bytes read from {self.path}; '
                'disk format iso, '
                'container format bare, as meant.\n',
            ),
            (result.exit_code, result.stderr),
        )
        image = self.openstack('image', 'show', image_id, '-f', 'json').json()
        self.assertEqual('iso', image['disk_format'])

    def test_iso_by_glance_direct_is_verified(self):
        result = self.import_iso('--method', 'glance-direct')
        image_id = result.json()['image_id']
        self.assertEqual(
            (
                0,
                f'Verified image {image_id}: its sha512 (os_hash_value) '
                f'matches the {1024 * 1024} bytes read from {self.path}; '
                'disk format iso, '
                'container format bare, as meant.\n',
            ),
            (result.exit_code, result.stderr),
        )

# SPDX-License-Identifier: Apache-2.0
"""VHDs on the route of the local Glance that imports them.

Its tasks API fails a dynamic VHD (the sample, ``qemu-img convert -O
vpc``), its interoperable import a fixed one: ``image task import`` takes
the other route, or refuses before creating anything.
"""

import os
import shutil
import subprocess
import tempfile
import uuid

from imageplugin import vhdroute
from tests.functional import base


class TestVhdRoutes(base.FunctionalTestCase):
    def setUp(self):
        super().setUp()
        self.name = f'vhd-{uuid.uuid4().hex[:8]}'
        self.addCleanup(self.delete_images_named, self.name)

    def images_named(self, name):
        return self.openstack(
            'image', 'list', '--name', name, '-f', 'value', '-c', 'ID'
        ).stdout.split()

    def delete_images_named(self, name):
        for image_id in self.images_named(name):
            self.delete_image(image_id)

    def fixed_vhd(self):
        if not shutil.which('qemu-img'):
            self.skipTest('qemu-img is needed to write a fixed VHD')
        folder = self.temporary_folder()
        path = os.path.join(folder, 'fixed.vhd')
        subprocess.run(
            [
                'qemu-img',
                'convert',
                '-f',
                'raw',
                '-O',
                'vpc',
                '-o',
                'subformat=fixed',
                self.sample('sample.raw')['path'],
                path,
            ],
            check=True,
        )
        return path

    def temporary_folder(self):
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder, True)
        return folder

    def test_dynamic_vhd_url_goes_by_web_download_for_an_admin(self):
        sample = self.sample('sample.vhd')
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            sample['url'],
            '--name',
            self.name,
            '--wait',
            '-f',
            'json',
        )
        task = result.json()
        self.assertEqual(0, result.exit_code, result)
        self.assertEqual(
            f'{sample["url"]} is a dynamic VHD, which the tasks API of '
            'Glance fails to import: importing it by web-download '
            '(interoperable import) instead.\n',
            result.stderr,
        )
        self.assertEqual(
            ('success', 'api_image_import', 'web-download'),
            (
                task['status'],
                task['type'],
                task['input']['import_req']['method']['name'],
            ),
        )
        image = self.openstack(
            'image', 'show', task['image_id'], '-f', 'json'
        ).json()
        self.assertEqual(
            ('active', 'vhd', sample['md5']),
            (image['status'], image['disk_format'], image['checksum']),
        )

    def test_dynamic_vhd_by_the_forced_tasks_api_is_refused(self):
        sample = self.sample('sample.vhd')
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            sample['url'],
            '--name',
            self.name,
            '--method',
            'task',
        )
        self.assertEqual(1, result.exit_code, result)
        self.assertTrue(
            result.stderr.startswith(
                f'Cannot import {sample["url"]} by the tasks API (--method '
                'task): it is a dynamic VHD'
            ),
            result.stderr,
        )
        self.assertEqual([], self.images_named(self.name))

    def test_fixed_vhd_file_of_a_member_is_refused_before_any_image(self):
        path = self.fixed_vhd()
        result = self.openstack(
            'image',
            'task',
            'import',
            '--file',
            path,
            '--name',
            self.name,
            cloud='local-member',
        )
        self.assertFailsWith(
            result,
            f'Cannot import {path}: it is a fixed VHD, which '
            "Glance's interoperable import (glance-direct) takes for raw "
            'data and fails ("Image disk_format vhd does not match stream '
            'data raw"), and the tasks API, which imports it, is admin-only '
            'here; give --convert-to vhd to send it as a dynamic VHD, or '
            '--convert-to qcow2 (qemu-img converts it here)',
        )
        self.assertEqual([], self.images_named(self.name))

    def test_fixed_vhd_file_of_an_admin_is_refused_before_any_upload(self):
        # Glance's tasks API would store it as raw (the footer left at its
        # end) and its interoperable import fails it: refused first.
        path = self.fixed_vhd()
        result = self.openstack(
            'image',
            'task',
            'import',
            '--file',
            path,
            '--name',
            self.name,
            '--wait',
        )
        self.assertEqual(
            (
                1,
                '',
                f'Cannot import {path}: it is a fixed VHD, which the tasks '
                'API of Glance stores as raw (its introspection rewrites the '
                'format) and Glance\'s interoperable import fails ("Image '
                'disk_format vhd does not match stream data raw"); '
                f'{vhdroute.CONVERT}\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertEqual([], self.images_named(self.name))

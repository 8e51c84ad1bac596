# SPDX-License-Identifier: Apache-2.0
"""--convert-to, --no-convert and a raw profile, with the real qemu-img,
against the local cloud's Glance and Swift.

The image that lands is compared with what ``qemu-img convert`` makes of
the same file here: its sha512 is Glance's ``os_hash_value``.
"""

import hashlib
import os
import shutil
import subprocess
import uuid

import fixtures
import yaml

from tests.functional import base
from tests.support.files import MiB
from tests.support.files import random_file

QEMU_IMG = shutil.which('qemu-img')


def qcow2_of_random_data(folder, name='disk.qcow2', size=8 * MiB):
    """A qcow2 whose disk is ``size`` random bytes (never text)."""
    raw, _ = random_file(folder, 'random.raw', size)
    path = os.path.join(folder, name)
    subprocess.run(
        [QEMU_IMG, 'convert', '-f', 'raw', '-O', 'qcow2', raw, path],
        check=True,
    )
    os.unlink(raw)
    return path


def converted_sha512(path, folder, source_format='qcow2', target='raw'):
    """The sha512 of what qemu-img makes of ``path`` here."""
    out = os.path.join(folder, 'expected')
    subprocess.run(
        [QEMU_IMG, 'convert', '-f', source_format, '-O', target, path, out],
        check=True,
    )
    with open(out, 'rb') as data:
        digest = hashlib.file_digest(data, 'sha512').hexdigest()
    os.unlink(out)
    return digest


class ConvertTestCase(base.FunctionalTestCase):
    def setUp(self):
        super().setUp()
        self.assertIsNotNone(QEMU_IMG, 'qemu-img (qemu-utils) is needed')
        self.folder = self.useFixture(fixtures.TempDir()).path
        # The plugin's temporary directory, to see it left clean.
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.env['TMPDIR'] = self.tmp
        self.name = f'convert-{uuid.uuid4().hex[:8]}'
        self.addCleanup(self.delete_images_named)

    def images_named(self, user='member'):
        listed = self.cloud.request(
            'GET',
            f'{self.cloud["glance_url"]}/v2/images?name={self.name}',
            user=user,
        )
        self.assertEqual(200, listed.status_code, listed.text)
        return listed.json()['images']

    def delete_images_named(self):
        for user in ('member', 'admin'):
            for found in self.images_named(user):
                self.cloud.request(
                    'DELETE',
                    f'{self.cloud["glance_url"]}/v2/images/{found["id"]}',
                    user=user,
                )

    def the_image(self, user='member'):
        found = self.images_named(user)
        self.assertEqual(1, len(found), found)
        return found[0]

    def raw_profile(self):
        """clouds.yaml of the local cloud with local-member's
        image_format raw, as a Ceph-backed cloud's profile says."""
        with open(self.cloud['clouds_yaml']) as source:
            clouds = yaml.safe_load(source)
        clouds['clouds']['local-member']['image_format'] = 'raw'
        path = os.path.join(self.folder, 'clouds.yaml')
        with open(path, 'w') as out:
            yaml.safe_dump(clouds, out)
        self.env['OS_CLIENT_CONFIG_FILE'] = path

    def run_import(self, *args, cloud='local-member', env=None):
        return self.openstack(
            'image',
            'task',
            'import',
            '--name',
            self.name,
            *args,
            cloud=cloud,
            env=env,
        )

    def assertTempClean(self):
        self.assertEqual([], os.listdir(self.tmp))


class TestConvertTo(ConvertTestCase):
    def test_qcow2_file_lands_as_the_raw_qemu_img_makes(self):
        path = qcow2_of_random_data(self.folder)
        expected = converted_sha512(path, self.folder)
        result = self.run_import(
            '--file', path, '--convert-to', 'raw', '--wait', '-f', 'json'
        )
        self.assertEqual(0, result.exit_code, result)
        self.assertEqual('success', result.json()['status'])
        self.assertIn('Verified image', result.stderr)
        image = self.the_image()
        self.assertEqual(
            ('active', 'raw', 'sha512', expected),
            (
                image['status'],
                image['disk_format'],
                image['os_hash_algo'],
                image['os_hash_value'],
            ),
        )
        self.assertTempClean()

    def test_admin_file_by_object_storage_and_the_tasks_api(self):
        path = qcow2_of_random_data(self.folder)
        container = f'func-{uuid.uuid4().hex[:8]}'
        self.addCleanup(
            self.openstack, 'container', 'delete', '--recursive', container
        )
        result = self.run_import(
            '--file',
            path,
            '--convert-to',
            'qcow2',
            '--container',
            container,
            '--wait',
            '-f',
            'json',
            cloud='local-admin',
        )
        # qcow2 content asked as qcow2: nothing converted.
        self.assertEqual(0, result.exit_code, result)
        self.assertEqual('qcow2', self.the_image('admin')['disk_format'])
        self.assertEqual([], os.listdir(self.tmp))
        self.delete_images_named()
        result = self.run_import(
            '--file',
            path,
            '--convert-to',
            'raw',
            '--container',
            container,
            '--wait',
            '-f',
            'json',
            cloud='local-admin',
        )
        self.assertEqual(0, result.exit_code, result)
        image = self.the_image('admin')
        self.assertEqual(
            ('raw', converted_sha512(path, self.folder)),
            (image['disk_format'], image['os_hash_value']),
        )
        self.assertTempClean()

    def test_url_is_downloaded_and_converted(self):
        sample = self.sample('sample.qcow2')
        expected = converted_sha512(sample['path'], self.folder)
        result = self.run_import(
            '--import-from',
            sample['url'],
            '--convert-to',
            'raw',
            '--wait',
            '-f',
            'json',
        )
        self.assertEqual(0, result.exit_code, result)
        image = self.the_image()
        self.assertEqual(
            ('raw', expected), (image['disk_format'], image['os_hash_value'])
        )
        self.assertTempClean()

    def test_qemu_img_missing_is_one_line(self):
        path = qcow2_of_random_data(self.folder)
        # Only the client's own folder: no qemu-img on this PATH.
        bare = os.path.dirname(self.executable)
        self.assertFalse(os.path.exists(os.path.join(bare, 'qemu-img')))
        result = self.run_import(
            '--file', path, '--convert-to', 'raw', env={'PATH': bare}
        )
        self.assertFailsWith(
            result,
            f'Cannot convert {path} to raw: qemu-img is needed and not found '
            'on PATH (install the package qemu-utils)',
        )
        self.assertEqual([], self.images_named())

    def test_too_little_room_is_refused_before_anything(self):
        if os.geteuid() != 0:
            self.skipTest('mounting a small tmpfs needs root')
        small = self.useFixture(fixtures.TempDir()).path
        subprocess.run(
            ['mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small],
            check=True,
        )
        self.addCleanup(subprocess.run, ['umount', small], check=True)
        path = qcow2_of_random_data(self.folder)
        result = self.run_import(
            '--file', path, '--convert-to', 'raw', env={'TMPDIR': small}
        )
        self.assertEqual((1, ''), (result.exit_code, result.stdout), result)
        self.assertRegex(
            result.stderr,
            f'^Cannot convert {path} to raw: it needs about 8\\.[0-9] MiB in '
            f'{small}, which has (1\\.0 MiB|[0-9.]+ KiB) free; set TMPDIR to '
            'a directory with more room\n\\Z',
        )
        self.assertEqual([], os.listdir(small))
        self.assertEqual([], self.images_named())


class TestRawProfile(ConvertTestCase):
    def setUp(self):
        super().setUp()
        self.raw_profile()
        self.path = qcow2_of_random_data(self.folder)

    def test_a_qcow2_file_is_converted_and_said(self):
        result = self.run_import('--file', self.path, '--wait', '-f', 'json')
        self.assertEqual(0, result.exit_code, result)
        self.assertEqual(
            f'Converting {self.path} from qcow2 to raw, as the cloud '
            "profile's image_format is raw (--no-convert imports it as it is)",
            result.stderr.splitlines()[0],
        )
        image = self.the_image()
        self.assertEqual(
            ('raw', converted_sha512(self.path, self.folder)),
            (image['disk_format'], image['os_hash_value']),
        )
        self.assertTempClean()

    def test_no_convert_keeps_qcow2(self):
        with open(self.path, 'rb') as data:
            expected = hashlib.file_digest(data, 'sha512').hexdigest()
        result = self.run_import(
            '--file', self.path, '--no-convert', '--wait', '-f', 'json'
        )
        self.assertEqual(0, result.exit_code, result)
        self.assertNotIn('Converting', result.stderr)
        image = self.the_image()
        self.assertEqual(
            ('qcow2', expected),
            (image['disk_format'], image['os_hash_value']),
        )

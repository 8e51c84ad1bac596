# SPDX-License-Identifier: Apache-2.0
"""The image the user meant: formats from content, unsafe images refused,
limits and rights checked before any upload or task (real files made by
``qemu-img``, served by the local cloud's sample server).
"""

import json
import os
import shutil
import subprocess
import uuid

import fixtures

from tests.functional import base


class ContentTestCase(base.FunctionalTestCase):
    def setUp(self):
        super().setUp()
        self.folder = self.useFixture(fixtures.TempDir()).path
        self.unique = uuid.uuid4().hex[:8]

    def served(self, path, name):
        """Serve the file at ``path`` as ``name``; return its URL."""
        name = f'{self.unique}-{name}'
        served = os.path.join(self.cloud['samples_dir'], name)
        shutil.copyfile(path, served)
        self.addCleanup(os.unlink, served)
        return f'{self.cloud["samples_url"]}/{name}'

    def qemu_img(self, *args):
        subprocess.run(['qemu-img', *args], check=True, capture_output=True)

    def backed_qcow2(self):
        """A qcow2 whose header names a file of this host as its base."""
        base_file = os.path.join(self.folder, 'base.raw')
        self.qemu_img('create', '-q', '-f', 'raw', base_file, '1M')
        path = os.path.join(self.folder, 'backed.qcow2')
        self.qemu_img(
            'create', '-q', '-f', 'qcow2', '-b', base_file, '-F', 'raw', path
        )
        return path

    def images_named(self, name):
        return self.openstack(
            'image', 'list', '--name', name, '-f', 'value', '-c', 'ID'
        ).stdout.split()

    def objects(self, container, cloud='local-admin'):
        listed = self.openstack(
            'object',
            'list',
            container,
            '-f',
            'value',
            '-c',
            'Name',
            cloud=cloud,
        )
        return listed.stdout.split() if listed.exit_code == 0 else []


class TestFormats(ContentTestCase):
    def test_qcow2_named_img_is_imported_as_qcow2(self):
        sample = self.sample('sample.qcow2')
        url = self.served(sample['path'], 'cirros-0.6.2-x86_64-disk.img')
        task = json.loads(
            self.assertSucceeds(
                self.import_and_wait(url, '--name', self.unique)
            )
        )
        image_id = task['result']['image_id']
        self.addCleanup(self.delete_image, image_id)
        self.assertEqual(
            ('success', 'qcow2'),
            (task['status'], task['input']['import_from_format']),
        )
        image = self.openstack('image', 'show', image_id, '-f', 'json').json()
        self.assertEqual(
            ('active', 'qcow2'), (image['status'], image['disk_format'])
        )
        self.assertEqual(sample['sha256'], self.image_bytes_sha256(image_id))

    def test_disk_format_against_the_content_is_refused(self):
        sample = self.sample('sample.qcow2')
        url = self.served(sample['path'], 'disk.img')
        self.assertFailsWith(
            self.import_and_wait(
                url, '--disk-format', 'raw', '--name', self.unique
            ),
            f'Cannot import {url}: --disk-format raw contradicts its '
            'content, which is qcow2; give --disk-format qcow2 or leave the '
            'option out',
        )
        self.assertEqual([], self.images_named(self.unique))

    def test_typed_properties_land_typed(self):
        url = self.sample('sample.raw')['url']
        task = json.loads(
            self.assertSucceeds(
                self.import_and_wait(
                    url,
                    '--name',
                    self.unique,
                    '--property',
                    'min_disk=1',
                    '--min-ram',
                    '64',
                    '--tag',
                    'func',
                    '--tag',
                    self.unique,
                    '--unprotected',
                    '--property',
                    'os_distro=cirros',
                )
            )
        )
        image_id = task['result']['image_id']
        self.addCleanup(self.delete_image, image_id)
        image = self.openstack('image', 'show', image_id, '-f', 'json').json()
        self.assertEqual(
            ('success', 1, 64, False, sorted(['func', self.unique]), 'cirros'),
            (
                task['status'],
                image['min_disk'],
                image['min_ram'],
                image['protected'],
                sorted(image['tags']),
                image['properties']['os_distro'],
            ),
        )


class TestUnsafe(ContentTestCase):
    def test_backing_file_by_url(self):
        url = self.served(self.backed_qcow2(), 'backed.qcow2')
        result = self.import_and_wait(url, '--name', self.unique)
        self.assertEqual((1, ''), (result.exit_code, result.stdout))
        self.assertEqual(
            f'Cannot import {url}: it is a qcow2 image with a backing file: '
            'the image service would read a file of its own host into your '
            'image (flatten it first: qemu-img convert -f qcow2 -O qcow2 <in> '
            '<out>)\n',
            result.stderr,
        )
        self.assertEqual([], self.images_named(self.unique))

    def test_backing_file_by_path_uploads_nothing(self):
        path = self.backed_qcow2()
        container = f'func-{self.unique}'
        result = self.openstack(
            'image',
            'task',
            'import',
            '--file',
            path,
            '--container',
            container,
            '--name',
            self.unique,
            '--wait',
        )
        self.assertEqual((1, ''), (result.exit_code, result.stdout))
        self.assertTrue(
            result.stderr.startswith(
                f'Cannot import {path}: it is a qcow2 image with a backing '
                'file'
            ),
            result.stderr,
        )
        self.assertEqual([], self.objects(container))
        self.assertEqual([], self.images_named(self.unique))


class TestLimits(ContentTestCase):
    def test_rackspace_virtual_size_before_any_request(self):
        path = os.path.join(self.folder, 'big.vhd')
        self.qemu_img('create', '-q', '-f', 'vpc', path, '200G')
        # No identity service answers here: a request would fail the
        # command with another message.
        result = self.openstack(
            '--os-auth-url',
            'http://127.0.0.1:9/v3',
            '--os-username',
            'x',
            '--os-password',
            'x',
            '--os-project-name',
            'x',
            'image',
            'task',
            'import',
            '--file',
            path,
            '--dialect',
            'rackspace',
            cloud=None,
            env={'OS_CLIENT_CONFIG_FILE': '/dev/null'},
        )
        self.assertEqual(1, result.exit_code, result)
        self.assertRegex(
            result.stderr,
            rf'^Cannot import {path}: it expands to a disk of '
            r'200\.0 GiB \(\d+ bytes\), over the 160\.0 GiB Rackspace '
            r'imports \(error 413\)\n$',
        )

    def test_member_file_import_stops_before_the_upload(self):
        sample = self.sample('sample.raw')
        container = f'func-{self.unique}'
        result = self.openstack(
            'image',
            'task',
            'import',
            '--file',
            sample['path'],
            '--container',
            container,
            '--method',
            'task',
            cloud='local-member',
        )
        self.assertFailsWith(
            result,
            'Cannot use the tasks API: You are not authorized to '
            'complete tasks_api_access action. The tasks API of this Glance '
            'is admin-only (policy tasks_api_access): use a profile with the '
            'admin role. (HTTP 403)',
        )
        self.assertEqual([], self.objects(container, cloud='local-member'))

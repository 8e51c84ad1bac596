# SPDX-License-Identifier: Apache-2.0
"""``image task copy`` and the stores of a multi-store Glance, as the
member (and the admin) run them against both regions of the local cloud.
"""

import json
import os
import uuid

from tests.functional import test_regions


class CopyTestCase(test_regions.RegionsTestCase):
    def source(self, **fields):
        """An active image of sample.qcow2 in RegionOne, the member's."""
        return self.upload(
            self.member, 'RegionOne', self.sample('sample.qcow2'), **fields
        )

    def copied(self, result):
        """The copy the command made (deleted after the test)."""
        image_id = json.loads(result.stdout)['image_id']
        self.addCleanup(
            self.call,
            self.member,
            'DELETE',
            'RegionTwo',
            f'/images/{image_id}',
            raise_exc=False,
        )
        return self.call(
            self.member, 'GET', 'RegionTwo', f'/images/{image_id}'
        ).json()

    def images_named(self, region, name):
        return self.call(
            self.member, 'GET', region, '/images', params={'name': name}
        ).json()['images']


class TestCopy(CopyTestCase):
    def check_copy(self, result, source, name):
        shown = json.loads(self.assertSucceedsSaying(result, source))
        copy = self.copied(result)
        self.assertEqual(
            ('success', copy['id']), (shown['status'], shown['image_id'])
        )
        self.assertEqual(
            (
                'active',
                name,
                source['checksum'],
                source['os_hash_value'],
                'qcow2',
                'bare',
                1,
                64,
                ['base'],
                'blue',
                'scsi',
            ),
            (
                copy['status'],
                copy['name'],
                copy['checksum'],
                copy['os_hash_value'],
                copy['disk_format'],
                copy['container_format'],
                copy['min_disk'],
                copy['min_ram'],
                copy['tags'],
                copy.get('colour'),
                copy.get('hw_disk_bus'),
            ),
        )

    def assertSucceedsSaying(self, result, source):
        copy_id = json.loads(result.stdout or '{}').get('image_id')
        self.assertEqual(
            (
                0,
                f'Verified image {copy_id} in RegionTwo: its sha512 '
                f'(os_hash_value) matched image {source["id"]} in '
                'RegionOne.\n',
            ),
            (result.exit_code, result.stderr),
            result,
        )
        return result.stdout

    def test_member_copies_by_glance_download(self):
        source = self.source(
            hw_disk_bus='scsi',
            colour='blue',
            min_disk=1,
            min_ram=64,
            tags=['base'],
        )
        result = self.openstack(
            'image',
            'task',
            'copy',
            source['id'],
            '--to-region',
            'RegionTwo',
            '--wait',
            '-f',
            'json',
            cloud='local-member',
        )
        self.check_copy(result, source, self.name)
        self.assertEqual(
            'glance-download',
            json.loads(result.stdout)['input']['import_req']['method']['name'],
        )

    def test_member_copies_by_streaming(self):
        source = self.source(
            hw_disk_bus='scsi',
            colour='blue',
            min_disk=1,
            min_ram=64,
            tags=['base'],
        )
        result = self.openstack(
            'image',
            'task',
            'copy',
            self.name,
            '--to-region',
            'RegionTwo',
            '--method',
            'glance-direct',
            '--name',
            'copied',
            '--wait',
            '-f',
            'json',
            cloud='local-member',
        )
        self.check_copy(result, source, 'copied')
        self.assertEqual(
            'glance-direct',
            json.loads(result.stdout)['input']['import_req']['method']['name'],
        )

    def test_timeout_then_resume_in_the_other_region(self):
        source = self.source()
        result = self.openstack(
            'image',
            'task',
            'copy',
            source['id'],
            '--to-region',
            'RegionTwo',
            '--wait',
            '--timeout',
            '0.01',
            '-f',
            'json',
            cloud='local-member',
        )
        self.assertEqual(124, result.exit_code, result)
        shown = json.loads(result.stdout)
        copy = self.copied(result)
        again = self.resume_command(
            shown['id'],
            cloud='local-member',
            options=('--image', copy['id']),
            region='RegionTwo',
        )
        self.assertEqual(
            self.timeout_message(
                shown['id'],
                0.01,
                shown['status'],
                cloud='local-member',
                options=('--image', copy['id']),
                region='RegionTwo',
            )
            # The resume command only waits: what is left is said.
            + f'Image {copy["id"]} in RegionTwo is not checked: once its '
            'import has ended, compare its hash with image '
            f'{source["id"]}\'s in RegionOne (os_hash_value, "openstack '
            'image show" in both regions) and delete it if its import '
            'fails (openstack --os-region-name RegionTwo image delete '
            f'{copy["id"]}).\n',
            result.stderr,
        )
        # The profile lists both regions: the command said works as said.
        resumed = self.openstack(
            *again.split()[1:], '-f', 'value', '-c', 'status', cloud=None
        )
        self.assertEqual(
            (0, 'success\n'), (resumed.exit_code, resumed.stdout), resumed
        )


class TestCopyRefused(CopyTestCase):
    """Each refusal is one line, and nothing is made in RegionTwo."""

    def copy(self, image, *args):
        return self.openstack(
            'image', 'task', 'copy', image, *args, cloud='local-member'
        )

    def test_unknown_image(self):
        self.assertFailsWith(
            self.copy(self.name, '--to-region', 'RegionTwo'),
            f"Cannot find image '{self.name}': no image has this name or ID",
        )
        self.assertEqual([], self.images_named('RegionTwo', self.name))

    def test_private_image_of_another_project(self):
        admin = self.cloud.session('admin')
        image = self.upload(
            admin, 'RegionOne', self.sample('sample.raw'), visibility='private'
        )
        self.assertFailsWith(
            self.copy(image['id'], '--to-region', 'RegionTwo'),
            f'No image with ID {image["id"]} at '
            f'{self.cloud["glance_url"]}/v2 (HTTP 404)',
        )
        self.assertEqual([], self.images_named('RegionTwo', self.name))

    def test_unknown_region(self):
        source = self.source()
        self.assertFailsWith(
            self.copy(source['id'], '--to-region', 'RegionNine'),
            'Region RegionNine has no public image endpoint in the catalog '
            '(regions with one: RegionOne, RegionTwo)',
        )

    def test_same_region(self):
        source = self.source()
        self.assertFailsWith(
            self.copy(source['id'], '--to-region', 'RegionOne'),
            'The image is in RegionOne already: --to-region names another '
            'region',
        )


class TestStores(CopyTestCase):
    """RegionTwo's Glance has two stores."""

    def test_url_imported_into_a_chosen_store(self):
        name = f'stores-{uuid.uuid4().hex[:8]}'
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            self.sample('sample.qcow2')['url'],
            '--name',
            name,
            '--store',
            'cheap',
            '--wait',
            '-f',
            'json',
            cloud='local-member-two',
        )
        self.assertSucceeds(result)
        image = self.copied(result)
        self.assertEqual(
            ('active', 'cheap'), (image['status'], image['stores'])
        )

    def test_admin_copies_an_image_into_another_store(self):
        admin = self.cloud.session('admin')
        image = self.upload(admin, 'RegionTwo', self.sample('sample.raw'))
        result = self.openstack(
            'image',
            'task',
            'import',
            '--image',
            image['id'],
            '--store',
            'cheap',
            '--wait',
            '-f',
            'json',
            cloud='local-admin-two',
        )
        shown = json.loads(self.assertSucceeds(result))
        self.assertEqual(
            ('success', image['id']), (shown['status'], shown['image_id'])
        )
        copied = self.call(
            admin, 'GET', 'RegionTwo', f'/images/{image["id"]}'
        ).json()
        self.assertEqual({'fast', 'cheap'}, set(copied['stores'].split(',')))

    def test_unknown_store(self):
        image = self.upload(
            self.member, 'RegionTwo', self.sample('sample.raw')
        )
        self.assertFailsWith(
            self.openstack(
                'image',
                'task',
                'import',
                '--image',
                image['id'],
                '--store',
                'slow',
                cloud='local-member-two',
            ),
            'This Glance has no store slow (its stores: fast, cheap)',
        )

    def test_single_store_region(self):
        source = self.source()
        self.assertFailsWith(
            self.openstack(
                'image',
                'task',
                'import',
                '--image',
                source['id'],
                '--all-stores',
                cloud='local-member',
            ),
            'This Glance has a single store: --store and --all-stores need '
            'one with several (enabled_backends)',
        )


class TestObjectTransfer(CopyTestCase):
    """The transfer of a Rackspace copy (``transfer.copy_from``), run
    between two containers of the local Swift: Rackspace itself is not
    here to export and import."""

    def setUp(self):
        super().setUp()
        self.url = self.cloud['admin_swift_storage_url']
        self.admin = self.cloud.session('admin')
        self.containers = [f'copy-{uuid.uuid4().hex[:8]}' for _ in 'ab']
        for container in self.containers:
            self.admin.put(f'{self.url}/{container}')
            self.addCleanup(
                self.openstack, 'container', 'delete', '--recursive', container
            )

    def test_streamed_in_segments_and_resumed(self):
        from imageplugin import objectstore
        from imageplugin import transfer

        source, target = self.containers
        data = os.urandom(3 * objectstore.MiB + 512)
        self.admin.put(f'{self.url}/{source}/disk.vhd', data=data)
        store = objectstore.ObjectStore(self.admin, self.url)
        copied = transfer.copy_from(
            store,
            store,
            source,
            'disk.vhd',
            target,
            'disk.vhd',
            segment_size=objectstore.MiB,
            concurrency=3,
        )
        self.assertEqual((4, 0), (copied.segments, copied.reused))
        self.assertEqual(
            data, self.admin.get(f'{self.url}/{target}/disk.vhd').content
        )
        # Run again, it finds every segment stored.
        again = transfer.copy_from(
            store,
            store,
            source,
            'disk.vhd',
            target,
            'disk.vhd',
            segment_size=objectstore.MiB,
        )
        self.assertEqual((4, 4), (again.segments, again.reused))
        self.assertEqual(
            data, self.admin.get(f'{self.url}/{target}/disk.vhd').content
        )

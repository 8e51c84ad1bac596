# SPDX-License-Identifier: Apache-2.0
"""The local cloud's second region, as a copy between regions needs it.

RegionTwo has a Glance of its own (own database, multi-store: ``fast``
and ``cheap``) in the same Keystone; both Glances offer glance-download.
These tests prove the cloud, not a command of ours: the member lists
images in RegionTwo with ``openstack``, and RegionTwo's Glance pulls a
RegionOne image by glance-download through the raw API.
"""

import time
import uuid

from tests.functional import base

IMPORT_TIMEOUT = 60


class RegionsTestCase(base.FunctionalTestCase):
    def setUp(self):
        super().setUp()
        self.name = f'regions-{uuid.uuid4().hex[:8]}'
        self.member = self.cloud.session('member')

    def glance(self, region, interface='public'):
        return {
            'service_type': 'image',
            'region_name': region,
            'interface': interface,
        }

    def call(self, sess, method, region, path, **kwargs):
        return sess.request(
            '/v2' + path, method, endpoint_filter=self.glance(region), **kwargs
        )

    def create_image(self, sess, region, **fields):
        body = {'name': self.name, 'container_format': 'bare', **fields}
        image = self.call(sess, 'POST', region, '/images', json=body).json()
        self.addCleanup(
            self.call,
            sess,
            'DELETE',
            region,
            f'/images/{image["id"]}',
            raise_exc=False,
        )
        return image

    def upload(self, sess, region, sample, **fields):
        """An active image of SAMPLE's bytes (a plain upload)."""
        image = self.create_image(
            sess, region, disk_format=sample['disk_format'], **fields
        )
        with open(sample['path'], 'rb') as data:
            self.call(
                sess,
                'PUT',
                region,
                f'/images/{image["id"]}/file',
                data=data,
                headers={'Content-Type': 'application/octet-stream'},
            )
        return self.call(sess, 'GET', region, f'/images/{image["id"]}').json()

    def wait_import(self, sess, region, image_id):
        """The image once its import has ended (its lock is gone)."""
        deadline = time.monotonic() + IMPORT_TIMEOUT
        while True:
            image = self.call(
                sess, 'GET', region, f'/images/{image_id}'
            ).json()
            if 'os_glance_import_task' not in image and image[
                'status'
            ] not in ('queued', 'importing'):
                return image
            if time.monotonic() > deadline:
                self.fail(
                    f'import into {image_id} in {region} not done '
                    f'after {IMPORT_TIMEOUT} s: {image}; see '
                    f'{self.cloud["logs"]["glance-two"]}'
                )
            time.sleep(0.3)


class TestRegionTwo(RegionsTestCase):
    def test_member_lists_images_of_region_two_only(self):
        sample = self.sample('sample.raw')
        image = self.upload(self.member, 'RegionTwo', sample)
        listed = self.openstack(
            'image',
            'list',
            '--name',
            self.name,
            '-f',
            'json',
            cloud='local-member-two',
        ).json()
        self.assertEqual([image['id']], [row['ID'] for row in listed])
        # Its own database: RegionOne's Glance does not know the image.
        self.assertEqual(
            [],
            self.call(
                self.member,
                'GET',
                'RegionOne',
                '/images',
                params={'name': self.name},
            ).json()['images'],
        )

    def test_import_methods_and_stores(self):
        methods = self.cloud['import_methods']
        self.assertIn('glance-download', methods)
        for region in self.cloud['regions']:
            info = self.call(self.member, 'GET', region, '/info/import').json()
            self.assertEqual(methods, info['import-methods']['value'])
        stores = self.call(
            self.member, 'GET', 'RegionTwo', '/info/stores'
        ).json()['stores']
        self.assertEqual(
            [
                (name, name == self.cloud['glance_two_default_store'])
                for name in self.cloud['glance_two_stores']
            ],
            [
                (store['id'], store.get('default') == 'true')
                for store in stores
            ],
        )
        # RegionOne stays single-store.
        self.assertEqual(
            404,
            self.call(
                self.member,
                'GET',
                'RegionOne',
                '/info/stores',
                raise_exc=False,
            ).status_code,
        )

    def test_glance_download_from_region_one(self):
        sample = self.sample('sample.qcow2')
        source = self.upload(
            self.member, 'RegionOne', sample, hw_disk_bus='scsi', colour='blue'
        )
        self.assertEqual(
            ('active', sample['md5']), (source['status'], source['checksum'])
        )
        target = self.create_image(self.member, 'RegionTwo', disk_format='raw')
        self.call(
            self.member,
            'POST',
            'RegionTwo',
            f'/images/{target["id"]}/import',
            json={
                'method': {
                    'name': 'glance-download',
                    'glance_image_id': source['id'],
                    'glance_region': 'RegionOne',
                    'glance_service_interface': 'public',
                }
            },
        )
        copy = self.wait_import(self.member, 'RegionTwo', target['id'])
        self.assertEqual(
            (
                'active',
                sample['md5'],
                source['os_hash_value'],
                'qcow2',
                self.cloud['glance_two_default_store'],
                self.cloud['member']['project_id'],
            ),
            (
                copy['status'],
                copy['checksum'],
                copy['os_hash_value'],
                copy['disk_format'],
                copy['stores'],
                copy['owner'],
            ),
        )
        # Only the properties [glance_download_properties] lists.
        self.assertEqual(
            ('scsi', None), (copy.get('hw_disk_bus'), copy.get('colour'))
        )

    def test_admin_copies_into_the_other_store(self):
        admin = self.cloud.session('admin')
        image = self.upload(admin, 'RegionTwo', self.sample('sample.raw'))
        default, other = self.cloud['glance_two_stores']
        self.assertEqual(default, image['stores'])
        self.call(
            admin,
            'POST',
            'RegionTwo',
            f'/images/{image["id"]}/import',
            json={'method': {'name': 'copy-image'}, 'stores': [other]},
        )
        copied = self.wait_import(admin, 'RegionTwo', image['id'])
        self.assertEqual({default, other}, set(copied['stores'].split(',')))
        self.assertEqual('', copied.get('os_glance_failed_import', ''))

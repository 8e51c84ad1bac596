# SPDX-License-Identifier: Apache-2.0
"""clouds.yaml: the profiles tests and users log in with; cloud.json:
what tests read about the cloud."""

import os

import fixtures

from localcloud import outputs
from localcloud.files import read_json
from localcloud.files import write_json
from localcloud.settings import HOST
from tests.unit.localcloud import base


def profiles(text):
    """{profile: its lines} of a clouds.yaml as outputs writes it."""
    out, current = {}, None
    for line in text.splitlines()[2:]:
        if not line.startswith('   '):
            current = line.strip().rstrip(':')
            out[current] = []
        else:
            out[current].append(line.strip())
    return out


class TestCloudsYaml(base.CloudTestCase):
    def test_profiles(self):
        found = profiles(outputs.clouds_yaml(self.cloud))
        self.assertEqual(sorted(outputs.PROFILES), sorted(found))
        admin, member = found['local-admin'], found['local-member']
        self.assertIn(f'auth_url: "{self.cloud.auth_url}"', admin)
        self.assertIn('password: "secret-of-admin"', admin)
        self.assertIn('password: "secret-of-demo"', member)
        self.assertIn('project_name: "demo"', member)
        self.assertIn('region_name: RegionOne', member)
        self.assertFalse(
            [line for line in admin + member if 'endpoint_override' in line]
        )

    def test_profiles_of_each_region(self):
        found = profiles(outputs.clouds_yaml(self.cloud))
        regions = {
            name: [line for line in lines if line.startswith('region')]
            for name, lines in found.items()
        }
        # Each lists both regions, its own first: openstacksdk takes an
        # --os-region-name only among them.
        one = ['region_name: RegionOne', 'regions: [RegionOne, RegionTwo]']
        two = ['region_name: RegionTwo', 'regions: [RegionTwo, RegionOne]']
        self.assertEqual(
            {
                'local-admin': one,
                'local-member': one,
                'local-admin-front': one,
                'local-admin-tls': one,
                'local-admin-two': two,
                'local-member-two': two,
            },
            regions,
        )
        # Same users and projects as in RegionOne, the catalog's Glance.
        two = found['local-member-two']
        self.assertEqual(
            [line for line in found['local-member'] if 'region' not in line],
            [line for line in two if 'region' not in line],
        )
        self.assertIn('password: "secret-of-admin"', found['local-admin-two'])
        self.assertFalse([line for line in two if 'endpoint_override' in line])

    def test_front_profiles_go_through_glance_front(self):
        found = profiles(outputs.clouds_yaml(self.cloud))
        ports = self.cloud.ports
        self.assertIn(
            'image_endpoint_override: '
            f'"http://{HOST}:{ports["glance-front"]}"',
            found['local-admin-front'],
        )
        self.assertIn(
            f'image_endpoint_override: "https://{HOST}:{ports["glance-tls"]}"',
            found['local-admin-tls'],
        )


class TestCloudJson(base.CloudTestCase):
    def setUp(self):
        super().setUp()
        self.useFixture(
            fixtures.MonkeyPatch(
                'localcloud.outputs.file_digests', lambda path: {'path': path}
            )
        )
        self.data = outputs.cloud_json(
            self.cloud, {'admin': 'admin-id', 'demo': 'demo-id'}
        )

    def test_regions(self):
        ports = self.cloud.ports
        one = f'http://{HOST}:{ports["glance"]}'
        two = f'http://{HOST}:{ports["glance-two"]}'
        data = self.data
        self.assertEqual(['RegionOne', 'RegionTwo'], data['regions'])
        self.assertEqual(
            ('RegionOne', 'RegionTwo'), (data['region'], data['region_two'])
        )
        self.assertEqual(
            (one, two, two + '/v2'),
            (
                data['glance_url'],
                data['glance_two_url'],
                data['glance_two_api_url'],
            ),
        )
        self.assertEqual(
            {'RegionOne': one, 'RegionTwo': two}, data['glance_urls']
        )
        self.assertEqual(
            self.cloud.logfile('glance-two'), data['logs']['glance-two']
        )

    def test_stores_and_methods(self):
        data = self.data
        self.assertEqual(
            (['fast', 'cheap'], 'fast'),
            (data['glance_two_stores'], data['glance_two_default_store']),
        )
        self.assertEqual(
            {
                'fast': self.cloud.path('glance-two', 'stores', 'fast'),
                'cheap': self.cloud.path('glance-two', 'stores', 'cheap'),
            },
            data['glance_two_store_dirs'],
        )
        self.assertEqual(
            ['glance-direct', 'web-download', 'copy-image', 'glance-download'],
            data['import_methods'],
        )
        self.assertEqual(
            ['hw_', 'trait:', 'os_distro', 'os_secure_boot', 'os_type'],
            data['glance_download_properties'],
        )

    def test_users_of_each_region(self):
        data = self.data
        for key, user, project_id, region in (
            ('admin', 'admin', 'admin-id', 'RegionOne'),
            ('member', 'demo', 'demo-id', 'RegionOne'),
            ('admin_two', 'admin', 'admin-id', 'RegionTwo'),
            ('member_two', 'demo', 'demo-id', 'RegionTwo'),
        ):
            self.assertEqual(
                (user, user, project_id, region, f'secret-of-{user}'),
                (
                    data[key]['username'],
                    data[key]['project_name'],
                    data[key]['project_id'],
                    data[key]['region_name'],
                    data[key]['password'],
                ),
            )
        self.assertEqual(sorted(outputs.PROFILES), data['clouds'])
        self.assertIn('local-member-two', data['clouds'])


class TestRefresh(base.CloudTestCase):
    """``up`` on a running cloud writes both files again, as this
    checkout would, keeping the project ids it found."""

    def setUp(self):
        super().setUp()
        self.useFixture(
            fixtures.MonkeyPatch(
                'localcloud.outputs.file_digests', lambda path: {'path': path}
            )
        )
        self.cloud.create()

    def test_outdated_files_are_written_again(self):
        outputs.write_outputs(
            self.cloud, {'admin': 'admin-id', 'demo': 'demo-id'}
        )
        with open(self.cloud.path('clouds.yaml'), 'w') as stale:
            stale.write('clouds: {}\n')
        data = read_json(self.cloud.path('cloud.json'))
        del data['regions']
        write_json(self.cloud.path('cloud.json'), data)

        self.assertTrue(outputs.refresh_outputs(self.cloud))
        with open(self.cloud.path('clouds.yaml')) as written:
            self.assertEqual(outputs.clouds_yaml(self.cloud), written.read())
        data = read_json(self.cloud.path('cloud.json'))
        self.assertEqual(['RegionOne', 'RegionTwo'], data['regions'])
        self.assertEqual(
            ('admin-id', 'demo-id'),
            (data['admin']['project_id'], data['member']['project_id']),
        )

    def test_without_project_ids_nothing_is_written(self):
        write_json(self.cloud.path('cloud.json'), {'admin': {}})
        self.assertFalse(outputs.refresh_outputs(self.cloud))
        self.assertFalse(os.path.exists(self.cloud.path('clouds.yaml')))

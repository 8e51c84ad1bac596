"""clouds.yaml: the profiles tests and users log in with."""

from localcloud import outputs
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
        self.assertFalse([line for line in admin + member
                          if 'endpoint_override' in line])

    def test_front_profiles_go_through_glance_front(self):
        found = profiles(outputs.clouds_yaml(self.cloud))
        ports = self.cloud.ports
        self.assertIn('image_endpoint_override: '
                      f'"http://{HOST}:{ports["glance-front"]}"',
                      found['local-admin-front'])
        self.assertIn('image_endpoint_override: '
                      f'"https://{HOST}:{ports["glance-tls"]}"',
                      found['local-admin-tls'])

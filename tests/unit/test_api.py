# SPDX-License-Identifier: Apache-2.0
import requests
import testtools

from imageplugin import api
from tests.unit import base
from tests.unit import fakes

SHOW_URL = base.TASKS_URL + '/' + base.TASK_ID
KEYSTONE = base.KEYSTONE


class TestVersioned(testtools.TestCase):
    def test_versioned(self):
        for endpoint, expected in [
            ('http://127.0.0.1:9292', 'http://127.0.0.1:9292/v2'),
            ('http://127.0.0.1:9292/', 'http://127.0.0.1:9292/v2'),
            ('http://127.0.0.1/image', 'http://127.0.0.1/image/v2'),
            (
                'https://iad.images.api.rackspacecloud.com/v2',
                'https://iad.images.api.rackspacecloud.com/v2',
            ),
            ('http://127.0.0.1:9292/v2/', 'http://127.0.0.1:9292/v2'),
            ('http://127.0.0.1:9292/v2.1', 'http://127.0.0.1:9292/v2.1'),
            ('http://127.0.0.1/v2x', 'http://127.0.0.1/v2x/v2'),
        ]:
            self.assertEqual(expected, api.versioned(endpoint), endpoint)


class TestCatalog(base.ShellTestCase):
    """Password profiles find the image endpoint in the catalog."""

    def setUp(self):
        super().setUp()
        self.use_catalog(
            [
                base.password_profile(
                    'test', regions='[RegionOne, RegionTwo, RegionThree]'
                ),
                base.password_profile(
                    'override',
                    image_endpoint_override='http://127.0.0.4:9292/',
                ),
            ],
            [
                ('image', 'public', 'http://127.0.0.1:9292', 'RegionOne'),
                ('image', 'internal', 'http://127.0.0.2:9292', 'RegionOne'),
                ('image', 'public', 'http://127.0.0.3:9292/v2/', 'RegionTwo'),
            ],
        )

    def show(self, *args, cloud='test'):
        return self.openstack(
            '--os-cloud',
            cloud,
            *args,
            'image',
            'task',
            'show',
            base.TASK_ID,
            '-f',
            'value',
            '-c',
            'status',
            auth=(),
        )

    def assertShownFrom(self, endpoint, *args, cloud='test'):
        self.requests.get(
            endpoint + '/v2/tasks/' + base.TASK_ID, json=fakes.GLANCE_SUCCESS
        )
        self.assertEqual(
            'success\n', self.assertSucceeds(self.show(*args, cloud=cloud))
        )
        sent = self.requests.last_request
        self.assertEqual(base.TOKEN, sent.headers['X-Auth-Token'])

    def test_public_endpoint_of_the_region(self):
        self.assertShownFrom('http://127.0.0.1:9292')

    def test_interface(self):
        self.assertShownFrom(
            'http://127.0.0.2:9292', '--os-interface', 'internal'
        )

    def test_region_whose_endpoint_ends_in_v2(self):
        self.assertShownFrom(
            'http://127.0.0.3:9292', '--os-region-name', 'RegionTwo'
        )

    def test_override_in_clouds_yaml_wins(self):
        self.assertShownFrom('http://127.0.0.4:9292', cloud='override')

    def test_no_image_endpoint(self):
        self.assertFailsWith(
            self.show('--os-region-name', 'RegionThree'),
            'Cannot find the image service: the catalog has no public image '
            'endpoint in region RegionThree; choose another with '
            '--os-region-name or --os-interface, or set '
            'image_endpoint_override in clouds.yaml',
        )
        self.assertFailsWith(
            self.show('--os-interface', 'admin'),
            'Cannot find the image service: the catalog has no admin image '
            'endpoint in region RegionOne; choose another with '
            '--os-region-name or --os-interface, or set '
            'image_endpoint_override in clouds.yaml',
        )

    # Our commands log in themselves (osc-lib would before them, where
    # its errors print as keystoneauth's lines).
    def test_wrong_password(self):
        self.requests.post(
            KEYSTONE + '/auth/tokens',
            status_code=401,
            json={
                'error': {
                    'code': 401,
                    'title': 'Unauthorized',
                    'message': 'The request you have made requires '
                    'authentication.',
                }
            },
        )
        self.assertFailsWith(
            self.show(),
            'Cannot log in: the identity service refused the '
            'credentials of your cloud profile (user, password, project or '
            'domain) (HTTP 401)',
        )

    def test_token_keystone_does_not_know(self):
        # Keystone's answer to an expired, revoked or made-up token.
        self.requests.post(
            KEYSTONE + '/auth/tokens',
            status_code=404,
            json={
                'error': {
                    'code': 404,
                    'title': 'Not Found',
                    'message': 'Failed to validate token',
                }
            },
        )
        result = self.openstack(
            '--os-auth-type',
            'token',
            '--os-token',
            base.TOKEN,
            '--os-auth-url',
            KEYSTONE,
            '--os-project-name',
            'demo',
            '--os-project-domain-name',
            'Default',
            'image',
            'task',
            'show',
            base.TASK_ID,
            auth=(),
        )
        self.assertEqual(
            (
                1,
                '',
                'Cannot log in: the token is expired, revoked or invalid '
                '(the identity service answered HTTP 404); get a new one with '
                '"openstack token issue" (with a profile that logs in with a '
                'password)\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )

    def test_token_refused_by_keystone(self):
        self.requests.post(
            KEYSTONE + '/auth/tokens',
            status_code=401,
            json={
                'error': {
                    'code': 401,
                    'title': 'Unauthorized',
                    'message': 'The request you have made requires '
                    'authentication.',
                }
            },
        )
        result = self.openstack(
            '--os-auth-type',
            'token',
            '--os-token',
            base.TOKEN,
            '--os-auth-url',
            KEYSTONE,
            'image',
            'task',
            'list',
            auth=(),
        )
        self.assertFailsWith(
            result,
            'Cannot log in: the token is expired, revoked or invalid '
            '(the identity service answered HTTP 401); get a new one with '
            '"openstack token issue" (with a profile that logs in with a '
            'password)',
        )

    def test_keystone_unreachable(self):
        # Discovery fails first: keystoneauth's warning about it is noise
        # next to the error, which says it all in one line.
        refused = requests.exceptions.ConnectionError('Connection refused')
        self.requests.get(KEYSTONE, exc=refused)
        self.requests.post(KEYSTONE + '/auth/tokens', exc=refused)
        self.assertFailsWith(
            self.show(),
            'Cannot log in: cannot reach the identity service '
            f'at {KEYSTONE}/auth/tokens: connection refused',
        )

    def test_input_checked_before_logging_in(self):
        for args, exit_code in [
            (('image', 'task', 'import', '--property', 'x'), 2),
            (('image', 'task', 'show', '42'), 1),
            (
                (
                    'image',
                    'task',
                    'import',
                    '--import-from',
                    'c/a.vhd',
                    '--input',
                    '{x',
                ),
                1,
            ),
            (('image', 'task', 'export', 'img', '--container', 'a/b'), 1),
        ]:
            result = self.openstack(*args, auth=('--os-cloud', 'test'))
            self.assertEqual(exit_code, result.exit_code, args)
        self.assertEqual([], self.requests.request_history)

# SPDX-License-Identifier: Apache-2.0
"""tests/support/cloud.py on a cloud.json of its own, with requests-mock."""

import json
import os

import fixtures
from keystoneauth1 import fixture as ks_fixture
from requests_mock.contrib import fixture as requests_mock_fixture
import testtools

from tests.support import cloud

KEYSTONE = 'http://127.0.0.1:5000/v3'
GLANCE = 'http://127.0.0.1:9292'
TOKEN = 'gAAAAAsupport-test-token'


def credentials(user):
    return {
        'username': user,
        'password': f'password-of-{user}',
        'user_domain_name': 'Default',
        'project_id': f'{user}-project',
    }


class LocalCloudTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.state_dir = self.useFixture(fixtures.TempDir()).path
        self.requests = self.useFixture(requests_mock_fixture.Fixture())
        self.requests.post(
            KEYSTONE + '/auth/tokens',
            json=ks_fixture.V3Token(),
            headers={'X-Subject-Token': TOKEN},
            status_code=201,
        )

    def local_cloud(self, token_expiration=3600):
        with open(os.path.join(self.state_dir, 'cloud.json'), 'w') as out:
            json.dump(
                {
                    'auth_url': KEYSTONE,
                    'glance_url': GLANCE,
                    'admin': credentials('admin'),
                    'member': credentials('member'),
                    'token_expiration': token_expiration,
                },
                out,
            )
        return cloud.LocalCloud(self.state_dir)

    def test_missing_cloud_json_says_how_to_start_it(self):
        error = self.assertRaises(
            RuntimeError, cloud.LocalCloud, self.state_dir
        )
        self.assertIn('run "tools/local-cloud up"', str(error))

    def test_reads_cloud_json(self):
        local = self.local_cloud()
        self.assertEqual(GLANCE, local['glance_url'])
        self.assertEqual(
            ['password-of-admin', 'password-of-member'], local.secrets
        )

    def test_request_logs_the_user_in_once(self):
        self.requests.get(GLANCE + '/v2/tasks', json={'tasks': []})
        local = self.local_cloud()
        for _ in range(2):
            answer = local.request('GET', GLANCE + '/v2/tasks', user='member')
            self.assertEqual({'tasks': []}, answer.json())
        login, *gets = self.requests.request_history
        self.assertEqual(
            {
                'user': {
                    'name': 'member',
                    'password': 'password-of-member',
                    'domain': {'name': 'Default'},
                }
            },
            login.json()['auth']['identity']['password'],
        )
        self.assertEqual(
            {'project': {'id': 'member-project'}},
            login.json()['auth']['scope'],
        )
        self.assertEqual(
            [TOKEN, TOKEN], [get.headers['X-Auth-Token'] for get in gets]
        )

    def test_error_statuses_are_answers(self):
        self.requests.get(GLANCE + '/v2/tasks/x', status_code=404)
        answer = self.local_cloud().request('GET', GLANCE + '/v2/tasks/x')
        self.assertEqual(404, answer.status_code)

    def test_no_token_without_a_user(self):
        self.requests.head(GLANCE + '/temp', status_code=200)
        self.local_cloud().request('HEAD', GLANCE + '/temp', user=None)
        [head] = self.requests.request_history
        self.assertNotIn('X-Auth-Token', head.headers)

    def test_loopback_only(self):
        self.assertRaises(
            ValueError,
            self.local_cloud().request,
            'GET',
            'http://example.com/v2/tasks',
        )

    def test_no_proxy_from_the_environment(self):
        session = self.local_cloud().session()
        self.assertFalse(session.session.trust_env)

    def test_short_tokens_renewed_after_a_third_of_their_life(self):
        self.assertEqual(
            20, self.local_cloud(30).session().auth.MIN_TOKEN_LIFE_SECONDS
        )
        self.assertEqual(
            120, self.local_cloud(3600).session().auth.MIN_TOKEN_LIFE_SECONDS
        )

# SPDX-License-Identifier: Apache-2.0
"""services.answering_service: what an endpoint is, told by its answers."""

from keystoneauth1 import session as ks_session
from requests_mock.contrib import fixture as requests_mock_fixture
import testtools

from imageplugin import services

ROOT = 'http://127.0.0.1:5000'


class TestAnsweringService(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.requests = self.useFixture(requests_mock_fixture.Fixture())
        self.session = ks_session.Session()

    def test_keystone_by_its_version_document(self):
        self.requests.get(
            ROOT + '/',
            json={
                'versions': {
                    'values': [
                        {
                            'id': 'v3.14',
                            'media-types': [
                                {
                                    'type': 'application/'
                                    'vnd.openstack.identity-v3+json'
                                }
                            ],
                        }
                    ]
                }
            },
        )
        self.assertIn(
            'it is the identity service (Keystone)',
            services.answering_service(self.session, ROOT + '/v2'),
        )

    def test_swift_by_its_capabilities(self):
        # Swift's account path refuses an anonymous GET.
        self.requests.get(ROOT + '/v1/AUTH_a/', status_code=401, text='')
        self.requests.get(
            ROOT + '/info', json={'swift': {'version': '2.38.3'}}
        )
        self.assertEqual(
            'it is the object storage (Swift 2.38.3), which answers /info '
            'with its capabilities',
            services.answering_service(self.session, ROOT + '/v1/AUTH_a'),
        )

    def test_an_image_service_is_none(self):
        self.requests.get(
            ROOT + '/', json={'versions': [{'id': 'v2.17'}, {'id': 'v2.16'}]}
        )
        self.assertIsNone(
            services.answering_service(self.session, ROOT + '/v2')
        )

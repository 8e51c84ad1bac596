# SPDX-License-Identifier: Apache-2.0
"""The object-storage client of ``imageplugin.objectstore``: containers,
TempURLs, and finding the endpoint."""

import hashlib
import hmac
import json
import logging
from unittest import mock
import urllib.parse

import fixtures
from keystoneauth1 import exceptions as ks_exc
from osc_lib import exceptions
import testtools

from imageplugin import objectstore
from tests.unit.fakeswift import ENDPOINT
from tests.unit.fakeswift import StoreTestCase

KEY = 'a9c1e0f55b7d4a3f8e2c6b1d0f9e8a7c'


class TestContainer(StoreTestCase):
    def test_created_when_missing(self):
        self.assertTrue(self.store.ensure_container('new'))
        self.assertIn('new', self.swift.containers)
        self.assertEqual(
            ['HEAD', 'PUT'], [method for method, *_ in self.swift.sent]
        )

    def test_existing(self):
        self.assertFalse(self.store.ensure_container('images'))
        self.assertEqual(['HEAD'], [method for method, *_ in self.swift.sent])

    def test_forbidden(self):
        self.swift.sent.clear()
        with mock.patch.object(
            self.swift, '_container', side_effect=self.forbidden
        ):
            error = self.assertRaises(
                exceptions.CommandError, self.store.ensure_container, 'images'
            )
        self.assertEqual(
            'Cannot use container images: Forbidden. Your role in this '
            'project does not allow it in the object storage (Swift lets '
            'its operator roles, often member or admin, write) (HTTP 403)',
            str(error),
        )

    def test_unauthorized(self):
        with mock.patch.object(
            self.swift, '_container', side_effect=self.unauthorized
        ):
            error = self.assertRaises(
                exceptions.CommandError, self.store.ensure_container, 'images'
            )
        self.assertEqual(
            'Cannot use container images: Unauthorized. The object storage '
            'did not accept the token: check the credentials of your cloud '
            'profile (HTTP 401)',
            str(error),
        )

    @staticmethod
    def forbidden(request, context, container):
        context.status_code = 403
        context.reason = 'Forbidden'
        return b''

    @staticmethod
    def unauthorized(request, context, container):
        context.status_code = 401
        context.reason = 'Unauthorized'
        return b''

    def test_invalid_name(self):
        for name in ('', 'a/b'):
            error = self.assertRaises(
                exceptions.CommandError, self.store.ensure_container, name
            )
            self.assertEqual(
                f'Invalid container name {name!r}: it may not '
                "be empty or hold '/'",
                str(error),
            )


class TestTempURL(StoreTestCase):
    def setUp(self):
        super().setUp()
        self.log = self.useFixture(fixtures.FakeLogger(level=logging.DEBUG))
        self.useFixture(
            fixtures.MockPatch(
                'imageplugin.objectstore.time.time', return_value=1700000000.4
            )
        )

    def verify(self, url, key, lifetime):
        """Check a TempURL's signature as Swift's tempurl middleware does."""
        parts = urllib.parse.urlsplit(url)
        query = urllib.parse.parse_qs(parts.query)
        expires = query['temp_url_expires'][0]
        self.assertEqual(str(1700000000 + lifetime), expires)
        path = urllib.parse.unquote(parts.path)
        expected = hmac.new(
            key.encode(), f'GET\n{expires}\n{path}'.encode(), hashlib.sha256
        ).hexdigest()
        self.assertEqual([expected], query['temp_url_sig'])
        return path

    def test_signed_with_the_account_key(self):
        self.swift.account_meta['X-Account-Meta-Temp-URL-Key'] = KEY
        url = self.store.temp_url('images', 'my disk.raw', 3600)
        self.assertTrue(
            url.startswith(ENDPOINT + '/images/my%20disk.raw?temp_url_sig='),
            url,
        )
        self.assertEqual(
            '/v1/AUTH_test/images/my disk.raw', self.verify(url, KEY, 3600)
        )
        self.assertEqual(['HEAD'], [method for method, *_ in self.swift.sent])

    def test_second_key(self):
        self.swift.account_meta['X-Account-Meta-Temp-URL-Key-2'] = KEY
        self.verify(self.store.temp_url('images', 'a', 60), KEY, 60)

    def test_given_key(self):
        self.verify(self.store.temp_url('images', 'a', 60, key=KEY), KEY, 60)
        self.assertEqual([], self.swift.sent)

    def test_key_set_when_missing(self):
        url = self.store.temp_url('images', 'disk.raw', 600)
        key = self.swift.account_meta['X-Account-Meta-Temp-URL-Key']
        self.assertRegex(key, '^[0-9a-f]{64}$')
        self.verify(url, key, 600)
        self.assertEqual(
            ['HEAD', 'POST', 'HEAD'],
            [method for method, *_ in self.swift.sent],
        )
        self.assertNotIn(key, self.log.output)
        self.assertNotIn(url.split('?')[1], self.log.output)
        # keystoneauth logs other requests: the silence is on purpose.
        self.store.ensure_container('new')
        self.assertIn('REQ: curl -g -i -X PUT', self.log.output)

    def test_key_never_in_errors(self):
        def refuse(request, context):
            # A server that quotes the request in its error.
            if request.method == 'HEAD':
                return b''
            context.status_code = 400
            return json.dumps({'message': str(request.headers)}).encode()

        with mock.patch.object(self.swift, '_account', side_effect=refuse):
            error = self.assertRaises(
                exceptions.CommandError, self.store.temp_url_key
            )
        [(_, _, _, _, post)] = [s for s in self.swift.sent if s[0] == 'POST']
        key = post.headers['X-Account-Meta-Temp-URL-Key']
        self.assertNotIn(key, str(error))
        self.assertIn('<redacted>', str(error))
        self.assertTrue(
            str(error).startswith(
                'Cannot set a TempURL key on the object storage account: '
            )
        )

    def test_key_not_kept(self):
        def forgetful(request, context):
            context.status_code = 204
            return b''

        with mock.patch.object(self.swift, '_account', side_effect=forgetful):
            error = self.assertRaises(
                exceptions.CommandError, self.store.temp_url_key
            )
        self.assertEqual(
            'Cannot set a TempURL key on the object storage '
            'account: the account did not keep the key',
            str(error),
        )


def fake_client_manager(endpoint=None, override=None, catalog=True):
    """osc-lib's ClientManager as ``from_client_manager`` reads it: the
    catalog gives ``endpoint`` (or raises it), clouds.yaml ``override``;
    without ``catalog`` nobody logged in (a token and --os-endpoint).
    ``asked`` lists the endpoints asked of the catalog."""
    instance = mock.NonCallableMock(
        spec=[
            'region_name',
            'interface',
            'session',
            'auth_ref',
            'asked',
            'get_configuration',
            'get_endpoint_for_service_type',
        ],
        region_name='RegionOne',
        interface=None,
        session='the session',
        auth_ref=object() if catalog else None,
        asked=[],
    )
    instance.get_configuration.return_value = {
        'object_store_endpoint_override': override
    }

    def endpoint_for(service_type, region_name, interface):
        instance.asked.append((service_type, region_name, interface))
        if endpoint is ks_exc.EndpointNotFound:
            raise ks_exc.EndpointNotFound()
        return override or endpoint

    instance.get_endpoint_for_service_type.side_effect = endpoint_for
    return instance


class TestFromClientManager(testtools.TestCase):
    def test_catalog(self):
        instance = fake_client_manager(ENDPOINT)
        store = objectstore.ObjectStore.from_client_manager(instance)
        self.assertEqual(
            (ENDPOINT, 'the session'), (store.endpoint, store.session)
        )
        self.assertEqual(
            [('object-store', 'RegionOne', 'public')], instance.asked
        )

    def test_override_without_catalog(self):
        instance = fake_client_manager(override=ENDPOINT, catalog=False)
        store = objectstore.ObjectStore.from_client_manager(instance)
        self.assertEqual(ENDPOINT, store.endpoint)

    def test_override_is_the_profile_region_only(self):
        """Rackspace's copy: the other region's Cloud Files come from the
        catalog, not from the profile's override."""
        instance = fake_client_manager(override=ENDPOINT)
        instance.auth_ref = mock.Mock()
        url_for = instance.auth_ref.service_catalog.url_for
        url_for.return_value = 'http://127.0.0.2:8080/v1/AUTH_two'
        store = objectstore.ObjectStore.from_client_manager(
            instance, 'RegionTwo'
        )
        self.assertEqual('http://127.0.0.2:8080/v1/AUTH_two', store.endpoint)
        url_for.assert_called_once_with(
            service_type='object-store',
            region_name='RegionTwo',
            interface='public',
        )
        self.assertEqual([], instance.asked)

    def test_no_endpoint(self):
        for endpoint in (None, ks_exc.EndpointNotFound):
            error = self.assertRaises(
                exceptions.CommandError,
                objectstore.ObjectStore.from_client_manager,
                fake_client_manager(endpoint),
            )
            self.assertEqual(
                'Cannot find the object storage: the catalog has no public '
                'object-store endpoint in region RegionOne; choose another '
                'with --os-region-name or --os-interface, or set '
                'object_store_endpoint_override in clouds.yaml',
                str(error),
            )

    def test_token_and_endpoint_have_no_catalog(self):
        error = self.assertRaises(
            exceptions.CommandError,
            objectstore.ObjectStore.from_client_manager,
            fake_client_manager(ENDPOINT, catalog=False),
        )
        self.assertEqual(
            'Cannot find the object storage: a token given with '
            '--os-endpoint comes with no service catalog; set '
            'object_store_endpoint_override in clouds.yaml, or use a '
            'profile that logs in',
            str(error),
        )

    def test_identity_unreachable(self):
        instance = fake_client_manager(ENDPOINT)
        type(instance).auth_ref = mock.PropertyMock(
            side_effect=ks_exc.ConnectFailure(
                'Unable to establish connection to '
                'http://127.0.0.1:5000/v3/auth/tokens: Connection refused'
            )
        )

        error = self.assertRaises(
            exceptions.CommandError,
            objectstore.ObjectStore.from_client_manager,
            instance,
        )
        self.assertEqual(
            'Cannot find the object storage: cannot reach the identity '
            'service at http://127.0.0.1:5000/v3/auth/tokens: connection '
            'refused',
            str(error),
        )

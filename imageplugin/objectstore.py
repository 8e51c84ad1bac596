# SPDX-License-Identifier: Apache-2.0
"""A cloud's object storage (Swift, Rackspace Cloud Files): its containers,
objects and TempURLs, over the keystoneauth session.

What goes in is sent by ``transfer``, laid out as ``largeobject`` says,
from the request bodies of ``bodies``.

Nothing here may show a TempURL key or signature: not in an error and not
in keystoneauth's --debug log (``log=False`` on the requests that carry
one).
"""

import contextlib
import hashlib
import hmac
import secrets
import time
import urllib.parse

from osc_lib import exceptions

from imageplugin import http

MiB = 1024**2
GiB = 1024**3
# Swift's default limits (max_file_size, min_segment_size); Rackspace
# Cloud Files has the same.
MAX_OBJECT_SIZE = 5 * GiB
MIN_SEGMENT_SIZE = 1 * MiB
# Segments sent at once, by default and at most. Through an emulated WAN
# (25 MB/s per connection, 32 MiB segments of a 256 MiB file), 8 were
# 5-12% faster than 4 at a round-trip time of 0, 20 and 80 ms, and 2 took
# 1.3-1.7 times as long as 4 (benchmarks/wan.py). MAX_CONCURRENCY is the
# connection pool of a keystoneauth session (requests' 10): more would
# open connections only to throw them away.
DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 10

TEMP_URL_KEY = 'X-Account-Meta-Temp-URL-Key'
# The object metadata that names the file an upload came from.
IDENTITY_HEADER = 'X-Object-Meta-Imageplugin-File'
_TEMP_URL_KEYS = (TEMP_URL_KEY, TEMP_URL_KEY + '-2')


class ObjectTaken(exceptions.CommandError):
    """The object's name is another file's: running again cannot help,
    and deleting it is not ours to do."""


class ObjectStore(http.SessionClient):
    """Containers and objects of one account of the object storage."""

    service = 'the object storage'

    @classmethod
    def from_client_manager(cls, instance, region_name=None):
        """Build the client from osc-lib's ClientManager, for region
        ``region_name`` (default: the profile's).

        ``object_store_endpoint_override`` in clouds.yaml wins over the
        catalog in the profile's region, as for every OSC service; another
        region's endpoint comes from the catalog.
        """
        override = instance.get_configuration().get(
            'object_store_endpoint_override'
        )
        if not override:
            # Logging in is all that goes over the network here.
            with http.translated_errors(
                'Cannot find the object storage', 'the identity service'
            ):
                logged_in = instance.auth_ref is not None
            if not logged_in:
                # The token plugin would answer --os-endpoint, which is
                # the image service's.
                raise exceptions.CommandError(
                    'Cannot find the object storage: a token given with '
                    '--os-endpoint comes with no service catalog; set '
                    'object_store_endpoint_override in clouds.yaml, or use '
                    'a profile that logs in'
                )
        endpoint = http.catalog_endpoint(
            instance,
            'object-store',
            cls.service,
            'object_store_endpoint_override',
            region_name,
        )
        return cls(instance.session, endpoint)

    def error_detail(self, response):
        detail = super().error_detail(response)
        if response.status_code == 401:
            detail += (
                '. The object storage did not accept the token: '
                'check the credentials of your cloud profile'
            )
        elif response.status_code == 403:
            detail += (
                '. Your role in this project does not allow it in '
                'the object storage (Swift lets its operator roles, '
                'often member or admin, write)'
            )
        return detail

    def path(self, container, name=None):
        """The quoted path of a container or object below the endpoint."""
        path = '/' + urllib.parse.quote(container, safe='')
        if name is not None:
            path += '/' + urllib.parse.quote(name, safe='/')
        return path

    # Containers

    def ensure_container(self, container):
        """Create the container unless it exists; True if it was created."""
        if not container or '/' in container:
            raise exceptions.CommandError(
                f'Invalid container name {container!r}: it may not be '
                "empty or hold '/'"
            )
        if self.exists(container):
            return False
        self.request(
            'PUT', self.path(container), f'Cannot create container {container}'
        )
        return True

    def exists(self, container, name=None):
        """Whether the container (or the object in it) exists."""
        where = (
            f'container {container}' if name is None else f'{container}/{name}'
        )
        try:
            # log=False: a container's headers may hold its TempURL key.
            self.request(
                'HEAD',
                self.path(container, name),
                f'Cannot use {where}',
                log=False,
            )
        except http.HTTPError as exc:
            if exc.http_status != 404:
                raise
            return False
        return True

    # Reading

    def size(self, container, name):
        """An object's size in bytes (a large object's: all of them)."""
        response = self.request(
            'HEAD',
            self.path(container, name),
            f'Cannot read {container}/{name}',
        )
        return int(response.headers.get('Content-Length') or 0)

    def read_range(self, container, name, byte_range):
        """Bytes of an object: ``byte_range`` as HTTP writes it
        (``bytes=0-1023``, ``bytes=-512``). Returns them and the object's
        whole size."""
        response = self.request(
            'GET',
            self.path(container, name),
            f'Cannot read {container}/{name}',
            headers={'Range': byte_range},
            log=False,
        )
        total = response.headers.get('Content-Range', '').rpartition('/')[2]
        return response.content, (
            int(total) if total.isdigit() else len(response.content)
        )

    # Deleting (of large objects: see largeobject.delete)

    def delete_quietly(self, container, name, action):
        """Delete an object unless it is gone already."""
        # Another client, or a listing that lags, may name a gone object.
        try:
            self.request('DELETE', self.path(container, name), action)
        except http.HTTPError as exc:
            if exc.http_status != 404:
                raise

    def names(self, container, prefix):
        """Names of the objects in the container that start with prefix."""
        params = {'format': 'json', 'prefix': prefix}
        action = f'Cannot list container {container}'
        while True:
            try:
                page = self.request_json(
                    'GET', self.path(container), action, params=params
                )
            except http.HTTPError as exc:
                if exc.http_status == 404:
                    return
                raise
            if not page:
                return
            yield from (item['name'] for item in page)
            params['marker'] = page[-1]['name']

    # Whether a member's upload can go this way

    def upload_refusal(self):
        """'' if this user may write here and have a TempURL signed, else
        why not, in one line: Swift's capabilities (``/info``, where it
        answers) and a HEAD of the account, before any long work."""
        root = self.endpoint.split('/v1/', 1)[0]
        try:
            info = http.SessionClient(self.session, root).request_json(
                'GET', '/info', 'Cannot read /info', authenticated=False
            )
        except exceptions.CommandError:
            info = None  # Not every Swift says: the import tells.
        if isinstance(info, dict) and 'tempurl' not in info:
            return 'The object storage offers no TempURLs (its /info)'
        try:
            # The account's owner may write and set its TempURL key.
            self.request(
                'HEAD', '', 'Cannot use the object storage account', log=False
            )
        except exceptions.CommandError as exc:
            return str(exc)
        return ''

    # TempURLs

    def temp_url_key(self):
        """The account's TempURL key; set a random one if it has none."""
        key = self._stored_temp_url_key()
        if key:
            return key
        action = 'Cannot set a TempURL key on the object storage account'
        key = secrets.token_hex(32)
        with _kept_out(key):
            self.request(
                'POST', '', action, headers={TEMP_URL_KEY: key}, log=False
            )
        # Read it back: of two clients setting a key at once, the one the
        # store kept is the one that signs.
        stored = self._stored_temp_url_key()
        if not stored:
            raise exceptions.CommandError(
                f'{action}: the account did not keep the key'
            )
        return stored

    def _stored_temp_url_key(self):
        response = self.request(
            'HEAD', '', 'Cannot read the object storage account', log=False
        )
        for header in _TEMP_URL_KEYS:
            if response.headers.get(header):
                return response.headers[header]
        return None

    def temp_url(self, container, name, lifetime, key=None):
        """A URL that lets anyone GET ``container/name`` for a while.

        Signed with HMAC-SHA256 and the account's TempURL key (set if it
        has none); valid for ``lifetime`` seconds. The URL is a secret.
        """
        key = key or self.temp_url_key()
        expires = int(time.time() + lifetime)
        url = self.endpoint + self.path(container, name)
        # Swift signs the unquoted path, as its WSGI PATH_INFO holds it.
        signed = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
        signature = hmac.new(
            key.encode(), f'GET\n{expires}\n{signed}'.encode(), hashlib.sha256
        ).hexdigest()
        return (
            url
            + '?'
            + urllib.parse.urlencode(
                {'temp_url_sig': signature, 'temp_url_expires': expires}
            )
        )


def etag(response):
    """The ETag a response carries, as a bare hex digest."""
    return response.headers.get('Etag', '').strip('"').lower()


@contextlib.contextmanager
def _kept_out(secret):
    """Re-raise an error that quotes ``secret`` with it blotted out."""
    try:
        yield
    except exceptions.CommandError as exc:
        if secret in str(exc):
            raise exceptions.CommandError(
                str(exc).replace(secret, '<redacted>')
            ) from None
        raise

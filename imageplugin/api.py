"""The Image v2 tasks API over osc-lib's keystoneauth session.

Every failure leaves this module as an ``osc_lib.exceptions.CommandError``
whose text is one line: what failed, where, and what the server said.
"""

import contextlib
import email.utils
import html
import http.client
import re
import time
import urllib.parse
import uuid

from keystoneauth1 import exceptions as ks_exc
from osc_lib import exceptions

# The last path segment of a versioned image endpoint: Rackspace catalogs
# list ``.../v2``, upstream ones usually the bare host.
_VERSION_SEGMENT = re.compile(r'/v2(\.\d+)?/?$')
_URL = re.compile(r'https?://[^\s\'"<>?]+')
_HTML_TITLE = re.compile(r'<(head|h1|title)\b.*?</\1>', re.S | re.I)
_TAG = re.compile(r'<[^>]+>')
_MAX_DETAIL = 300


class HTTPError(exceptions.CommandError):
    """The image service answered with an error status."""

    def __init__(self, message, http_status, retry_after=None):
        super().__init__(message)
        self.http_status = http_status
        self.retry_after = retry_after


class Unreachable(exceptions.CommandError):
    """No answer: connection refused or reset, timeout, TLS failure."""


def retry_after(response):
    """Seconds the ``Retry-After`` header asks us to wait, or None."""
    value = response.headers.get('Retry-After', '').strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def versioned(endpoint):
    """Return the image endpoint ending in ``/v2``, added only when missing."""
    endpoint = endpoint.rstrip('/')
    if _VERSION_SEGMENT.search(endpoint):
        return endpoint
    return endpoint + '/v2'


def server_message(response):
    """The server's own explanation of an error, as one plain line."""
    text = response.text or ''
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        # Glance: {"message": ...}; Keystone style: {"error": {"message"}}.
        inner = body.get('error', body)
        if isinstance(inner, dict) and inner.get('message'):
            text = str(inner['message'])
    text = _TAG.sub(' ', _HTML_TITLE.sub(' ', text))
    # Glance appends a schema dump after a blank line: keep the sentence.
    text = re.split(r'\n\s*\n', html.unescape(text).strip())[0]
    text = ' '.join(text.split())
    if len(text) > _MAX_DETAIL:
        text = text[:_MAX_DETAIL - 3] + '...'
    return (text or response.reason
            or http.client.responses.get(response.status_code, 'no reason'))


def _without_query(url):
    # A query may hold a signature (TempURL): never show it.
    return url.split('?', 1)[0]


def _connection_problem(exc):
    text = str(exc)
    if isinstance(exc, ks_exc.SSLError):
        if 'CERTIFICATE_VERIFY_FAILED' in text:
            return ('TLS certificate verification failed (give the CA '
                    'bundle with --os-cacert, or use --insecure)')
        return 'TLS error'
    if isinstance(exc, ks_exc.ConnectTimeout):
        return 'timed out'
    if 'refused' in text.lower():
        return 'connection refused'
    if 'Name or service not known' in text or 'NameResolution' in text:
        return 'host name not resolved'
    if 'reset' in text.lower():
        return 'connection reset'
    return 'connection failed'


@contextlib.contextmanager
def translated_errors(action, service='the image service', endpoint=None):
    """Turn keystoneauth failures into one-line ``CommandError``s.

    ``endpoint`` tells which URLs belong to ``service``; any other URL
    met on the way is the identity service authenticating us.
    """
    try:
        yield
    except ks_exc.EndpointNotFound:
        raise
    except ks_exc.ConnectionError as exc:
        match = _URL.search(str(exc))
        url = (_without_query(match.group(0)).rstrip(':.,')
               if match else endpoint)
        who = service
        if url and endpoint and not url.startswith(endpoint):
            who = 'the identity service'
        where = f' at {url}' if url else ''
        raise Unreachable(
            f'{action}: cannot reach {who}{where}: '
            f'{_connection_problem(exc)}') from None
    except ks_exc.Unauthorized as exc:
        raise exceptions.CommandError(
            f'{action}: authentication failed (HTTP 401): check the '
            f'credentials of your cloud profile '
            f'({_first_line(exc)})') from None
    except ks_exc.HttpError as exc:
        raise exceptions.CommandError(
            f'{action}: the identity service answered HTTP '
            f'{exc.http_status}: {_first_line(exc)}') from None
    except ks_exc.ClientException as exc:
        raise exceptions.CommandError(f'{action}: {_first_line(exc)}') \
            from None


def _first_line(exc):
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


class TaskAPI:
    """The tasks resource of one cloud's image service."""

    def __init__(self, session, endpoint):
        self.session = session
        self.endpoint = versioned(endpoint)

    @classmethod
    def from_client_manager(cls, instance):
        """Build the client from osc-lib's ClientManager.

        The catalog lookup honours region and interface; osc-lib gives
        ``image_endpoint_override`` priority over the catalog.
        """
        interface = instance.interface or 'public'
        try:
            with translated_errors('Cannot find the image service'):
                endpoint = instance.get_endpoint_for_service_type(
                    'image', region_name=instance.region_name,
                    interface=interface)
        except ks_exc.EndpointNotFound:
            endpoint = None
        if not endpoint:
            region = instance.region_name
            raise exceptions.CommandError(
                f'Cannot find the image service: the catalog has no '
                f'{interface} image endpoint'
                + (f' in region {region}' if region else '')
                + '; choose another with --os-region-name or '
                '--os-interface, or set image_endpoint_override in '
                'clouds.yaml')
        return cls(instance.session, endpoint)

    def request(self, method, path, action, **kwargs):
        """Send one request; return the response of a 2xx answer."""
        url = self.endpoint + path
        with translated_errors(action, endpoint=self.endpoint):
            response = self.session.request(
                url, method, headers={'Accept': 'application/json'},
                raise_exc=False, **kwargs)
        if response.status_code >= 400:
            raise HTTPError(self._error_text(action, response),
                            response.status_code, retry_after(response))
        return response

    def _error_text(self, action, response):
        status = response.status_code
        detail = server_message(response)
        if status == 403 and 'tasks_api_access' in (response.text or ''):
            detail += (' The tasks API of this Glance is admin-only '
                       '(policy tasks_api_access): use a profile with the '
                       'admin role.')
        return f'{action}: {detail} (HTTP {status})'

    def request_json(self, method, path, action, **kwargs):
        response = self.request(method, path, action, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise exceptions.CommandError(
                f'{action}: the image service at {self.endpoint} answered '
                f'HTTP {response.status_code} with a body that is not JSON'
            ) from None

    def create_task(self, task_type, task_input):
        """Create a task; return it as the server describes it."""
        body = {'type': task_type, 'input': task_input}
        return self.request_json(
            'POST', '/tasks', f'Cannot create the {task_type} task',
            json=body)

    def get_task(self, task_id):
        action = f'Cannot show task {task_id}'
        path = '/tasks/' + urllib.parse.quote(task_id, safe='')
        try:
            return self.request_json('GET', path, action)
        except HTTPError as exc:
            if exc.http_status == 404:
                raise exceptions.CommandError(
                    f'No task with ID {task_id} at {self.endpoint} '
                    '(HTTP 404)') from None
            raise

    def list_tasks(self, filters, page_size=None, max_items=None):
        """Yield tasks, fetching each page only when the last is used up.

        ``page_size`` is the server's ``limit``; ``max_items`` stops the
        listing, and no page asks for more than is still wanted.
        """
        params = {k: v for k, v in filters.items() if v is not None}
        remaining = max_items
        while remaining is None or remaining > 0:
            wanted = [n for n in (page_size, remaining) if n]
            if wanted:
                params['limit'] = min(wanted)
            page = self.request_json('GET', '/tasks', 'Cannot list tasks',
                                     params=params)
            tasks = page.get('tasks') or []
            yield from tasks[:remaining]
            if remaining is not None:
                remaining -= len(tasks)
            marker = _query_value(page.get('next'), 'marker')
            if not tasks or not marker:
                return
            params['marker'] = marker

    def get_schema(self, name):
        return self.request_json('GET', '/schemas/' + name,
                                 f'Cannot read the {name} schema')

    def task_types(self):
        """The task types the cloud's schema names, or None if it won't say."""
        try:
            schema = self.get_schema('task')
        except HTTPError as exc:
            if exc.http_status in (403, 404):
                return None
            raise
        type_schema = schema.get('properties', {}).get('type', {})
        return type_schema.get('enum')

    def find_image_id(self, name_or_id):
        """The ID of the image with this ID or name."""
        if is_uuid(name_or_id):
            return name_or_id
        action = f'Cannot find image {name_or_id!r}'
        images = self.request_json('GET', '/images', action,
                                   params={'name': name_or_id})
        ids = [image['id'] for image in images.get('images', [])]
        if not ids:
            raise exceptions.CommandError(
                f'{action}: no image has this name or ID')
        if len(ids) > 1:
            raise exceptions.CommandError(
                f'{action}: {len(ids)} images have this name; give the ID')
        return ids[0]


def is_uuid(text):
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _query_value(link, key):
    if not link:
        return None
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    values = query.get(key)
    return values[0] if values else None

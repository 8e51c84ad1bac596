# SPDX-License-Identifier: Apache-2.0
"""The Image v2 tasks API of a cloud's image service."""

import logging
import re
import urllib.parse
import uuid

from osc_lib import exceptions

from imageplugin import http
from imageplugin import services

LOG = logging.getLogger(__name__)
# The last path segment of a versioned image endpoint: Rackspace catalogs
# list ``.../v2``, upstream ones usually the bare host.
_VERSION_SEGMENT = re.compile(r'/v2(\.\d+)?/?$')
# Tasks asked for per page when the user does not say: one page is what
# a listing holds in memory at a time.
DEFAULT_PAGE_SIZE = 200
_UNREAD = object()
# What another service answers to the image API's paths (Keystone 404,
# Swift 400/403/412 before an account, 405 to a method it lacks).
_WRONG_SERVICE_STATUSES = (400, 403, 404, 405, 412)


def versioned(endpoint):
    """Return the image endpoint ending in ``/v2``, added only when missing."""
    endpoint = endpoint.rstrip('/')
    if _VERSION_SEGMENT.search(endpoint):
        return endpoint
    return endpoint + '/v2'


class TaskAPI(http.SessionClient):
    """The tasks of one cloud's image service, and the image calls of its
    interoperable import (``POST /v2/images``, ``stage``, ``import``)."""

    service = 'the image service'

    def __init__(self, session, endpoint):
        super().__init__(session, versioned(endpoint))
        # The task schema's types, read once per command.
        self._task_types = _UNREAD

    @classmethod
    def from_client_manager(cls, instance, region_name=None):
        """Build the client from osc-lib's ClientManager.

        The catalog lookup honours region (``region_name``, else the
        profile's) and interface; in the profile's region osc-lib gives
        ``image_endpoint_override`` (and ``--os-endpoint``) priority over
        the catalog, while ``region_name``'s endpoint comes from the
        catalog alone.
        """
        endpoint = http.catalog_endpoint(
            instance,
            'image',
            cls.service,
            'image_endpoint_override',
            region_name,
        )
        return cls(instance.session, endpoint)

    def error_detail(self, response):
        if response.status_code == 401:
            # The browser advice of Glance's (webob's) 401 text does not
            # apply: the token is the only credential it looked at.
            return (
                'the image service refused the token: it is expired, '
                f'revoked or invalid; {http.RENEWAL_ADVICE}'
            )
        if response.status_code == 300:
            return self.version_list_detail(response)
        detail = super().error_detail(response)
        if response.status_code == 403 and 'tasks_api_access' in (
            response.text or ''
        ):
            detail += (
                ' The tasks API of this Glance is admin-only (policy '
                'tasks_api_access): use a profile with the admin '
                'role.'
            )
        return detail

    def explained(self, exc):
        """``exc``, an error of this client's, or, where the endpoint
        plainly answers as another service than an image service, the
        error that says so.

        Asked only of an error that ends a command, with a status that a
        wrong service answers (400, 403, 404, 405, 412) and a body that is
        not a JSON object (the image service's errors are): its requests
        are the only ones added.
        """
        if (
            getattr(exc, 'endpoint', None) != self.endpoint
            or exc.http_status not in _WRONG_SERVICE_STATUSES
            or exc.structured
        ):
            return exc
        found = services.answering_service(self.session, self.endpoint)
        if found is None:
            return exc
        root = _VERSION_SEGMENT.sub('', self.endpoint)
        return http.HTTPError(
            f'{exc.action}: {root} does not answer as an image service: '
            f"{found}; give the image service's URL (--os-endpoint, "
            "image_endpoint_override, or the catalog's image endpoint) "
            f'(HTTP {exc.http_status})',
            exc.http_status,
            endpoint=self.endpoint,
            action=exc.action,
        )

    def version_list_detail(self, response):
        """What to say of a 300: Glance answers a path it does not serve
        (an endpoint with a wrong path, such as ``.../v1``) with its list
        of API versions, which names where the API is."""
        try:
            versions = response.json().get('versions')
            href = versions[0]['links'][0]['href']
        except (ValueError, AttributeError, LookupError, TypeError):
            return http.server_message(response)
        root = _VERSION_SEGMENT.sub('', href.rstrip('/'))
        return (
            f'{self.endpoint} is not the image API: the image service '
            f'answers there with its list of API versions, the first at '
            f"{href}; give the image service's URL (--os-endpoint, "
            "image_endpoint_override, or the catalog's image endpoint), "
            f'such as {root}'
        )

    def dialect(self, timeout=None):
        """'rackspace' or 'glance': which import task the cloud speaks.

        Only Rackspace's task schema offers an export task; a cloud that
        hides its schema is told by its endpoint. ``timeout`` (seconds)
        bounds the wait for the schema.
        """
        types = self.task_types(timeout=timeout)
        if types is None:
            dialect = self.dialect_by_endpoint()
            LOG.debug(
                'Dialect %s, told by the endpoint (the task schema is hidden)',
                dialect,
            )
            return dialect
        dialect = 'rackspace' if 'export' in types else 'glance'
        LOG.debug(
            'Dialect %s: the task schema offers %s', dialect, ', '.join(types)
        )
        return dialect

    def dialect_by_endpoint(self):
        """The dialect when the schema cannot tell: by the endpoint."""
        return (
            'rackspace' if 'rackspacecloud.com' in self.endpoint else 'glance'
        )

    def check_access(self):
        """Fail now if this user may not use the tasks API.

        Upstream Glance keeps it for admins: one cheap request spares an
        upload that the task would then be refused for.
        """
        self.request(
            'GET', '/tasks', 'Cannot use the tasks API', params={'limit': 1}
        )

    def create_task(self, task_type, task_input):
        """Create a task; return it as the server describes it."""
        body = {'type': task_type, 'input': task_input}
        return self.request_json(
            'POST', '/tasks', f'Cannot create the {task_type} task', json=body
        )

    def get_task(self, task_id, timeout=None):
        """The task; ``timeout`` (seconds) bounds the wait for an answer."""
        return self._get_one('task', 'tasks', task_id, timeout)

    def list_tasks(self, filters, page_size=None, max_items=None):
        """Yield tasks, fetching each page only when the last is used up.

        ``page_size`` is the server's ``limit``; ``max_items`` stops the
        listing, and no page asks for more than is still wanted.
        """
        params = {k: v for k, v in filters.items() if v is not None}
        remaining = max_items
        page_size = page_size or DEFAULT_PAGE_SIZE
        while remaining is None or remaining > 0:
            params['limit'] = min(page_size, remaining or page_size)
            page = self.request_json(
                'GET', '/tasks', 'Cannot list tasks', params=params
            )
            tasks = page.get('tasks') or []
            yield from tasks[:remaining]
            if remaining is not None:
                remaining -= len(tasks)
            marker = _query_value(page.get('next'), 'marker')
            if not tasks or not marker:
                return
            params['marker'] = marker

    def get_schema(self, name, timeout=None):
        return self.request_json(
            'GET',
            '/schemas/' + name,
            f'Cannot read the {name} schema',
            **_bounded(timeout),
        )

    def task_types(self, timeout=None):
        """The task types the cloud's schema names, or None if it won't say."""
        if self._task_types is not _UNREAD:
            return self._task_types
        try:
            schema = self.get_schema('task', timeout=timeout)
        except http.HTTPError as exc:
            if exc.http_status not in (403, 404):
                raise
            schema = {}
        type_schema = schema.get('properties', {}).get('type', {})
        self._task_types = type_schema.get('enum')
        return self._task_types

    def find_image_id(self, name_or_id):
        """The ID of the image with this ID or name.

        Glance lists hidden images (``os_hidden``) only when asked for
        them alone: they are looked for where no other has the name, as
        ``openstack image show`` (openstacksdk) does.
        """
        if is_uuid(name_or_id):
            return name_or_id
        action = f'Cannot find image {name_or_id!r}'
        ids = self._image_ids(action, {'name': name_or_id})
        if not ids:
            try:
                ids = self._image_ids(
                    action, {'name': name_or_id, 'os_hidden': 'true'}
                )
            except http.HTTPError as exc:
                # A cloud that does not know the filter may refuse it:
                # it has no hidden images to find.
                if exc.http_status != 400:
                    raise
                LOG.debug('No hidden images looked for: %s', exc)
        if not ids:
            raise exceptions.CommandError(
                f'{action}: no image has this name or ID'
            )
        if len(ids) > 1:
            raise exceptions.CommandError(
                f'{action}: {len(ids)} images have this name; give the ID'
            )
        return ids[0]

    def _image_ids(self, action, params):
        images = self.request_json('GET', '/images', action, params=params)
        return [image['id'] for image in images.get('images', [])]

    # Interoperable image import

    def import_methods(self):
        """The import methods ``GET /v2/info/import`` lists, or None where
        the cloud has no such API (Rackspace)."""
        try:
            info = self.request_json(
                'GET', '/info/import', 'Cannot read the import methods'
            )
        except http.HTTPError as exc:
            if exc.http_status in (403, 404):
                return None
            raise
        methods = info.get('import-methods', {}).get('value') or []
        LOG.debug('Import methods offered: %s', ', '.join(methods))
        return methods

    def create_image(self, properties):
        """A new image (``queued``) with these properties."""
        return self.request_json(
            'POST', '/images', 'Cannot create the image', json=properties
        )

    def stage(self, image_id, data):
        """Send an image's data to the staging area (glance-direct).

        ``data`` is a file-like object with a length.
        """
        self.request(
            'PUT',
            f'/images/{_quoted(image_id)}/stage',
            f'Cannot send the data of image {image_id}',
            data=data,
            headers={'Content-Type': 'application/octet-stream'},
        )

    def start_import(self, image_id, method, stores=None, all_stores=False):
        """Ask the image service to import (into ``stores``, or into all
        with ``all_stores``); return the request ID, which names the
        import's task."""
        body = {'method': method}
        if stores:
            body['stores'] = list(stores)
        if all_stores:
            body['all_stores'] = True
        response = self.request(
            'POST',
            f'/images/{_quoted(image_id)}/import',
            f'Cannot import image {image_id}',
            json=body,
        )
        return response.headers.get('x-openstack-request-id')

    def stores(self):
        """The IDs of the stores ``GET /v2/info/stores`` lists, or None
        where Glance has a single store (it answers 404)."""
        try:
            info = self.request_json(
                'GET', '/info/stores', 'Cannot read the stores'
            )
        except http.HTTPError as exc:
            if exc.http_status == 404:
                return None
            raise
        return [store['id'] for store in info.get('stores', [])]

    def get_image(self, image_id, timeout=None):
        return self._get_one('image', 'images', image_id, timeout)

    def _get_one(self, kind, collection, item_id, timeout):
        """GET a task or an image; a 404 says which is missing."""
        try:
            return self.request_json(
                'GET',
                f'/{collection}/{_quoted(item_id)}',
                f'Cannot show {kind} {item_id}',
                **_bounded(timeout),
            )
        except http.HTTPError as exc:
            if exc.http_status == 404:
                raise http.HTTPError(
                    f'No {kind} with ID {item_id} at {self.endpoint} '
                    '(HTTP 404)',
                    404,
                    endpoint=self.endpoint,
                    action=exc.action,
                    structured=exc.structured,
                ) from None
            raise

    def image_data(self, image_id):
        """The image's data: a streamed response, to be closed."""
        return self.request(
            'GET',
            f'/images/{_quoted(image_id)}/file',
            f'Cannot read the data of image {image_id}',
            headers={'Accept': 'application/octet-stream'},
            stream=True,
        )

    def set_protected(self, image_id):
        self.patch_image(
            image_id,
            [{'op': 'replace', 'path': '/protected', 'value': True}],
            f'Cannot protect image {image_id}',
        )

    def patch_image(self, image_id, changes, action):
        """Apply ``changes`` (a JSON patch) to an image."""
        self.request(
            'PATCH',
            f'/images/{_quoted(image_id)}',
            action,
            headers={
                'Content-Type': 'application/openstack-images-v2.1-json-patch'
            },
            json=changes,
        )

    def project_id(self):
        """The project of the login, or None where it does not say (a
        token given with its endpoint)."""
        return self.session.get_project_id()

    def images_named(self, name):
        """The images named ``name`` that the caller sees (one page, as
        Glance's default limit gives it)."""
        answer = self.request_json(
            'GET',
            '/images',
            f'Cannot list the images named {name!r}',
            params={'name': name},
        )
        return answer.get('images') or []

    def delete_image(self, image_id):
        self.request(
            'DELETE',
            f'/images/{_quoted(image_id)}',
            f'Cannot delete image {image_id}',
        )

    def image_tasks(self, image_id, timeout=None):
        """The tasks of an image that the caller's project owns."""
        answer = self.request_json(
            'GET',
            f'/images/{_quoted(image_id)}/tasks',
            f'Cannot list the tasks of image {image_id}',
            **_bounded(timeout),
        )
        return answer.get('tasks') or []


def _bounded(timeout):
    """Session arguments for a request that waits ``timeout`` s at most."""
    return {} if timeout is None else {'timeout': timeout}


def _quoted(text):
    return urllib.parse.quote(text, safe='')


def admin_only(exc):
    """Whether a refusal is Glance's admin-only tasks API."""
    return getattr(
        exc, 'http_status', None
    ) == 403 and 'tasks_api_access' in str(exc)


def task_image_id(task):
    """The ID of the image a task made, or None."""
    if task.get('image_id'):
        return task['image_id']
    if isinstance(task.get('result'), dict):
        # Glance's legacy import and Rackspace name the image in the result.
        return task['result'].get('image_id')
    return None


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

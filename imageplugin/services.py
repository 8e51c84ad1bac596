# SPDX-License-Identifier: Apache-2.0
"""What service an endpoint answers as, told by its own answers.

A user who gives the identity service's or the object storage's URL as
the image endpoint (``--os-endpoint``, ``image_endpoint_override``) gets
that service's refusal of the image API's paths (HTTP 404, 400...),
which does not say so. After such a refusal, ``answering_service``
reads the endpoint's version document (``GET /``), and Swift's
capabilities (``GET /info``), without the token: the first says which
API an OpenStack service serves, the second that it is Swift.
"""

import json
import logging
import re

from keystoneauth1 import exceptions as ks_exc

LOG = logging.getLogger(__name__)
# Seconds an answer is waited for: an error is being explained.
_TIMEOUT = 10
# The image API's version segment, and the object storage's (with the
# account after it), which hold no version document or /info.
_IMAGE_VERSION = re.compile(r'/v2(\.\d+)?/?$')
_OBJECT_VERSION = re.compile(r'/v1(/.*)?$')
# What a version document says of an image service: Glance and
# Rackspace Cloud Images serve API v2.x.
_IMAGE_SERVICE = 'image'


def answering_service(session, endpoint):
    """How the service at ``endpoint`` (the image API's URL) answers when
    it plainly is not an image service, in a few words; None where it is
    one, or cannot be told."""
    root = _IMAGE_VERSION.sub('', endpoint.rstrip('/'))
    response = _get(session, root + '/')
    if response is not None:
        found = _by_version_document(_json(response))
        if found == _IMAGE_SERVICE:
            return None
        if found:
            return found
    capabilities = _json(
        _get(session, _OBJECT_VERSION.sub('', root) + '/info')
    )
    if isinstance(capabilities, dict) and 'swift' in capabilities:
        version = (capabilities['swift'] or {}).get('version')
        return (
            'it is the object storage (Swift'
            + (f' {version}' if version else '')
            + '), which answers /info with its capabilities'
        )
    if (
        response is not None
        and response.ok
        and 'html' in response.headers.get('Content-Type', '')
    ):
        return (
            'its root answers a web page (text/html), not the version '
            'document of an image service'
        )
    return None


def _by_version_document(document):
    """'image', what other service the version document names, or None
    where it is none (or names no API)."""
    if not isinstance(document, dict):
        return None
    versions = document.get('versions')
    if isinstance(versions, dict):
        # Keystone: {"versions": {"values": [...]}}, {"version": {...}}.
        versions = versions.get('values')
    if versions is None and isinstance(document.get('version'), dict):
        versions = [document['version']]
    if not isinstance(versions, list):
        return None
    versions = [version for version in versions if isinstance(version, dict)]
    media_types = json.dumps(
        [version.get('media-types') for version in versions]
    )
    if 'identity' in media_types:
        return (
            'it is the identity service (Keystone), whose version '
            'document lists identity API versions'
        )
    ids = [str(version.get('id')) for version in versions]
    if any(re.fullmatch(r'v2(\.\d+)?', version_id) for version_id in ids):
        return _IMAGE_SERVICE
    if ids:
        return (
            'its version document lists API versions '
            f'{", ".join(ids)}, and an image service serves v2'
        )
    return None


def _get(session, url):
    """The answer to an anonymous GET of ``url``, or None."""
    try:
        return session.request(
            url,
            'GET',
            authenticated=False,
            raise_exc=False,
            timeout=_TIMEOUT,
            headers={'Accept': 'application/json'},
        )
    except ks_exc.ClientException as exc:
        LOG.debug('No answer from %s: %s', url, exc)
        return None


def _json(response):
    if response is None:
        return None
    try:
        return response.json()
    except ValueError:
        return None

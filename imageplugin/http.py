# SPDX-License-Identifier: Apache-2.0
"""HTTP over osc-lib's keystoneauth session, with readable errors.

Every failure leaves this module as an ``osc_lib.exceptions.CommandError``
whose text is one line: what failed, where, and what the server said.
"""

import contextlib
import email.utils
import html
import http.client
import logging
import re
import time

from keystoneauth1 import exceptions as ks_exc
from osc_lib import exceptions

_URL = re.compile(r'https?://[^\s\'"<>?]+')
_SIGNATURE = re.compile(r'(temp_url_sig=)[^&\s\'"\\]+')
_HTML_TITLE = re.compile(r'<(head|h1|title)\b.*?</\1>', re.S | re.I)
# Front ends (nginx, Apache) sign their pages below a rule.
_HTML_SIGNATURE = re.compile(r'<(hr|address)\b.*', re.S | re.I)
_STATUS_CODE = re.compile(r'^\d{3}\s+')
_TAG = re.compile(r'<[^>]+>')
_MAX_DETAIL = 300
# The password of user information in a URL (scheme://user:password@).
_PASSWORD = re.compile(r'(://[^/?#@:\s\'"]*:)[^/?#@\s\'"]*@')


def redacted(text):
    """``text`` with any TempURL signature, and any password in a URL,
    blotted out."""
    return _PASSWORD.sub(
        r'\1<redacted>@', _SIGNATURE.sub(r'\1<redacted>', text)
    )


class _RedactingFilter(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        if 'temp_url_sig' in message or '@' in message:
            record.msg, record.args = redacted(message), ()
        return True


def redact_signatures_in_logs():
    """Keep TempURL signatures and passwords in URLs out of
    keystoneauth's --debug logs.

    Task requests and answers carry the TempURL a task imports from.
    Idempotent.
    """
    logger = logging.getLogger('keystoneauth.session')
    if not any(isinstance(f, _RedactingFilter) for f in logger.filters):
        logger.addFilter(_RedactingFilter())


class HTTPError(exceptions.CommandError):
    """The service at ``endpoint`` answered ``action``'s request with an
    error status."""

    def __init__(
        self,
        message,
        http_status,
        retry_after=None,
        endpoint=None,
        action=None,
        structured=True,
    ):
        super().__init__(message)
        self.http_status = http_status
        self.retry_after = retry_after
        self.endpoint = endpoint
        self.action = action
        # Whether the answer was a JSON object, as OpenStack APIs' errors
        # are (a web page or plain text may be another server's).
        self.structured = structured


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


def _is_json_object(response):
    try:
        return isinstance(response.json(), dict)
    except ValueError:
        return False


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
    text = _plain(_HTML_TITLE.sub(' ', _HTML_SIGNATURE.sub('', text)))
    if not text:
        # A front end's page says it only in its title ("503 Service
        # Temporarily Unavailable"); the status code is shown anyway.
        title = _HTML_TITLE.search(response.text or '')
        text = _STATUS_CODE.sub('', _plain(title.group(0)) if title else '')
    if len(text) > _MAX_DETAIL:
        text = text[: _MAX_DETAIL - 3] + '...'
    # Glance quotes the URL it refused: a TempURL holds a signature.
    return redacted(
        text
        or response.reason
        or http.client.responses.get(response.status_code, 'no reason')
    )


def _plain(text):
    """The first paragraph of ``text`` without markup, on one line."""
    text = html.unescape(_TAG.sub(' ', text)).strip()
    # Glance appends a schema dump after a blank line: keep the sentence.
    return ' '.join(re.split(r'\n\s*\n', text)[0].split())


def shown_url(url):
    """A URL as it may be shown: a query may hold a signature (TempURL),
    and user information a password."""
    return redacted(url.split('?', 1)[0])


def _connection_problem(exc):
    text = str(exc)
    if isinstance(exc, ks_exc.SSLError):
        if 'CERTIFICATE_VERIFY_FAILED' in text:
            return (
                'TLS certificate verification failed (give the CA '
                'bundle with --os-cacert, or use --insecure)'
            )
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
def translated_errors(action, service, endpoint=None):
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
        url = shown_url(match.group(0)).rstrip(':.,') if match else endpoint
        who = service
        if url and endpoint and not url.startswith(endpoint):
            who = 'the identity service'
        where = f' at {url}' if url else ''
        raise Unreachable(
            f'{action}: cannot reach {who}{where}: {_connection_problem(exc)}'
        ) from None
    except ks_exc.Unauthorized:
        raise exceptions.CommandError(
            f'{action}: the identity service refused the credentials of '
            'your cloud profile (user, password, project or domain) '
            '(HTTP 401)'
        ) from None
    except ks_exc.HttpError as exc:
        raise exceptions.CommandError(
            f'{action}: the identity service answered HTTP '
            f'{exc.http_status}: {_first_line(exc)}'
        ) from None
    except ks_exc.ClientException as exc:
        raise exceptions.CommandError(
            f'{action}: {_first_line(exc)}'
        ) from None


# What to do about a token the cloud no longer accepts.
RENEWAL_ADVICE = (
    'get a new one with "openstack token issue" (with a '
    'profile that logs in with a password)'
)


def token_refused(action, exc):
    """The error of a login with a token that Keystone does not accept
    (``exc``, keystoneauth's 401 or 404 answer to it)."""
    return exceptions.CommandError(
        f'{action}: the token is expired, revoked or invalid (the identity '
        f'service answered HTTP {exc.http_status}); {RENEWAL_ADVICE}'
    )


def _first_line(exc):
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def catalog_endpoint(
    instance, service_type, service, override_key, region_name=None
):
    """The endpoint of a service for osc-lib's ClientManager ``instance``.

    In the profile's region osc-lib gives the
    ``<service_type>_endpoint_override`` of clouds.yaml (and a token's
    ``--os-endpoint``) priority over the catalog lookup, which honours
    region and interface. ``region_name`` names another region (a copy's
    target): its endpoint comes from the catalog alone, since an override
    is the endpoint of the profile's region.
    """
    interface = instance.interface or 'public'
    action = f'Cannot find {service}'
    region = region_name or instance.region_name
    try:
        with translated_errors(action, service):
            if region_name:
                endpoint = service_catalog(instance).url_for(
                    service_type=service_type,
                    region_name=region_name,
                    interface=interface,
                )
            else:
                endpoint = instance.get_endpoint_for_service_type(
                    service_type, region_name=region, interface=interface
                )
    except ks_exc.EndpointNotFound:
        endpoint = None
    if not endpoint and region_name:
        regions = catalog_regions(instance, service_type)
        raise exceptions.CommandError(
            f'Region {region_name} has no {interface} {service_type} '
            'endpoint in the catalog'
            + (
                f' (regions with one: {", ".join(sorted(regions))})'
                if regions
                else ''
            )
        )
    if not endpoint:
        raise exceptions.CommandError(
            f'{action}: the catalog has no {interface} {service_type} '
            'endpoint'
            + (f' in region {region}' if region else '')
            + '; choose another with --os-region-name or --os-interface, '
            f'or set {override_key} in clouds.yaml'
        )
    return endpoint


def service_catalog(instance):
    """The service catalog of the login (logging in if not done yet),
    which lists the regions' endpoints; refused where the login has none
    (a token given with ``--os-endpoint``). Only a copy into another
    region (``--to-region``) needs it."""
    with translated_errors('Cannot log in', 'the identity service'):
        auth_ref = instance.auth_ref
    if auth_ref is None:
        raise exceptions.CommandError(
            '--to-region needs a service catalog (a login that lists the '
            "regions' endpoints), and a token given with --os-endpoint "
            'comes with none: use a profile that logs in'
        )
    return auth_ref.service_catalog


def catalog_regions(instance, service_type):
    """The catalog's {region: URL} of a service, for the profile's
    interface (logged in)."""
    interface = instance.interface or 'public'
    found = service_catalog(instance).get_endpoints(
        service_type=service_type, interface=interface
    )
    return {
        endpoint.get('region_id') or endpoint.get('region'): endpoint.get(
            'url'
        )
        or endpoint.get(f'{interface}URL')
        for endpoint in found.get(service_type, [])
    }


class SessionClient:
    """Requests to one service endpoint through a keystoneauth session."""

    service = 'the service'

    def __init__(self, session, endpoint):
        self.session = session
        self.endpoint = endpoint.rstrip('/')
        # Any task we show may hold a TempURL; keep it out of --debug.
        redact_signatures_in_logs()

    def request(self, method, path, action, headers=None, **kwargs):
        """Send one request; return the response of a 2xx answer (a 3xx
        that the session did not follow is an error too: a 300 is a
        version list, not what was asked for).

        ``headers`` add to (or replace) our Accept header; other keyword
        arguments, such as keystoneauth's ``log=False``, go to the session.
        """
        url = self.endpoint + path
        headers = {'Accept': 'application/json', **(headers or {})}
        with translated_errors(action, self.service, self.endpoint):
            response = self.session.request(
                url, method, headers=headers, raise_exc=False, **kwargs
            )
        if response.status_code >= 300:
            raise HTTPError(
                f'{action}: {self.error_detail(response)} '
                f'(HTTP {response.status_code})',
                response.status_code,
                retry_after(response),
                endpoint=self.endpoint,
                action=action,
                structured=_is_json_object(response),
            )
        return response

    def error_detail(self, response):
        """What to say of an error answer; subclasses add advice."""
        return server_message(response)

    def request_json(self, method, path, action, **kwargs):
        response = self.request(method, path, action, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise exceptions.CommandError(
                f'{action}: {self.service} at {self.endpoint} answered '
                f'HTTP {response.status_code} with a body that is not JSON'
            ) from None

# SPDX-License-Identifier: Apache-2.0
"""Reading an http(s) URL outside the cloud: a published image or its sums
file, fetched with plain requests and no token.

``opened`` is the one streamed GET of the plugin: every failure (an answer
other than 200, no connection, a stream cut while read) is one
``CommandError`` that starts with the caller's words and shows the URL
without its password or signature. ``problem`` says in a few words why a
request failed; ``inspection`` uses it for its ranged reads too.
"""

import contextlib

from osc_lib import exceptions
import requests
import urllib3

from imageplugin import http

# Seconds a server may take to answer, or between two reads of its body.
TIMEOUT = 20.0


def problem(exc, timeout=TIMEOUT):
    """Why a request of requests (or a read of its stream) failed."""
    if isinstance(exc, requests.exceptions.SSLError):
        if 'CERTIFICATE_VERIFY_FAILED' in str(exc):
            return 'its TLS certificate cannot be verified'
        # e.g. https:// to a server that speaks plain HTTP.
        return 'its TLS handshake failed (is it https?)'
    if isinstance(
        exc, (requests.exceptions.Timeout, urllib3.exceptions.TimeoutError)
    ):
        return f'it did not answer within {timeout:g} s'
    if isinstance(exc, requests.exceptions.ConnectionError):
        return 'it cannot be reached from here'
    if isinstance(exc, urllib3.exceptions.HTTPError):
        return 'the connection broke while it was read'
    return 'it cannot be read from here'


@contextlib.contextmanager
def opened(url, action, verify=True, timeout=TIMEOUT):
    """GET ``url`` as a stream: yield its body (a file-like that undoes
    any Content-Encoding) and its length (None where not told).

    ``action`` begins the one-line error, e.g. ``Cannot read <url>``; the
    caller's own errors pass through untouched.
    """
    try:
        with requests.get(
            url, stream=True, verify=verify, timeout=timeout
        ) as response:
            if response.status_code != 200:
                raise exceptions.CommandError(
                    f'{action}: it answers HTTP {response.status_code} '
                    f'({response.reason})'
                )
            response.raw.decode_content = True
            length = response.headers.get('Content-Length')
            yield response.raw, int(length) if length else None
    except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
        raise exceptions.CommandError(
            http.redacted(f'{action}: {problem(exc, timeout)}')
        ) from None

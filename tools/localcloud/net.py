# SPDX-License-Identifier: Apache-2.0
"""Loopback HTTP: a tiny JSON client and the health probes.

This is the one HTTP client besides ``tests/support/cloud.py``'s
keystoneauth session, on purpose: the cloud's bootstrap runs under the
system Python before any virtualenv (so any keystoneauth) exists.
"""

import json
import socket
import urllib.error
import urllib.request

from localcloud.settings import HOST

# Loopback traffic must never go through a proxy from the environment.
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http(method, url, body=None, token=None, timeout=10, headers=None):
    """Returns (status, headers, parsed JSON body or bytes)."""
    data = json.dumps(body).encode() if body is not None else None
    # Only our own http:// URLs on 127.0.0.1 come here.
    req = urllib.request.Request(url, data=data, method=method)  # noqa: S310
    req.add_header('Accept', 'application/json')
    if data is not None:
        req.add_header('Content-Type', 'application/json')
    if token:
        req.add_header('X-Auth-Token', token)
    for key, value in (headers or {}).items():
        req.add_header(key, value)
    try:
        resp = NO_PROXY.open(req, timeout=timeout)
    except urllib.error.HTTPError as exc:
        resp = exc
    with resp:
        raw = resp.read()
        if 'json' in (resp.headers.get('Content-Type') or '') and raw:
            raw = json.loads(raw)
        return resp.status, resp.headers, raw


def http_ok(url, timeout=2):
    try:
        return http('GET', url, timeout=timeout)[0] == 200
    except (OSError, ValueError):
        return False


def memcached_ok(port, timeout=2):
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as s:
            s.sendall(b'version\r\n')
            return s.recv(64).startswith(b'VERSION')
    except OSError:
        return False

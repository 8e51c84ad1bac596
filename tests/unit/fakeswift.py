# SPDX-License-Identifier: Apache-2.0
"""A Swift account in memory, answering through requests-mock.

It reads request bodies the way a server does (an iterable body is
consumed), keeps objects with their metadata, Static Large Objects and
account metadata, refuses a PUT with `If-None-Match: *` over an object, and
can be told to misbehave.
"""

import hashlib
import json
import os
import re
import urllib.parse

import fixtures
from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint
import requests_mock
from requests_mock.contrib import fixture as requests_mock_fixture
import testtools

from imageplugin import largeobject
from imageplugin import objectstore
from tests.support import files
from tests.unit import base

MiB = objectstore.MiB
ENDPOINT = 'http://127.0.0.1:8080/v1/AUTH_test'


def md5(data):
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def sha512(data):
    return hashlib.sha512(data).hexdigest()


class FakeSwift:
    """One account at ``endpoint`` (another region's: another endpoint)."""

    def __init__(self, mocker, endpoint=ENDPOINT):
        self.endpoint = endpoint
        self.account_path = urllib.parse.urlsplit(endpoint).path
        self.containers = {}
        self.account_meta = {}
        # Objects stored with their bytes altered (an ETag mismatch).
        self.damaged = set()
        self.without_etag = False
        self.slo = True
        # What a failing multipart-manifest=delete reports.
        self.slo_delete_errors = []
        self.sent = []  # (method, container, object, body bytes, request)
        self.mocker = mocker
        mocker.register_uri(
            requests_mock.ANY,
            re.compile(re.escape(endpoint) + r'(/|\?|$)'),
            content=self._answer,
        )

    def _answer(self, request, context):
        path = urllib.parse.unquote(urllib.parse.urlsplit(request.url).path)[
            len(self.account_path) :
        ]
        container, _, name = path.lstrip('/').partition('/')
        body = request.body
        if body is not None and not isinstance(body, (bytes, str)):
            body = b''.join(body)  # send the body as requests would
        if isinstance(body, str):
            body = body.encode()
        self.sent.append((request.method, container, name, body, request))
        if not container:
            return self._account(request, context)
        if not name:
            return self._container(request, context, container)
        return self._object(request, context, container, name, body)

    def _account(self, request, context):
        if request.method == 'POST':
            for header, value in request.headers.items():
                if header.lower().startswith('x-account-meta-'):
                    self.account_meta[header] = value
            context.status_code = 204
        else:
            context.status_code = 204
            context.headers.update(self.account_meta)
        return b''

    def _container(self, request, context, container):
        objects = self.containers.get(container)
        if request.method == 'PUT':
            self.containers.setdefault(container, {})
            context.status_code = 201
            return b''
        if objects is None:
            context.status_code = 404
            return b''
        if request.method == 'GET':
            query = urllib.parse.parse_qs(
                urllib.parse.urlsplit(request.url).query
            )
            prefix = query.get('prefix', [''])[0]
            marker = query.get('marker', [''])[0]
            names = sorted(
                n for n in objects if n.startswith(prefix) and n > marker
            )[:2]
            return json.dumps([{'name': n} for n in names]).encode()
        context.status_code = 204
        return b''

    def _object(self, request, context, container, name, body):
        objects = self.containers.get(container)
        if objects is None:
            context.status_code = 404
            return b''
        multipart = urllib.parse.parse_qs(
            urllib.parse.urlsplit(request.url).query
        ).get('multipart-manifest', [None])[0]
        if request.method == 'PUT':
            if request.headers.get('If-None-Match') == '*' and name in objects:
                context.status_code = 412
                return b'<html><h1>Precondition Failed</h1></html>'
            return self._put(
                context, objects, name, body, multipart, request.headers
            )
        stored = objects.get(name)
        if stored is None:
            context.status_code = 404
            return b''
        if request.method == 'DELETE':
            del objects[name]
            if multipart == 'delete' and self.slo_delete_errors:
                objects[name] = stored
                return json.dumps(
                    {
                        'Number Deleted': 0,
                        'Number Not Found': 0,
                        'Errors': self.slo_delete_errors,
                        'Response Status': '400 Bad Request',
                        'Response Body': '',
                    }
                ).encode()
            if multipart == 'delete' and stored.get('manifest'):
                for segment in stored['manifest']:
                    seg_container, _, seg_name = segment['path'].partition('/')
                    self.containers[seg_container].pop(seg_name)
                return json.dumps(
                    {
                        'Number Deleted': 1 + len(stored['manifest']),
                        'Number Not Found': 0,
                        'Errors': [],
                        'Response Status': '200 OK',
                        'Response Body': '',
                    }
                ).encode()
            context.status_code = 204
            return b''
        context.headers['Etag'] = stored['etag']
        context.headers.update(stored.get('meta', {}))
        if stored.get('manifest'):
            context.headers['X-Static-Large-Object'] = 'True'
        if request.method != 'GET':
            context.headers['Content-Length'] = str(
                len(self.content(container, name))
                if self._dlo_prefix(stored) is not None
                else stored['size']
            )
            return b''
        data = self.content(container, name)
        context.headers['Content-Length'] = str(len(data))
        wanted = request.headers.get('Range')
        if not wanted:
            return data
        first, _, last = wanted[len('bytes=') :].partition('-')
        start = len(data) - int(last) if not first else int(first)
        end = len(data) if not first or not last else int(last) + 1
        context.status_code = 206
        context.headers['Content-Range'] = (
            f'bytes {start}-{min(end, len(data)) - 1}/{len(data)}'
        )
        context.headers['Content-Length'] = str(len(data[start:end]))
        return data[start:end]

    def content(self, container, name):
        """What a GET of the object returns: its bytes, or its segments'
        (a Static or a Dynamic Large Object)."""
        stored = self.containers[container][name]
        if stored.get('manifest'):
            return b''.join(
                self.content(*segment['path'].partition('/')[::2])
                for segment in stored['manifest']
            )
        prefix = self._dlo_prefix(stored)
        if prefix is not None:
            seg_container, _, seg_prefix = prefix.partition('/')
            objects = self.containers.get(seg_container, {})
            return b''.join(
                objects[n]['data']
                for n in sorted(objects)
                if n.startswith(seg_prefix)
            )
        return stored['data']

    @staticmethod
    def _dlo_prefix(stored):
        return {k.lower(): v for k, v in stored.get('meta', {}).items()}.get(
            'x-object-manifest'
        )

    def add_dlo(self, container, name, segments):
        """A Dynamic Large Object of ``segments`` (bytes each), as
        Rackspace's export writes one: ``name-00001``... then the
        manifest."""
        objects = self.containers.setdefault(container, {})
        for index, data in enumerate(segments, 1):
            objects[f'{name}-{index:05d}'] = {
                'size': len(data),
                'etag': md5(data),
                'data': data,
            }
        etag = md5(''.join(md5(data) for data in segments).encode())
        objects[name] = {
            'size': 0,
            'etag': f'"{etag}"',
            'data': b'',
            'meta': {'X-Object-Manifest': f'{container}/{name}-'},
        }

    def _put(self, context, objects, name, body, multipart, headers):
        context.status_code = 201
        meta = {
            header: value
            for header, value in headers.items()
            if header.lower().startswith('x-object-meta-')
            or header.lower() == 'x-object-manifest'
        }
        if multipart == 'put' and self.slo:
            manifest = json.loads(body)
            for segment in manifest:
                seg_container, _, seg_name = segment['path'].partition('/')
                stored = self.containers[seg_container][seg_name]
                assert stored['etag'] == segment['etag'], segment
                assert stored['size'] == segment['size_bytes'], segment
            etag = md5(''.join(s['etag'] for s in manifest).encode())
            objects[name] = {
                'size': sum(s['size_bytes'] for s in manifest),
                'etag': f'"{etag}"',
                'manifest': manifest,
                'meta': meta,
            }
        else:
            if name in self.damaged:
                body = b'\0' + body[1:]
            objects[name] = {
                'size': len(body),
                'etag': md5(body),
                'data': body,
                'meta': meta,
            }
        if not self.without_etag:
            context.headers['Etag'] = objects[name]['etag']
        return b''

    def data(self, container, name):
        return self.containers[container][name]['data']

    def puts(self):
        """(container, object, body, request) of each object PUT."""
        return [
            (c, n, b, r) for m, c, n, b, r in self.sent if m == 'PUT' and n
        ]


class StoreTestCase(testtools.TestCase):
    """An ``ObjectStore`` client of a ``FakeSwift`` account that holds an
    empty container ``images``, and files in a temporary directory."""

    def setUp(self):
        super().setUp()
        mocker = self.useFixture(requests_mock_fixture.Fixture())
        self.swift = FakeSwift(mocker)
        self.swift.containers['images'] = {}
        session = ks_session.Session(
            auth=token_endpoint.Token(ENDPOINT, base.TOKEN)
        )
        self.store = objectstore.ObjectStore(session, ENDPOINT + '/')
        self.dir = self.useFixture(fixtures.TempDir()).path

    def write(self, name, data):
        return files.write_file(self.dir, name, data)

    def identity(self, path):
        return largeobject.file_identity(os.stat(path))

    def segment(self, index, path, segment_size=MiB, name='disk.raw'):
        return largeobject.segment_name(
            name, self.identity(path), segment_size, index
        )

    def large_file(self, size):
        """disk.raw of ``size`` random bytes, and its 1 MiB ``parts``."""
        self.data = os.urandom(size)
        self.size = size
        self.path = self.write('disk.raw', self.data)
        self.parts = [self.data[i : i + MiB] for i in range(0, size, MiB)]

    def object_puts(self, name='disk.raw'):
        return [request for _, n, _, request in self.swift.puts() if n == name]

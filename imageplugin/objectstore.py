"""Image files in a cloud's object storage (Swift, Rackspace Cloud Files).

A file goes up as one object or, above the segment size, as a Static
Large Object: segments sent several at once (one TCP stream is limited by
the round-trip time long before a real network is full), then a manifest
listing them.

Uploads of different files never meet (see ``file_identity``): segment
names hold the file's identity and the segment size, so running the same
upload again skips the segments the store already holds with the right
size and MD5, while another file's upload writes elsewhere. Every object
written carries that identity in ``IDENTITY_HEADER``: an object of
another file is never overwritten (``If-None-Match: *``) or deleted.

Nothing here may show a TempURL key or signature: not in an error and not
in keystoneauth's --debug log (``log=False`` on the requests that carry
one).
"""

import collections
import contextlib
import hashlib
import hmac
import json
import logging
import os
import queue
import secrets
import threading
import time
import urllib.parse

from osc_lib import exceptions

from imageplugin import http

LOG = logging.getLogger(__name__)
MiB = 1024 ** 2
GiB = 1024 ** 3
# Swift's default limits (max_file_size, max_manifest_segments,
# min_segment_size); Rackspace Cloud Files has the same.
MAX_OBJECT_SIZE = 5 * GiB
MAX_SEGMENTS = 1000
MIN_SEGMENT_SIZE = 1 * MiB
# Without a chosen segment size, a file is cut into as many segments as
# go up at once by default (DEFAULT_CONCURRENCY), of at least
# MIN_DEFAULT_SEGMENT_SIZE (fewer requests for a small file) and at most
# DEFAULT_SEGMENT_SIZE: small enough that an interrupted upload loses
# little, big enough that a 160 GiB image stays far below MAX_SEGMENTS.
# Through an emulated WAN (20 or 80 ms, 25 MB/s per connection), a 1 GiB
# file went up in 6.5 s in 8 segments of 128 MiB, 12 s in 4 of 256 MiB.
MIN_DEFAULT_SEGMENT_SIZE = 32 * MiB
DEFAULT_SEGMENT_SIZE = 256 * MiB
# Bytes per disk read and per socket send. Against 16 KiB sends (what
# urllib3 does with a file object) 1 MiB sends were 40% faster on
# loopback; 4 MiB gained nothing and cost memory.
CHUNK_SIZE = 1 * MiB
# Chunks read and hashed ahead of the one being sent: hashing while the
# last chunk goes out made uploads to a real Swift 15-30% faster.
READ_AHEAD = 4
# Segments sent at once, by default and at most. Through an emulated WAN
# (25 MB/s per connection, 32 MiB segments of a 256 MiB file), 8 were
# 5-12% faster than 4 at a round-trip time of 0, 20 and 80 ms, and 2 took
# 1.3-1.7 times as long as 4 (benchmarks/wan.py). MAX_CONCURRENCY is the
# connection pool of a keystoneauth session (requests' 10): more would
# open connections only to throw them away.
DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 10
# With several segments in flight, each reads, hashes and sends one chunk
# at a time (no read-ahead thread: the other segments fill the link
# meanwhile, and a thread and queue per segment cost 15% more CPU), and
# all their chunks stay within this: a worker's chunk shrinks as workers
# grow. Every MiB here adds to the peak RSS; 8 workers of 256 KiB kept a
# whole `import --file --wait` within 17 MiB of `openstack --version`.
PARALLEL_BUFFERS = 2 * MiB
MIN_CHUNK_SIZE = 64 * 1024

TEMP_URL_KEY = 'X-Account-Meta-Temp-URL-Key'
# The object metadata that names the file an upload came from.
IDENTITY_HEADER = 'X-Object-Meta-Imageplugin-File'
_TEMP_URL_KEYS = (TEMP_URL_KEY, TEMP_URL_KEY + '-2')
_OCTET_STREAM = {'Content-Type': 'application/octet-stream'}


class Upload(collections.namedtuple(
        'Upload', 'container name size etag segments reused digests',
        defaults=({},))):
    """What an upload left in the store.

    ``etag`` is the object's MD5, or for a Static Large Object the MD5 of
    its segments' MD5s (Swift's large-object ETag); ``segments`` is 0 for
    a single object; ``reused`` counts segments a previous run had stored;
    ``digests`` maps hash names (``md5``, ``sha512``) to the hex digests
    of the whole file computed while it was read.
    """

    __slots__ = ()


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
            'object_store_endpoint_override')
        if not override:
            # Logging in is all that goes over the network here.
            with http.translated_errors('Cannot find the object storage',
                                        'the identity service'):
                logged_in = instance.auth_ref is not None
            if not logged_in:
                # The token plugin would answer --os-endpoint, which is
                # the image service's.
                raise exceptions.CommandError(
                    'Cannot find the object storage: a token given with '
                    '--os-endpoint comes with no service catalog; set '
                    'object_store_endpoint_override in clouds.yaml, or use '
                    'a profile that logs in')
        endpoint = http.catalog_endpoint(
            instance, 'object-store', cls.service,
            'object_store_endpoint_override', region_name)
        return cls(instance.session, endpoint)

    def error_detail(self, response):
        detail = super().error_detail(response)
        if response.status_code == 401:
            detail += ('. The object storage did not accept the token: '
                       'check the credentials of your cloud profile')
        elif response.status_code == 403:
            detail += ('. Your role in this project does not allow it in '
                       'the object storage (Swift lets its operator roles, '
                       'often member or admin, write)')
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
                "empty or hold '/'")
        if self.exists(container):
            return False
        self.request('PUT', self.path(container),
                     f'Cannot create container {container}')
        return True

    def exists(self, container, name=None):
        """Whether the container (or the object in it) exists."""
        where = (f'container {container}' if name is None
                 else f'{container}/{name}')
        try:
            # log=False: a container's headers may hold its TempURL key.
            self.request('HEAD', self.path(container, name),
                         f'Cannot use {where}', log=False)
        except http.HTTPError as exc:
            if exc.http_status != 404:
                raise
            return False
        return True

    # Uploads

    def upload(self, container, name, path, segment_size=None,
               progress=None,
               identity=None, digest=None, concurrency=DEFAULT_CONCURRENCY):
        """Upload the file at ``path`` as ``container/name``.

        Files over ``segment_size`` bytes (``default_segment_size`` if
        None) become Static Large Objects, whose segments go up
        ``concurrency`` at a time.
        ``progress(done)`` hears the bytes done so far after each chunk
        (from one thread at a time). ``identity`` is the
        ``file_identity`` the caller named the upload after (a file that
        is no longer that one is refused); ``digest`` names a hash (e.g.
        ``sha512``) of the whole file to compute while it is read, for
        ``Upload.digests``. Returns an ``Upload``.
        """
        _check_concurrency(concurrency)
        with open(path, 'rb', buffering=0) as file:
            fd = file.fileno()
            before = os.fstat(fd)
            size = before.st_size
            segment_size = segment_size or default_segment_size(size)
            _check_segment_size(segment_size)
            if identity is None:
                identity = file_identity(before)
            elif identity != file_identity(before):
                raise exceptions.CommandError(
                    f'{path} changed after it was checked: run the command '
                    'again once nothing writes to it')
            with contextlib.suppress(AttributeError, OSError):
                # Reads go in order: let the kernel read further ahead.
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)
            target = _Target(container, name, identity,
                             self._owned_by(container, name, identity, path))
            if size <= segment_size:
                whole = None if digest in (None, 'md5') else _hasher(digest)
                body = _FileRange(fd, path, 0, size, progress, whole)
                etag = self._put(target, name, body,
                                 f'Cannot upload {path} to {container}/'
                                 f'{name}')
                _check_unchanged(fd, path, before)
                digests = {'md5': etag}
                if whole is not None:
                    digests[digest] = body.whole.hexdigest()
                return Upload(container, name, size, etag, 0, 0, digests)
            return self._upload_large(target, fd, path, before,
                                      segment_size, progress, digest,
                                      concurrency)

    def _owned_by(self, container, name, identity, path):
        """Whether ``container/name`` exists, written for this file.

        False if there is no such object; an object of another file is
        refused, before any byte is sent.
        """
        action = f'Cannot check {container}/{name}'
        try:
            response = self.request('HEAD', self.path(container, name),
                                    action)
        except http.HTTPError as exc:
            if exc.http_status == 404:
                return False
            raise
        if response.headers.get(IDENTITY_HEADER) != identity:
            raise ObjectTaken(
                f'Cannot upload {path} to {container}/{name}: the object '
                'storage already holds an object of that name that is not '
                'an upload of this file; choose another --object-name or '
                '--container')
        return True

    def _upload_large(self, target, fd, path, before, segment_size,
                      progress, digest, concurrency):
        container = target.container
        size = before.st_size
        segment_size = segment_size_for(size, segment_size)
        ranges = [(offset, min(segment_size, size - offset))
                  for offset in range(0, size, segment_size)]
        run = _Run(progress, len(ranges), min(concurrency, len(ranges)))
        whole = _WholeHasher(fd, path, ranges, digest, run) if digest \
            else None

        def body(index, offset, length):
            return _FileRange(fd, path, offset, length,
                              run.progress_of(index), stop=run.stopped,
                              chunk_size=run.chunk_size,
                              read_ahead=run.read_ahead)

        segment = self._segment_sender(
            target, ranges, segment_size, run, body,
            lambda segment, data: self._stored_etag(container, segment,
                                                    data),
            lambda index: f'upload segment {index} of {len(ranges)} of '
                          f'{path}')
        done = run.run(segment, whole)
        _check_unchanged(fd, path, before)
        digests = {digest: whole.hexdigest()} if whole else {}
        return self._finish_large(target, ranges, done, size, digests)

    def _finish_large(self, target, ranges, done, size, digests):
        """Write the manifest of the segments ``done`` (name, etag,
        whether it was stored already) of ``ranges``; return the
        ``Upload``."""
        container, name = target.container, target.name
        manifest = [{'path': f'{container}/{segment}', 'etag': etag,
                     'size_bytes': length}
                    for (segment, etag, _), (_, length)
                    in zip(done, ranges, strict=True)]
        reused = sum(1 for *_, was_stored in done if was_stored)
        action = f'Cannot write the manifest of {container}/{name}'
        body = json.dumps(manifest).encode()
        response = self._write(target, name, action, body,
                               params={'multipart-manifest': 'put'})
        if _etag(response) == _md5(body):
            # Without the slo middleware the manifest is just stored.
            raise exceptions.CommandError(
                f'{action}: this object storage stored the manifest as a '
                'plain object: it offers no Static Large Objects; upload '
                'with a segment size of at least the file size (at most '
                f'{MAX_OBJECT_SIZE // GiB} GiB)')
        slo_etag = _md5(''.join(item['etag'] for item in manifest).encode())
        return Upload(container, name, size, slo_etag, len(manifest),
                      reused, digests)

    # Copying from another object storage (another region's)

    def size(self, container, name):
        """An object's size in bytes (a large object's: all of them)."""
        response = self.request('HEAD', self.path(container, name),
                                f'Cannot read {container}/{name}')
        return int(response.headers.get('Content-Length') or 0)

    def copy_from(self, source, source_container, source_name, container,
                  name, segment_size=None, progress=None,
                  concurrency=DEFAULT_CONCURRENCY):
        """Stream an object of ``source`` (another region's
        ``ObjectStore``) into this store as ``container/name``, never
        through the local disk.

        Segments are read by ranged GETs and sent ``concurrency`` at a
        time into a Static Large Object (one PUT when the object fits in
        one ``segment_size``, ``default_segment_size`` if None); each
        one's MD5 as read is checked against the ETag this store
        answers. Segment names hold the source object's identity (its
        ETag, size and last change): the same copy run again sends only
        the segments still missing. ``progress`` is ``upload``'s.
        Returns an ``Upload``.
        """
        if segment_size is not None:
            _check_segment_size(segment_size)
        _check_concurrency(concurrency)
        where = f'{source_container}/{source_name}'
        head = source.request('HEAD', source.path(source_container,
                                                  source_name),
                              f'Cannot read {where}')
        size = int(head.headers.get('Content-Length') or 0)
        segment_size = segment_size or default_segment_size(size)
        identity = object_identity(head.headers)
        target = _Target(container, name, identity,
                         self._owned_by(container, name, identity, where))

        def body(offset, length, report=progress, stop=None,
                 chunk_size=CHUNK_SIZE):
            return _RemoteRange(source, source_container, source_name,
                                offset, length, report, stop, chunk_size)

        if size <= segment_size:
            etag = self._put(target, name, body(0, size),
                             f'Cannot copy {where} to {container}/{name}')
            return Upload(container, name, size, etag, 0, 0, {})
        segment_size = segment_size_for(size, segment_size)
        ranges = [(offset, min(segment_size, size - offset))
                  for offset in range(0, size, segment_size)]
        run = _Run(progress, len(ranges), min(concurrency, len(ranges)))

        segment = self._segment_sender(
            target, ranges, segment_size, run,
            lambda index, offset, length: body(
                offset, length, run.progress_of(index), run.stopped,
                run.chunk_size),
            # Its name holds the source's identity, and its MD5 was
            # checked when it was written: the right size is enough.
            lambda segment, data: self._stored_segment(container, segment,
                                                       len(data)),
            lambda index: f'copy segment {index} of {len(ranges)} of '
                          f'{where}')
        return self._finish_large(target, ranges, run.run(segment), size, {})

    def _segment_sender(self, target, ranges, segment_size, run, body,
                        stored, action):
        """``send(index)`` for ``_Run.run``: segment ``index`` of
        ``ranges`` sent unless ``stored(segment, body)`` finds its ETag in
        the store already. ``body(index, offset, length)`` makes its
        request body; ``action(index)`` ("upload segment 2 of 4 of x")
        names it in errors. Each gives (segment name, ETag, whether it was
        stored already)."""
        container, name = target.container, target.name

        def send(index):
            offset, length = ranges[index - 1]
            segment = segment_name(name, target.identity, segment_size,
                                   index)
            data = body(index, offset, length)
            etag = stored(segment, data)
            if etag:
                LOG.debug('Segment %d of %d already stored: %s', index,
                          len(ranges), segment)
                run.report(index, length)
                return segment, etag, True
            etag = self._put(target, segment, data,
                             f'Cannot {action(index)} to '
                             f'{container}/{name}')
            return segment, etag, False
        return send

    def _stored_etag(self, container, segment, body):
        """The segment's MD5 if the store holds exactly these bytes."""
        stored = self._stored_segment(container, segment, len(body))
        return stored if stored and stored == body.md5_from_disk() else None

    def _stored_segment(self, container, segment, length):
        """The ETag of a stored segment of ``length`` bytes, or None."""
        try:
            response = self.request('HEAD', self.path(container, segment),
                                    f'Cannot check segment {segment}')
        except http.HTTPError as exc:
            if exc.http_status == 404:
                return None
            raise
        if response.headers.get('Content-Length') != str(length):
            return None
        return _etag(response)

    def _write(self, target, name, action, data, params=None):
        """PUT an object of the upload, marked with the file's identity.

        A segment's name holds the identity: a store holding it already
        holds this file's bytes. The object itself is written over only
        if it was this file's when the upload began; otherwise the PUT
        asks Swift to refuse it if another upload wrote it meanwhile.
        """
        headers = dict(_OCTET_STREAM, **{IDENTITY_HEADER: target.identity})
        if name == target.name and not target.owned:
            headers['If-None-Match'] = '*'
        try:
            return self.request('PUT', self.path(target.container, name),
                                action, data=data, params=params,
                                headers=headers)
        except http.HTTPError as exc:
            if exc.http_status != 412:
                raise
            raise ObjectTaken(
                f'{action}: another upload wrote {target.container}/{name} '
                'meanwhile (HTTP 412); choose another --object-name or '
                '--container') from None

    def _put(self, target, name, body, action):
        """PUT a body; return its MD5 once the store confirmed it."""
        response = self._write(target, name, action, body)
        sent = body.md5.hexdigest()
        stored = _etag(response)
        if not stored:
            raise exceptions.CommandError(
                f'{action}: the object storage answered without an ETag, '
                'so the upload cannot be verified')
        if stored != sent:
            # Never left for a resumed upload to take as done.
            self._delete_quietly(target.container, name, action)
            raise exceptions.CommandError(
                f'{action}: the object storage stored data with MD5 '
                f'{stored}, but the MD5 of what was sent is {sent}: the '
                'data was damaged on the way; run the command again')
        return sent

    # Reading

    def read_range(self, container, name, byte_range):
        """Bytes of an object: ``byte_range`` as HTTP writes it
        (``bytes=0-1023``, ``bytes=-512``). Returns them and the object's
        whole size."""
        response = self.request(
            'GET', self.path(container, name),
            f'Cannot read {container}/{name}',
            headers={'Range': byte_range}, log=False)
        total = response.headers.get('Content-Range', '').rpartition('/')[2]
        return response.content, (int(total) if total.isdigit()
                                  else len(response.content))

    # Deleting

    def delete(self, container, name, identity=None):
        """Delete an upload; for a Static Large Object also its segments.

        With the ``file_identity`` of the upload's file, the object is
        deleted only if it is that file's upload, and so are the segments
        that earlier uploads of that file left; another file's upload of
        that name is never touched. True if the object existed.
        """
        action = f'Cannot delete {container}/{name}'
        try:
            head = self.request('HEAD', self.path(container, name), action)
        except http.HTTPError as exc:
            if exc.http_status != 404:
                raise
            head = None
        if head is not None and identity is not None and head.headers.get(
                IDENTITY_HEADER) != identity:
            raise ObjectTaken(
                f'{action}: it is no longer an upload of this file (another '
                'upload wrote it), so it was left alone')
        large = head is not None and head.headers.get(
            'X-Static-Large-Object', '').lower() == 'true'
        dynamic = head is not None and head.headers.get('X-Object-Manifest')
        if dynamic:
            # A Dynamic Large Object (Rackspace's export writes them): its
            # segments are the objects under its prefix, deleted when the
            # prefix is this object's own (``<name>-00001``...).
            segments_container, _, prefix = urllib.parse.unquote(
                dynamic).partition('/')
            if segments_container == container and prefix.startswith(name):
                for segment in list(self._names(container, prefix)):
                    if segment != name:
                        self._delete_quietly(container, segment, action)
            self._delete_quietly(container, name, action)
        elif large:
            response = self.request(
                'DELETE', self.path(container, name), action,
                params={'multipart-manifest': 'delete'})
            _check_bulk_report(response, action)
        elif head is not None:
            self._delete_quietly(container, name, action)
        if identity is not None:
            for leftover in self._names(container,
                                        segments_prefix(name, identity)):
                self._delete_quietly(container, leftover,
                                     f'Cannot delete segment {leftover}')
                LOG.debug('Deleted the leftover segment %s', leftover)
        LOG.debug('Deleted %s/%s%s', container, name,
                  ' and its segments' if large else '')
        return head is not None

    def _delete_quietly(self, container, name, action):
        # Another client, or a listing that lags, may name a gone object.
        try:
            self.request('DELETE', self.path(container, name), action)
        except http.HTTPError as exc:
            if exc.http_status != 404:
                raise

    def _names(self, container, prefix):
        """Names of the objects in the container that start with prefix."""
        params = {'format': 'json', 'prefix': prefix}
        action = f'Cannot list container {container}'
        while True:
            try:
                page = self.request_json('GET', self.path(container),
                                         action, params=params)
            except http.HTTPError as exc:
                if exc.http_status == 404:
                    return
                raise
            if not page:
                return
            yield from (item['name'] for item in page)
            params['marker'] = page[-1]['name']

    # TempURLs

    def temp_url_key(self):
        """The account's TempURL key; set a random one if it has none."""
        key = self._stored_temp_url_key()
        if key:
            return key
        action = 'Cannot set a TempURL key on the object storage account'
        key = secrets.token_hex(32)
        with _kept_out(key):
            self.request('POST', '', action, headers={TEMP_URL_KEY: key},
                         log=False)
        # Read it back: of two clients setting a key at once, the one the
        # store kept is the one that signs.
        stored = self._stored_temp_url_key()
        if not stored:
            raise exceptions.CommandError(
                f'{action}: the account did not keep the key')
        return stored

    def _stored_temp_url_key(self):
        response = self.request('HEAD', '', 'Cannot read the object '
                                'storage account', log=False)
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
        signature = hmac.new(key.encode(), f'GET\n{expires}\n{signed}'
                             .encode(), hashlib.sha256).hexdigest()
        return url + '?' + urllib.parse.urlencode(
            {'temp_url_sig': signature, 'temp_url_expires': expires})


def default_segment_size(size):
    """The segment size for a file of ``size`` bytes when none is chosen.

    From the size alone, so that a resumed upload (even at another
    concurrency) cuts the file as the interrupted one did.
    """
    per_segment = -(-size // DEFAULT_CONCURRENCY)
    per_segment = -(-per_segment // MiB) * MiB
    return max(MIN_DEFAULT_SEGMENT_SIZE,
               min(DEFAULT_SEGMENT_SIZE, per_segment))


def segment_size_for(size, segment_size):
    """The segment size to use: raised if the file needs too many."""
    least = -(-size // MAX_SEGMENTS)
    if segment_size >= least:
        return segment_size
    least = -(-least // MiB) * MiB
    if least > MAX_OBJECT_SIZE:
        raise exceptions.CommandError(
            f'The file is too big for the object storage: {size} bytes '
            f'would need more than {MAX_SEGMENTS} segments of '
            f'{MAX_OBJECT_SIZE // GiB} GiB')
    return least


def file_identity(stat_result):
    """A short name for one file in one state, from its ``os.stat()``.

    The device and inode tell two files apart even when their names and
    sizes are equal (``a/disk.raw`` and ``b/disk.raw`` uploaded at once);
    the size and the modification time in nanoseconds tell a file from
    what it was before it was written to. Nothing here reads the content,
    so finding it costs nothing on a 100 GiB file, and it stays the same
    when the same command runs again after Ctrl-C, which is what lets an
    upload resume. A copy of the file elsewhere has another identity and
    is uploaded anew. Reused segments are checked against the file's
    bytes by their MD5 anyway: the identity keeps runs apart, it does not
    vouch for data. 48 bits of SHA-256: files met by one container never
    come near a collision.
    """
    text = (f'{stat_result.st_dev}:{stat_result.st_ino}:'
            f'{stat_result.st_size}:{stat_result.st_mtime_ns}')
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def object_identity(headers):
    """``file_identity`` of an object of another store, from its HEAD:
    its ETag, size and last change name one state of it."""
    text = (f'{headers.get("Etag", "")}:{headers.get("Content-Length")}:'
            f'{headers.get("Last-Modified", "")}')
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def default_object_name(file_name, identity):
    """``disk.raw`` as ``disk-<identity>.raw``: one object per file."""
    stem, extension = os.path.splitext(file_name)
    return f'{stem}-{identity}{extension}'


def segments_prefix(name, identity):
    """Where the segments of the uploads of one file as ``name`` go."""
    return f'{name}.segments/{identity}/'


def segment_name(name, identity, segment_size, index):
    """Where segment ``index`` (from 1) of an upload goes.

    Next to the object, so one container (its rights, its region) holds
    all; the file's identity keeps another file's upload of that name
    out, and the segment size a resumed upload cut another way.
    """
    return f'{segments_prefix(name, identity)}{segment_size}/{index:06d}'


def _check_segment_size(segment_size):
    if not MIN_SEGMENT_SIZE <= segment_size <= MAX_OBJECT_SIZE:
        raise exceptions.CommandError(
            f'Invalid segment size {segment_size}: it must be from '
            f'{MIN_SEGMENT_SIZE // MiB} MiB to {MAX_OBJECT_SIZE // GiB} GiB')


def _check_concurrency(concurrency):
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise exceptions.CommandError(
            f'Invalid upload concurrency {concurrency}: it must be from 1 '
            f'to {MAX_CONCURRENCY}')


def buffers(workers):
    """(chunk size, chunks read ahead) of each of ``workers`` segments in
    flight: one has the whole CHUNK_SIZE and READ_AHEAD; more read in
    turn (the other segments keep the link busy meanwhile) and share
    ``PARALLEL_BUFFERS``, a chunk each."""
    if workers == 1:
        return CHUNK_SIZE, READ_AHEAD
    chunk_size = PARALLEL_BUFFERS // workers
    # A power of two, so that reads stay aligned with pages.
    chunk_size = 1 << (chunk_size.bit_length() - 1)
    return max(MIN_CHUNK_SIZE, min(CHUNK_SIZE, chunk_size)), 0


def _check_unchanged(fd, path, before):
    after = os.fstat(fd)
    if (after.st_size, after.st_mtime_ns) != (before.st_size,
                                              before.st_mtime_ns):
        raise exceptions.CommandError(
            f'{path} changed while it was being uploaded: upload it again '
            'once nothing writes to it')


def _check_bulk_report(response, action):
    # Swift answers 200 and tells a failed segment delete in the body.
    try:
        report = response.json()
    except ValueError:
        return
    status = str(report.get('Response Status', ''))
    if status and not status.startswith('2'):
        errors = report.get('Errors') or []
        detail = '; '.join(f'{name}: {why}' for name, why in errors[:3])
        raise exceptions.CommandError(
            f'{action}: {report.get("Response Body") or status}'
            + (f' ({detail})' if detail else ''))


def _etag(response):
    return response.headers.get('Etag', '').strip('"').lower()


def _md5(data):
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _hasher(name):
    # An integrity check, not a security one (FIPS hosts allow MD5 so).
    return hashlib.new(name, usedforsecurity=False)


@contextlib.contextmanager
def _kept_out(secret):
    """Re-raise an error that quotes ``secret`` with it blotted out."""
    try:
        yield
    except exceptions.CommandError as exc:
        if secret in str(exc):
            raise exceptions.CommandError(
                str(exc).replace(secret, '<redacted>')) from None
        raise


class _Target(collections.namedtuple(
        '_Target', 'container name identity owned')):
    """The object an upload writes; ``owned``: it is this file's already."""

    __slots__ = ()


class _Stopped(Exception):
    """A segment given up: the upload was interrupted."""


class _Run:
    """The segments of one upload, sent by ``workers`` threads at once.

    Each worker takes the next segment, in order, until none is left or
    one failed; the segments it has started then end (what they stored
    stays for a resumed upload) and the first failure is raised. The
    calling thread only waits, so Ctrl-C (KeyboardInterrupt) reaches it
    at once: it stops the segments being sent at their next chunk (an
    unfinished PUT stores nothing; running again sends it anew) and
    leaves the threads to end on their own (they are daemons).

    It also sums the bytes done by every segment for the one progress
    callback, called under a lock, and never again once stopped.
    """

    def __init__(self, progress, count, workers):
        self.progress = progress
        self.count = count
        self.workers = max(1, workers)
        self.chunk_size, self.read_ahead = buffers(self.workers)
        self.stopped = threading.Event()
        self.failed = False
        self.started = [threading.Event() for _ in range(count + 1)]
        self._lock = threading.Lock()
        self._done = {}
        self._total = 0

    def report(self, index, done):
        """Segment ``index`` has ``done`` of its bytes sent (again)."""
        with self._lock:
            self._total += done - self._done.get(index, 0)
            self._done[index] = done
            if self.progress and not self.stopped.is_set():
                self.progress(self._total)

    def progress_of(self, index):
        return lambda done: self.report(index, done)

    def run(self, send, whole=None):
        """``send(index)`` for each segment; return their results in order.

        ``whole``, a ``_WholeHasher``, hashes the file meanwhile.
        """
        todo = queue.SimpleQueue()
        for index in range(1, self.count + 1):
            todo.put(index)
        results = queue.SimpleQueue()

        def work():
            try:
                while not self.failed and not self.stopped.is_set():
                    try:
                        index = todo.get_nowait()
                    except queue.Empty:
                        return
                    self.started[index].set()
                    try:
                        results.put((index, send(index)))
                    except BaseException as exc:  # raised by the caller
                        self.failed = True
                        results.put((index, exc))
            finally:
                results.put(None)

        threads = [threading.Thread(target=work, daemon=True,
                                    name=f'imageplugin-segments-{number}')
                   for number in range(self.workers)]
        done = {}
        errors = []
        try:
            if whole is not None:
                whole.start()
            for thread in threads:
                thread.start()
            ended = 0
            while ended < len(threads):
                result = results.get()
                if result is None:
                    ended += 1
                elif isinstance(result[1], BaseException):
                    errors.append(result)
                else:
                    done[result[0]] = result[1]
            if errors:
                # The first segment's error: the one the others followed.
                raise min(errors, key=lambda error: error[0])[1]
            if whole is not None:
                whole.finish()
        except BaseException:
            self.stop()
            raise
        return [done[index] for index in range(1, self.count + 1)]

    def stop(self):
        with self._lock:
            self.stopped.set()
        # Whatever is still waiting for a segment to start gives up.
        for started in self.started:
            started.set()


class _WholeHasher(threading.Thread):
    """The hash of the whole file, read in order while segments go up.

    The segments end in any order, and a hash needs the bytes in order:
    this thread reads each segment's range once that segment has started
    (so a file bigger than the page cache is not read ahead of the
    upload), the same bytes its sender reads.
    """

    def __init__(self, fd, path, ranges, digest, run):
        super().__init__(daemon=True, name='imageplugin-whole-file-hash')
        self.hasher = _hasher(digest)
        self.bodies = [_FileRange(fd, path, offset, length)
                       for offset, length in ranges]
        self.segments = run
        self.error = None

    def run(self):
        try:
            for index, body in enumerate(self.bodies, 1):
                self.segments.started[index].wait()
                for chunk in body.chunks():
                    if self.segments.stopped.is_set():
                        return
                    self.hasher.update(chunk)
        except Exception as exc:  # raised again by finish()
            self.error = exc

    def finish(self):
        self.join()
        if self.error is not None:
            raise self.error

    def hexdigest(self):
        return self.hasher.hexdigest()


class _RemoteRange:
    """Bytes ``offset`` to ``offset + length`` of an object of another
    store, as a request body: read by a ranged GET while they are sent,
    ``chunk_size`` at a time. Each iteration reads them anew (keystoneauth
    sends a request again after a 401) and leaves ``md5`` the MD5 of what
    went out; ``progress`` and ``stop`` are ``_FileRange``'s.
    """

    def __init__(self, store, container, name, offset, length,
                 progress=None, stop=None, chunk_size=CHUNK_SIZE):
        self.store = store
        self.container = container
        self.name = name
        self.offset = offset
        self.length = length
        self.progress = progress
        self.stop = stop
        self.chunk_size = chunk_size
        self.md5 = hashlib.md5(usedforsecurity=False)

    def __len__(self):
        return self.length

    def __repr__(self):
        return (f'<{self.length} bytes of {self.container}/{self.name} '
                f'from {self.offset}>')

    def __iter__(self):
        self.md5 = hashlib.md5(usedforsecurity=False)
        where = f'{self.container}/{self.name}'
        last = self.offset + self.length - 1
        response = self.store.request(
            'GET', self.store.path(self.container, self.name),
            f'Cannot read {where}', stream=True, log=False,
            headers={'Range': f'bytes={self.offset}-{last}',
                     'Accept': '*/*'})
        done = 0
        try:
            for chunk in response.iter_content(self.chunk_size):
                if self.stop is not None and self.stop.is_set():
                    raise _Stopped(f'{self!r}: interrupted')
                chunk = chunk[:self.length - done]
                self.md5.update(chunk)
                yield chunk
                done += len(chunk)
                if self.progress:
                    self.progress(done)
        finally:
            response.close()
        if done != self.length:
            raise exceptions.CommandError(
                f'{where} ended after {self.offset + done} bytes, short of '
                f'{last + 1}: it changed while it was being copied')


class _FileRange:
    """Bytes ``offset`` to ``offset + length`` of a file, as a request body.

    requests sends an object with a length with Content-Length (not
    chunked), and urllib3 hands each chunk an iterable yields to one
    sendall(): ``chunk_size`` sends, where a file object would go out in
    16 KiB ones. With ``read_ahead``, a thread reads and hashes the next
    chunks while this one is sent (both release the GIL), at most that
    many ahead, so memory stays a few MiB whatever the size; with 0 they
    are read in turn. Each iteration starts
    again at ``offset`` (keystoneauth sends a request again after a 401)
    and leaves ``md5`` the MD5 of what went out. ``progress(done)`` hears
    the bytes of the range sent so far; once ``stop`` (an Event) is set,
    sending gives up at the next chunk.

    ``whole_before`` is a hash of the file up to ``offset``: each reading
    of the range (the request's, or ``md5_from_disk``) goes on from a copy
    of it in the same pass as the MD5, and leaves it in ``whole``, hashed
    up to the range's end. Reading twice never hashes twice.
    """

    def __init__(self, fd, path, offset, length, progress=None,
                 whole_before=None, stop=None, chunk_size=CHUNK_SIZE,
                 read_ahead=READ_AHEAD):
        self.fd = fd
        self.path = path
        self.offset = offset
        self.length = length
        self.progress = progress
        self.md5 = hashlib.md5(usedforsecurity=False)
        self.whole_before = whole_before
        self.whole = None
        self.stop = stop
        self.chunk_size = chunk_size
        self.read_ahead = read_ahead

    def __len__(self):
        return self.length

    def __repr__(self):
        # keystoneauth's --debug log shows a body as its repr.
        return f'<{self.length} bytes of {self.path} from {self.offset}>'

    def _hashers(self):
        md5 = self.md5 = hashlib.md5(usedforsecurity=False)
        if self.whole_before is None:
            return md5, (md5,)
        self.whole = self.whole_before.copy()
        return md5, (md5, self.whole)

    def _stopped(self):
        return self.stop is not None and self.stop.is_set()

    def __iter__(self):
        _, hashers = self._hashers()
        hashed = self._hashed(hashers)
        chunks = self._read_ahead(hashed) if self.read_ahead else hashed
        done = 0
        try:
            for chunk in chunks:
                if self._stopped():
                    raise _Stopped(f'{self!r}: interrupted')
                yield chunk
                done += len(chunk)
                if self.progress:
                    self.progress(done)
        finally:
            chunks.close()

    def _read_ahead(self, chunks):
        """``chunks``, read by a thread at most ``read_ahead`` ahead."""
        ahead = queue.Queue(self.read_ahead)
        stop = threading.Event()

        def offer(item):
            # Give up when the request ended early (the socket failed).
            while not stop.is_set():
                try:
                    ahead.put(item, timeout=0.1)
                    return True
                except queue.Full:
                    pass
            return False

        def read():
            try:
                for chunk in chunks:
                    if not offer(chunk):
                        return
            except Exception as exc:  # raised again by the sending side
                offer(exc)
                return
            offer(None)

        reader = threading.Thread(target=read, daemon=True,
                                  name='imageplugin-read-ahead')
        reader.start()
        try:
            while (chunk := ahead.get()) is not None:
                if isinstance(chunk, Exception):
                    raise chunk
                yield chunk
        finally:
            stop.set()
            reader.join()

    def md5_from_disk(self):
        md5, hashers = self._hashers()
        for _ in self._hashed(hashers):
            if self._stopped():
                raise _Stopped(f'{self!r}: interrupted')
        return md5.hexdigest()

    def _hashed(self, hashers):
        for chunk in self.chunks():
            for hasher in hashers:
                hasher.update(chunk)
            yield chunk

    def chunks(self):
        done = 0
        while done < self.length:
            chunk = os.pread(self.fd,
                             min(self.chunk_size, self.length - done),
                             self.offset + done)
            if not chunk:
                raise exceptions.CommandError(
                    f'{self.path} shrank while it was being uploaded: '
                    'upload it again once nothing writes to it')
            done += len(chunk)
            yield chunk

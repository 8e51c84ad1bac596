# SPDX-License-Identifier: Apache-2.0
"""Uploads and copies into the object storage, resumable.

A local file (``upload``) or an object of another store, another region's
(``copy_from``), goes up as one object or, above the segment size, as the
segments of a Static Large Object sent several at once
(``segmentrun.SegmentRun``), then its manifest (see ``largeobject``).

Every object written carries the source's identity in
``objectstore.IDENTITY_HEADER``: an object of another file is never
overwritten (``If-None-Match: *``), and running the same transfer again
skips the segments the store already holds with the right size and MD5.
"""

import collections
import contextlib
import json
import logging
import os

from osc_lib import exceptions

from imageplugin import bodies
from imageplugin import http
from imageplugin import largeobject
from imageplugin import objectstore
from imageplugin import segmentrun

LOG = logging.getLogger(__name__)
_OCTET_STREAM = {'Content-Type': 'application/octet-stream'}


class Upload(
    collections.namedtuple(
        'Upload',
        'container name size etag segments reused digests',
        defaults=({},),
    )
):
    """What an upload left in the store.

    ``etag`` is the object's MD5, or for a Static Large Object the MD5 of
    its segments' MD5s (Swift's large-object ETag); ``segments`` is 0 for
    a single object; ``reused`` counts segments a previous run had stored;
    ``digests`` maps hash names (``md5``, ``sha512``) to the hex digests
    of the whole file computed while it was read.
    """

    __slots__ = ()


def upload(
    store,
    container,
    name,
    path,
    segment_size=None,
    progress=None,
    identity=None,
    digest=None,
    concurrency=objectstore.DEFAULT_CONCURRENCY,
):
    """Upload the file at ``path`` as ``container/name`` of ``store``.

    Files over ``segment_size`` bytes (``largeobject.default_segment_size``
    if None) become Static Large Objects, whose segments go up
    ``concurrency`` at a time. ``progress(done)`` hears the bytes done so
    far after each chunk (from one thread at a time). ``identity`` is the
    ``largeobject.file_identity`` the caller named the upload after (a
    file that is no longer that one is refused); ``digest`` names the
    hashes (e.g. ``('md5', 'sha256')``, or one name) of the whole file to
    compute while it is read, for ``Upload.digests``. Returns an
    ``Upload``; raises ``bodies.FileChanged`` if the file changed meanwhile.
    """
    check_concurrency(concurrency)
    with open(path, 'rb', buffering=0) as file:
        fd = file.fileno()
        before = os.fstat(fd)
        size = before.st_size
        segment_size = segment_size or largeobject.default_segment_size(size)
        largeobject.check_segment_size(segment_size)
        if identity is None:
            identity = largeobject.file_identity(before)
        elif identity != largeobject.file_identity(before):
            raise bodies.FileChanged(
                f'{path} changed after it was checked: run the command '
                'again once nothing writes to it'
            )
        with contextlib.suppress(AttributeError, OSError):
            # Reads go in order: let the kernel read further ahead.
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)
        target = _Target(store, container, name, identity, path)
        digest = _names(digest)
        if size <= segment_size:
            # The store's ETag is the MD5 of a single object.
            more = [each for each in digest if each != 'md5']
            whole = bodies.Hashes(more) if more else None
            body = bodies.FileRange(fd, path, 0, size, progress, whole)
            etag = target.put(
                name, body, f'Cannot upload {path} to {container}/{name}'
            )
            check_unchanged(fd, path, before)
            digests = {'md5': etag}
            if whole is not None:
                digests.update(body.whole.hexdigests())
            return Upload(container, name, size, etag, 0, 0, digests)
        return _upload_large(
            target,
            fd,
            path,
            before,
            segment_size,
            progress,
            digest,
            concurrency,
        )


def _upload_large(
    target, fd, path, before, segment_size, progress, digest, concurrency
):
    size = before.st_size
    segment_size = largeobject.segment_size_for(size, segment_size)
    ranges = largeobject.segment_ranges(size, segment_size)
    run = segmentrun.SegmentRun(
        progress, len(ranges), min(concurrency, len(ranges))
    )
    whole = (
        segmentrun.WholeFileHasher(fd, path, ranges, digest, run)
        if digest
        else None
    )

    def body(index, offset, length):
        return bodies.FileRange(
            fd,
            path,
            offset,
            length,
            run.progress_of(index),
            stop=run.stopped,
            chunk_size=run.chunk_size,
            read_ahead=run.read_ahead,
        )

    segment = target.sender(
        ranges,
        segment_size,
        run,
        body,
        target.stored_etag,
        lambda index: f'upload segment {index} of {len(ranges)} of {path}',
    )
    done = run.run(segment, whole)
    check_unchanged(fd, path, before)
    digests = whole.hexdigests() if whole else {}
    return target.finish(ranges, done, size, digests)


def _names(digest):
    """The hash names ``digest`` asks for: one name, or several."""
    if digest is None:
        return ()
    return (digest,) if isinstance(digest, str) else tuple(digest)


def copy_from(
    store,
    source,
    source_container,
    source_name,
    container,
    name,
    segment_size=None,
    progress=None,
    concurrency=objectstore.DEFAULT_CONCURRENCY,
):
    """Stream an object of ``source`` (another region's ``ObjectStore``)
    into ``store`` as ``container/name``, never through the local disk.

    Segments are read by ranged GETs and sent ``concurrency`` at a time
    into a Static Large Object (one PUT when the object fits in one
    ``segment_size``, ``largeobject.default_segment_size`` if None); each
    one's MD5 as read is checked against the ETag the store answers.
    Segment names hold the source object's identity (its ETag, size and
    last change): the same copy run again sends only the segments still
    missing. ``progress`` is ``upload``'s. Returns an ``Upload``.
    """
    if segment_size is not None:
        largeobject.check_segment_size(segment_size)
    check_concurrency(concurrency)
    where = f'{source_container}/{source_name}'
    head = source.request(
        'HEAD',
        source.path(source_container, source_name),
        f'Cannot read {where}',
    )
    size = int(head.headers.get('Content-Length') or 0)
    segment_size = segment_size or largeobject.default_segment_size(size)
    target = _Target(
        store,
        container,
        name,
        largeobject.object_identity(head.headers),
        where,
    )

    def body(
        offset,
        length,
        report=progress,
        stop=None,
        chunk_size=bodies.CHUNK_SIZE,
    ):
        return bodies.RemoteRange(
            source,
            source_container,
            source_name,
            offset,
            length,
            report,
            stop,
            chunk_size,
        )

    if size <= segment_size:
        etag = target.put(
            name, body(0, size), f'Cannot copy {where} to {container}/{name}'
        )
        return Upload(container, name, size, etag, 0, 0, {})
    segment_size = largeobject.segment_size_for(size, segment_size)
    ranges = largeobject.segment_ranges(size, segment_size)
    run = segmentrun.SegmentRun(
        progress, len(ranges), min(concurrency, len(ranges))
    )
    segment = target.sender(
        ranges,
        segment_size,
        run,
        lambda index, offset, length: body(
            offset, length, run.progress_of(index), run.stopped, run.chunk_size
        ),
        # Its name holds the source's identity, and its MD5 was checked
        # when it was written: the right size is enough.
        lambda segment, data: target.stored_segment(segment, len(data)),
        lambda index: f'copy segment {index} of {len(ranges)} of {where}',
    )
    return target.finish(ranges, run.run(segment), size, {})


def check_concurrency(concurrency):
    if not 1 <= concurrency <= objectstore.MAX_CONCURRENCY:
        raise exceptions.CommandError(
            f'Invalid upload concurrency {concurrency}: it must be from 1 '
            f'to {objectstore.MAX_CONCURRENCY}'
        )


def check_unchanged(fd, path, before):
    """Raise ``bodies.FileChanged`` if the open file is no longer as its
    ``os.fstat()`` ``before`` the upload saw it."""
    after = os.fstat(fd)
    if (after.st_size, after.st_mtime_ns) != (
        before.st_size,
        before.st_mtime_ns,
    ):
        raise bodies.FileChanged(
            f'{path} changed while it was being uploaded: upload it again '
            'once nothing writes to it'
        )


def check_target(store, container, name, identity, where):
    """Refuse as an upload would, before its first byte, an object of
    that name that another source wrote (``objectstore.ObjectTaken``)."""
    _Target(store, container, name, identity, where)


class _Target:
    """The object a transfer writes into ``store``, for the source of
    ``identity`` (named ``where`` in errors).

    ``owned``: the object exists already, written for this source; an
    object of another source is refused before any byte is sent.
    """

    def __init__(self, store, container, name, identity, where):
        self.store = store
        self.container = container
        self.name = name
        self.identity = identity
        self.owned = self._owned_by(where)

    def _owned_by(self, where):
        container, name = self.container, self.name
        action = f'Cannot check {container}/{name}'
        try:
            response = self.store.request(
                'HEAD', self.store.path(container, name), action
            )
        except http.HTTPError as exc:
            if exc.http_status == 404:
                return False
            raise
        if response.headers.get(objectstore.IDENTITY_HEADER) != self.identity:
            raise objectstore.ObjectTaken(
                f'Cannot upload {where} to {container}/{name}: the object '
                'storage already holds an object of that name that is not '
                'an upload of this file; choose another --object-name or '
                '--container'
            )
        return True

    def sender(self, ranges, segment_size, run, body, stored, action):
        """``send(index)`` for ``SegmentRun.run``: segment ``index`` of
        ``ranges`` sent unless ``stored(segment, body)`` finds its ETag in
        the store already. ``body(index, offset, length)`` makes its
        request body; ``action(index)`` ("upload segment 2 of 4 of x")
        names it in errors. Each gives (segment name, ETag, whether it was
        stored already)."""

        def send(index):
            offset, length = ranges[index - 1]
            segment = largeobject.segment_name(
                self.name, self.identity, segment_size, index
            )
            data = body(index, offset, length)
            etag = stored(segment, data)
            if etag:
                LOG.debug(
                    'Segment %d of %d already stored: %s',
                    index,
                    len(ranges),
                    segment,
                )
                run.report(index, length)
                return segment, etag, True
            etag = self.put(
                segment,
                data,
                f'Cannot {action(index)} to {self.container}/{self.name}',
            )
            return segment, etag, False

        return send

    def stored_etag(self, segment, body):
        """The segment's MD5 if the store holds exactly these bytes."""
        stored = self.stored_segment(segment, len(body))
        return stored if stored and stored == body.md5_from_disk() else None

    def stored_segment(self, segment, length):
        """The ETag of a stored segment of ``length`` bytes, or None."""
        try:
            response = self.store.request(
                'HEAD',
                self.store.path(self.container, segment),
                f'Cannot check segment {segment}',
            )
        except http.HTTPError as exc:
            if exc.http_status == 404:
                return None
            raise
        if response.headers.get('Content-Length') != str(length):
            return None
        return objectstore.etag(response)

    def write(self, name, action, data, params=None):
        """PUT an object of the transfer, marked with the source's identity.

        A segment's name holds the identity: a store holding it already
        holds this source's bytes. The object itself is written over only
        if it was this source's when the transfer began; otherwise the PUT
        asks Swift to refuse it if another transfer wrote it meanwhile.
        """
        headers = dict(
            _OCTET_STREAM, **{objectstore.IDENTITY_HEADER: self.identity}
        )
        if name == self.name and not self.owned:
            headers['If-None-Match'] = '*'
        try:
            return self.store.request(
                'PUT',
                self.store.path(self.container, name),
                action,
                data=data,
                params=params,
                headers=headers,
            )
        except http.HTTPError as exc:
            if exc.http_status != 412:
                raise
            raise objectstore.ObjectTaken(
                f'{action}: another upload wrote {self.container}/{name} '
                'meanwhile (HTTP 412); choose another --object-name or '
                '--container'
            ) from None

    def put(self, name, body, action):
        """PUT a body; return its MD5 once the store confirmed it."""
        response = self.write(name, action, body)
        sent = body.md5.hexdigest()
        stored = objectstore.etag(response)
        if not stored:
            raise exceptions.CommandError(
                f'{action}: the object storage answered without an ETag, '
                'so the upload cannot be verified'
            )
        if stored != sent:
            # Never left for a resumed upload to take as done.
            self.store.delete_quietly(self.container, name, action)
            raise exceptions.CommandError(
                f'{action}: the object storage stored data with MD5 '
                f'{stored}, but the MD5 of what was sent is {sent}: the '
                'data was damaged on the way; run the command again'
            )
        return sent

    def finish(self, ranges, done, size, digests):
        """Write the manifest of the segments ``done`` (name, etag,
        whether it was stored already) of ``ranges``; return the
        ``Upload``."""
        container, name = self.container, self.name
        manifest = largeobject.manifest(container, done, ranges)
        reused = sum(1 for *_, was_stored in done if was_stored)
        action = f'Cannot write the manifest of {container}/{name}'
        body = json.dumps(manifest).encode()
        response = self.write(
            name, action, body, params={'multipart-manifest': 'put'}
        )
        if objectstore.etag(response) == bodies.md5_hex(body):
            # Without the slo middleware the manifest is just stored.
            raise exceptions.CommandError(
                f'{action}: this object storage stored the manifest as a '
                'plain object: it offers no Static Large Objects; upload '
                'with a segment size of at least the file size (at most '
                f'{objectstore.MAX_OBJECT_SIZE // objectstore.GiB} GiB)'
            )
        return Upload(
            container,
            name,
            size,
            largeobject.manifest_etag(manifest),
            len(manifest),
            reused,
            digests,
        )

# SPDX-License-Identifier: Apache-2.0
"""A source that needs this client's own hands: compressed, or with a
published checksum to verify (``--checksum``, ``--checksum-from``).

Glance's web-download and tasks API can neither decompress nor verify:
such a source is read once by this client, its published bytes hashed
and decompressed while they stream, and it goes as a ``--file`` would.
By glance-direct it is sent as it is read (``streamed``: Glance's stage
takes a chunked body), its digest compared before the import is asked
for; the object storage route reads a file (its segments resume from
offsets), so the source is read into a temporary file first
(``spooled``), compared before anything is created. Either way an image
that is not the one published never becomes active. The plan says so
(``planned``).
"""

import collections
import contextlib
import dataclasses
import os
import tempfile

from osc_lib import exceptions

from imageplugin import checksums
from imageplugin import compression
from imageplugin import imagefile
from imageplugin import largeobject
from imageplugin import localfile
from imageplugin import progress
from imageplugin import urlread
from imageplugin.planfacts import GLANCE_DIRECT

CHUNK_SIZE = compression.CHUNK_SIZE


class Published(collections.namedtuple('Published', 'compression checksum')):
    """What the source is as published: its compression (a name of
    ``compression.KINDS``, or None) and its ``checksums.Checksum`` (or
    None)."""

    __slots__ = ()

    def doing(self):
        """What reading it does, as the plan says it."""
        work = []
        if self.checksum:
            work.append(f'verifying its {self.checksum.algorithm}')
        if self.compression:
            work.append(f'decompressing {self.compression}')
        return ' and '.join(work)


def published(request, compressed, verify=True):
    """The ``Published`` of the source of ``request``, None where it needs
    nothing of this client's; ``compressed``: its compression or None.
    Reads a --checksum-from file or URL."""
    checksum = request.checksum
    if request.checksum_from:
        if request.kind not in ('url', 'file'):
            raise _not_here('--checksum-from')
        checksum = checksums.from_sums(
            request.checksum_from,
            request.file or request.import_from,
            verify,
        )
    elif checksum and request.kind not in ('url', 'file'):
        raise _not_here('--checksum')
    if not (checksum or compressed):
        return None
    return Published(compressed, checksum)


def _not_here(option):
    return exceptions.CommandError(
        f'{option} verifies an http(s) URL or a --file as it is read here; '
        'an object or an image is read by the image service only'
    )


def planned_kind(request, work, where):
    """The kind of source the plan sends: a URL this client fetches goes
    as a file does. Refuses a method that leaves the source to Glance,
    which can neither decompress nor verify it."""
    _check_method(request, work, where)
    return 'file' if work and request.kind == 'url' else request.kind


def _check_method(request, work, where):
    if work and request.kind == 'url' and request.method == 'web-download':
        raise exceptions.CommandError(
            f'--method web-download leaves {where} to Glance, which '
            f'cannot do it ({work.doing()}): leave --method out, and this '
            'client reads it and sends it by glance-direct'
        )


def planned(plan, work, where):
    """``plan`` (of the decompressed file) with the read of the published
    source as a step: while it is sent by glance-direct, else into a
    temporary file first."""
    if not work:
        return plan
    if plan.route == GLANCE_DIRECT:
        return _streamed_plan(plan, work, where)
    temporary = 'the temporary file'
    steps = (spool_step(work, where),) + tuple(
        step.replace(where, temporary) for step in plan.steps
    )
    return dataclasses.replace(
        plan,
        steps=steps,
        uploads=tuple(item.replace(where, temporary) for item in plan.uploads),
        deletes=plan.deletes + ('the temporary file, on every way out',),
    )


def spool_step(work, where):
    """The plan's step that reads the published ``where`` into a
    temporary file (``spooled``)."""
    stop = (
        f' (a {work.checksum.algorithm} other than {work.checksum.origin} '
        'gives stops here, before any image is created)'
        if work.checksum
        else ''
    )
    return (
        f'read {where} once, {work.doing()} while it streams, into a '
        f'temporary file in {tempfile.gettempdir()}{stop}'
    )


def _streamed_plan(plan, work, where):
    sent = 'the decompressed bytes' if work.compression else 'its bytes'
    stop = (
        f' (a {work.checksum.algorithm} other than {work.checksum.origin} '
        'gives deletes the image, with what was staged, before its import '
        'is asked for)'
        if work.checksum
        else ''
    )
    steps = tuple(
        f'read {where} once, {work.doing()} while it streams, and send '
        f"{sent} to the image's staging area (chunked), hashing them{stop}"
        if step.startswith(f'read {where} once')
        else step
        for step in plan.steps
    )
    return dataclasses.replace(plan, steps=steps)


def streamed(request, source, say, verify=True):
    """``source`` with its ``local`` sent as it is read (glance-direct):
    ``StreamedSource``."""
    data = StreamedSource(request, source, say, verify)
    if source.local is not None:
        return source._replace(local=source.local._replace(image=data))
    local = localfile.LocalFile(
        data, dict(request.image_properties), request.given, None, None
    )
    return source._replace(local=local)


class StreamedSource:
    """The published source as glance-direct sends it (``interop``):
    read, hashed and decompressed while it is sent, of no size known
    beforehand. Its digest is compared once it has all been read: a
    mismatch is a CommandError before the import is asked for."""

    size = None

    def __init__(self, request, source, say, verify):
        self.request, self.source = request, source
        self.say, self.verify = say, verify
        self.content = source.content
        self.label = (
            decompressed(source.where)
            if source.published.compression
            else source.where
        )

    @contextlib.contextmanager
    def open(self):
        work = self.source.published
        hasher = work.checksum.hasher() if work.checksum else None
        with _opened(self.request, self.source, self.verify) as (raw, _):
            counted = _Hashed(raw, hasher, lambda done: None)
            reader = _Checked(self.source.where, work, counted)
            yield reader
            # What follows the compressed data is published too.
            for _ in iter(lambda: counted.read(CHUNK_SIZE), b''):
                pass
        digest = hasher.hexdigest() if hasher else None
        if work.checksum and digest != work.checksum.hex:
            raise checksums.mismatch(self.source.where, work.checksum, digest)
        self.say(_verified_line(self.source.where, work, None, reader.size))


class _Checked:
    """The bytes to send; a corrupt source or a failed read is one line."""

    def __init__(self, where, work, counted):
        self.where, self.kind = where, work.compression
        self.data = (
            compression.reader(self.kind, counted) if self.kind else counted
        )
        self.size = 0

    def read(self, size=-1):
        try:
            chunk = self.data.read(size)
        except compression.Corrupt as exc:
            raise compression.corrupt(self.where, self.kind, exc) from None
        except (compression.SourceError, OSError) as exc:
            raise exceptions.CommandError(
                f'Cannot read {self.where}: {exc}'
            ) from None
        self.size += len(chunk)
        return chunk


@contextlib.contextmanager
def spooled(request, source, say, stream=None, verify=True):
    """Read the published source once into a temporary file, verifying
    and decompressing it; yield ``source`` with that file as its
    ``local``. The file is removed on every way out, Ctrl-C included."""
    work = source.published
    handle, path = tempfile.mkstemp(prefix='imageplugin-', suffix='.img')
    try:
        os.close(handle)
        try:
            with open(path, 'wb') as out:
                digest, size = _copied(request, source, out, stream, verify)
        except KeyboardInterrupt:
            say('Interrupted. Nothing was created.')
            raise
        if work.checksum and digest != work.checksum.hex:
            raise checksums.mismatch(source.where, work.checksum, digest)
        say(_verified_line(source.where, work, path, size))
        yield source._replace(local=_local(request, source, path, size))
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def _verified_line(where, work, path, size):
    said = []
    if work.checksum:
        said.append(
            f'its {work.checksum.algorithm} is the one '
            f'{work.checksum.origin} gives (the bytes as published)'
        )
    if work.compression:
        said.append(f'decompressed from {work.compression}')
    if path is None:
        return f'Read {where}: {"; ".join(said)}; {size} bytes sent'
    return f'Read {where}: {"; ".join(said)}; {size} bytes to send ({path})'


def _copied(request, source, out, stream, verify):
    """Copy the source into ``out``; its published hex digest (or None)
    and the size written."""
    work = source.published
    hasher = work.checksum.hasher() if work.checksum else None
    with _opened(request, source, verify) as (raw, total):
        with progress.ProgressBar(
            stream, total or 0, f'Reading {source.where}'
        ) as bar:
            counted = _Hashed(raw, hasher, bar)
            data = (
                compression.reader(work.compression, counted)
                if work.compression
                else counted
            )
            size = 0
            try:
                for chunk in iter(lambda: data.read(CHUNK_SIZE), b''):
                    _written(out, chunk, source.where)
                    size += len(chunk)
                # What follows the compressed data is published too.
                for _ in iter(lambda: counted.read(CHUNK_SIZE), b''):
                    pass
            except compression.Corrupt as exc:
                raise compression.corrupt(
                    source.where, work.compression, exc
                ) from None
            except (compression.SourceError, OSError) as exc:
                raise exceptions.CommandError(
                    f'Cannot read {source.where}: {exc}'
                ) from None
    return (hasher.hexdigest() if hasher else None), size


def _written(out, chunk, where):
    try:
        out.write(chunk)
    except OSError as exc:
        raise exceptions.CommandError(
            f'Cannot write {where}, decompressed, to {out.name}: '
            f'{exc.strerror or exc}; give TMPDIR a directory with room for '
            'the whole image'
        ) from None


@contextlib.contextmanager
def _opened(request, source, verify):
    """The published bytes as (file-like, size or None)."""
    if request.kind == 'file':
        with open(request.file, 'rb') as raw:
            yield raw, os.fstat(raw.fileno()).st_size
        return
    action = f'Cannot read {source.where}'
    with urlread.opened(request.import_from, action, verify) as opened:
        yield opened


class _Hashed:
    """The published bytes as read, hashed and counted."""

    def __init__(self, raw, hasher, bar):
        self.raw, self.hasher, self.bar = raw, hasher, bar
        self.done = 0

    def read(self, size=-1):
        chunk = self.raw.read(size)
        if self.hasher:
            self.hasher.update(chunk)
        self.done += len(chunk)
        self.bar(self.done)
        return chunk


def decompressed(where):
    """The bytes of ``where`` decompressed here, as the lines about them
    name them (the stream of glance-direct, a temporary file)."""
    return f'{where}, decompressed'


def _local(request, source, path, size):
    """The ``localfile.LocalFile`` of the decompressed file at ``path``,
    named after that file (the upload route checks it by its identity)."""
    image = imagefile.ImageFile(
        path,
        size,
        source.formats,
        source.content,
        origin=decompressed(source.where),
    )
    identity = largeobject.file_identity(os.stat(path))
    name = request.object_name or largeobject.default_object_name(
        checksums.source_name(request.file or request.import_from),
        identity,
    )
    if source.local is not None:
        return source.local._replace(
            image=image, identity=identity, name=name, temporary=True
        )
    return localfile.LocalFile(
        image,
        dict(request.image_properties),
        request.given,
        name,
        identity,
        temporary=True,
    )

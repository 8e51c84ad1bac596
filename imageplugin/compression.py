# SPDX-License-Identifier: Apache-2.0
"""Compressed sources: gzip, xz, bzip2 and zstd, told by their magic bytes
(``inspection``, never by a name) and decompressed while they stream.

``reader(kind, raw)`` decompresses ``raw`` (anything with ``read(n)``) in
constant memory and reads on across the members of a multi-member gzip
and concatenated xz, bzip2 or zstd streams, as ``gzip -dc`` and
``xz -dc`` do. ``content_of_file``/``content_of_url`` inspect the
decompressed start of a source, so that its formats are decided from
what the image holds, not from its wrapping.
"""

import bz2
import gzip
import lzma
import zlib

from osc_lib import exceptions
import requests

from imageplugin import http
from imageplugin import inspection
from imageplugin import urlread


def _zstd_reader(raw):
    """A reader of zstd ``raw`` and the errors it raises: Python 3.14's
    own, else the zstandard package's, imported only for a zstd source."""
    try:
        from compression import zstd
    except ImportError:
        pass
    else:
        return zstd.ZstdFile(raw), (zstd.ZstdError,)
    try:
        import zstandard
    except ImportError:
        raise exceptions.CommandError(
            'This source is zstd-compressed; reading it needs Python 3.14 '
            'or the zstandard package (pip install zstandard).'
        ) from None
    reader = zstandard.ZstdDecompressor().stream_reader(
        raw, read_across_frames=True
    )
    return reader, (zstandard.ZstdError,)


# The compressions decompressed here, as inspection names them from their
# magic bytes (``Content.packed``).
KINDS = ('gzip', 'xz', 'bzip2', 'zstd')
CHUNK_SIZE = 1024 * 1024


class SourceError(Exception):
    """Reading the compressed bytes themselves failed (not their
    decompression): the text says why."""


class Corrupt(Exception):
    """The compressed data is corrupt or ends too early."""


class _Raw:
    """The compressed bytes, told apart from the decompressor's errors;
    ``frames`` (a ``ZstdFrames``) sees them pass."""

    def __init__(self, raw, frames=None):
        self.raw = raw
        self.frames = frames

    def read(self, size=-1):
        try:
            chunk = self.raw.read(size)
        except (OSError, requests.RequestException) as exc:
            raise SourceError(str(exc)) from None
        if self.frames is not None:
            self.frames.feed(chunk)
        return chunk

    def readable(self):
        return True


class _Reader:
    """``read(n)`` of the decompressed bytes; ``Corrupt`` where the data is
    corrupt or truncated."""

    def __init__(self, kind, raw):
        self.kind = kind
        self.frames = ZstdFrames() if kind == 'zstd' else None
        self.errors = ()
        raw = _Raw(raw, self.frames)
        if kind == 'gzip':
            self.stream = gzip.GzipFile(fileobj=raw, mode='rb')
        elif kind == 'xz':
            self.stream = lzma.LZMAFile(raw)
        elif kind == 'bzip2':
            self.stream = bz2.BZ2File(raw)
        else:
            self.stream, self.errors = _zstd_reader(raw)

    def read(self, size=-1):
        try:
            chunk = self.stream.read(size)
        except SourceError:
            raise
        except (
            EOFError,
            OSError,
            lzma.LZMAError,
            zlib.error,
            *self.errors,
        ) as exc:
            raise Corrupt(_why(exc)) from None
        if not chunk and size and self.frames and not self.frames.ended():
            # zstandard's reader ends quietly inside a cut frame.
            raise Corrupt(_why(EOFError()))
        return chunk

    def close(self):
        self.stream.close()


class ZstdFrames:
    """Follows the frames of a zstd stream by their headers only (RFC
    8878), to tell whether it ends where a frame ends."""

    _ZSTD = b'\x28\xb5\x2f\xfd'

    def __init__(self):
        self.pending = b''  # an unfinished header
        self.skip = 0  # bytes of content still to pass
        self.step = self._frame
        self.checksum = False

    def ended(self):
        return self.step == self._frame and not (self.skip or self.pending)

    def feed(self, data):
        data = self.pending + data if self.pending else data
        at = 0
        while True:
            passed = min(self.skip, len(data) - at)
            at += passed
            self.skip -= passed
            if self.skip:
                break
            taken = self.step(data, at)
            if taken is None:
                break
            at += taken
        self.pending = data[at:]

    def _frame(self, data, at):
        head = data[at : at + 18]
        if len(head) < 8:
            return None
        if head[:4] == self._ZSTD:
            descriptor = head[4]
            single = descriptor >> 5 & 1
            size = (
                5
                + (not single)
                + (0, 1, 2, 4)[descriptor & 3]
                + (single, 2, 4, 8)[descriptor >> 6]
            )
            if len(head) < size:
                return None
            self.checksum = bool(descriptor & 4)
            self.step = self._block
            return size
        if int.from_bytes(head[:4], 'little') >> 4 == 0x184D2A5:
            self.skip = int.from_bytes(head[4:8], 'little')
            return 8
        # Not zstd: the decompressor says so.
        self.step = self._broken
        return None

    def _block(self, data, at):
        if len(data) - at < 3:
            return None
        header = int.from_bytes(data[at : at + 3], 'little')
        kind, size = header >> 1 & 3, header >> 3
        self.skip = 1 if kind == 1 else size
        if header & 1:  # the frame's last block
            self.step = self._frame
            self.skip += 4 * self.checksum
        return 3

    def _broken(self, data, at):
        return None


def _why(exc):
    text = str(exc) or type(exc).__name__
    if isinstance(exc, EOFError):
        return 'it ends before its end-of-stream marker (truncated)'
    return text


def reader(kind, raw):
    """A file-like reader of the decompressed bytes of ``raw``."""
    return _Reader(kind, raw)


def corrupt(where, kind, why):
    """The one-line refusal of a corrupt or truncated ``kind`` source."""
    return exceptions.CommandError(
        f'Cannot import {where}: its {kind} data is corrupt or truncated '
        f'({why}); check the download'
    )


def content_of_file(path, kind):
    """The ``inspection.Content`` of the decompressed start of ``path``."""
    with open(path, 'rb') as raw:
        return _inspected(path, kind, reader(kind, raw))


def content_of_url(url, kind, verify=True):
    """The ``inspection.Content`` of the decompressed start of ``url``."""
    shown = http.shown_url(url)
    action = f'Cannot read {shown} again to decompress its start'
    try:
        with urlread.opened(url, action, verify, inspection.URL_TIMEOUT) as (
            body,
            _,
        ):
            return _inspected(shown, kind, reader(kind, body))
    except SourceError as exc:
        raise exceptions.CommandError(f'{action}: {exc}') from None


def _inspected(where, kind, stream):
    try:
        return inspection.inspect_stream(stream, inspection.URL_HEAD_LIMIT)
    except Corrupt as exc:
        raise corrupt(where, kind, exc) from None

# SPDX-License-Identifier: Apache-2.0
"""Request bodies of the object storage: byte ranges of a local file or of
another store's object, sent a chunk at a time and hashed as they go.

A body can be sent more than once (keystoneauth sends a request again
after a 401): each iteration reads its bytes anew and leaves ``md5`` the
MD5 of what went out. Its ``repr`` is what keystoneauth's --debug log
shows: the bytes are never in it.
"""

import hashlib
import os
import queue
import threading

from osc_lib import exceptions

# Bytes per disk read and per socket send. Against 16 KiB sends (what
# urllib3 does with a file object) 1 MiB sends were 40% faster on
# loopback; 4 MiB gained nothing and cost memory.
CHUNK_SIZE = 1024**2
# Chunks read and hashed ahead of the one being sent: hashing while the
# last chunk goes out made uploads to a real Swift 15-30% faster.
READ_AHEAD = 4


class Stopped(Exception):
    """A body given up: the transfer was interrupted."""


class FileChanged(exceptions.CommandError):
    """The file is no longer what it was when its upload began: what was
    stored of it is stale, and running again uploads it anew."""


def md5_hex(data):
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def hasher(name):
    # An integrity check, not a security one (FIPS hosts allow MD5 so).
    return hashlib.new(name, usedforsecurity=False)


class Hashes:
    """Several hashes of the same bytes, in one pass (each algorithm
    once): ``hexdigests()`` maps their names to their hex digests."""

    def __init__(self, names, hashers=None):
        self.hashers = hashers or {
            name: hasher(name) for name in dict.fromkeys(names)
        }

    def update(self, chunk):
        for each in self.hashers.values():
            each.update(chunk)

    def copy(self):
        copied = {name: each.copy() for name, each in self.hashers.items()}
        return Hashes((), copied)

    def hexdigests(self):
        return {name: each.hexdigest() for name, each in self.hashers.items()}


class RemoteRange:
    """Bytes ``offset`` to ``offset + length`` of an object of another
    store, as a request body: read by a ranged GET while they are sent,
    ``chunk_size`` at a time. Each iteration reads them anew (keystoneauth
    sends a request again after a 401) and leaves ``md5`` the MD5 of what
    went out; ``progress`` and ``stop`` are ``FileRange``'s.
    """

    def __init__(
        self,
        store,
        container,
        name,
        offset,
        length,
        progress=None,
        stop=None,
        chunk_size=CHUNK_SIZE,
    ):
        self.store = store
        self.container = container
        self.name = name
        self.offset = offset
        self.length = length
        self.progress = progress
        self.stop = stop
        self.chunk_size = chunk_size
        self.md5 = hasher('md5')

    def __len__(self):
        return self.length

    def __repr__(self):
        return (
            f'<{self.length} bytes of {self.container}/{self.name} '
            f'from {self.offset}>'
        )

    def __iter__(self):
        self.md5 = hasher('md5')
        where = f'{self.container}/{self.name}'
        last = self.offset + self.length - 1
        response = self.store.request(
            'GET',
            self.store.path(self.container, self.name),
            f'Cannot read {where}',
            stream=True,
            log=False,
            headers={'Range': f'bytes={self.offset}-{last}', 'Accept': '*/*'},
        )
        done = 0
        try:
            for chunk in response.iter_content(self.chunk_size):
                if self.stop is not None and self.stop.is_set():
                    raise Stopped(f'{self!r}: interrupted')
                chunk = chunk[: self.length - done]
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
                f'{last + 1}: it changed while it was being copied'
            )


class FileRange:
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

    def __init__(
        self,
        fd,
        path,
        offset,
        length,
        progress=None,
        whole_before=None,
        stop=None,
        chunk_size=CHUNK_SIZE,
        read_ahead=READ_AHEAD,
    ):
        self.fd = fd
        self.path = path
        self.offset = offset
        self.length = length
        self.progress = progress
        self.md5 = hasher('md5')
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
        md5 = self.md5 = hasher('md5')
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
                    raise Stopped(f'{self!r}: interrupted')
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

        reader = threading.Thread(
            target=read, daemon=True, name='imageplugin-read-ahead'
        )
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
                raise Stopped(f'{self!r}: interrupted')
        return md5.hexdigest()

    def _hashed(self, hashers):
        for chunk in self.chunks():
            for hasher in hashers:
                hasher.update(chunk)
            yield chunk

    def chunks(self):
        done = 0
        while done < self.length:
            chunk = os.pread(
                self.fd,
                min(self.chunk_size, self.length - done),
                self.offset + done,
            )
            if not chunk:
                raise FileChanged(
                    f'{self.path} shrank while it was being uploaded: '
                    'upload it again once nothing writes to it'
                )
            done += len(chunk)
            yield chunk

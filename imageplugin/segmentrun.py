# SPDX-License-Identifier: Apache-2.0
"""The segments of one transfer, sent several at once.

One TCP stream is limited by the round-trip time long before a real
network is full: a large object's segments go up from a few threads at
once, their progress summed for one progress bar, and the whole file is
hashed in order meanwhile (``WholeFileHasher``).
"""

import queue
import threading

from imageplugin import bodies

# With several segments in flight, each reads, hashes and sends one chunk
# at a time (no read-ahead thread: the other segments fill the link
# meanwhile, and a thread and queue per segment cost 15% more CPU), and
# all their chunks stay within this: a worker's chunk shrinks as workers
# grow. Every MiB here adds to the peak RSS; 8 workers of 256 KiB kept a
# whole `import --file --wait` within 17 MiB of `openstack --version`.
PARALLEL_BUFFERS = 2 * 1024**2
MIN_CHUNK_SIZE = 64 * 1024


def buffers(workers):
    """(chunk size, chunks read ahead) of each of ``workers`` segments in
    flight: one has the whole ``bodies.CHUNK_SIZE`` and
    ``bodies.READ_AHEAD``; more read in turn (the other segments keep the
    link busy meanwhile) and share ``PARALLEL_BUFFERS``, a chunk each."""
    if workers == 1:
        return bodies.CHUNK_SIZE, bodies.READ_AHEAD
    chunk_size = PARALLEL_BUFFERS // workers
    # A power of two, so that reads stay aligned with pages.
    chunk_size = 1 << (chunk_size.bit_length() - 1)
    return max(MIN_CHUNK_SIZE, min(bodies.CHUNK_SIZE, chunk_size)), 0


class SegmentRun:
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

        ``whole``, a ``WholeFileHasher``, hashes the file meanwhile.
        """
        todo = queue.SimpleQueue()
        for index in range(1, self.count + 1):
            todo.put(index)
        results = queue.SimpleQueue()
        threads = [
            threading.Thread(
                target=self._work,
                args=(send, todo, results),
                daemon=True,
                name=f'imageplugin-segments-{number}',
            )
            for number in range(self.workers)
        ]
        try:
            if whole is not None:
                whole.start()
            for thread in threads:
                thread.start()
            done = self._collect(results, len(threads))
            if whole is not None:
                whole.finish()
        except BaseException:
            self.stop()
            raise
        return [done[index] for index in range(1, self.count + 1)]

    def _work(self, send, todo, results):
        """One worker: (index, result or error) of each segment it sent on
        ``results``, then None once it ends."""
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

    @staticmethod
    def _collect(results, workers):
        """The results of every segment by index, once ``workers`` ended;
        the first segment's error if any failed (the one the others
        followed)."""
        done = {}
        errors = []
        ended = 0
        while ended < workers:
            result = results.get()
            if result is None:
                ended += 1
            elif isinstance(result[1], BaseException):
                errors.append(result)
            else:
                done[result[0]] = result[1]
        if errors:
            raise min(errors, key=lambda error: error[0])[1]
        return done

    def stop(self):
        with self._lock:
            self.stopped.set()
        # Whatever is still waiting for a segment to start gives up.
        for started in self.started:
            started.set()


class WholeFileHasher(threading.Thread):
    """The hashes of the whole file (``digest``: their names), read in
    order while segments go up.

    The segments end in any order, and a hash needs the bytes in order:
    this thread reads each segment's range once that segment has started
    (so a file bigger than the page cache is not read ahead of the
    upload), the same bytes its sender reads.
    """

    def __init__(self, fd, path, ranges, digest, run):
        super().__init__(daemon=True, name='imageplugin-whole-file-hash')
        self.hasher = bodies.Hashes(digest)
        self.ranges = [
            bodies.FileRange(fd, path, offset, length)
            for offset, length in ranges
        ]
        self.segments = run
        self.error = None

    def run(self):
        try:
            for index, body in enumerate(self.ranges, 1):
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

    def hexdigests(self):
        return self.hasher.hexdigests()

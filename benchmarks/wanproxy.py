#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A loopback TCP proxy that makes 127.0.0.1 behave like a long network.

The kernel here has no netem, so the benchmarks emulate a wide-area
network in user space: every connection accepted on 127.0.0.1 is relayed
to the target, and each direction

- holds every chunk for ``rtt / 2`` before passing it on (the round-trip
  time, as a path adds it);
- lets at most ``window`` bytes be on their way (as TCP's window does: one
  connection then moves at most ``window / rtt`` bytes a second, however
  fast the link);
- moves at most ``rate`` bytes a second (a token bucket per connection);
- and, with ``total_rate``, all connections together share one bucket.

With ``byte_log`` (a ``ByteLog``), the bytes each shaped connection
delivers to the target are logged with their time: ``feel.py`` tells an
upload phase from them.  With ``unshaped`` (bytes), a connection whose
first request contains them is relayed as is: the cloud's own fetches
(Glance reading a TempURL, ``temp_url_sig``) stand for a path inside the
cloud, not the user's long one.

Standard library only::

    python benchmarks/wanproxy.py --target 127.0.0.1:8080 --rtt 80 \\
        --rate 25M                     # prints the port it listens on

or from Python: ``with WanProxy(('127.0.0.1', 8080), rtt=0.08,
rate=25e6) as proxy: proxy.port``.
"""

import argparse
import collections
import socket
import sys
import threading
import time

# Bytes per read: small enough that the delay and the bucket stay smooth.
CHUNK = 64 * 1024
# TCP autotuning's usual largest receive window on Linux (tcp_rmem).
DEFAULT_WINDOW = 6 * 1024 * 1024


class TokenBucket:
    """``rate`` bytes a second, bursts of at most ``burst`` bytes."""

    def __init__(self, rate, burst=CHUNK * 4):
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.stamp = time.monotonic()
        self.lock = threading.Lock()

    def take(self, count):
        """Wait until ``count`` bytes may go."""
        while True:
            with self.lock:
                now = time.monotonic()
                self.tokens = min(
                    self.burst, self.tokens + (now - self.stamp) * self.rate
                )
                self.stamp = now
                if self.tokens >= count:
                    self.tokens -= count
                    return
                wait = (count - self.tokens) / self.rate
            time.sleep(wait)


class ByteLog:
    """(time, bytes so far) of the bytes delivered to the target."""

    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        with self.lock:
            self.total = 0
            self.marks = []

    def add(self, count):
        with self.lock:
            self.total += count
            self.marks.append((time.monotonic(), self.total))

    def when(self, reached):
        """The first time the total reached ``reached`` bytes, or None."""
        with self.lock:
            return next((t for t, n in self.marks if n >= reached), None)


class _Direction:
    """One direction of one connection: read, delay, send."""

    def __init__(
        self, source, sink, delay, window, buckets, closed, byte_log=None
    ):
        self.byte_log = byte_log
        self.source = source
        self.sink = sink
        self.delay = delay
        self.window = window
        self.buckets = buckets
        self.closed = closed
        self.pipe = collections.deque()
        self.in_flight = 0
        self.cond = threading.Condition()
        self.eof = False

    def start(self):
        for target in (self.read, self.send):
            threading.Thread(target=target, daemon=True).start()

    def read(self):
        try:
            while True:
                with self.cond:
                    while self.in_flight >= self.window:
                        self.cond.wait()
                data = self.source.recv(min(CHUNK, self.window))
                if not data:
                    break
                for bucket in self.buckets:
                    bucket.take(len(data))
                with self.cond:
                    self.pipe.append((time.monotonic() + self.delay, data))
                    self.in_flight += len(data)
                    self.cond.notify_all()
        except OSError:
            pass
        with self.cond:
            self.eof = True
            self.cond.notify_all()

    def send(self):
        try:
            while True:
                with self.cond:
                    while not self.pipe and not self.eof:
                        self.cond.wait()
                    if not self.pipe:
                        break
                    due, data = self.pipe.popleft()
                wait = due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                self.sink.sendall(data)
                if self.byte_log is not None:
                    self.byte_log.add(len(data))
                with self.cond:
                    self.in_flight -= len(data)
                    self.cond.notify_all()
            self.sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        self.closed()


class WanProxy:
    """Listens on 127.0.0.1 (``port``) and relays to ``target``.

    ``rtt`` in seconds, ``rate`` and ``total_rate`` in bytes a second
    (None: no limit), ``window`` in bytes.
    """

    def __init__(
        self,
        target,
        rtt=0.0,
        rate=None,
        total_rate=None,
        window=DEFAULT_WINDOW,
        port=0,
        byte_log=None,
        unshaped=None,
    ):
        self.byte_log = byte_log
        self.unshaped = unshaped
        self.target = target
        self.delay = rtt / 2
        self.rate = rate
        self.window = window
        self.total = TokenBucket(total_rate) if total_rate else None
        self.listener = socket.create_server(('127.0.0.1', port))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self._stopped = False

    def __enter__(self):
        threading.Thread(target=self.serve, daemon=True).start()
        return self

    def __exit__(self, *exc_info):
        self._stopped = True
        self.listener.close()

    def serve(self):
        while not self._stopped:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(
                target=self._relay, args=(client, server), daemon=True
            ).start()

    def _shaped(self, client):
        if not self.unshaped:
            return True
        client.settimeout(5)
        try:
            head = client.recv(8192, socket.MSG_PEEK)
        except OSError:
            head = b''
        client.settimeout(None)
        return self.unshaped not in head

    def _relay(self, client, server):
        shaped = self._shaped(client)
        left = [2]
        lock = threading.Lock()

        def closed():
            with lock:
                left[0] -= 1
                if left[0]:
                    return
            for sock in (client, server):
                sock.close()

        for source, sink in ((client, server), (server, client)):
            if not shaped:
                _Direction(source, sink, 0, self.window, [], closed).start()
                continue
            buckets = [TokenBucket(self.rate)] if self.rate else []
            if self.total:
                buckets.append(self.total)
            _Direction(
                source,
                sink,
                self.delay,
                self.window,
                buckets,
                closed,
                self.byte_log if source is client else None,
            ).start()


def _rate(text):
    units = {'': 1, 'K': 1e3, 'M': 1e6, 'G': 1e9}
    text = text.strip().upper().rstrip('B')
    unit = text[-1:] if text[-1:] in units else ''
    return float(text[: len(text) - len(unit)]) * units[unit]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--target', required=True, help='HOST:PORT')
    parser.add_argument('--port', type=int, default=0)
    parser.add_argument(
        '--rtt', type=float, default=0.0, help='round-trip time added, in ms'
    )
    parser.add_argument(
        '--rate', type=_rate, help='bytes/s per connection and direction (25M)'
    )
    parser.add_argument(
        '--total-rate', type=_rate, help='bytes/s of all connections together'
    )
    parser.add_argument(
        '--window',
        type=_rate,
        default=DEFAULT_WINDOW,
        help='bytes in flight per direction (default 6M)',
    )
    args = parser.parse_args(argv)
    host, _, port = args.target.rpartition(':')
    with WanProxy(
        (host, int(port)),
        args.rtt / 1000,
        args.rate,
        args.total_rate,
        int(args.window),
        args.port,
    ) as proxy:
        print(proxy.port, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            return 0


if __name__ == '__main__':
    sys.exit(main())

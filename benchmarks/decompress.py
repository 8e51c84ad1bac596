#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Decompression while a source streams: the plugin's reader against the
field's tools on the same file, and what hashing the published bytes adds.

For each compression, one image-like file (random blocks between runs of
zeros, as a disk image is) is compressed once; then, best of ``--rounds``:

- ``<tool> -dc <file> > /dev/null`` (gzip, xz, zstd, bzip2);
- ``compression.reader`` read to its end in 1 MiB reads, and the same
  with a sha256 of the compressed bytes (what ``--checksum`` adds);
- the reader's peak Python memory (``tracemalloc``), to show it flat.

Also the plain copy of the uncompressed file with and without a sha256
(the cost ``--checksum`` adds to an uncompressed ``--file``). Prints MB/s
of decompressed bytes. Needs the plugin importable (its tox venv).
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))

from imageplugin import compression  # noqa: E402

MiB = 1024**2
TOOLS = {
    'gzip': (['gzip', '-c', '-6'], ['gzip', '-dc'], '.gz'),
    'zstd': (['zstd', '-q', '-c', '-3'], ['zstd', '-q', '-dc'], '.zst'),
    'xz': (['xz', '-c', '-T1', '-3'], ['xz', '-dc'], '.xz'),
    'bzip2': (['bzip2', '-c', '-9'], ['bzip2', '-dc'], '.bz2'),
}


def image_like(path, size):
    """``size`` bytes: random MiB blocks between runs of zeros."""
    with open(path, 'wb') as out:
        for index in range(size // MiB):
            out.write(os.urandom(MiB) if index % 3 == 0 else bytes(MiB))


def best(rounds, function, *args):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def run_tool(command):
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)


def read_through(kind, path, hashed):
    with open(path, 'rb') as raw:
        source = _Hashing(raw) if hashed else raw
        reader = compression.reader(kind, source) if kind else source
        while reader.read(MiB):
            pass


class _Hashing:
    def __init__(self, raw):
        self.raw, self.hasher = raw, hashlib.sha256()

    def read(self, size=-1):
        chunk = self.raw.read(size)
        self.hasher.update(chunk)
        return chunk


def peak_memory(kind, path):
    tracemalloc.start()
    read_through(kind, path, True)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--size-mib', type=int, default=256)
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--kinds', default='gzip,zstd,xz')
    args = parser.parse_args()
    size = args.size_mib * MiB
    with tempfile.TemporaryDirectory() as folder:
        plain = os.path.join(folder, 'disk.raw')
        image_like(plain, size)
        rate = size / MiB
        print(f'{args.size_mib} MiB image-like file, best of {args.rounds}')
        print(
            f'{"source":<8} {"tool -dc":>10} {"reader":>10} '
            f'{"+sha256":>10} {"ratio":>6} {"peak MiB":>9}'
        )
        copy = best(args.rounds, read_through, None, plain, False)
        hashed = best(args.rounds, read_through, None, plain, True)
        print(
            f'{"plain":<8} {"":>10} {rate / copy:>8.0f}/s '
            f'{rate / hashed:>8.0f}/s {copy / hashed:>6.2f}'
        )
        for kind in args.kinds.split(','):
            pack, unpack, extension = TOOLS[kind]
            if not shutil.which(pack[0]):
                print(f'{kind:<8} ({pack[0]} not installed)')
                continue
            packed = plain + extension
            with open(plain, 'rb') as src, open(packed, 'wb') as out:
                subprocess.run(pack, stdin=src, stdout=out, check=True)
            tool = best(args.rounds, run_tool, unpack + [packed])
            ours = best(args.rounds, read_through, kind, packed, False)
            ours_hashed = best(args.rounds, read_through, kind, packed, True)
            peak = peak_memory(kind, packed) / MiB
            print(
                f'{kind:<8} {rate / tool:>8.0f}/s {rate / ours:>8.0f}/s '
                f'{rate / ours_hashed:>8.0f}/s {tool / ours_hashed:>6.2f} '
                f'{peak:>9.1f}'
            )
    print(
        'MB/s of decompressed bytes; ratio: tool time / reader+sha256 '
        'time (plain: copy / copy+sha256)'
    )


if __name__ == '__main__':
    main()

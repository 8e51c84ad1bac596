# SPDX-License-Identifier: Apache-2.0
"""Small file helpers: atomic writes, JSON records, digests, a lock."""

import contextlib
import fcntl
import hashlib
import json
import os


def write_file(path, text, mode=0o644):
    """Write through a temporary file, so readers never see half a file."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def read_json(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return default


def write_json(path, data, mode=0o644):
    write_file(path, json.dumps(data, indent=2, sort_keys=True) + '\n', mode)


def sha256_of(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def file_digests(path):
    # md5: Glance's checksum, which the tests compare.
    sha = hashlib.sha256()
    md5 = hashlib.md5(usedforsecurity=False)
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            sha.update(chunk)
            md5.update(chunk)
    return {
        'path': path,
        'size': os.path.getsize(path),
        'sha256': sha.hexdigest(),
        'md5': md5.hexdigest(),
    }


@contextlib.contextmanager
def locked(path):
    """Serialise concurrent runs of the tool on the same directory."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield

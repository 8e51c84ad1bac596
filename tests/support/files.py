# SPDX-License-Identifier: Apache-2.0
"""Files for the tests to import or upload."""

import hashlib
import os

MiB = 1024 * 1024


def write_file(folder, name, data):
    """Write ``data`` (bytes) to folder/name; return the path."""
    path = os.path.join(folder, name)
    with open(path, 'wb') as out:
        out.write(data)
    return path


def random_file(folder, name, size, algorithm='sha256'):
    """A file of ``size`` random bytes (a multiple of 8 MiB); returns its
    path and its hex digest (md5 is Glance's ``checksum``)."""
    path = os.path.join(folder, name)
    digest = hashlib.new(algorithm)
    with open(path, 'wb') as out:
        for _ in range(size // (8 * MiB)):
            chunk = os.urandom(8 * MiB)
            digest.update(chunk)
            out.write(chunk)
    return path, digest.hexdigest()

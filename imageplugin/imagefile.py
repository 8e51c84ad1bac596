# SPDX-License-Identifier: Apache-2.0
"""A local image file, checked before any byte of it moves.

The checks a long upload should not find out about at its end: the file
is there, readable and not empty, and its content (``inspection``) is a
safe image in a format the user's options agree with (``formats``).
"""

import collections
import os
import stat

from osc_lib import exceptions

from imageplugin import compression
from imageplugin import formats
from imageplugin import inspection


class ImageFile(
    collections.namedtuple(
        'ImageFile',
        'path size formats content compression origin',
        defaults=(None, None),
    )
):
    """A checked local image file, its ``Formats`` and its ``Content``
    (of its decompressed start where it is ``compression``-ed); for a
    temporary file of ours, its ``origin`` as the user knows it (the
    source, and what was done to it here)."""

    __slots__ = ()

    @property
    def shown(self):
        """The file as the lines about its bytes name it: a temporary
        file's path means nothing to the user, and is gone by then."""
        return self.origin or self.path

    @property
    def disk_format(self):
        return self.formats.disk

    @property
    def label(self):
        return os.path.basename(self.path)

    def open(self):
        return open(self.path, 'rb')


def checked(
    path, disk_format=None, container_format=None, import_from_format=None
):
    """Check the file at ``path``; return it as an ``ImageFile``.

    The options must agree with the file's content. Each problem is a
    one-line CommandError.
    """
    size = _checked_size(path)
    try:
        content = inspection.inspect_file(path)
        compressed = (
            content.packed if content.packed in compression.KINDS else None
        )
        if compressed:
            content = compression.content_of_file(path, compressed)
    except OSError as exc:
        raise exceptions.CommandError(
            f'Cannot upload {path}: cannot read it: {exc.strerror or exc}'
        ) from None
    decided = formats.decided(
        path,
        path,
        content,
        disk_format=disk_format,
        import_from_format=import_from_format,
        container_format=container_format,
    )
    return ImageFile(path, size, decided, content, compressed)


def _checked_size(path):
    """The size of a regular, readable, non-empty file."""

    def error(problem):
        return exceptions.CommandError(f'Cannot upload {path}: {problem}')

    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise error('no such file') from None
    except PermissionError:
        raise error('permission denied (the file is not readable)') from None
    except OSError as exc:
        raise error(exc.strerror or str(exc)) from None
    try:
        mode = os.fstat(fd)
    finally:
        os.close(fd)
    if stat.S_ISDIR(mode.st_mode):
        raise error('it is a directory, not an image file')
    if not stat.S_ISREG(mode.st_mode):
        raise error('it is not a regular file')
    if mode.st_size == 0:
        raise error('the file is empty')
    return mode.st_size

"""A local image file, checked before any byte of it moves.

The checks a long upload should not find out about at its end: the file
is there, readable and not empty, and its content (``inspection``) is a
safe image in a format the user's options agree with (``formats``).
"""

import collections
import os
import stat

from osc_lib import exceptions

from imageplugin import formats
from imageplugin import inspection


class ImageFile(collections.namedtuple(
        'ImageFile', 'path size formats content')):
    """A checked local image file, its ``Formats`` and its ``Content``."""

    __slots__ = ()

    @property
    def disk_format(self):
        return self.formats.disk

    @property
    def label(self):
        return os.path.basename(self.path)

    def open(self):
        return open(self.path, 'rb')

    def compared(self, image, digests):
        """Compare the image's hash with the file's, as read to send it.

        ``image`` is the image as the image service shows it, ``digests``
        the file's hex digests by algorithm. Returns (verdict, line to
        say): True if they matched, False if not, None if nothing could be
        compared.
        """
        image_id, path = image.get('id'), self.path
        shown = []
        if image.get('os_hash_algo') and image.get('os_hash_value'):
            shown.append((image['os_hash_algo'], 'os_hash_value',
                          image['os_hash_value']))
        if image.get('checksum'):
            shown.append(('md5', 'checksum', image['checksum']))
        for algorithm, field, theirs in shown:
            ours = digests.get(algorithm)
            if ours is None:
                continue
            if ours == str(theirs).lower():
                return True, (f'Verified image {image_id}: its {algorithm} '
                              f'({field}) matched {path}.')
            return False, (
                f'Image {image_id} does not hold the bytes of {path}: its '
                f'{algorithm} ({field}) is {theirs}, the file\'s is {ours}; '
                f'delete the image ("openstack image delete {image_id}") '
                'and import the file again')
        if not shown:
            return None, (f'Cannot verify image {image_id}: the image '
                          'service shows neither os_hash_value nor checksum '
                          'for it.')
        return None, (
            f'Cannot verify image {image_id}: it shows only '
            + ', '.join(f'{field} ({algorithm})'
                        for algorithm, field, _ in shown)
            + ', and the upload computed '
            + ', '.join(sorted(digests)) + '.')


def checked(path, disk_format=None, container_format=None,
            import_from_format=None):
    """Check the file at ``path``; return it as an ``ImageFile``.

    The options must agree with the file's content. Each problem is a
    one-line CommandError.
    """
    size = _checked_size(path)
    try:
        content = inspection.inspect_file(path)
    except OSError as exc:
        raise exceptions.CommandError(
            f'Cannot upload {path}: cannot read it: '
            f'{exc.strerror or exc}') from None
    decided = formats.decided(
        path, path, content, disk_format=disk_format,
        import_from_format=import_from_format,
        container_format=container_format)
    return ImageFile(path, size, decided, content)


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
        raise error('permission denied (the file is not readable)') \
            from None
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


"""A local image file, checked before any byte of it moves.

The checks a long upload should not find out about at its end: the file
is there, readable and not empty, within the cloud's size limit, and of a
known disk format that its name and its content agree on.
"""

import collections
import os
import stat

from osc_lib import exceptions

from imageplugin import importing
from imageplugin import objectstore
from imageplugin import progress

GiB = 1024 ** 3
# Rackspace Cloud Images imports images of at most 160 GB; Rackspace's
# GB are binary ones (Cloud Files' "5 GB" objects are 5 GiB).
RACKSPACE_MAX_SIZE = 160 * GiB

# Disk formats whose files always carry a signature we know, so a name
# that claims one of them can be checked against the content.
SNIFFED_FORMATS = ('qcow2', 'vmdk', 'vdi', 'vhdx', 'vhd', 'iso')
_ISO_SIGNATURE_AT = 0x8001  # "CD001" of the first ISO 9660 volume descriptor
_HEAD_SIZE = _ISO_SIGNATURE_AT + 5
_VDI_MAGIC = (0xbeda107f).to_bytes(4, 'little')
_VHD_COOKIE = b'conectix'


class ImageFile(collections.namedtuple(
        'ImageFile', 'path size disk_format container_format')):
    """A checked local image file and the formats to import it with."""

    __slots__ = ()


def checked_image_file(path, disk_format=None, container_format=None,
                       max_size=None):
    """Check the file at ``path``; return it as an ``ImageFile``.

    ``disk_format`` is the user's word and beats the file's name and
    content; ``max_size`` is the cloud's limit in bytes (Rackspace:
    ``RACKSPACE_MAX_SIZE``). Each problem is a one-line CommandError.
    """
    size, head, tail = _read_ends(path)
    if max_size is not None and size > max_size:
        raise exceptions.CommandError(
            f'Cannot upload {path}: it is {progress.human_size(size)} '
            f'({size} bytes), over the {progress.human_size(max_size)} '
            'this cloud imports')
    named = importing.formats_from_name(path)
    disk_format = disk_format or _disk_format(path, named, head, tail)
    if container_format is None:
        container_format = (named[1] if named and named[0] == disk_format
                            else 'bare')
    return ImageFile(path, size, disk_format, container_format)


def sniffed_format(head, tail=b''):
    """The disk format the first and last bytes of a file show, or None.

    ``head`` is the start of the file (0x8006 bytes reach ISO's
    signature), ``tail`` its last 512 bytes.
    """
    if head.startswith(b'QFI\xfb'):
        return 'qcow2'
    if head.startswith((b'KDMV', b'# Disk DescriptorFile')):
        return 'vmdk'
    if head.startswith(b'<<< ') and head[64:68] == _VDI_MAGIC:
        return 'vdi'
    if head.startswith(b'vhdxfile'):
        return 'vhdx'
    if head[_ISO_SIGNATURE_AT:_HEAD_SIZE] == b'CD001':
        return 'iso'
    # A VHD ends with its footer (511 bytes in some old ones); a dynamic
    # VHD also starts with a copy of it.
    if (head.startswith(_VHD_COOKIE) or tail.startswith(_VHD_COOKIE)
            or tail[1:].startswith(_VHD_COOKIE)):
        return 'vhd'
    return None


def _disk_format(path, named, head, tail):
    named_format = named[0] if named else None
    found = sniffed_format(head, tail)
    advice = 'give --disk-format to choose'
    if found and named_format and found != named_format:
        raise exceptions.CommandError(
            f'Cannot tell the disk format of {path}: its name says '
            f'{named_format} but its content is {found}; {advice}')
    if found:
        return found
    if named_format in SNIFFED_FORMATS:
        raise exceptions.CommandError(
            f'Cannot tell the disk format of {path}: its name says '
            f'{named_format} but its content has no {named_format} '
            f'header; {advice}')
    if named_format:
        return named_format
    raise exceptions.CommandError(
        f'Cannot tell the disk format of {path} from its name or its '
        'content: give --disk-format (e.g. raw, qcow2, vhd)')


def _read_ends(path):
    """Size, first bytes and last 512 bytes of a regular, readable file."""
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
        if stat.S_ISDIR(mode.st_mode):
            raise error('it is a directory, not an image file')
        if not stat.S_ISREG(mode.st_mode):
            raise error('it is not a regular file')
        if mode.st_size == 0:
            raise error('the file is empty')
        try:
            head = os.pread(fd, _HEAD_SIZE, 0)
            tail = os.pread(fd, 512, max(0, mode.st_size - 512))
        except OSError as exc:
            raise error(f'cannot read it: {exc.strerror or exc}') from None
        return mode.st_size, head, tail
    finally:
        os.close(fd)


def send(store, image, container, name, stream=None,
         segment_size=objectstore.DEFAULT_SEGMENT_SIZE, **options):
    """Upload a checked ``ImageFile`` as ``container/name``.

    Creates the container if needed; draws a progress bar on ``stream``
    when it is a terminal. ``options`` go to ``ObjectStore.upload``.
    Returns the store's ``Upload``.
    """
    store.ensure_container(container)
    label = f'Uploading {os.path.basename(image.path)}'
    with progress.ProgressBar(stream, image.size, label) as bar:
        return store.upload(container, name, image.path,
                            segment_size=segment_size, progress=bar,
                            **options)

# SPDX-License-Identifier: Apache-2.0
"""The formats an image is imported with, decided from its content.

A name never decides: ``.img`` files are raw or qcow2, many URLs have no
extension at all. The content decides (``inspection``); the user's
``--disk-format`` or ``--import-from-format`` must agree with it; a name
is only used when the content cannot be read, and only when it is not
ambiguous.
"""

import collections
import logging
import os.path

from osc_lib import exceptions

LOG = logging.getLogger(__name__)
# The disk and container formats Glance accepts by default
# (glance-api.conf [image_format]).
DISK_FORMATS = (
    'ami',
    'ari',
    'aki',
    'vhd',
    'vhdx',
    'vmdk',
    'raw',
    'qcow2',
    'vdi',
    'iso',
    'ploop',
)
CONTAINER_FORMATS = (
    'ami',
    'ari',
    'aki',
    'bare',
    'ovf',
    'ova',
    'docker',
    'compressed',
)
# Disk formats without a header the inspector knows: their content reads
# as raw.
HEADERLESS = ('raw', 'ami', 'aki', 'ari', 'ploop')

# File extensions that tell a format without doubt: (disk_format,
# container_format). ``.img`` is not one: CirrOS's and Ubuntu's ``.img``
# files are qcow2, others raw.
FORMATS_BY_EXTENSION = {
    '.qcow2': ('qcow2', 'bare'),
    '.raw': ('raw', 'bare'),
    '.vhd': ('vhd', 'bare'),
    '.vhdx': ('vhdx', 'bare'),
    '.vmdk': ('vmdk', 'bare'),
    '.vdi': ('vdi', 'bare'),
    '.iso': ('iso', 'bare'),
    '.ploop': ('ploop', 'bare'),
    '.aki': ('aki', 'aki'),
    '.ari': ('ari', 'ari'),
    '.ami': ('ami', 'ami'),
}


class Formats(collections.namedtuple('Formats', 'source disk container')):
    """``source``: the format of the bytes (a task's import_from_format);
    ``disk`` and ``container``: the new image's formats."""

    __slots__ = ()


def qemu_name(detected):
    """qemu-img's name of a format as the inspector names it (``vhd`` is
    qemu-img's ``vpc``; a GPT disk is raw), for its ``-f``."""
    return {'vhd': 'vpc', 'gpt': 'raw', 'iso': 'raw'}.get(detected, detected)


def formats_from_name(name):
    """(disk_format, container_format) a file name tells for sure, or None."""
    extension = os.path.splitext(name.lower())[1]
    return FORMATS_BY_EXTENSION.get(extension)


def agrees(content_format, claimed):
    """Whether a format claimed for an image fits its content's format."""
    return claimed == content_format or (
        content_format == 'raw' and claimed in HEADERLESS
    )


def decided(
    where,
    name,
    content=None,
    unread=None,
    disk_format=None,
    import_from_format=None,
    container_format=None,
):
    """The ``Formats`` to import the image at ``where`` with.

    ``content`` is what ``inspection`` read, or None with ``unread``
    saying why it could not be read; ``name`` is the file name or URL
    path. Any doubt is a one-line CommandError that asks for an option.
    """
    if content is None:
        return _from_words(
            where,
            name,
            unread,
            disk_format,
            import_from_format,
            container_format,
        )
    if content.problems:
        raise exceptions.CommandError(
            f'Cannot import {where}: {"; ".join(content.problems)}'
        )
    if content.document:
        raise exceptions.CommandError(
            f'Cannot import {where}: it is {content.document}, not a disk '
            'image (its first bytes are text); check that it is the image '
            'you meant'
        )
    found = content.disk_format
    unpacked_by = 'ova' if content.packed == 'tar' else 'compressed'
    if content.packed and container_format != unpacked_by:
        raise exceptions.CommandError(
            f'Cannot import {where}: it is a {content.packed} archive, not '
            'a disk image: unpack it first (or, on a cloud that unpacks '
            f'imports, give --container-format {unpacked_by})'
        )
    if found not in DISK_FORMATS:
        raise exceptions.CommandError(
            f'Cannot import {where}: it is a {found} image, a format the '
            'image service does not import; convert it, e.g. with '
            f'"qemu-img convert -f {qemu_name(found)} -O qcow2 <in> <out>"'
        )
    # The source format describes the bytes; --disk-format does too
    # unless a different source format is given (a converting import).
    claims = (
        (('--import-from-format', import_from_format),)
        if import_from_format
        else (('--disk-format', disk_format),)
    )
    for option, claimed in claims:
        if claimed and not agrees(found, claimed):
            raise exceptions.CommandError(
                f'Cannot import {where}: {option} {claimed} contradicts its '
                f'content, which is {content.detected}; give {option} '
                f'{found} or leave the option out'
            )
    named = formats_from_name(name)
    if named and not agrees(found, named[0]):
        if found == 'raw' and not (import_from_format or disk_format):
            raise exceptions.CommandError(
                f'Cannot import {where}: its name says {named[0]} but its '
                f'content has no {named[0]} header; check that it is the '
                'image you meant, or give --disk-format raw to import it '
                'as it is'
            )
        named = None  # the content outranks the name
    source = (
        import_from_format or disk_format or (named[0] if named else found)
    )
    return _completed(source, disk_format, container_format, named)


def _from_words(
    where, name, unread, disk_format, import_from_format, container_format
):
    named = formats_from_name(name)
    source = import_from_format or disk_format or (named[0] if named else None)
    if not source:
        raise exceptions.CommandError(
            f'Cannot tell the disk format of {where}: {unread}, and its '
            'name does not tell for sure; give --disk-format (e.g. qcow2 '
            'or raw)'
        )
    return _completed(source, disk_format, container_format, named)


def _completed(source, disk_format, container_format, named):
    disk = disk_format or source
    container = container_format or (
        named[1] if named and named[0] == disk else 'bare'
    )
    formats = Formats(source, disk, container)
    LOG.debug('Formats: source %s, disk %s, container %s', *formats)
    return formats

# SPDX-License-Identifier: Apache-2.0
"""The limits a cloud enforces on an import, checked before it starts.

Rackspace Cloud Images (API reference, "Image import"): a VHD, fixed or
dynamic, with a non-zero UUID, that expands to a disk of at most 160 GB
(error 413) in a file of matching size (error 609). Rackspace's GB are
binary ones, as Cloud Files' 5 GB objects are 5 GiB.
"""

from osc_lib import exceptions

from imageplugin import formats
from imageplugin import progress

MiB = 1024**2
GiB = 1024**3
RACKSPACE_MAX_VIRTUAL_SIZE = 160 * GiB
# A dynamic VHD stores its data in blocks of this size, each after a
# 512-byte sector bitmap, and lists them in a table of 4-byte entries.
_VHD_BLOCK = 2 * MiB
_SECTOR = 512


def largest_vhd_file(virtual_size):
    """The largest VHD file of a disk of ``virtual_size`` bytes: fully
    allocated and dynamic (footer, copy, header, block table, blocks)."""
    blocks = -(-virtual_size // _VHD_BLOCK)
    table = -(-blocks * 4 // _SECTOR) * _SECTOR
    return 4 * _SECTOR + table + blocks * (_VHD_BLOCK + _SECTOR)


RACKSPACE_MAX_FILE_SIZE = largest_vhd_file(RACKSPACE_MAX_VIRTUAL_SIZE)


def check_rackspace_image(where, content, size=None):
    """Refuse what Rackspace Cloud Images would fail the import for.

    ``content`` is the image's ``inspection.Content``; ``size`` the
    file's size in bytes, where known.
    """

    def refuse(problem):
        raise exceptions.CommandError(f'Cannot import {where}: {problem}')

    if content.disk_format != 'vhd':
        refuse(
            f'Rackspace Cloud Images imports VHD files only and this one '
            f'is {content.detected} (convert it with "qemu-img convert '
            f'-f {formats.qemu_name(content.detected)} '
            '-O vpc <in> <out>")'
        )
    footer = content.vhd
    if footer.disk_type not in ('fixed', 'dynamic'):
        refuse(
            f'it is a {footer.disk_type} VHD, and Rackspace imports fixed '
            'or dynamic ones only (error 523); flatten it with '
            '"qemu-img convert -f vpc -O vpc <in> <out>"'
        )
    if not footer.checksum_ok:
        refuse(
            'the checksum of its VHD footer is wrong: the file is '
            'damaged or was cut short (Rackspace would fail it with '
            'error 111); export or convert it again'
        )
    if not any(footer.uuid):
        refuse(
            "its VHD footer's UUID is all zeros, which Rackspace "
            'refuses (error 614); convert it again with "qemu-img '
            'convert -O vpc <in> <out>" to give it one'
        )
    limit = RACKSPACE_MAX_VIRTUAL_SIZE
    if footer.virtual_size > limit:
        virtual = footer.virtual_size
        refuse(
            f'it expands to a disk of {progress.human_size(virtual)} '
            f'({virtual} bytes), over the {progress.human_size(limit)} '
            'Rackspace imports (error 413)'
        )
    if size is not None and size > RACKSPACE_MAX_FILE_SIZE:
        refuse(
            f'its file is {progress.human_size(size)} ({size} bytes), '
            f'more than a VHD of a {progress.human_size(limit)} disk '
            'takes, which Rackspace refuses (error 609)'
        )

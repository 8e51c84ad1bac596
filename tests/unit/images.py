# SPDX-License-Identifier: Apache-2.0
"""Image files as their formats lay them out, built byte by byte.

Only the structures the format inspector and our VHD checks read: a qcow2
header, VHD footers with a real checksum, disk type and UUID.
"""

import struct
import uuid

GiB = 1024**3
VHD_FIXED, VHD_DYNAMIC, VHD_DIFFERENCING = 2, 3, 4
A_UUID = uuid.UUID('6f1f7f4e-52a4-4b8e-9e43-0c7d0a9a5d21').bytes


def qcow2(virtual_size=GiB, backing_file=False, data_file=False):
    """The first 64 KiB of a qcow2 (version 3) image."""
    header = struct.pack(
        '>4sIQIIQ',
        b'QFI\xfb',
        3,
        0x200 if backing_file else 0,
        8 if backing_file else 0,
        16,
        virtual_size,
    )
    features = 4 if data_file else 0  # incompatible feature bit 2
    header = header.ljust(0x48, b'\0') + struct.pack('>Q', features)
    return header.ljust(64 * 1024, b'\0')


def vhd_footer(
    virtual_size=GiB, disk_type=VHD_FIXED, unique_id=A_UUID, checksum=None
):
    """A 512-byte VHD footer; its checksum is right unless given."""
    data_offset = 0xFFFFFFFFFFFFFFFF if disk_type == VHD_FIXED else 512
    footer = bytearray(
        struct.pack(
            '>8sIIQI4sI4sQQIII16s',
            b'conectix',
            2,
            0x10000,
            data_offset,
            0,
            b'qemu',
            0x50003,
            b'Wi2k',
            virtual_size,
            virtual_size,
            0,
            disk_type,
            0,
            unique_id,
        ).ljust(512, b'\0')
    )
    if checksum is None:
        checksum = ~sum(footer) & 0xFFFFFFFF
    struct.pack_into('>I', footer, 64, checksum)
    return bytes(footer)


def dynamic_vhd(virtual_size=GiB, **footer_fields):
    """A dynamic VHD with no block allocated: footer copy, header, footer."""
    footer = vhd_footer(virtual_size, VHD_DYNAMIC, **footer_fields)
    header = b'cxsparse'.ljust(1024, b'\0')
    return footer + header + bytes(1024) + footer


def write_fixed_vhd(path, virtual_size, **footer_fields):
    """A fixed VHD of ``virtual_size`` (sparse on disk) at ``path``."""
    with open(path, 'wb') as out:
        out.truncate(virtual_size)
        out.seek(virtual_size)
        out.write(vhd_footer(virtual_size, VHD_FIXED, **footer_fields))
    return path


def iso(size=64 * 1024):
    """An ISO 9660 image: its volume descriptor's "CD001" at 0x8001."""
    data = bytearray(size)
    data[0x8000:0x8006] = b'\x01CD001'
    return bytes(data)

# SPDX-License-Identifier: Apache-2.0
"""What an image's bytes say: its format, its virtual size, its safety.

The format is read from the content with oslo.utils' format inspector,
which Glance itself checks images with. Only the start of an image is
read: every format shows itself within its first few MiB (a VHDX within
about 3 MiB), but for a fixed VHD, whose only header is the 512-byte
footer at its end.
"""

import collections
import io
import logging
import os
import struct

from osc_lib import exceptions
from oslo_utils.imageutils import format_inspector
import requests

from imageplugin import http
from imageplugin import urlread

LOG = logging.getLogger(__name__)
KiB = 1024
MiB = 1024**2
CHUNK_SIZE = 64 * KiB
# How much of a URL is read at most to tell its format.
URL_HEAD_LIMIT = 8 * MiB
URL_TIMEOUT = 20.0
# How much of an object is read: Rackspace imports VHDs, whose headers are
# in their first and last 512 bytes; the rest tells what else it may be.
OBJECT_HEAD_SIZE = 1 * MiB
VHD_FOOTER_SIZE = 512

# The inspector's names that are not Glance's disk format names.
_GLANCE_NAMES = {'gpt': 'raw'}
# Formats the inspector knows and Glance does not import.
UNSUPPORTED = ('qed', 'luks')
VHD_DISK_TYPES = {2: 'fixed', 3: 'dynamic', 4: 'differencing'}

# Why each of the inspector's safety checks matters, for its one-line
# refusal; a check not listed here is named with the inspector's words.
_UNSAFE = {
    'backing_file': (
        'it is a qcow2 image with a backing file: the image service would '
        'read a file of its own host into your image (flatten it first: '
        'qemu-img convert -f qcow2 -O qcow2 <in> <out>)'
    ),
    'data_file': (
        'it is a qcow2 image whose data lives in an external data file: the '
        'image service would read a file of its own host into your image '
        '(flatten it first: qemu-img convert -f qcow2 -O qcow2 <in> '
        '<out>)'
    ),
    'unknown_features': (
        'its qcow2 header uses features that cannot be checked as safe '
        '(convert it: qemu-img convert -f qcow2 -O qcow2 <in> <out>)'
    ),
    'descriptor': (
        'its VMDK descriptor names extents outside the image, or none: the '
        'image service would read other files of its own host'
    ),
    'mbr': (
        'its partition table (MBR/GPT) is invalid, which the image service '
        'refuses'
    ),
}
# The inspector bans whole formats (qed) by a check of this name.
_BANNED = (
    'it is a {0} image, a format the image service does not '
    'import; convert it, e.g. with "qemu-img convert -f {0} -O qcow2 '
    '<in> <out>"'
)


class VhdFooter(
    collections.namedtuple(
        'VhdFooter', 'disk_type virtual_size uuid checksum_ok'
    )
):
    """The facts of a VHD's footer.

    ``disk_type`` is 'fixed', 'dynamic', 'differencing' or the number
    found; ``virtual_size`` is the disk's current size in bytes.
    """

    __slots__ = ()


# Signatures of archives and compressed streams: their content reads as
# raw, but the disk is inside. (Offset, magic, name.)
_PACKED = (
    (0, b'\x1f\x8b', 'gzip'),
    (0, b'BZh', 'bzip2'),
    (0, b'\xfd7zXZ\x00', 'xz'),
    (0, b'\x28\xb5\x2f\xfd', 'zstd'),
    (0, b'PK\x03\x04', 'zip'),
    (257, b'ustar', 'tar'),
)


class Content(
    collections.namedtuple(
        'Content',
        'disk_format detected virtual_size vhd problems packed document',
        defaults=(None, None),
    )
):
    """What an image's bytes tell.

    ``disk_format`` is Glance's name of the format (``raw`` for a stream
    with no header known); ``detected`` the inspector's own name (``gpt``
    is a raw disk with a partition table); ``virtual_size`` the size of
    the disk the image expands to, or None; ``vhd`` its ``VhdFooter``;
    ``problems`` the reasons it is unsafe to import, as phrases;
    ``packed`` the archive or compression (``gzip``, ``tar``...) that
    raw content starts with, or None; ``document`` what raw content that
    is text is ('an HTML page', 'a JSON document'...), or None.
    """

    __slots__ = ()


class Unreadable(Exception):
    """The content could not be read from here; the text says why."""


def vhd_footer(data):
    """The ``VhdFooter`` in ``data`` (512 bytes, 511 in old VHDs), or None."""
    if not data.startswith(b'conectix'):
        return None
    data = data[:VHD_FOOTER_SIZE].ljust(VHD_FOOTER_SIZE, b'\0')
    (size,) = struct.unpack_from('>Q', data, 48)
    disk_type, checksum = struct.unpack_from('>II', data, 60)
    # The one's complement of the sum of every byte but the checksum's.
    computed = ~(sum(data[:64]) + sum(data[68:])) & 0xFFFFFFFF
    return VhdFooter(
        VHD_DISK_TYPES.get(disk_type, str(disk_type)),
        size,
        bytes(data[68:84]),
        checksum == computed,
    )


def footer_in_tail(tail):
    """The ``VhdFooter`` that ends a file whose last bytes are ``tail``."""
    tail = tail[-VHD_FOOTER_SIZE:]
    return vhd_footer(tail) or vhd_footer(tail[1:])


def inspect_file(path):
    """The ``Content`` of the regular, readable file at ``path``."""
    with open(path, 'rb') as image:
        size = os.fstat(image.fileno()).st_size
        tail = os.pread(
            image.fileno(), VHD_FOOTER_SIZE, max(0, size - VHD_FOOTER_SIZE)
        )
        content = _with_footer(inspect_stream(image), tail, size)
    LOG.debug('Content of %s: %s', path, _described(content))
    return content


def inspect_url(url, verify=True, expect_vhd=False):
    """The ``Content`` of the image at an http(s) ``url``.

    Reads its first bytes (at most ``URL_HEAD_LIMIT``), and its last 512
    when they may hold a VHD footer (``expect_vhd``: from a server that
    ignores ranges too). Raises ``Unreadable`` when the server cannot be
    asked or will not say, and a one-line CommandError when its answer
    shows that the image service could not import it either.
    """

    shown = http.shown_url(url)
    try:
        with requests.get(
            url,
            stream=True,
            verify=verify,
            timeout=URL_TIMEOUT,
            headers={'Range': f'bytes=0-{URL_HEAD_LIMIT - 1}'},
        ) as response:
            _check_answer(response, shown)
            response.raw.decode_content = True
            reader = _Tail(response.raw)
            content = inspect_stream(reader, URL_HEAD_LIMIT)
            html = 'html' in response.headers.get('Content-Type', '')
            total = _total_size(response)
            ranged = response.status_code == 206
            if expect_vhd and not ranged and content.disk_format == 'raw':
                # A server that ignores Range sends it all: a short one is
                # read to its end, a fixed VHD's footer. Only for a VHD:
                # from a slow server, that read can take minutes.
                reader.read_on(URL_HEAD_LIMIT)
            # The whole image was read if it is short (a server that
            # ignores Range sends it all): its end is at hand.
            read_to_end = reader.ended() and (
                not ranged or reader.size == total
            )
        LOG.debug(
            'Content of %s (HTTP %s, %s bytes in all): %s',
            shown,
            200 + 6 * ranged,
            total,
            _described(content),
        )
        if content.disk_format != 'raw':
            return content
        if html:
            raise exceptions.CommandError(
                f'Cannot import {shown}: it answers with a web page '
                '(text/html), not an image; check the URL'
            )
        if read_to_end and not reader.size:
            raise _empty(shown)
        if read_to_end:
            return _with_footer(content, reader.tail, reader.size)
        if not total:
            return content
        # A fixed VHD's footer is its last 512 bytes, named by their
        # offsets: some servers ignore a suffix range (bytes=-512).
        return _with_footer(content, _url_tail(url, verify, total), total)
    except requests.RequestException as exc:
        raise Unreadable(urlread.problem(exc, URL_TIMEOUT)) from None


class _Tail:
    """A stream read by the inspector, keeping its last bytes read and
    telling whether it ended."""

    def __init__(self, stream):
        self.stream = stream
        self.tail = b''
        self.size = 0
        self.done = False

    def read(self, size=-1):
        chunk = self.stream.read(size)
        if not chunk:
            self.done = True
        self.size += len(chunk)
        self.tail = (self.tail + chunk)[-VHD_FOOTER_SIZE:]
        return chunk

    def read_on(self, limit):
        while not self.done and self.size < limit:
            self.read(min(CHUNK_SIZE, limit - self.size))

    def ended(self):
        """Whether the stream has no byte left (reads one to know)."""
        if not self.done:
            extra = self.stream.read(1)
            if extra:
                return False
            self.done = True
        return True


def _url_tail(url, verify, total):
    """The last 512 bytes of the image at ``url`` (``total`` bytes), or
    b'' where the server will not send just them."""
    first = max(0, total - VHD_FOOTER_SIZE)
    with requests.get(
        url,
        stream=True,
        verify=verify,
        timeout=URL_TIMEOUT,
        headers={'Range': f'bytes={first}-{total - 1}'},
    ) as response:
        if response.status_code != 206:
            return b''
        return response.raw.read(VHD_FOOTER_SIZE, decode_content=True)


def _described(content):
    text = (
        f'{content.detected}, virtual size {content.virtual_size}'
        f'{", VHD " + content.vhd.disk_type if content.vhd else ""}'
    )
    if content.problems:
        text += '; unsafe: ' + '; '.join(content.problems)
    return text


def inspect_object(store, container, name):
    """The ``Content`` of an object of ``store`` (an ``ObjectStore``), and
    the object's size."""
    head, size = store.read_range(
        container, name, f'bytes=0-{OBJECT_HEAD_SIZE - 1}'
    )
    content = inspect_stream(io.BytesIO(head))
    tail = head
    if size > len(head):
        tail, _ = store.read_range(
            container, name, f'bytes=-{VHD_FOOTER_SIZE}'
        )
    content = _with_footer(content, tail, size)
    LOG.debug(
        'Content of %s/%s (%s bytes): %s',
        container,
        name,
        size,
        _described(content),
    )
    return content, size


def _empty(shown):
    return exceptions.CommandError(
        f'Cannot import {shown}: it answers with no data (an empty file): '
        'there is no image there to import'
    )


def _check_answer(response, shown):
    if response.status_code == 416 and response.headers.get(
        'Content-Range', ''
    ).endswith('/0'):
        # No byte of an empty file can be asked for.
        raise _empty(shown)
    if response.status_code in (404, 410):
        raise exceptions.CommandError(
            f'Cannot import {shown}: it answers HTTP '
            f'{response.status_code} ({response.reason}): there is no image '
            'there to import'
        )
    if response.status_code not in (200, 206):
        raise Unreadable(
            f'it answers HTTP {response.status_code} ({response.reason})'
        )


def _total_size(response):
    """The size of the whole image, from a ranged or a plain answer."""
    if response.status_code == 206:
        total = response.headers.get('Content-Range', '').rpartition('/')[2]
    else:
        total = response.headers.get('Content-Length', '')
    return int(total) if total.isdigit() else None


def inspect_stream(source, limit=None):
    """Feed ``source`` to the inspector until it decides (or ``limit``)."""
    # Its warnings would repeat, on stderr, what our refusal says.
    logging.getLogger(format_inspector.__name__).setLevel(logging.CRITICAL)
    wrapper = format_inspector.InspectWrapper(source)
    read, start = 0, b''
    try:
        while limit is None or read < limit:
            chunk = wrapper.read(CHUNK_SIZE)
            if not chunk:
                break
            if len(start) < 512:
                start += chunk[:512]
            read += len(chunk)
            if wrapper.formats is not None:
                break
    finally:
        wrapper.close()
    content = _content(wrapper.formats, format_inspector)
    if content.disk_format == 'raw':
        content = content._replace(
            packed=next(
                (
                    name
                    for offset, magic, name in _PACKED
                    if start[offset : offset + len(magic)] == magic
                ),
                None,
            ),
            document=text_document(start),
        )
    return content


# Bytes of text: tab, line ends, and printable ASCII; UTF-8's multi-byte
# sequences are 0x80 and up.
_TEXT_BYTES = (
    frozenset(b'\t\n\r\f')
    | frozenset(range(0x20, 0x7F))
    | frozenset(range(0x80, 0x100))
)


def text_document(start):
    """What ``start``, the first bytes of a stream, shows it is when it is
    text and no disk image ('an HTML page'...), else None. An error page
    or a login page served where an image was expected is text, whatever
    its Content-Type says; a disk image's first sector never is."""
    head = start[:512]
    if not head or not set(head) <= _TEXT_BYTES:
        return None
    try:
        head.decode('utf-8')
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:
            return None  # not UTF-8 (a sequence cut at the end is)
    lower = head.lstrip(b'\xef\xbb\xbf \t\r\n').lower()
    if lower.startswith((b'<!doctype html', b'<html', b'<head', b'<body')):
        return 'an HTML page'
    if lower.startswith((b'<?xml', b'<')):
        return 'an XML document'
    if lower.startswith((b'{', b'[')):
        return 'a JSON document'
    return 'a text file'


def _content(matches, format_inspector):
    names = sorted(str(match) for match in matches)
    if names == ['gpt', 'iso']:
        # A bootable ISO has a partition table in front, as Glance allows.
        matches = [match for match in matches if str(match) == 'iso']
    if len(matches) > 1:
        return Content(
            None,
            '+'.join(names),
            None,
            None,
            (
                f'its content matches several formats ({", ".join(names)}): '
                'an image that passes for another is refused',
            ),
        )
    inspector = matches[0]
    detected = str(inspector)
    problems = ()
    try:
        inspector.safety_check()
    except format_inspector.SafetyCheckFailed as exc:
        problems = tuple(
            _BANNED.format(detected)
            if name == 'banned'
            else _UNSAFE.get(
                name,
                f'it fails the {detected} safety check "{name}" ({failure})',
            )
            for name, failure in sorted(exc.failures.items())
        )
    except format_inspector.ImageFormatError:
        # Not all of it was read (a stream-optimised VMDK's footer is at
        # its end): the image service checks it as a whole.
        pass
    virtual_size = inspector.virtual_size if detected != 'raw' else None
    # A dynamic VHD starts with a copy of its footer.
    footer = (
        vhd_footer(inspector.region('header').data)
        if detected == 'vhd'
        else None
    )
    return Content(
        _GLANCE_NAMES.get(detected, detected),
        detected,
        virtual_size or None,
        footer,
        problems,
    )


def _with_footer(content, tail, size):
    """``content`` with what the VHD footer in ``tail`` adds."""
    footer = footer_in_tail(tail)
    if footer is None and content.vhd is not None:
        return content._replace(
            problems=content.problems
            + (
                'it starts as a dynamic VHD but has no footer at its end: the '
                'file was cut short',
            )
        )
    if footer is None or content.disk_format not in ('raw', 'vhd'):
        return content._replace(
            virtual_size=content.virtual_size
            or (size if content.disk_format == 'raw' else None)
        )
    problems = content.problems
    if footer.disk_type == 'differencing':
        problems += (
            'it is a differencing VHD: its data depends on a parent '
            'disk that it does not hold (flatten it first: '
            'qemu-img convert -f vpc -O vpc <in> <out>)',
        )
    return content._replace(
        disk_format='vhd',
        detected='vhd',
        virtual_size=footer.virtual_size,
        vhd=footer,
        problems=problems,
    )

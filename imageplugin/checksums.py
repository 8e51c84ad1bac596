# SPDX-License-Identifier: Apache-2.0
"""The checksum a source is published with: ``--checksum <algorithm>:<hex>``
or an entry of a SHA256SUMS-style file (``--checksum-from``).

A sums file holds lines in the GNU form (``<hex>  <name>``, ``<hex>
*<name>`` for binary mode) or the BSD form (``SHA256 (<name>) = <hex>``),
or a single hex digest alone. The entry is the one of the source's file
name: the basename of the ``--file`` path or of the URL's path. The
algorithm is the BSD tag's, else told by the length of the hex.
"""

import argparse
import collections
import hashlib
import os
import re
import urllib.parse

from osc_lib import exceptions

from imageplugin import http
from imageplugin import urlread

# Algorithm and its hex digest length.
HEX_LENGTHS = {'md5': 32, 'sha1': 40, 'sha256': 64, 'sha512': 128}
_BY_LENGTH = {length: name for name, length in HEX_LENGTHS.items()}
_HEX = re.compile(r'[0-9a-fA-F]+')
_BSD = re.compile(
    r'^(?P<tag>[A-Za-z0-9-]+) ?\((?P<name>.*)\) ?= ?(?P<hex>\S+)$'
)
_GNU = re.compile(r'^\\?(?P<hex>[0-9a-fA-F]+) [ *]?(?P<name>.+)$')
# A sums file is small; more than this is not one.
SUMS_LIMIT = 1024 * 1024


class Checksum(collections.namedtuple('Checksum', 'algorithm hex origin')):
    """The published digest of a source: ``algorithm`` (hashlib's name),
    ``hex`` (lower case), and ``origin``, what said it (``--checksum``
    or the sums file)."""

    __slots__ = ()

    def hasher(self):
        return hashlib.new(self.algorithm)


def parsed(text):
    """``--checksum``'s value, ``<algorithm>:<hex>`` (argparse type)."""
    algorithm, colon, digest = text.strip().partition(':')
    algorithm = algorithm.lower()
    if not colon or algorithm not in HEX_LENGTHS:
        raise argparse.ArgumentTypeError(
            f'{text!r} is not <algorithm>:<hex> with an algorithm of '
            f'{", ".join(HEX_LENGTHS)} (e.g. sha256:<64 hex digits>)'
        )
    length = HEX_LENGTHS[algorithm]
    if not _HEX.fullmatch(digest) or len(digest) != length:
        raise argparse.ArgumentTypeError(
            f'{text!r}: a {algorithm} digest is {length} hex digits, not '
            f'{digest!r}'
        )
    return Checksum(algorithm, digest.lower(), '--checksum')


def source_name(source):
    """The file name a sums file lists ``source`` (a path or URL) by."""
    if '://' in source:
        source = urllib.parse.unquote(urllib.parse.urlsplit(source).path)
    return os.path.basename(source.rstrip('/'))


def entry(text, name, origin):
    """The ``Checksum`` of ``name`` in the sums file ``text``."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith('#')]
    if len(lines) == 1 and _HEX.fullmatch(lines[0]):
        # A *.sha256 file with only the digest.
        return _checksum(None, lines[0], origin)
    found = set()
    for line in lines:
        listed = _listed(line)
        if listed and listed[1] == name:
            found.add(listed[0] + (listed[2].lower(),))
    if not found:
        raise exceptions.CommandError(
            f"{origin} lists no checksum of {name!r} (the source's file "
            'name): check that it is the sums file of this image'
        )
    if len(found) > 1:
        raise exceptions.CommandError(
            f'{origin} lists {name!r} with different checksums: it cannot '
            'tell which is right'
        )
    tag, digest = found.pop()
    return _checksum(tag, digest, origin)


def _listed(line):
    """(tag or None,), name, hex of one line of a sums file, or None."""
    bsd = _BSD.match(line)
    if bsd:
        return (bsd['tag'].lower().replace('-', ''),), bsd['name'], bsd['hex']
    gnu = _GNU.match(line)
    if gnu:
        return (None,), gnu['name'], gnu['hex']
    return None


def _checksum(tag, digest, origin):
    algorithm = tag or _BY_LENGTH.get(len(digest))
    if (
        algorithm not in HEX_LENGTHS
        or not _HEX.fullmatch(digest)
        or len(digest) != HEX_LENGTHS[algorithm]
    ):
        raise exceptions.CommandError(
            f'{origin} holds {digest!r}, which is no md5, sha1, sha256 or '
            'sha512 digest'
        )
    return Checksum(algorithm, digest.lower(), origin)


def from_sums(location, source, verify=True):
    """The ``Checksum`` of ``source`` (its path or URL) that the sums file
    at ``location`` (a path or an http(s) URL) lists."""
    if '://' in location:
        shown = http.shown_url(location)
        text = _fetched(location, shown, verify)
    else:
        shown = location
        try:
            with open(location, 'rb') as sums:
                data = sums.read(SUMS_LIMIT + 1)
        except OSError as exc:
            raise exceptions.CommandError(
                f'Cannot read --checksum-from {location}: '
                f'{exc.strerror or exc}'
            ) from None
        text = _text(data, shown)
    return entry(text, source_name(source), shown)


def _fetched(url, shown, verify):
    action = f'Cannot read --checksum-from {shown}'
    with urlread.opened(url, action, verify) as (body, _):
        data = body.read(SUMS_LIMIT + 1)
    return _text(data, shown)


def _text(data, shown):
    if len(data) > SUMS_LIMIT:
        raise exceptions.CommandError(
            f'--checksum-from {shown} is over 1 MiB: no sums file'
        )
    return data.decode('utf-8', 'replace')


def mismatch(where, checksum, found):
    """The one-line refusal of a source whose digest is not the one
    published."""
    return exceptions.CommandError(
        f'{where}: its {checksum.algorithm} is {found}, {checksum.origin} '
        f'says {checksum.hex}; nothing was imported'
    )

# SPDX-License-Identifier: Apache-2.0
"""How a large file is laid out in the object storage.

A file above the segment size goes up as a Static Large Object: its
segments, then a manifest listing them. Segment names hold the file's
identity (``file_identity``) and the segment size, so running the same
upload again finds the segments the store already holds, while another
file's upload writes elsewhere. Rackspace's export writes Dynamic Large
Objects instead (a manifest naming a prefix); ``delete`` removes both
kinds with their segments.
"""

import hashlib
import logging
import os
import urllib.parse

from osc_lib import exceptions

from imageplugin import bodies
from imageplugin import http
from imageplugin import objectstore

LOG = logging.getLogger(__name__)
MiB = objectstore.MiB
GiB = objectstore.GiB
# Swift's default max_manifest_segments; Rackspace Cloud Files has the same.
MAX_SEGMENTS = 1000
# Without a chosen segment size, a file is cut into as many segments as
# go up at once by default (objectstore.DEFAULT_CONCURRENCY), of at least
# MIN_DEFAULT_SEGMENT_SIZE (fewer requests for a small file) and at most
# DEFAULT_SEGMENT_SIZE: small enough that an interrupted upload loses
# little, big enough that a 160 GiB image stays far below MAX_SEGMENTS.
# Through an emulated WAN (20 or 80 ms, 25 MB/s per connection), a 1 GiB
# file went up in 6.5 s in 8 segments of 128 MiB, 12 s in 4 of 256 MiB;
# at 40 ms and 10 MB/s a 128 MiB file took 4.0 s in 4 segments of 32 MiB
# and 2.1-2.6 s in 8 of 16 MiB: from 64 MiB to 2 GiB a file fills every
# connection.
MIN_DEFAULT_SEGMENT_SIZE = 8 * MiB
DEFAULT_SEGMENT_SIZE = 256 * MiB


def default_segment_size(size):
    """The segment size for a file of ``size`` bytes when none is chosen.

    From the size alone, so that a resumed upload (even at another
    concurrency) cuts the file as the interrupted one did.
    """
    per_segment = -(-size // objectstore.DEFAULT_CONCURRENCY)
    per_segment = -(-per_segment // MiB) * MiB
    return max(
        MIN_DEFAULT_SEGMENT_SIZE, min(DEFAULT_SEGMENT_SIZE, per_segment)
    )


def segment_size_for(size, segment_size):
    """The segment size to use: raised if the file needs too many."""
    least = -(-size // MAX_SEGMENTS)
    if segment_size >= least:
        return segment_size
    least = -(-least // MiB) * MiB
    if least > objectstore.MAX_OBJECT_SIZE:
        raise exceptions.CommandError(
            f'The file is too big for the object storage: {size} bytes '
            f'would need more than {MAX_SEGMENTS} segments of '
            f'{objectstore.MAX_OBJECT_SIZE // GiB} GiB'
        )
    return least


def file_identity(stat_result):
    """A short name for one file in one state, from its ``os.stat()``.

    The device and inode tell two files apart even when their names and
    sizes are equal (``a/disk.raw`` and ``b/disk.raw`` uploaded at once);
    the size and the modification time in nanoseconds tell a file from
    what it was before it was written to. Nothing here reads the content,
    so finding it costs nothing on a 100 GiB file, and it stays the same
    when the same command runs again after Ctrl-C, which is what lets an
    upload resume. A copy of the file elsewhere has another identity and
    is uploaded anew. Reused segments are checked against the file's
    bytes by their MD5 anyway: the identity keeps runs apart, it does not
    vouch for data. 48 bits of SHA-256: files met by one container never
    come near a collision.
    """
    text = (
        f'{stat_result.st_dev}:{stat_result.st_ino}:'
        f'{stat_result.st_size}:{stat_result.st_mtime_ns}'
    )
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def object_identity(headers):
    """``file_identity`` of an object of another store, from its HEAD:
    its ETag, size and last change name one state of it."""
    text = (
        f'{headers.get("Etag", "")}:{headers.get("Content-Length")}:'
        f'{headers.get("Last-Modified", "")}'
    )
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def default_object_name(file_name, identity):
    """``disk.raw`` as ``disk-<identity>.raw``: one object per file."""
    stem, extension = os.path.splitext(file_name)
    return f'{stem}-{identity}{extension}'


def segments_prefix(name, identity):
    """Where the segments of the uploads of one file as ``name`` go."""
    return f'{name}.segments/{identity}/'


def segment_name(name, identity, segment_size, index):
    """Where segment ``index`` (from 1) of an upload goes.

    Next to the object, so one container (its rights, its region) holds
    all; the file's identity keeps another file's upload of that name
    out, and the segment size a resumed upload cut another way.
    """
    return f'{segments_prefix(name, identity)}{segment_size}/{index:06d}'


def check_segment_size(segment_size):
    smallest = objectstore.MIN_SEGMENT_SIZE
    largest = objectstore.MAX_OBJECT_SIZE
    if not smallest <= segment_size <= largest:
        raise exceptions.CommandError(
            f'Invalid segment size {segment_size}: it must be from '
            f'{smallest // MiB} MiB to {largest // GiB} GiB'
        )


def segment_ranges(size, segment_size):
    """(offset, length) of each segment of ``size`` bytes."""
    return [
        (offset, min(segment_size, size - offset))
        for offset in range(0, size, segment_size)
    ]


def manifest(container, done, ranges):
    """The Static Large Object manifest of the segments ``done`` (name,
    etag, whether it was stored already) of ``ranges``."""
    return [
        {'path': f'{container}/{segment}', 'etag': etag, 'size_bytes': length}
        for (segment, etag, _), (_, length) in zip(done, ranges, strict=True)
    ]


def manifest_etag(segments):
    """Swift's ETag of a Static Large Object: the MD5 of its segments'."""
    return bodies.md5_hex(''.join(item['etag'] for item in segments).encode())


def delete(store, container, name, identity=None):
    """Delete an upload of ``store``; for a large object also its segments.

    With the ``file_identity`` of the upload's file, the object is deleted
    only if it is that file's upload, and so are the segments that earlier
    uploads of that file left; another file's upload of that name is
    never touched. True if the object existed.
    """
    action = f'Cannot delete {container}/{name}'
    try:
        head = store.request('HEAD', store.path(container, name), action)
    except http.HTTPError as exc:
        if exc.http_status != 404:
            raise
        head = None
    if (
        head is not None
        and identity is not None
        and head.headers.get(objectstore.IDENTITY_HEADER) != identity
    ):
        raise objectstore.ObjectTaken(
            f'{action}: it is no longer an upload of this file (another '
            'upload wrote it), so it was left alone'
        )
    large = (
        head is not None
        and head.headers.get('X-Static-Large-Object', '').lower() == 'true'
    )
    dynamic = head is not None and head.headers.get('X-Object-Manifest')
    if dynamic:
        _delete_dynamic(store, container, name, dynamic, action)
    elif large:
        response = store.request(
            'DELETE',
            store.path(container, name),
            action,
            params={'multipart-manifest': 'delete'},
        )
        _check_bulk_report(response, action)
    elif head is not None:
        store.delete_quietly(container, name, action)
    if identity is not None:
        for leftover in store.names(
            container, segments_prefix(name, identity)
        ):
            store.delete_quietly(
                container, leftover, f'Cannot delete segment {leftover}'
            )
            LOG.debug('Deleted the leftover segment %s', leftover)
    LOG.debug(
        'Deleted %s/%s%s',
        container,
        name,
        ' and its segments' if large else '',
    )
    return head is not None


def _delete_dynamic(store, container, name, manifest_header, action):
    """Delete a Dynamic Large Object (Rackspace's export writes them): its
    segments are the objects under its prefix, deleted when the prefix is
    this object's own (``<name>-00001``...)."""
    segments_container, _, prefix = urllib.parse.unquote(
        manifest_header
    ).partition('/')
    if segments_container == container and prefix.startswith(name):
        for segment in list(store.names(container, prefix)):
            if segment != name:
                store.delete_quietly(container, segment, action)
    store.delete_quietly(container, name, action)


def _check_bulk_report(response, action):
    # Swift answers 200 and tells a failed segment delete in the body.
    try:
        report = response.json()
    except ValueError:
        return
    status = str(report.get('Response Status', ''))
    if status and not status.startswith('2'):
        errors = report.get('Errors') or []
        detail = '; '.join(f'{name}: {why}' for name, why in errors[:3])
        raise exceptions.CommandError(
            f'{action}: {report.get("Response Body") or status}'
            + (f' ({detail})' if detail else '')
        )

# SPDX-License-Identifier: Apache-2.0
"""What every import route does once its import has succeeded.

The image that landed is compared with what was meant (``Meant``): its
disk and container formats, its size, and the hash of the bytes as one
upload read them from a local file (``Read``). Glance's multihash
(``os_hash_algo``/``os_hash_value``) is preferred where the upload
computed that algorithm, else the MD5 ``checksum``. A URL that Glance
read itself left no bytes of ours to hash: its formats are compared, and
only a refusal is said (no line claims anything of bytes nobody here
read).

A file that changed while it was read (its size, modification or change
time, or the file at its path) may have been sent torn, its beginning
from before and its end from after: it is refused, never verified. So is
an image whose formats are not the ones meant; Glance's tasks API does
that on its own (its introspection stores an ISO or a fixed VHD as raw).

A refused image is deleted unless the user keeps it (``--keep-image``);
the command exits with ``waiting.EXIT_TASK_FAILED``. Each verdict is one
line on stderr saying what was compared with what.
"""

import collections
import os

from osc_lib import exceptions

from imageplugin import api
from imageplugin import vhdroute
from imageplugin import waiting

# The fields of a file's os.stat() that change when it is written to or
# replaced, and how a refusal names each.
_STATE_FIELDS = (
    ('st_dev', 'it was replaced'),
    ('st_ino', 'it was replaced'),
    ('st_size', 'its size'),
    ('st_mtime_ns', 'its modification time'),
    ('st_ctime_ns', 'its change time'),
)


def file_state(path, fd=None):
    """What ``os.stat`` says of the file at ``path`` (or of the open
    ``fd``) that changes when it is written to or replaced; None if it
    is gone."""
    try:
        found = os.fstat(fd) if fd is not None else os.stat(path)
    except OSError:
        return None
    return tuple(getattr(found, field) for field, _ in _STATE_FIELDS)


class Read(collections.namedtuple('Read', 'source size digests before after')):
    """The bytes of a local file as one upload read them: ``size`` bytes
    of ``source`` (its path), their hex ``digests`` by algorithm, and the
    file's ``file_state`` before the first byte and after the last."""

    __slots__ = ()

    def changes(self):
        """What changed in the file while it was read (empty: nothing):
        that it was replaced, else its size and modification time, else
        its change time (a write that kept the modification time)."""
        if self.before == self.after:
            return []
        if self.before is None or self.after is None:
            return ['it is gone']
        changed = [
            name
            for (_, name), was, now in zip(
                _STATE_FIELDS, self.before, self.after, strict=True
            )
            if was != now
        ]
        if 'it was replaced' in changed:
            return ['it was replaced']
        written = [name for name in changed if name != 'its change time']
        return written or changed

    def change_refusal(self):
        """The one-line reason to refuse what was sent, or None."""
        changes = self.changes()
        if not changes:
            return None
        return (
            f'{self.source} changed while it was being sent '
            f'({", ".join(changes)}): what was sent may mix both '
            'versions; import it again once nothing writes to it'
        )


class Meant(collections.namedtuple('Meant', 'formats read instead')):
    """What an import meant to make: ``formats`` (a ``formats.Formats``;
    None: not compared), the ``Read`` of the bytes sent (None: Glance read
    a URL itself), and ``instead``, the interoperable import
    method that keeps the formats when the route is Glance's tasks API,
    whose introspection may rewrite them (None: another route)."""

    __slots__ = ()

    def __new__(cls, formats, read=None, instead=None):
        return super().__new__(cls, formats, read, instead)


def verified(client, outcome, meant, say, keep_image=False, seen=None):
    """``outcome`` (a successful import's ``waiting.Outcome``) after
    ``check``: its exit code ``waiting.EXIT_TASK_FAILED`` if the image was
    refused. ``seen``: the image as the wait last read it, active, which
    spares reading it again."""
    image_id = api.task_image_id(outcome.task)
    if not image_id:
        say('Cannot verify the image: the task does not name it.')
        return outcome
    code = check(client, image_id, meant, say, keep_image, seen)
    return outcome._replace(exit_code=code) if code else outcome


def check(client, image_id, meant, say, keep_image=False, seen=None):
    """Compare image ``image_id`` with what was ``meant``; say the one
    line of the verdict. Returns 0, or ``waiting.EXIT_TASK_FAILED`` once a
    refused image is deleted (kept with ``keep_image``)."""
    if meant.formats is None and meant.read is None:
        return 0
    refusal = meant.read and meant.read.change_refusal()
    if refusal is None:
        try:
            image = (
                seen
                if seen
                and seen.get('id') == image_id
                and seen.get('status') == 'active'
                else client.get_image(image_id)
            )
        except exceptions.CommandError as exc:
            say(
                f'{exc}: image {image_id} was not compared with what was '
                'meant.'
            )
            return 0
        refusal = _format_refusal(image, meant) or _bytes_refusal(image, meant)
    if refusal is None:
        if meant.read is not None:
            # A URL's image is as meant: nothing of its bytes to claim.
            say(_verified_line(image, meant))
        return 0
    say(f'{refusal}; {_fate(client, image_id, keep_image)}')
    return waiting.EXIT_TASK_FAILED


def compared(client, outcome, say, compare):
    """``outcome`` after saying whether its image holds the right bytes,
    as ``compare(image)`` (a verdict and a line) tells: exit code
    ``waiting.EXIT_TASK_FAILED`` if not. For copies between images, whose
    route deletes a bad copy itself."""
    image_id = api.task_image_id(outcome.task)
    if not image_id:
        say('Cannot verify the image: the task does not name it.')
        return outcome
    try:
        image = client.get_image(image_id)
    except exceptions.CommandError as exc:
        say(f'{exc}: the image was not compared with its source.')
        return outcome
    matched, line = compare(image)
    say(line)
    if matched is False:
        return outcome._replace(exit_code=waiting.EXIT_TASK_FAILED)
    return outcome


def _fate(client, image_id, keep_image):
    if keep_image:
        return (
            f'image {image_id} is kept (--keep-image): delete it with '
            f'"openstack image delete {image_id}"'
        )
    try:
        client.delete_image(image_id)
    except exceptions.CommandError as exc:
        return f'{exc}; image {image_id} is left behind'
    return f'image {image_id} was deleted'


def _format_differences(image, formats):
    """[(field, stored, meant)] of the formats that differ."""
    return [
        (field, image.get(field), wanted)
        for field, wanted in (
            ('disk_format', formats.disk),
            ('container_format', formats.container),
        )
        if wanted and image.get(field) != wanted
    ]


def _format_refusal(image, meant):
    if meant.formats is None:
        return None
    differences = _format_differences(image, meant.formats)
    if not differences:
        return None
    image_id = image.get('id')
    stored = ', '.join(
        f'{field.replace("_", " ")} {found}' for field, found, _ in differences
    )
    rewritten = ', '.join(
        f'{field.replace("_", " ")} {wanted}'
        for field, _, wanted in differences
    )
    if meant.instead is None:
        return f'Image {image_id} was stored with {stored}, not {rewritten}'
    reason = (
        f"Glance's tasks API stored image {image_id} with {stored}: "
        f'its introspection rewrote {rewritten}'
    )
    if meant.formats.disk == 'vhd':
        # A fixed VHD: interoperable import fails it (vhdroute).
        return f'{reason}; {vhdroute.CONVERT}'
    return (
        f'{reason}; import it by interoperable import (--method '
        f'{meant.instead}) to keep {meant.formats.disk}'
    )


def _hash_compared(image, digests):
    """(algorithm, field, the image's value, ours) of the first hash both
    know, Glance's multihash first; None if they share none."""
    shown = [(image.get('os_hash_algo'), 'os_hash_value'), ('md5', 'checksum')]
    for algorithm, field in shown:
        theirs = image.get(field)
        if algorithm and theirs and algorithm in digests:
            return algorithm, field, str(theirs).lower(), digests[algorithm]
    return None


def _bytes_refusal(image, meant):
    read = meant.read
    if read is None:
        return None
    image_id, size = image.get('id'), image.get('size')
    if size is not None and size != read.size:
        return (
            f'Image {image_id} holds {size} bytes, and {read.size} '
            f'were read from {read.source}'
        )
    compared = _hash_compared(image, read.digests)
    if compared is None or compared[2] == compared[3]:
        return None
    algorithm, field, theirs, ours = compared
    return (
        f'Image {image_id} does not hold the bytes of {read.source}: '
        f'its {algorithm} ({field}) is {theirs}, and the {read.size} '
        f'bytes read from the file hash to {ours}'
    )


def _formats_said(formats):
    if formats is None:
        return ''
    return (
        f'disk format {formats.disk}, container format '
        f'{formats.container}, as meant'
    )


def _verified_line(image, meant):
    image_id, formats = image.get('id'), _formats_said(meant.formats)
    read = meant.read
    compared = _hash_compared(image, read.digests)
    if compared is None:
        shown = (
            ', '.join(
                f'{field} ({algorithm})'
                for algorithm, field in (
                    (image.get('os_hash_algo'), 'os_hash_value'),
                    ('md5', 'checksum'),
                )
                if image.get(field)
            )
            or 'no hash'
        )
        return (
            f'Cannot verify the bytes of image {image_id}: it shows '
            f'{shown}, and the upload of {read.source} computed '
            f'{", ".join(sorted(read.digests))}'
            + (f'; {formats}.' if formats else '.')
        )
    algorithm, field, _, _ = compared
    return (
        f'Verified image {image_id}: its {algorithm} ({field}) matches '
        f'the {read.size} bytes read from {read.source}'
        + (f'; {formats}.' if formats else '.')
    )

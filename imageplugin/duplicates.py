# SPDX-License-Identifier: Apache-2.0
"""The same bytes twice: an import whose image is already there.

Before anything is created, ``look`` asks Glance for the images of the
new image's name (one cheap request). Only where one of them is active
and owned by the caller's project is the --file read, once, for the
hashes those images show: openstacksdk's ``owner_specified.openstack``
MD5 and SHA-256 (``provenance``), Glance's ``os_hash_value`` and MD5
``checksum``. An image of that name, size and hashes (every hash both
know agrees) holds the same bytes: the plan is then ``ALREADY_THERE``,
nothing is created, and the command shows the image's import task where
it has one (``outcome``). ``--allow-duplicates`` skips the look.

A URL's bytes are known only once imported: a same-named image is said
in one note, and another is made.
"""

import dataclasses
import logging
import shlex

from osc_lib import exceptions

from imageplugin import bodies
from imageplugin import plan as plans
from imageplugin import provenance
from imageplugin import waiting

LOG = logging.getLogger(__name__)
ALREADY_THERE = 'already-there'
STEP = 'look for an image of the same name and content'
_READ_SIZE = 1024**2


@dataclasses.dataclass(frozen=True)
class AlreadyThere(plans.Plan):
    """The plan that makes nothing: ``image`` holds the bytes already."""

    image: dict = None


@dataclasses.dataclass(frozen=True)
class Existing:
    """The image of the same name and bytes that an import would make
    again (``plan.Facts.duplicate``)."""

    image: dict
    compared: str

    def plan(self, where):
        """The ``plan.Plan`` that makes nothing: ``where`` holds the
        bytes (as it may be shown)."""
        image = self.image
        return AlreadyThere(
            route=ALREADY_THERE,
            method=None,
            source=where,
            steps=(
                f'{STEP}: image {image["id"]} ({image.get("name")}) holds '
                f'{where} ({self.compared})',
                'show its import task where it has one, else the image',
            ),
            notes=(already_there(image),),
            image=image,
        )


def already_there(image):
    return (
        f'Already there: {image["id"]} ({image.get("name")}); nothing was '
        'created (--allow-duplicates makes another)'
    )


def look(client, request, source, rewritten=False):
    """(``Existing`` or None, a note or None) of the import of ``source``
    (an ``importroute.Source``) that ``request`` asks for; ``rewritten``:
    the bytes sent are not the source's (decompressed or converted here)."""
    if request.allow_duplicates or request.kind not in ('file', 'url'):
        return None, None
    name = new_name(request, source)
    if not name:
        return None, None
    candidates = own_active(client, client.images_named(name))
    if not candidates:
        return None, None
    shown = ', '.join(image['id'] for image in candidates)
    if rewritten:
        return None, (
            f'Image {shown} is also named {name!r}: whether it holds the '
            f'bytes {source.where} becomes here (decompressed or converted) '
            'is known only once they are made, so another is made'
        )
    if request.kind == 'url':
        return None, (
            f'Image {shown} is also named {name!r}: whether it holds the '
            f'bytes of {source.where} is known only once they are imported '
            '(Glance reads a URL itself), so another is made'
        )
    read = source.local.image
    names = wanted(candidates)
    if not names:
        # Images that show no hash cannot be compared: none is read.
        return None, None
    digests = file_digests(read.path, names)
    for image in candidates:
        compared = same_bytes(image, read.size, digests)
        if compared:
            return Existing(image, compared), None
    return None, None


def copy_look(target, image, name):
    """The ``Existing`` image of ``target`` (a region's ``TaskAPI``)
    that a copy of ``image`` named ``name`` would make again, or None:
    Glance's hashes of both images say."""
    candidates = own_active(target, target.images_named(name))
    recorded = provenance.recorded_hashes(image)
    for candidate in candidates:
        compared = same_bytes(candidate, image.get('size'), recorded)
        if compared:
            return Existing(candidate, compared)
    return None


def new_name(request, source):
    """The name the new image would have."""
    if source.local is not None:
        properties = source.local.properties
    else:
        properties = request.image_properties
    given = (request.extra_input or {}).get('image_properties')
    from_input = given.get('name') if isinstance(given, dict) else None
    return properties.get('name') or from_input


def own_active(client, images):
    """The active images of ``images`` that the caller's project owns
    (all of them where the login does not say its project). Glance 33's
    tasks API leaves the owner of its images empty: such an image that
    the caller sees is taken as theirs."""
    project = client.project_id()
    return [
        image
        for image in images
        if image.get('status') == 'active'
        and (project is None or image.get('owner') in (project, None))
    ]


def wanted(candidates):
    """The hash algorithms to compute of the file: those the candidates
    show that this Python knows."""
    names = []
    for image in candidates:
        names.extend(provenance.recorded_hashes(image))
    return [name for name in dict.fromkeys(names) if _known(name)]


def _known(name):
    try:
        bodies.hasher(name)
    except ValueError:
        return False
    return True


def file_digests(path, names):
    """{algorithm: hex} of the file at ``path``, read once."""
    hashes = bodies.Hashes(names)
    with open(path, 'rb') as data:
        while chunk := data.read(_READ_SIZE):
            hashes.update(chunk)
    return hashes.hexdigests()


def same_bytes(image, size, digests):
    """What was compared (e.g. ``sha512 (os_hash_value)``) where ``image``
    holds bytes of ``size`` and ``digests``, else None: its size and every
    hash both know must agree, one at least."""
    if None not in (image.get('size'), size) and image['size'] != size:
        return None
    recorded = provenance.recorded_hashes(image)
    shared = [name for name in recorded if name in digests]
    if not shared or any(recorded[name] != digests[name] for name in shared):
        return None
    return ', '.join(shared)


def outcome(client, say, plan, openstack='openstack'):
    """The ``waiting.Outcome`` of an ``AlreadyThere`` plan: the image's
    newest task, else a record that names only the image. ``openstack``
    is the command as the hint names it (in the image's region)."""
    image_id = plan.image['id']
    for note in plan.notes:
        say(note)
    try:
        tasks = client.image_tasks(image_id)
    except exceptions.CommandError as exc:
        # The image is what was asked for; its task only shows it.
        LOG.debug('No tasks of image %s: %s', image_id, exc)
        tasks = []
    if not tasks:
        say(
            f'Image {image_id} has no import task listed (Glance lists '
            f'those of interoperable imports): see {openstack} image show '
            f'{shlex.quote(image_id)}'
        )
        return waiting.Outcome({'image_id': image_id}, 0)
    newest = max(tasks, key=lambda task: task.get('created_at') or '')
    return waiting.Outcome(newest, 0)

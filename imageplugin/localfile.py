# SPDX-License-Identifier: Apache-2.0
"""A ``--file``, checked with the options before any byte of it moves,
whatever route sends it: the file and its content (``imagefile``), the
image's properties and its name, and the object it would go up as, named
after the file's identity (``largeobject.file_identity``).
"""

import collections
import os

from osc_lib import exceptions

from imageplugin import imagefile
from imageplugin import importing
from imageplugin import largeobject
from imageplugin import limits
from imageplugin import preflight


class LocalFile(
    collections.namedtuple(
        'LocalFile',
        'image properties given name identity temporary',
        defaults=(False,),
    )
):
    """A local image file checked with the options (``checked_file``):
    the ``imagefile.ImageFile``, the image's properties, the options
    given, the object it goes up as, named after its ``identity``, and
    whether it is a temporary file of ours (decompressed or converted
    here), which no later run can resume the upload of."""

    __slots__ = ()


def checked_file(args):
    """Check the file, its content and the options; return a ``LocalFile``.

    Nothing goes over the network: a long upload must not end in a refusal
    the file or the options already told (``check_rackspace`` adds
    Rackspace's rules once the dialect is known).
    """
    properties, given = importing.image_properties(args)
    if 'name' not in properties and not importing.input_name(args.extra_input):
        properties['name'] = preflight.checked_default_name(
            os.path.splitext(os.path.basename(args.file))[0], '--file'
        )
    image = imagefile.checked(
        args.file,
        args.disk_format,
        args.container_format,
        args.import_from_format,
    )
    try:
        identity = largeobject.file_identity(os.stat(image.path))
    except OSError as exc:
        raise exceptions.CommandError(
            f'Cannot upload {image.path}: {exc.strerror or exc}'
        ) from None
    name = args.object_name or largeobject.default_object_name(
        os.path.basename(image.path), identity
    )
    return LocalFile(image, properties, given, name, identity)


def check_rackspace(local, request):
    """Refuse what Rackspace Cloud Images would fail the task for: its
    content, its size and the options (``request.ImportRequest``)."""
    image = local.image
    limits.check_rackspace_image(image.path, image.content, image.size)
    importing.rackspace_input(
        f'{request.container}/{local.name}',
        local.properties,
        local.given,
        request.import_from_format,
        request.extra_input,
    )

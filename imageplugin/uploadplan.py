# SPDX-License-Identifier: Apache-2.0
"""The plan of a --file that goes up to the object storage and that
Glance imports by web-download from a TempURL of it (``ROUTE``).

glance-direct sends a file to Glance in one stream; this route sends it
in parallel, resumable, verified segments (``transfer``), as the tasks
API's route does for admins, and needs only what a member has: an object
storage account they own and a Glance that offers web-download. Where
either is missing, a --file goes by glance-direct. Pure, as
``plan.decide`` is: the facts were asked before (``importroute.survey``).
"""

import dataclasses

from osc_lib import exceptions

ROUTE = 'web-download-upload'
WEB_DOWNLOAD = 'web-download'
GLANCE_DIRECT = 'glance-direct'


def file_method(request, facts):
    """How a --file is imported by interoperable import: 'web-download'
    (through the object storage) where it can go up there and Glance
    offers web-download, else 'glance-direct'; --method chooses, and a
    web-download asked for that cannot be had is refused."""
    if request.method == GLANCE_DIRECT:
        return GLANCE_DIRECT
    offered = WEB_DOWNLOAD in (facts.methods or ())
    if request.method == WEB_DOWNLOAD:
        if facts.upload_refusal != '' and offered:
            raise exceptions.CommandError(
                '--method web-download sends a --file through the object '
                'storage, which cannot take it: '
                + (facts.upload_refusal or 'it was not asked').rstrip('.')
                + '; use --method glance-direct'
            )
        return WEB_DOWNLOAD
    if facts.upload_refusal == '' and offered:
        return WEB_DOWNLOAD
    return GLANCE_DIRECT


def target(request):
    """Where the file goes in the object storage, as the plan shows it."""
    name = request.object_name or '<object named after the file>'
    return f'{request.container}/{name}'


def through_storage(plan, request, facts):
    """``plan``, an interoperable import's, as this route's where it is a
    --file's web-download: the upload first, the fallback, the clean-up."""
    if plan.method != WEB_DOWNLOAD or not request.file:
        return plan
    where, place = plan.source, target(request)
    return dataclasses.replace(
        plan,
        route=ROUTE,
        steps=(
            f'upload {where} to {place} in the object storage '
            '(resumable, segments in parallel), hashing it: this user may '
            'write there and Glance offers web-download',
            f'create an image, then import {place} into it by web-download '
            'from a TempURL',
            'if Glance refuses the TempURL (its import filtering): delete '
            f"{place}, then send {where} to the image's staging area and "
            'import it by glance-direct',
        )
        + plan.steps[1:],
        creates=(f'container {request.container}, if missing',) + plan.creates,
        uploads=(f'{where} to {place}',),
        # Without --wait, Glance may still be reading it when the command
        # ends: it stays, and the command says where.
        deletes=(
            (f'{place} and its segments, once the import has ended',)
            if request.wait and not request.keep_upload
            else ()
        )
        + plan.deletes,
        # No note that the upload's options go unused: they are used.
        notes=tuple(facts.content_notes),
        dialect='glance',
    )

# SPDX-License-Identifier: Apache-2.0
"""The plan of ``image task copy``: a new image in the target region whose
data comes by Glance's interoperable import, or Rackspace's export,
transfer and import. Decided once the read-only checks of both regions
have run (``taskcopy``), shown by ``--dry-run``.
"""

from imageplugin import duplicates
from imageplugin.plan import TASK
from imageplugin.plan import Plan


def already_there(copy, name=None, allow_duplicates=False):
    """The plan that makes nothing where the target region of ``copy``
    (a ``regioncopy.RegionCopy`` or ``rackspacecopy.RackspaceCopy``,
    which read the image) holds the image's bytes under the copy's name
    already (``duplicates``), else None. A copy with no name is looked
    for nowhere: Glance would list every image."""
    image = copy.image
    name = name or image.get('name')
    if allow_duplicates or not name:
        return None
    existing = duplicates.copy_look(copy.target, image, name)
    if existing is None:
        return None
    return existing.plan(f'image {image["id"]} in {copy.source_region}')


def decide(copy, method, name=None, allow_duplicates=False, **options):
    """The whole plan of a copy on Glance, once the read-only checks of
    both regions have run: ``already_there``, else ``copy_plan`` with
    ``options`` (keep_image, wait)."""
    there = already_there(copy, name, allow_duplicates)
    if there is not None:
        return there
    image = copy.image
    return copy_plan(
        method,
        image['id'],
        copy.source_region,
        copy.target_region,
        name,
        protected=bool(image.get('protected')),
        **options,
    )


def copy_plan(
    method,
    image_id,
    source_region,
    target_region,
    name=None,
    keep_image=False,
    wait=False,
    protected=False,
):
    """The plan of ``image task copy`` on Glance: a new image in
    ``target_region`` whose data comes by ``method``; the copy of a
    ``protected`` image is protected once its import has succeeded."""
    how = (
        f'{target_region} reads it from {source_region}'
        if method == 'glance-download'
        else 'the data streams through this client'
    )
    steps = (
        f'create an image in {target_region} with the properties of '
        f'image {image_id}' + (f', named {name!r}' if name else ''),
        f'import its data by {method}: {how}',
    )
    notes = ()
    if wait:
        steps += (
            'wait for the import to end',
            "compare the copy's hash with the image's",
        )
        if protected:
            steps += ('protect the copy, as the image is',)
    else:
        steps += ('show the import task (not waited for)',)
        if protected:
            notes = (
                f'Image {image_id} is protected: its copy is protected '
                'only with --wait; without, protect it once it is active',
            )
    return Plan(
        route=method,
        method=method,
        source=f'image {image_id} in {source_region}',
        steps=steps,
        creates=(f'an image in {target_region}',),
        deletes=_copy_deleted(keep_image, wait),
        notes=notes,
    )


def _copy_deleted(keep_image, wait):
    """What the plan deletes of the copy: its bytes are compared only
    when the import is waited for."""
    if keep_image:
        return ()
    if wait:
        return ('the copy, if its import fails or its bytes differ',)
    return ('the copy, if its import cannot be started',)


def export_decide(copy, name=None, allow_duplicates=False, **options):
    """The whole plan of a copy on Rackspace (``copy``: a
    ``rackspacecopy.RackspaceCopy``): ``already_there``, else
    ``export_copy_plan`` with ``options`` (keep_upload, wait)."""
    there = already_there(copy, name, allow_duplicates)
    if there is not None:
        return there
    return export_copy_plan(
        copy.image['id'],
        copy.source_region,
        copy.target_region,
        copy.container,
        copy.shared_store,
        **options,
    )


def export_copy_plan(
    image_id,
    source_region,
    target_region,
    container,
    shared_store,
    keep_upload=False,
    wait=False,
):
    """The plan of ``image task copy`` on Rackspace: export, transfer,
    import, through ``container`` of both regions' object storage."""
    vhd = f'{container}/{image_id}.vhd'
    steps = (
        f'export image {image_id} to {vhd} in {source_region} (an '
        'export task), unless it is there already',
    )
    uploads = ()
    if not shared_store:
        steps += (
            f"copy {vhd} into {target_region}'s object storage, in "
            'segments (an interrupted copy resumes)',
        )
        uploads = (f'{vhd} from {source_region} to {target_region}',)
    steps += (f'import {vhd} in {target_region} (an import task)',)
    steps += (
        (
            'wait for the import to end',
            "compare the copy's checksum with the image's",
        )
        if wait
        else ('show the import task (not waited for)',)
    )
    regions = (
        (source_region,) if shared_store else (source_region, target_region)
    )
    return Plan(
        route='export-import',
        method=TASK,
        source=f'image {image_id} in {source_region}',
        steps=steps,
        creates=(
            'an export task',
            *(f'{vhd} in {region}' for region in regions),
            'an import task',
            f'an image in {target_region}',
        ),
        uploads=uploads,
        deletes=(
            ()
            if keep_upload
            else tuple(
                f'{vhd} in {region}, once the import has ended'
                for region in regions
            )
        ),
    )

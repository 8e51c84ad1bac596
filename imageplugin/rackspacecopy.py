# SPDX-License-Identifier: Apache-2.0
"""An image copied between regions of Rackspace Cloud Images.

Rackspace has no interoperable import, only tasks: the copy is an export
task in the source region (the image as ``<image-id>.vhd`` in that
region's Cloud Files), the VHD streamed from there into the target
region's Cloud Files (segments sent several at once, nothing written to
the local disk), and an import task in the target region. Both objects
are deleted once the import has ended, unless ``--keep-upload``.

Running the same command again after an interruption goes on from the
step it reached: an export already in the object storage is used, one
still running is waited for, segments already in the target are not
sent again.
"""

import logging

from osc_lib import exceptions

from imageplugin import api
from imageplugin import importing
from imageplugin import inspection
from imageplugin import largeobject
from imageplugin import limits
from imageplugin import objectstore
from imageplugin import progress
from imageplugin import regioncopy
from imageplugin import transfer
from imageplugin import waiting

LOG = logging.getLogger(__name__)
_RUNNING = ('pending', 'processing')


class RackspaceCopy:
    """Image ``image_id`` of the ``source`` region's ``TaskAPI`` (its
    object storage: ``source_store``) copied into the ``target``'s
    (``target_store``) through ``container`` of each."""

    def __init__(
        self,
        source,
        source_store,
        source_region,
        target,
        target_store,
        target_region,
        image_id,
        container,
        say,
    ):
        self.source = source
        self.source_store = source_store
        self.source_region = source_region
        self.target = target
        self.target_store = target_store
        self.target_region = target_region
        self.container = container
        self.say = say
        self.image = source.get_image(image_id)
        if self.image.get('status') != 'active':
            raise exceptions.CommandError(
                f'Image {image_id} is {self.image.get("status")} in '
                f'{source_region}: only an active image can be copied'
            )
        self.object = f'{image_id}.vhd'
        # One object storage for both regions: the export is imported
        # from where it is (copying it onto itself would destroy it).
        self.shared_store = source_store.endpoint == target_store.endpoint

    @property
    def where(self):
        return f'{self.container}/{self.object}'

    def run(
        self,
        name,
        follow_export,
        follow_import,
        stream=None,
        keep_upload=False,
        keep_image=False,
        wait=False,
        segment_size=None,
        concurrency=None,
    ):
        """Export, transfer, import; return the ``waiting.Outcome`` of the
        import (or of the export, when that did not succeed).

        ``follow_export(task)`` waits for the export to its end;
        ``follow_import(task, recreate=...)`` follows the import (to its
        end with ``wait``). The transfer's progress is drawn on ``stream``
        when it is a terminal.
        """
        failed = self.export(follow_export)
        if failed:
            return failed
        self.check_export()
        if not self.shared_store:
            self.transfer(stream, segment_size, concurrency)
        task_input = importing.rackspace_input(
            self.where,
            {'name': name or self.image.get('name') or self.image['id']},
        )
        try:
            task = self.target.create_task('import', task_input)
        except exceptions.CommandError as exc:
            raise exceptions.CommandError(
                f'{exc}. {self.leftovers_note(keep_upload)}'
            ) from None
        try:
            outcome = follow_import(
                task,
                recreate=lambda: self.target.create_task('import', task_input),
            )
        except KeyboardInterrupt:
            self.say(self.kept_note())
            raise
        if wait and outcome.status == 'success':
            outcome = self.verified(outcome, keep_image)
        if outcome.status in waiting.FINAL_STATUSES:
            self.say(self.leftovers_note(keep_upload))
        else:
            self.say(self.kept_note())
        return outcome

    def export(self, follow):
        """The image exported to the source's object storage: found there,
        waited for, or made. Returns the export's ``Outcome`` if it did
        not succeed, else None."""
        if self.source_store.exists(self.container, self.object):
            self.say(
                f'Using the export of image {self.image["id"]} '
                f'already at {self.where} in {self.source_region}.'
            )
            return None
        task = self.running_export()
        if task is None:
            self.source_store.ensure_container(self.container)
            task = self.source.create_task(
                'export',
                {
                    'image_uuid': self.image['id'],
                    'receiving_swift_container': self.container,
                },
            )
            LOG.debug(
                'Exporting image %s to %s by task %s',
                self.image['id'],
                self.where,
                task['id'],
            )
        outcome = follow(task)
        return None if outcome.status == 'success' else outcome

    def running_export(self):
        """An export of this image that an earlier run started and that
        has not ended, or None."""
        for status in _RUNNING:
            for listed in self.source.list_tasks(
                {'type': 'export', 'status': status}
            ):
                # Listings leave out the input: read each task.
                task = self.source.get_task(listed['id'])
                given = task.get('input') or {}
                if (
                    given.get('image_uuid') == self.image['id']
                    and given.get('receiving_swift_container')
                    == self.container
                ):
                    self.say(
                        f'Waiting for export task {task["id"]} of '
                        f'image {self.image["id"]}, started earlier.'
                    )
                    return task
        return None

    def check_export(self):
        """Refuse an exported VHD that the import would fail on."""
        content, size = inspection.inspect_object(
            self.source_store, self.container, self.object
        )
        limits.check_rackspace_image(self.where, content, size)

    def transfer(self, stream, segment_size=None, concurrency=None):
        """The exported VHD streamed into the target's object storage."""
        self.target_store.ensure_container(self.container)
        size = self.source_store.size(self.container, self.object)
        label = f'Copying {self.object} to {self.target_region}'
        try:
            with progress.ProgressBar(stream, size, label) as bar:
                copied = transfer.copy_from(
                    self.target_store,
                    self.source_store,
                    self.container,
                    self.object,
                    self.container,
                    self.object,
                    segment_size=segment_size,
                    progress=bar,
                    concurrency=(
                        concurrency or objectstore.DEFAULT_CONCURRENCY
                    ),
                )
        except KeyboardInterrupt:
            self.say(f'Interrupted. {self.resume_note()}')
            raise
        except exceptions.CommandError as exc:
            raise exceptions.CommandError(
                f'{exc}. {self.resume_note()}'
            ) from None
        if copied.reused:
            self.say(
                f'Resumed the transfer: {copied.reused} of '
                f'{copied.segments} segments were already stored.'
            )
        return copied

    def verified(self, outcome, keep_image):
        """``outcome`` after comparing the copy's checksum with the
        image's; exit code 1 (and the copy deleted unless
        ``keep_image``) when they differ."""
        copy_id = api.task_image_id(outcome.task)
        if not copy_id:
            self.say('Cannot verify the copy: the task does not name it.')
            return outcome
        copy = self.target.get_image(copy_id)
        matched, line = regioncopy.same_bytes(
            self.image, copy, self.source_region, self.target_region
        )
        self.say(line)
        if matched is not False:
            return outcome
        if keep_image:
            self.say(f'Image {copy_id} is kept (--keep-image).')
        else:
            self.target.delete_image(copy_id)
            self.say(f'Image {copy_id} was deleted.')
        return outcome._replace(exit_code=waiting.EXIT_TASK_FAILED)

    def resume_note(self):
        return (
            f'The export stays at {self.where} in {self.source_region}; '
            'run the same command again to resume the copy.'
        )

    def places(self):
        regions = [self.source_region]
        if not self.shared_store:
            regions.append(self.target_region)
        return f'{self.where} in {" and ".join(regions)}'

    def kept_note(self):
        return (
            f'The exported image stays at {self.places()} until you '
            'delete it, once the import has ended.'
        )

    def leftovers_note(self, keep_upload):
        """Delete the export and its copy unless ``keep_upload``; say
        what became of them."""
        if keep_upload:
            return f'The exported image is kept at {self.places()}.'
        stores = [(self.source_store, self.source_region)]
        if not self.shared_store:
            stores.append((self.target_store, self.target_region))
        left = []
        for store, region in stores:
            try:
                largeobject.delete(store, self.container, self.object)
            except exceptions.CommandError as exc:
                left.append(f'{exc} ({region})')
        if left:
            return '; '.join(left) + ': delete it yourself.'
        return f'Deleted {self.places()}.'

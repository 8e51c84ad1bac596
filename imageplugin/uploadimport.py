# SPDX-License-Identifier: Apache-2.0
"""A local image file imported through the cloud's object storage, by
the tasks API (the plan's ``task-upload`` route).

The file, checked before any byte moves (``localfile``), is uploaded
(resumably, as a Static Large Object when large), imported from there
(Rackspace: as ``container/object``; Glance: through a TempURL), and the
upload removed
once the task has ended. Whatever is left behind is said, with where.

The object is named after the file's identity (``disk.raw`` goes up as
``disk-<identity>.raw``, see ``largeobject.file_identity``): two files of
one name imported at once never share an object, and the same file run
again finds its segments. After a successful import the image is
compared with the file as the upload read it (``aftercare``).
"""

import os
import shlex

from osc_lib import exceptions

from imageplugin import aftercare
from imageplugin import bodies
from imageplugin import importing
from imageplugin import largeobject
from imageplugin import objectstore
from imageplugin import progress
from imageplugin import provenance
from imageplugin import transfer
from imageplugin import waiting

# How long the TempURL lets Glance read the upload: the task reads it as
# soon as it starts, but a busy cloud may queue it.
TEMP_URL_LIFETIME = 24 * 3600
# What the upload hashes the whole file with while it reads it: on
# Glance, what the image records and is compared by (provenance);
# Rackspace takes no such property and shows only an MD5 "checksum",
# which a file sent as one object has anyway (the store's ETag).
GLANCE_DIGEST = provenance.HASHED
RACKSPACE_DIGEST = 'md5'


def check_object(store, container, local):
    """Refuse, as the upload of ``local`` (a ``localfile.LocalFile``)
    would before its first byte, an object of its name in ``container``
    that another file wrote."""
    transfer.check_target(
        store, container, local.name, local.identity, local.image.path
    )


class UploadImport:
    """A checked ``LocalFile`` imported through ``store``, the cloud's
    ``objectstore.ObjectStore``, into a cloud of the Rackspace dialect or
    not: ``run`` does it all. Complete once constructed.
    """

    def __init__(self, local, store, rackspace, args):
        self.image = local.image
        self.properties = local.properties
        self.given = local.given
        self.name = local.name
        self.identity = local.identity
        self.temporary = local.temporary
        self.store = store
        self.rackspace = rackspace
        self.container = args.container
        self.segment_size = (
            args.segment_size
            or largeobject.default_segment_size(local.image.size)
        )
        self.import_from_format = args.import_from_format
        self.keep_upload = args.keep_upload
        # A refused image is deleted unless kept (aftercare).
        self.keep_image = getattr(args, 'keep_image', False)
        self.wait = args.wait
        # The hashes to record and compare the image with (GLANCE_DIGEST).
        self.digest = RACKSPACE_DIGEST if rackspace else GLANCE_DIGEST
        self.concurrency = (
            args.upload_concurrency or objectstore.DEFAULT_CONCURRENCY
        )

    @property
    def where(self):
        return f'{self.container}/{self.name}'

    @property
    def stays(self):
        """Whether the upload stays once the command ends (kept, or read
        by an import not waited for): where the image may name it."""
        return self.keep_upload or not self.wait

    def provenance(self, digests):
        """What the image records of its bytes (``provenance``): the
        object only where it stays, since openstacksdk deletes the object
        an image names, and a deleted one would be named wrongly."""
        return provenance.properties(
            digests, self.where if self.stays else None
        )

    def task_input(self, extra):
        """The import task's input (``extra`` merged in)."""
        if self.rackspace:
            return importing.rackspace_input(
                self.where,
                self.properties,
                self.given,
                self.import_from_format,
                extra,
            )
        temp_url = self.store.temp_url(
            self.container, self.name, TEMP_URL_LIFETIME
        )
        return importing.glance_input(
            temp_url, self.image.formats, self.properties, extra
        )

    def recorded(self, task_input, uploaded):
        """``task_input`` whose image records what was ``uploaded`` (the
        store's ``Upload``) as openstacksdk does (``provenance``); Rackspace's
        input takes no such property."""
        if self.rackspace:
            return task_input
        recorded = self.provenance(uploaded.digests)
        properties = dict(task_input.get('image_properties') or {}, **recorded)
        return dict(task_input, image_properties=properties)

    def send(self, stream):
        """Upload the file, saying on failure what stays where.

        Creates the container if needed; draws a progress bar on
        ``stream`` when it is a terminal. Returns the store's ``Upload``.
        """
        try:
            self.store.ensure_container(self.container)
            label = f'Uploading {os.path.basename(self.image.path)}'
            with progress.ProgressBar(stream, self.image.size, label) as bar:
                return transfer.upload(
                    self.store,
                    self.container,
                    self.name,
                    self.image.path,
                    segment_size=self.segment_size,
                    progress=bar,
                    identity=self.identity,
                    digest=self.digest,
                    concurrency=self.concurrency,
                )
        except objectstore.ObjectTaken:
            raise
        except bodies.FileChanged as exc:
            # Its identity changed with it: running again starts anew, and
            # what this one stored would only be left behind.
            raise exceptions.CommandError(
                f'{exc}. {self.discard_stale()}'
            ) from None
        except exceptions.CommandError as exc:
            raise exceptions.CommandError(
                f'{exc}. {self.resume_note()}'
            ) from None

    def discard_stale(self):
        """Delete what was stored of a file that changed; say what became
        of it (if deleting fails, the command that deletes it)."""
        try:
            largeobject.delete(
                self.store, self.container, self.name, self.identity
            )
        except exceptions.CommandError as exc:
            if self.image.size <= self.segment_size:
                command = [
                    'openstack',
                    'object',
                    'delete',
                    self.container,
                    self.name,
                ]
            else:
                command = [
                    'swift',
                    'delete',
                    self.container,
                    '--prefix',
                    largeobject.segments_prefix(self.name, self.identity),
                ]
            return (
                f'What was stored of it stays: {exc}; delete it with '
                f'"{shlex.join(command)}".'
            )
        return 'Nothing of it stays in the object storage.'

    def resume_note(self):
        if self.image.size <= self.segment_size:
            return 'Nothing was stored; run the same command again.'
        if self.temporary:
            # Made anew by the next run, with another identity.
            return (
                f'The segments stored so far stay under '
                f'{largeobject.segments_prefix(self.where, self.identity)}: '
                'they are of a temporary file, now removed, which no run '
                'can resume; delete them (openstack object delete '
                f'{self.container} <segment>...)'
            )
        return (
            f'The segments stored so far stay under '
            f'{largeobject.segments_prefix(self.where, self.identity)}'
            ': run the same '
            'command again to resume the upload.'
        )

    def left_note(self):
        command = (
            f'swift delete {shlex.quote(self.container)} '
            f'{shlex.quote(self.name)}'
        )
        if self.image.size > self.segment_size:
            # A large object: OSC's object delete leaves its segments.
            command += ' (which deletes its segments too)'
        return (
            f'The uploaded image stays at {self.where} in the object '
            'storage until you delete it, once the task has ended: '
            f'{command}.'
        )

    def meant(self, read):
        """The ``aftercare.Meant`` of the image, its bytes ``read``.

        Rackspace shows formats of its own (a VHD in an ``ovf``
        container): there the bytes alone are compared.
        """
        if self.rackspace:
            return aftercare.Meant(None, read)
        return aftercare.Meant(
            self.image.formats, read, instead='glance-direct'
        )

    def remove(self):
        """Delete the upload and its segments; say so if that fails."""
        try:
            largeobject.delete(
                self.store, self.container, self.name, self.identity
            )
        except objectstore.ObjectTaken as exc:
            return f'{exc}.'
        except exceptions.CommandError as exc:
            return f'{exc}. {self.left_note()}'
        return None

    def run(self, client, extra, follow, say, stream=None):
        """Upload the file, import it, clean up; return the ``Outcome``.

        ``client`` is the cloud's ``TaskAPI``; ``follow(task,
        recreate=...)`` gives a task's ``waiting.Outcome`` (waited for or
        not); ``say(text)`` writes a line on stderr; the upload's progress
        is drawn on ``stream`` when it is a terminal. Whatever stays in
        the object storage is said, with where.
        """
        task_input = self.task_input(extra)
        # The file's state around the upload, for aftercare.Read.
        before = aftercare.file_state(self.image.path)
        try:
            uploaded = self.send(stream)
        except KeyboardInterrupt:
            say(f'Upload interrupted. {self.resume_note()}')
            raise
        read = aftercare.Read(
            self.image.shown,
            uploaded.size,
            uploaded.digests,
            before,
            aftercare.file_state(self.image.path),
        )
        if uploaded.reused:
            say(
                f'Resumed the upload: {uploaded.reused} of '
                f'{uploaded.segments} segments were already stored.'
            )
        keep = self.keep_upload
        task_input = self.recorded(task_input, uploaded)
        try:
            task = client.create_task('import', task_input)
        except exceptions.CommandError as exc:
            problem = None if keep else self.remove()
            raise exceptions.CommandError(
                f'{exc}. '
                + (
                    problem
                    or (
                        self.left_note() if keep else 'The upload was deleted.'
                    )
                )
            ) from None
        try:
            outcome = follow(
                task, recreate=lambda: client.create_task('import', task_input)
            )
        except KeyboardInterrupt:
            say(self.left_note())
            raise
        if self.wait and outcome.status == 'success':
            outcome = aftercare.verified(
                client, outcome, self.meant(read), say, self.keep_image
            )
        if keep:
            say(f'The uploaded image is kept at {self.where}.')
        elif outcome.status in waiting.FINAL_STATUSES:
            problem = self.remove()
            if problem:
                say(problem)
        else:
            say(self.left_note())
        return outcome

# SPDX-License-Identifier: Apache-2.0
"""Interoperable image import: create an image, import its data, watch it.

Upstream Glance keeps its tasks API for admins; any user may create an
image and have Glance import its data, from a URL (``web-download``) or
from data sent to its staging area (``glance-direct``). The import runs
as a task of the image, listed by ``GET /v2/images/{id}/tasks`` and named
by the import request's ID.

Glance 33 marks an import in progress with the image property
``os_glance_import_task`` (the task's ID): the import has ended once it is
gone. It succeeded if the image is ``active`` with no store still
importing; anything else is a failure, whatever the task record says.
A task record that says ``failure`` ends it too: some failures leave the
property behind for good.
"""

import logging
import math
import shlex

from osc_lib import exceptions

from imageplugin import aftercare
from imageplugin import bodies
from imageplugin import importing
from imageplugin import progress
from imageplugin import provenance

LOG = logging.getLogger(__name__)
LOCK = 'os_glance_import_task'
IMPORTING = 'os_glance_importing_to_stores'
FAILED = 'os_glance_failed_import'
_RUNNING = ('pending', 'processing')
# Glance 33 lets a new import take the lock of an image whose import task
# was last updated this long ago, twice as long while it is still pending
# (api/v2/images.py _enforce_import_lock, from the task's updated_at).
LOCK_EXPIRY = 3600.0
# What this client waits beyond that: Glance's clock is not ours, and the
# task may have been updated just before it was first seen.
LOCK_MARGIN = 60.0
# The image status each method's new import needs (Glance answers 409
# otherwise).
_IMPORTABLE_FROM = {
    'web-download': 'queued',
    'glance-download': 'queued',
    'glance-direct': 'uploading',
    'copy-image': 'active',
}


def image_body(properties, formats):
    """The body of ``POST /v2/images`` for these properties and formats
    (None: the properties hold them)."""
    if formats is None:
        return dict(properties)
    return dict(
        properties,
        disk_format=formats.disk,
        container_format=formats.container,
    )


class Import:
    """One image imported by ``method``.

    web-download imports ``url``; glance-direct sends ``data``, a checked
    local ``imagefile.ImageFile`` (its ``path`` is watched for changes
    while it is read: ``aftercare.Read``) or anything with its ``label``,
    ``size``, ``content`` and ``open()``; glance-download reads the
    image that ``remote`` names (the method's ``glance_*`` fields);
    copy-image copies image ``image_id`` into more stores. ``stores`` and
    ``all_stores`` say where a multi-store Glance imports to.
    ``compare(image, digests)`` tells whether a copy holds the right
    bytes: a verdict and a line to say (``aftercare.compared``); without
    it, the image is compared with what was meant (``aftercare``).
    ``create(body)`` creates the image (default: as the body says).
    """

    # The import's method as started here (None: started elsewhere, as
    # image task show --image sees it), and the image as last looked at.
    started_by = None
    seen_image = None

    def __init__(
        self,
        client,
        method,
        url=None,
        data=None,
        remote=None,
        compare=None,
        create=None,
        image_id=None,
        stores=(),
        all_stores=False,
    ):
        self.client = client
        # copy-image imports an existing image into more stores.
        self.existing = image_id is not None
        # Glance fails an import that names a store twice and leaves
        # the image locked: each store once, in the order given.
        self.stores = list(dict.fromkeys(stores))
        self.all_stores = all_stores
        self.create = create or client.create_image
        self.method = method
        self.url = url
        self.data = data
        self.remote = remote
        self.compare = compare
        # The bytes as _stage read them (aftercare.Read).
        self.read = None
        # What the data's bytes are, for a failure's reason.
        self.content = getattr(data, 'content', None)
        self.image_id = image_id
        self.request_id = None
        # What an interrupt (Ctrl-C) leaves, as start() goes on.
        self.interrupted_note = 'Nothing was created.'
        # How the hints name the command: a copy's image is in another
        # region than the profile's (RegionCopy names it).
        self.openstack = 'openstack'
        # The file's hashes as sent: the image records them (provenance)
        # and its own are compared with them (aftercare).
        self.hashes = bodies.Hashes(provenance.HASHED)

    @classmethod
    def of_task(cls, client, image_id, task):
        """The import that ``task`` of image ``image_id`` runs."""
        started = cls(
            client,
            (task.get('input') or {})
            .get('import_req', {})
            .get('method', {})
            .get('name'),
        )
        started.image_id = image_id
        started.request_id = task.get('request_id')
        return started

    def run(
        self,
        properties,
        formats,
        follow,
        say,
        stream=None,
        keep_image=False,
        note=None,
        wait=True,
    ):
        """Start the import, follow it, clean up; return the ``Outcome``.

        ``follow(task, look=..., resume=...)`` gives a task's
        ``waiting.Outcome`` (waited for or not); ``say(text)`` writes a
        line on stderr; ``note`` is said once the import has started. An
        image whose import failed is deleted unless ``keep_image``. With
        ``wait``, a protected image is protected once imported.
        """
        # Protected once the import has succeeded (importing.unprotected).
        protect = (
            wait and bool(properties) and properties.get('protected') is True
        )
        if protect:
            properties = importing.unprotected(properties)
        try:
            task = self.start(properties, formats, stream)
        except KeyboardInterrupt:
            say(f'Interrupted. {self.interrupted_note}')
            raise
        if note:
            say(note)
        outcome = follow(
            task, look=self.look, resume=('--image', self.image_id), watch=self
        )
        if outcome.status == 'success':
            outcome = self.verified(outcome, formats, say, keep_image)
        if protect and outcome.status == 'success':
            # Not an image the aftercare refused (and deleted).
            if not outcome.exit_code:
                self.client.set_protected(self.image_id)
        elif protect and outcome.status != 'failure':
            say(
                f'Image {self.image_id} is not protected yet: protect it '
                f'once its import has succeeded ({self.openstack} image set '
                f'--protected {self.image_id})'
            )
        if outcome.status == 'failure' and not self.existing:
            say(
                f'Image {self.image_id} is kept (--keep-image).'
                if keep_image
                else self.discard()
            )
        return outcome

    def start(self, properties, formats, stream=None):
        """Create the image and start its import; return the import's task.

        Draws the staging's progress on ``stream`` when it is a terminal.
        The image is deleted if the import cannot be started.
        """
        if not self.existing:
            name = properties.get('name')
            self.interrupted_note = (
                'An image may have been created before the interrupt: see '
                + (
                    f'{self.openstack} image list --name {shlex.quote(name)}'
                    if name
                    else f'{self.openstack} image list'
                )
            )
            image = self.create(image_body(properties, formats))
            self.image_id = image['id']
            LOG.debug(
                'Created image %s; importing it by %s',
                self.image_id,
                self.method,
            )
        try:
            if self.method == 'glance-direct':
                self._stage(stream)
                method = {'name': 'glance-direct'}
            elif self.method == 'glance-download':
                method = dict(self.remote, name='glance-download')
            elif self.method == 'copy-image':
                method = {'name': 'copy-image'}
            else:
                method = {'name': 'web-download', 'uri': self.url}
            self.request_id = self.client.start_import(
                self.image_id, method, self.stores, self.all_stores
            )
            self.started_by = method
        except exceptions.CommandError as exc:
            if self.existing:
                raise
            raise exceptions.CommandError(f'{exc}. {self.discard()}') from None
        except KeyboardInterrupt:
            self.interrupted_note = (
                f'The import may have started: see {self.openstack} image '
                f'task list --image {self.image_id}'
                if self.existing
                else self.discard()
            )
            raise
        self.interrupted_note = (
            f'The import has started: see {self.openstack} image task '
            f'list --image {self.image_id}'
        )
        return self.task()

    def verified(self, outcome, formats, say, keep_image):
        """``outcome`` once its image is compared with its source."""
        if self.compare:
            return aftercare.compared(
                self.client,
                outcome,
                say,
                lambda image: self.compare(image, self.digests),
            )
        if self.existing:
            return outcome
        meant = aftercare.Meant(formats, self.read)
        return aftercare.verified(
            self.client, outcome, meant, say, keep_image, self.seen_image
        )

    def _stage(self, stream):
        size = self.data.size
        path = getattr(self.data, 'path', None)
        with (
            progress.ProgressBar(
                stream, size or 0, f'Sending {self.data.label}'
            ) as bar,
            self.data.open() as data,
        ):
            # A file written to while it is sent lands torn: its state
            # before the first byte and after the last tells.
            before = path and aftercare.file_state(path, data.fileno())
            counted = _Counted(data, size, bar, self.hashes)
            # Of no size known (decompressed as it streams): sent chunked.
            body = counted if size is not None else iter(counted.read, b'')
            self.client.stage(self.image_id, body)
        if path or size is None:
            self.read = aftercare.Read(
                self.data.shown if path else self.data.label,
                counted.done,
                self.digests,
                before,
                path and aftercare.file_state(path),
            )
            refusal = self.read.change_refusal()
            if refusal:
                raise exceptions.CommandError(refusal)
            # Recorded before the import starts: one not waited for
            # leaves no later moment.
            self.client.patch_image(
                self.image_id,
                provenance.patch(provenance.properties(self.digests)),
                f'Cannot record the hashes of {path} on image {self.image_id}',
            )

    @property
    def digests(self):
        """The hex digests of the data sent, by algorithm."""
        return self.hashes.hexdigests()

    def task(self, timeout=None):
        """The import's own task: the one its request created."""
        tasks = self.client.image_tasks(self.image_id, timeout)
        for task in tasks:
            if self.request_id and task.get('request_id') == self.request_id:
                return task
        # Without a request ID to match, the newest import of the image.
        imports = [
            task for task in tasks if task.get('type') == 'api_image_import'
        ]
        if imports:
            return max(imports, key=lambda task: task.get('created_at', ''))
        return {
            'id': None,
            'image_id': self.image_id,
            'status': 'pending',
            'type': 'api_image_import',
        }

    def look(self, task_id=None, timeout=None):
        """The task as a wait sees it: ended as the image tells.

        Fits ``waiting.wait_for_task`` as its ``get_task``.
        """
        image = self.client.get_image(self.image_id, timeout)
        self.seen_image = image
        task = dict(self.task(timeout), image_id=self.image_id)
        locked = image.get(LOCK)
        # A failed task can leave the lock (a store named twice did):
        # its record is then what tells.
        if locked and task.get('status') != 'failure':
            if task.get('status') not in _RUNNING:
                task['status'] = 'processing'
            return task
        if (
            not locked
            and image.get('status') == 'active'
            and not image.get(IMPORTING)
            and not self.failed_stores(image)
        ):
            task['status'] = 'success'
            return task
        task['status'] = 'failure'
        task['message'] = self.failure_reason(task, image)
        return task

    def progress_mark(self, task):
        """What changes, beside the task, when this import makes progress
        (as ``waiting.Follower`` watches it): the image's status and the
        stores still importing."""
        image = self.seen_image or {}
        return image.get('status'), image.get(IMPORTING)

    def stall_advice(self, task):
        """What to do about this import that makes no progress, and after
        how many seconds without progress ``retry`` may start it again
        (None: it will not)."""
        status = task.get('status')
        expiry = LOCK_EXPIRY * (2 if status == 'pending' else 1)
        taken_over = (
            f'Glance lets a new import of image {self.image_id} '
            'take over once the task has not been updated for '
            f'{math.ceil(expiry / 60)} minutes'
        )
        image = self.seen_image or {}
        if self.started_by and image.get('status') == _IMPORTABLE_FROM.get(
            self.started_by['name']
        ):
            return (
                f'{taken_over}: this command starts it again then, once',
                expiry + LOCK_MARGIN,
            )
        if self.method == 'copy-image':
            # The image was there before: never to be deleted.
            return taken_over, None
        return (
            f'to give up, delete the image ({self.openstack} image delete '
            f'{self.image_id}) and import again',
            None,
        )

    def retry(self):
        """Start this import again, once, as it was started; return the
        new import's task. Glance lets it take over a stale lock."""
        method, self.started_by = self.started_by, None
        self.request_id = self.client.start_import(
            self.image_id, method, self.stores, self.all_stores
        )
        LOG.debug(
            'Started the import of image %s again (request %s)',
            self.image_id,
            self.request_id,
        )
        return dict(self.task(), image_id=self.image_id)

    def failed_stores(self, image):
        """The stores of this import that Glance lists as failed."""
        failed = [
            store for store in (image.get(FAILED) or '').split(',') if store
        ]
        if self.stores and not self.all_stores:
            return [store for store in failed if store in self.stores]
        return failed

    def failure_reason(self, task, image):
        """Glance's message, with what the image itself tells."""
        message = (
            task.get('message') or ''
        ).strip() or 'the image service gave no reason'
        status = image.get('status')
        facts = []
        if status == 'active':
            facts.append('the image stays active in the stores it was in')
        elif status == 'importing':
            facts.append('the image was left importing')
        else:
            facts.append(f'the image went back to {status}')
        found = self.content and self.content.disk_format
        if found and image.get('disk_format') not in (None, found):
            facts.append(
                f'it declares disk format {image["disk_format"]} '
                f'and its data is {self.content.detected}'
            )
        if image.get(FAILED):
            facts.append(f'stores that failed: {image[FAILED]}')
        return f'{message} ({"; ".join(facts)})'

    def discard(self):
        """Delete the image; say what became of it."""
        try:
            self.client.delete_image(self.image_id)
        except exceptions.CommandError as exc:
            return f'{exc}; image {self.image_id} is left behind'
        LOG.debug('Deleted image %s', self.image_id)
        return f'Image {self.image_id} was deleted.'


class _Counted:
    """A file read by the HTTP client, its progress told to ``bar``, its
    bytes to ``hasher``."""

    def __init__(self, data, size, bar, hasher):
        self.data, self.size, self.bar, self.hasher = data, size, bar, hasher
        self.done = 0

    def __len__(self):
        return self.size

    def read(self, size=-1):
        chunk = self.data.read(max(size, 1024 * 1024))
        self.hasher.update(chunk)
        self.done += len(chunk)
        self.bar(self.done)
        return chunk

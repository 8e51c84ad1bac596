"""A local image file imported through the cloud's object storage.

The file is checked before any byte moves, uploaded (resumably, as a
Static Large Object when large), imported from there (Rackspace: as
``container/object``; Glance: through a TempURL), and the upload removed
once the task has ended. Whatever is left behind is said, with where.

The object is named after the file's identity (``disk.raw`` goes up as
``disk-<identity>.raw``, see ``objectstore.file_identity``): two files of
one name imported at once never share an object, and the same file run
again finds its segments. After a successful import the image's hash is
compared with the one computed while the upload read the file.
"""

import collections
import os

from osc_lib import exceptions

from imageplugin import imagefile
from imageplugin import importing
from imageplugin import limits
from imageplugin import objectstore
from imageplugin import progress

# How long the TempURL lets Glance read the upload: the task reads it as
# soon as it starts, but a busy cloud may queue it.
TEMP_URL_LIFETIME = 24 * 3600
# What the upload hashes the whole file with, for comparing with the
# image. A file sent as one object has its MD5 anyway (the store's ETag
# is checked against it), and every image shows an MD5 "checksum": that
# costs nothing. A segmented file needs a hash of its own, about 2 s of
# CPU per GiB: on Glance its default os_hash_algo ([DEFAULT]
# hashing_algorithm), the stronger one; Rackspace shows only "checksum".
GLANCE_DIGEST = 'sha512'
RACKSPACE_DIGEST = 'md5'


class LocalFile(collections.namedtuple(
        'LocalFile', 'image properties given name identity')):
    """A local image file checked with the options (``checked_file``):
    the ``imagefile.ImageFile``, the image's properties, the options
    given, and the object it goes up as, named after its ``identity``."""

    __slots__ = ()


def checked_file(args):
    """Check the file, its content and the options; return a ``LocalFile``.

    Nothing goes over the network: a long upload must not end in a refusal
    the file or the options already told. With ``--dialect rackspace`` the
    Rackspace rules are checked too.
    """
    properties, given = importing.image_properties(args)
    properties.setdefault('name', os.path.splitext(
        os.path.basename(args.file))[0])
    image = imagefile.checked(args.file, args.disk_format,
                              args.container_format,
                              args.import_from_format)
    try:
        identity = objectstore.file_identity(os.stat(image.path))
    except OSError as exc:
        raise exceptions.CommandError(
            f'Cannot upload {image.path}: {exc.strerror or exc}') from None
    name = args.object_name or objectstore.default_object_name(
        os.path.basename(image.path), identity)
    local = LocalFile(image, properties, given, name, identity)
    if args.dialect == 'rackspace':
        _check_rackspace(local, f'{args.container}/{name}',
                         args.import_from_format, args.extra_input)
    return local


def _check_rackspace(local, where, import_from_format, extra_input):
    """Refuse what Rackspace Cloud Images would fail the task for, the
    ``--input`` given (JSON text, or None) included."""
    from imageplugin.task import parsed_json_object

    image = local.image
    limits.check_rackspace_image(image.path, image.content, image.size)
    extra = (None if extra_input is None
             else parsed_json_object(extra_input, '--input'))
    importing.rackspace_input(where, local.properties, local.given,
                              import_from_format, extra)


class FileImport:
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
        self.store = store
        self.rackspace = rackspace
        self.container = args.container
        self.segment_size = (args.segment_size or
                             objectstore.default_segment_size(
                                 local.image.size))
        self.import_from_format = args.import_from_format
        self.keep_upload = args.keep_upload
        self.wait = args.wait
        if rackspace:
            _check_rackspace(local, self.where, self.import_from_format,
                             args.extra_input)
        # The hash to compare the image with (see GLANCE_DIGEST).
        segmented = self.image.size > self.segment_size
        self.digest = (GLANCE_DIGEST if segmented and not rackspace
                       else RACKSPACE_DIGEST)
        self.concurrency = (args.upload_concurrency
                            or objectstore.DEFAULT_CONCURRENCY)

    @property
    def where(self):
        return f'{self.container}/{self.name}'

    def task_input(self, extra):
        """The import task's input (``extra`` merged in)."""
        if self.rackspace:
            return importing.rackspace_input(
                self.where, self.properties, self.given,
                self.import_from_format, extra)
        temp_url = self.store.temp_url(self.container, self.name,
                                       TEMP_URL_LIFETIME)
        return importing.glance_input(temp_url, self.image.formats,
                                      self.properties, extra)

    def send(self, stream):
        """Upload the file, saying on failure what stays where.

        Creates the container if needed; draws a progress bar on
        ``stream`` when it is a terminal. Returns the store's ``Upload``.
        """
        try:
            self.store.ensure_container(self.container)
            label = f'Uploading {os.path.basename(self.image.path)}'
            with progress.ProgressBar(stream, self.image.size, label) as bar:
                return self.store.upload(
                    self.container, self.name, self.image.path,
                    segment_size=self.segment_size, progress=bar,
                    identity=self.identity, digest=self.digest,
                    concurrency=self.concurrency)
        except objectstore.ObjectTaken:
            raise
        except exceptions.CommandError as exc:
            raise exceptions.CommandError(
                f'{exc}. {self.resume_note()}') from None

    def resume_note(self):
        if self.image.size <= self.segment_size:
            return 'Nothing was stored; run the same command again.'
        return (f'The segments stored so far stay under '
                f'{objectstore.segments_prefix(self.where, self.identity)}'
                ': run the same '
                'command again to resume the upload.')

    def left_note(self):
        return (f'The uploaded image stays at {self.where} in the object '
                'storage until you delete it, once the task has ended.')

    def remove(self):
        """Delete the upload and its segments; say so if that fails."""
        try:
            self.store.delete(self.container, self.name, self.identity)
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
        from imageplugin import waiting

        task_input = self.task_input(extra)
        try:
            uploaded = self.send(stream)
        except KeyboardInterrupt:
            say(f'Upload interrupted. {self.resume_note()}')
            raise
        if uploaded.reused:
            say(f'Resumed the upload: {uploaded.reused} of '
                f'{uploaded.segments} segments were already stored.')
        keep = self.keep_upload
        try:
            task = client.create_task('import', task_input)
        except exceptions.CommandError as exc:
            problem = None if keep else self.remove()
            raise exceptions.CommandError(
                f'{exc}. ' + (problem or (self.left_note() if keep else
                                          'The upload was deleted.'))
            ) from None
        try:
            outcome = follow(task, recreate=lambda: client.create_task(
                'import', task_input))
        except KeyboardInterrupt:
            say(self.left_note())
            raise
        if self.wait and outcome.status == 'success':
            outcome = verified(client, outcome, say,
                               lambda image: self.image.compared(
                                   image, uploaded.digests))
        if keep:
            say(f'The uploaded image is kept at {self.where}.')
        elif outcome.status in waiting.FINAL_STATUSES:
            problem = self.remove()
            if problem:
                say(problem)
        else:
            say(self.left_note())
        return outcome



def verified(client, outcome, say, compare):
    """``outcome`` after saying whether its image holds the file's bytes:
    exit code 1 if not. ``compare(image)`` is ``compared`` for the file."""
    from imageplugin import api
    from imageplugin import waiting

    image_id = api.task_image_id(outcome.task)
    if not image_id:
        say('Cannot verify the image: the task does not name it.')
        return outcome
    try:
        image = client.get_image(image_id)
    except exceptions.CommandError as exc:
        say(f'{exc}: the image was not compared with the file.')
        return outcome
    matched, line = compare(image)
    say(line)
    if matched is False:
        return outcome._replace(exit_code=waiting.EXIT_TASK_FAILED)
    return outcome

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

import os

from osc_lib import exceptions

from imageplugin import importing
from imageplugin import limits
from imageplugin import objectstore
from imageplugin import upload

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


class FileImport:
    """One local file on its way to becoming an image.

    Constructing it checks the file, its content and the options, before
    anything goes over the network.
    """

    def __init__(self, client_manager, parsed_args):
        self.client_manager = client_manager
        self.args = parsed_args
        self.container = parsed_args.container
        self.segment_size = (parsed_args.segment_size
                             or objectstore.DEFAULT_SEGMENT_SIZE)
        self.concurrency = (getattr(parsed_args, 'upload_concurrency', None)
                            or objectstore.DEFAULT_CONCURRENCY)
        self.properties, self.given = importing.image_properties(parsed_args)
        self.properties.setdefault('name', os.path.splitext(
            os.path.basename(parsed_args.file))[0])
        self.image = upload.checked_image_file(
            parsed_args.file, parsed_args.disk_format,
            parsed_args.container_format, parsed_args.import_from_format)
        self.name_upload(parsed_args.object_name)
        # The hash to compare the image with: set once the dialect is known.
        self.digest = None
        if parsed_args.dialect == 'rackspace':
            self.check_rackspace()
        self.store = None

    @property
    def where(self):
        return f'{self.container}/{self.name}'

    def task_input(self, tasks, extra):
        """Check what the cloud would refuse, before the upload.

        ``tasks`` is the cloud's ``TaskAPI``. Returns the import task's
        input.
        """
        args = self.args
        rackspace = (args.dialect or tasks.dialect()) == 'rackspace'
        if rackspace and not args.dialect:
            self.check_rackspace()
        segmented = self.image.size > self.segment_size
        self.digest = (GLANCE_DIGEST if segmented and not rackspace
                       else RACKSPACE_DIGEST)
        self.store = objectstore.ObjectStore.from_client_manager(
            self.client_manager)
        if rackspace:
            return importing.rackspace_input(
                self.where, self.properties, self.given,
                args.import_from_format, extra)
        temp_url = self.store.temp_url(self.container, self.name,
                                       TEMP_URL_LIFETIME)
        return importing.glance_input(temp_url, self.image.formats,
                                      self.properties, extra)

    def check_rackspace(self):
        """Refuse what Rackspace Cloud Images would fail the task for."""
        limits.check_rackspace_image(self.args.file, self.image.content,
                                     self.image.size)
        importing.rackspace_input(self.where, self.properties, self.given)

    def name_upload(self, object_name):
        """Name the object after the file's identity, unless given."""
        path = self.image.path
        try:
            self.identity = objectstore.file_identity(os.stat(path))
        except OSError as exc:
            raise exceptions.CommandError(
                f'Cannot upload {path}: {exc.strerror or exc}') from None
        self.name = object_name or objectstore.default_object_name(
            os.path.basename(path), self.identity)

    def send(self, stream):
        """Upload the file, saying on failure what stays where."""
        try:
            return upload.send(self.store, self.image, self.container,
                               self.name, stream=stream,
                               segment_size=self.segment_size,
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

        task_input = self.task_input(client, extra)
        try:
            uploaded = self.send(stream)
        except KeyboardInterrupt:
            say(f'Upload interrupted. {self.resume_note()}')
            raise
        if uploaded.reused:
            say(f'Resumed the upload: {uploaded.reused} of '
                f'{uploaded.segments} segments were already stored.')
        keep = self.args.keep_upload
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
        if self.args.wait and outcome.status == 'success':
            outcome = verified(client, outcome, say,
                               lambda image: self.compared(image, uploaded))
        if keep:
            say(f'The uploaded image is kept at {self.where}.')
        elif outcome.status in waiting.FINAL_STATUSES:
            problem = self.remove()
            if problem:
                say(problem)
        else:
            say(self.left_note())
        return outcome

    def compared(self, image, uploaded):
        """``compared`` for the image made of this upload (``uploaded``,
        the store's ``Upload``)."""
        return compared(image, self.image.path, uploaded.digests)


def compared(image, path, digests):
    """Compare the image's hash with the file's, as read to send it.

    ``image`` is the image as the image service shows it, ``digests`` the
    file's hex digests by algorithm. Returns (verdict, line to say): True
    if they matched, False if not, None if nothing could be compared.
    """
    image_id = image.get('id')
    shown = []
    if image.get('os_hash_algo') and image.get('os_hash_value'):
        shown.append((image['os_hash_algo'], 'os_hash_value',
                      image['os_hash_value']))
    if image.get('checksum'):
        shown.append(('md5', 'checksum', image['checksum']))
    for algorithm, field, theirs in shown:
        ours = digests.get(algorithm)
        if ours is None:
            continue
        if ours == str(theirs).lower():
            return True, (f'Verified image {image_id}: its {algorithm} '
                          f'({field}) matched {path}.')
        return False, (
            f'Image {image_id} does not hold the bytes of {path}: its '
            f'{algorithm} ({field}) is {theirs}, the file\'s is {ours}; '
            f'delete the image ("openstack image delete {image_id}") '
            'and import the file again')
    if not shown:
        return None, (f'Cannot verify image {image_id}: the image '
                      'service shows neither os_hash_value nor checksum '
                      'for it.')
    return None, (
        f'Cannot verify image {image_id}: it shows only '
        + ', '.join(f'{field} ({algorithm})'
                    for algorithm, field, _ in shown)
        + ', and the upload computed '
        + ', '.join(sorted(digests)) + '.')


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

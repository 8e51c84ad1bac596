"""A local image file imported through the cloud's object storage.

The file is checked before any byte moves, uploaded (resumably, as a
Static Large Object when large), imported from there (Rackspace: as
``container/object``; Glance: through a TempURL), and the upload removed
once the task has ended. Whatever is left behind is said, with where.
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


class FileImport:
    """One local file on its way to becoming an image.

    Constructing it checks the file, its content and the options, before
    anything goes over the network.
    """

    def __init__(self, client_manager, parsed_args):
        self.client_manager = client_manager
        self.args = parsed_args
        self.container = parsed_args.container
        self.name = parsed_args.object_name or os.path.basename(
            parsed_args.file)
        self.segment_size = (parsed_args.segment_size
                             or objectstore.DEFAULT_SEGMENT_SIZE)
        self.properties, self.given = importing.image_properties(parsed_args)
        self.properties.setdefault('name', os.path.splitext(
            os.path.basename(parsed_args.file))[0])
        self.image = upload.checked_image_file(
            parsed_args.file, parsed_args.disk_format,
            parsed_args.container_format, parsed_args.import_from_format)
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
        # A cheap request now rather than a refused task after the upload.
        tasks.check_access()
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

    def send(self, stream):
        """Upload the file, saying on failure what stays where."""
        try:
            return upload.send(self.store, self.image, self.container,
                               self.name, stream=stream,
                               segment_size=self.segment_size)
        except exceptions.CommandError as exc:
            raise exceptions.CommandError(
                f'{exc}. {self.resume_note()}') from None

    def resume_note(self):
        if self.image.size <= self.segment_size:
            return 'Nothing was stored; run the same command again.'
        return (f'The segments stored so far stay under '
                f'{objectstore.segments_prefix(self.where)}: run the same '
                'command again to resume the upload.')

    def left_note(self):
        return (f'The uploaded image stays at {self.where} in the object '
                'storage until you delete it, once the task has ended.')

    def remove(self):
        """Delete the upload and its segments; say so if that fails."""
        try:
            self.store.delete(self.container, self.name)
        except exceptions.CommandError as exc:
            return f'{exc}. {self.left_note()}'
        return None

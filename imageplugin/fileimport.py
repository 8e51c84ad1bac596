"""A local image file imported through the cloud's object storage.

The file is checked before any byte moves, uploaded (resumably, as a
Static Large Object when large), imported from there (Rackspace: as
``container/object``; Glance: through a TempURL), and the upload removed
once the task has ended. Whatever is left behind is said, with where.
"""

import os

from osc_lib import exceptions

from imageplugin import importing
from imageplugin import objectstore
from imageplugin import upload

# How long the TempURL lets Glance read the upload: the task reads it as
# soon as it starts, but a busy cloud may queue it.
TEMP_URL_LIFETIME = 24 * 3600


class FileImport:
    """One local file on its way to becoming an image."""

    def __init__(self, client_manager, tasks, parsed_args):
        self.client_manager = client_manager
        self.tasks = tasks
        self.args = parsed_args
        self.container = parsed_args.container
        self.name = parsed_args.object_name or os.path.basename(
            parsed_args.file)
        self.segment_size = (parsed_args.segment_size
                             or objectstore.DEFAULT_SEGMENT_SIZE)
        self.store = None
        self.image = None

    @property
    def where(self):
        return f'{self.container}/{self.name}'

    def task_input(self, extra):
        """Check everything that can be checked before the upload.

        Returns the import task's input.
        """
        args = self.args
        dialect = args.dialect or self.tasks.dialect()
        rackspace = dialect == 'rackspace'
        self.image = upload.checked_image_file(
            args.file, args.disk_format, args.container_format,
            max_size=upload.RACKSPACE_MAX_SIZE if rackspace else None)
        if rackspace and self.image.disk_format != 'vhd':
            raise exceptions.CommandError(
                f'Cannot import {args.file}: Rackspace Cloud Images imports '
                f'VHD files only and this one is {self.image.disk_format} '
                '(convert it with "qemu-img convert -O vpc")')
        self.store = objectstore.ObjectStore.from_client_manager(
            self.client_manager)
        formats = {}
        if rackspace:
            import_from = self.where
        else:
            import_from = self.store.temp_url(
                self.container, self.name, TEMP_URL_LIFETIME)
            formats = {'disk_format': self.image.disk_format,
                       'container_format': self.image.container_format}
        return importing.import_input(
            import_from, name=args.name,
            import_from_format=args.import_from_format,
            properties=args.properties, extra=extra, **formats)

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

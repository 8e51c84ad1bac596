# SPDX-License-Identifier: Apache-2.0
"""``openstack image task export``.

OSC imports this module on every run of any command while it registers
commands: its module-level imports are what OSC has already loaded, and
our other modules are imported where the command uses them.
"""

from osc_lib import exceptions

from imageplugin.task import TaskCommand
from imageplugin.task import check_container


class ExportTask(TaskCommand):
    """Create a task that exports an image to object storage (Rackspace).

    On success the task's result holds export_location, the
    container/object of the exported VHD.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            'image', metavar='<image>', help='Image to export (name or ID)'
        )
        parser.add_argument(
            '--container',
            metavar='<container>',
            required=True,
            help='Existing container of the object storage '
            'to export into; it may not hold '
            '<image-id>.vhd already',
        )
        self.add_wait_options(parser)
        return parser

    def outcome_of(self, parsed_args):
        container = parsed_args.container
        check_container(container)
        client = self.client
        types = client.task_types()
        if types is not None and 'export' not in types:
            raise exceptions.CommandError(
                'This cloud offers no export task (its task types: '
                f'{", ".join(types)}); exporting is a Rackspace Cloud '
                'Images feature'
            )
        image_id = client.find_image_id(parsed_args.image)
        self.check_export_target(image_id, container)
        task_input = {
            'image_uuid': image_id,
            'receiving_swift_container': container,
        }
        return self.follower(client.create_task('export', task_input))

    def check_export_target(self, image_id, container):
        """Refuse an export that would fail: Rackspace's task needs the
        container and fails if ``<image-id>.vhd`` is there already.

        Where no object storage endpoint is known (a token with
        ``--os-endpoint`` has no catalog), the check is said to be left
        out, and the task decides alone.
        """
        from imageplugin import objectstore

        try:
            store = objectstore.ObjectStore.from_client_manager(
                self.app.client_manager
            )
        except exceptions.CommandError as exc:
            self.console.say(
                f'{str(exc).rstrip(".")}. Container '
                f'{container} was not checked before the '
                'export.'
            )
            return
        action = f'Cannot export image {image_id} to container {container}'
        if not store.exists(container):
            raise exceptions.CommandError(
                f'{action}: the object storage has no such container; '
                f'create it first ("openstack container create {container}")'
            )
        exported = f'{image_id}.vhd'
        if store.exists(container, exported):
            raise exceptions.CommandError(
                f'{action}: it already holds {exported}, and a second export '
                'there fails; delete that object or export to another '
                'container'
            )

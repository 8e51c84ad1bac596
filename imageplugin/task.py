"""``openstack image task`` commands.

OSC imports this module on every run while it registers commands: keep its
module-level imports to what OSC has already loaded.
"""

import json
import uuid

from osc_lib import exceptions
from osc_lib.cli import format_columns
from osc_lib.cli import parseractions
from osc_lib.command import command

# Core OSC's `image task show` columns: scripts already use these names.
CORE_COLUMNS = ('created_at', 'expires_at', 'id', 'input', 'message',
                'owner_id', 'result', 'status', 'type', 'updated_at')
# Fields upstream Glance returns and core OSC hides.
EXTRA_COLUMNS = ('image_id', 'request_id', 'user_id')
_NOT_SHOWN = {'owner', 'self', 'schema'}
_DICT_COLUMNS = {'input', 'result', 'properties'}


def task_columns(task):
    """Return (columns, values) of a task for a ShowOne command."""
    info = {name: task.get(name) for name in CORE_COLUMNS + EXTRA_COLUMNS}
    info['owner_id'] = task.get('owner')
    if info['message'] == 'None':
        # Rackspace spells "no message" as the string "None".
        info['message'] = ''
    known = set(info) | _NOT_SHOWN
    info['properties'] = {k: v for k, v in task.items() if k not in known}
    for name in _DICT_COLUMNS:
        if isinstance(info[name], dict):
            info[name] = format_columns.DictColumn(info[name])
    columns = sorted(info)
    return tuple(columns), tuple(info[name] for name in columns)


def checked_task_id(task_id):
    try:
        uuid.UUID(task_id)
    except ValueError:
        raise exceptions.CommandError(
            f'{task_id!r} is not a task ID: task IDs are UUIDs such as '
            'fc29a67c-ad76-49bc-a317-a5f38dcb44c0') from None
    return task_id


def parsed_json_object(text, option):
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise exceptions.CommandError(
            f'{option} is not valid JSON: {exc}') from None
    if not isinstance(value, dict):
        raise exceptions.CommandError(
            f'{option} must be a JSON object such as \'{{"key": "value"}}\'')
    return value


class ImportTask(command.ShowOne):
    """Create a task that imports an image into the image service.

    Rackspace Cloud Images imports an object of Cloud Files, named as
    container/object, and accepts only a name for the image. Upstream
    Glance imports an http(s) URL; the formats follow from its file
    extension unless given.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            '--import-from', metavar='<container/object|URL>',
            required=True,
            help='Image to import: <container>/<object> in the cloud\'s '
                 'object storage (Rackspace) or an http(s) URL (Glance)')
        parser.add_argument(
            '--import-from-format', metavar='<format>',
            help='Format of the source image (default: the disk format)')
        parser.add_argument(
            '--name', metavar='<name>', help='Name of the new image')
        parser.add_argument(
            '--disk-format', metavar='<format>',
            help='Disk format of the new image, e.g. qcow2, raw, vhd '
                 '(default: from the file extension of a URL)')
        parser.add_argument(
            '--container-format', metavar='<format>',
            help='Container format of the new image (default: bare)')
        parser.add_argument(
            '--property', metavar='<key=value>', dest='properties',
            action=parseractions.KeyValueAction,
            help='Property of the new image (repeat for more); URL '
                 'imports only')
        parser.add_argument(
            '--input', metavar='<json>', dest='extra_input',
            help='JSON object of further task input keys; the options '
                 'above take precedence over it')
        return parser

    def take_action(self, parsed_args):
        from imageplugin import importing

        extra = None
        if parsed_args.extra_input is not None:
            extra = parsed_json_object(parsed_args.extra_input, '--input')
        task_input = importing.import_input(
            parsed_args.import_from,
            name=parsed_args.name,
            import_from_format=parsed_args.import_from_format,
            disk_format=parsed_args.disk_format,
            container_format=parsed_args.container_format,
            properties=parsed_args.properties,
            extra=extra)
        client = self.app.client_manager.image_tasks
        return task_columns(client.create_task('import', task_input))


class ShowTask(command.ShowOne):
    """Display the details of a task."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('task', metavar='<task-id>',
                            help='Task to display (ID)')
        return parser

    def take_action(self, parsed_args):
        task_id = checked_task_id(parsed_args.task)
        client = self.app.client_manager.image_tasks
        return task_columns(client.get_task(task_id))

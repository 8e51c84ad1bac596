# SPDX-License-Identifier: Apache-2.0
"""``openstack image task list``.

OSC imports this module on every run of any command while it registers
commands: its module-level imports are what OSC has already loaded, and
our other modules are imported where the command uses them.
"""

import itertools

from osc_lib import exceptions
from osc_lib.command import command

from imageplugin.task import TASK_STATUSES
from imageplugin.task import PluginCommand
from imageplugin.task import checked_task_id
from imageplugin.task import shown
from imageplugin.task import tasks_of_images_hint


class ListTask(PluginCommand, command.Lister):
    """List tasks, page by page."""

    COLUMNS = (
        ('id', 'ID'),
        ('type', 'Type'),
        ('status', 'Status'),
        ('owner', 'Owner'),
    )
    LONG_COLUMNS = (
        ('created_at', 'Created At'),
        ('updated_at', 'Updated At'),
        ('expires_at', 'Expires At'),
        ('message', 'Message'),
    )

    def get_parser(self, prog_name):
        from imageplugin import argtypes

        parser = super().get_parser(prog_name)
        parser.add_argument(
            '--status',
            metavar='<status>',
            choices=TASK_STATUSES,
            help='Only tasks in this status: ' + ', '.join(TASK_STATUSES),
        )
        parser.add_argument(
            '--type',
            metavar='<type>',
            help='Only tasks of this type, one that the '
            "cloud's task schema lists: import (Glance "
            'also api_image_import, location_import; '
            'Rackspace export)',
        )
        parser.add_argument(
            '--sort-key',
            metavar='<key>',
            help='Sort by this field, e.g. created_at, '
            'updated_at, status, type, id '
            '(default: created_at)',
        )
        parser.add_argument(
            '--sort-dir',
            metavar='<asc|desc>',
            choices=('asc', 'desc'),
            help='Sort direction (default: desc)',
        )
        parser.add_argument(
            '--limit',
            metavar='<page-size>',
            type=argtypes.positive_integer,
            help='Tasks asked for per request (the server caps it)',
        )
        parser.add_argument(
            '--marker', metavar='<task-id>', help='Start after this task'
        )
        parser.add_argument(
            '--max-items',
            metavar='<count>',
            type=argtypes.positive_integer,
            help='List at most this many tasks',
        )
        parser.add_argument(
            '--long',
            action='store_true',
            help='Also list the times and the message',
        )
        parser.add_argument(
            '--image',
            metavar='<image>',
            type=argtypes.not_empty,
            help='Only the tasks of this image (name or ID) that your '
            'project owns, newest first, read through the image as any '
            'user may (the tasks API is admin-only on upstream Glance)',
        )
        return parser

    def take_action(self, parsed_args):
        if parsed_args.marker is not None:
            # Refused here as show refuses it: Glance answers 400.
            parsed_args.marker = checked_task_id(parsed_args.marker)
        columns = self.COLUMNS + (
            self.LONG_COLUMNS if parsed_args.long else ()
        )
        if parsed_args.image:
            tasks = self.tasks_of_image(parsed_args)
        else:
            with tasks_of_images_hint(
                'openstack image task list --image <image>'
            ):
                tasks = self.listed_tasks(parsed_args)
        rows = (
            tuple(_listed(task, field) for field, _ in columns)
            for task in tasks
        )
        return tuple(header for _, header in columns), rows

    def listed_tasks(self, parsed_args):
        """The tasks of the tasks API, their first page read (a failure
        is the command's, not the table's).

        Glance's list refuses (HTTP 400) a type its task schema lists but
        its filter does not take (api_image_import, location_import):
        those tasks are then picked from the list by the client.
        """
        from imageplugin import http

        filters = {
            'status': parsed_args.status,
            'type': parsed_args.type,
            'sort_key': parsed_args.sort_key,
            'sort_dir': parsed_args.sort_dir,
            'marker': parsed_args.marker,
        }
        client = self.client
        try:
            return _started(
                client.list_tasks(
                    filters,
                    page_size=parsed_args.limit,
                    max_items=parsed_args.max_items,
                )
            )
        except http.HTTPError as exc:
            if exc.http_status != 400 or parsed_args.type is None:
                raise
            refusal = exc
        if not _known_type(client, parsed_args.type):
            raise refusal
        every = client.list_tasks(
            dict(filters, type=None), page_size=parsed_args.limit
        )
        return _started(
            itertools.islice(
                (
                    task
                    for task in every
                    if task.get('type') == parsed_args.type
                ),
                parsed_args.max_items,
            )
        )

    def tasks_of_image(self, parsed_args):
        paging = [
            option
            for option, value in (
                ('--sort-key', parsed_args.sort_key),
                ('--sort-dir', parsed_args.sort_dir),
                ('--limit', parsed_args.limit),
                ('--marker', parsed_args.marker),
            )
            if value
        ]
        if paging:
            raise exceptions.CommandError(
                f'{", ".join(paging)} cannot be used with --image: an '
                "image's tasks come in one list, newest first"
            )
        client = self.client
        tasks = client.image_tasks(client.find_image_id(parsed_args.image))
        tasks = [
            task
            for task in tasks
            if parsed_args.status in (None, task.get('status'))
            and parsed_args.type in (None, task.get('type'))
        ]
        if parsed_args.type and not tasks:
            # An unknown type is refused as the tasks API's list refuses it.
            _known_type(client, parsed_args.type)
        tasks.sort(key=lambda task: task.get('created_at') or '', reverse=True)
        return tasks[: parsed_args.max_items]


def _known_type(client, task_type):
    """Whether the cloud's task schema lists ``task_type`` (False: the
    schema does not say); a type it does not list is refused."""
    types = client.task_types()
    if types is None:
        return False
    if task_type not in types:
        raise exceptions.CommandError(
            f'--type {task_type}: this cloud has no task of that '
            f'type (its task types: {", ".join(types)})'
        )
    return True


def _started(tasks):
    """The iterator ``tasks`` with its first task read (which reads the
    first page), or () when it has none."""
    first = next(tasks, None)
    return () if first is None else itertools.chain((first,), tasks)


def _listed(task, field):
    return shown(field, task.get(field))

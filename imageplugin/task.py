"""``openstack image task`` commands.

OSC imports this module on every run of any command while it registers
commands: its module-level imports are what OSC has already loaded, and
our other modules are imported where a command of ours uses them.
"""

import contextlib
import datetime
import itertools
import json
import re
import shlex

from osc_lib import exceptions
from osc_lib.cli import format_columns
from osc_lib.cli import parseractions
from osc_lib.command import command

from imageplugin import osc_hooks

TASK_STATUSES = ('pending', 'processing', 'success', 'failure')

# Core OSC's `image task show` columns: scripts already use these names.
CORE_COLUMNS = ('created_at', 'expires_at', 'id', 'input', 'message',
                'owner_id', 'result', 'status', 'type', 'updated_at')
# Fields upstream Glance returns and core OSC hides.
EXTRA_COLUMNS = ('image_id', 'request_id', 'user_id')
# deleted, deleted_at: the image tasks API's database columns.
_NOT_SHOWN = {'owner', 'self', 'schema', 'deleted', 'deleted_at'}
_DICT_COLUMNS = {'input', 'result', 'properties'}


def task_columns(task):
    """Return (columns, values) of a task for a ShowOne command."""
    from imageplugin import api
    from imageplugin import http

    info = {name: task.get(name) for name in CORE_COLUMNS + EXTRA_COLUMNS}
    info['owner_id'] = task.get('owner')
    info['image_id'] = api.task_image_id(task)
    for name in _SPELLED_ALIKE:
        info[name] = shown(name, info[name])
    known = set(info) | _NOT_SHOWN
    info['properties'] = {k: v for k, v in task.items() if k not in known}
    if isinstance(info['input'], dict):
        # The URL imported from: a TempURL's signature, a password.
        info['input'] = json.loads(http.redacted(json.dumps(info['input'])))
    for name in _DICT_COLUMNS:
        if isinstance(info[name], dict):
            info[name] = format_columns.DictColumn(info[name])
    columns = sorted(info)
    return tuple(columns), tuple(info[name] for name in columns)


def resume_command(cloud, task_id, options=(), region=None):
    """The command that waits again for a task, with the profile used
    (and the region the task is in, when not the profile's)."""
    words = ['openstack']
    if cloud:
        words += ['--os-cloud', cloud]
    if region:
        words += ['--os-region-name', region]
    words += ['image', 'task', 'show', task_id, *options, '--wait']
    return ' '.join(shlex.quote(word) for word in words)


def checked_task_id(task_id):
    """The task ID as Glance spells it (a UUID in another spelling, such
    as upper case, names the same task)."""
    import uuid

    try:
        return str(uuid.UUID(task_id))
    except ValueError:
        raise exceptions.CommandError(
            f'{task_id!r} is not a task ID: task IDs are UUIDs such as '
            'fc29a67c-ad76-49bc-a317-a5f38dcb44c0') from None


class PluginCommand(osc_hooks.PluginCommand):
    """What all our commands share (a mixin before cliff's class)."""

    @property
    def client(self):
        """The tasks API client; logs in on first use.

        One client per command: it keeps what it read once (the task
        schema) for the rest of the command.
        """
        self.log_in()
        if getattr(self, '_client', None) is None:
            self._client = self.app.client_manager.image_tasks
        return self._client

    def run(self, parsed_args):
        try:
            with _one_interrupt():
                return super().run(parsed_args)
        except exceptions.CommandError as exc:
            # Another service's refusal (a wrong endpoint) says so.
            client = getattr(self, '_client', None)
            explained = exc if client is None else client.explained(exc)
            if explained is exc:
                raise
            raise explained from None


@contextlib.contextmanager
def _one_interrupt():
    """Ctrl-C stops a command once: SIGINT is ignored from the first
    one on, so that a second Ctrl-C neither cuts short the line that says
    what is left nor raises in the interpreter's exit (urllib3's pools,
    the upload's threads) a KeyboardInterrupt that Python prints. The
    command ends by itself (exit 130) an instant later.

    Left alone where SIGINT is handled by someone else than Python's
    default, or outside the main thread.
    """
    import signal
    import threading

    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT)
            is not signal.default_int_handler):
        yield
        return

    def interrupted(signum, frame):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupted)
    try:
        yield
    finally:
        # Once interrupted, it stays ignored until the process ends.
        if signal.getsignal(signal.SIGINT) is interrupted:
            signal.signal(signal.SIGINT, signal.default_int_handler)


class TaskCommand(PluginCommand, command.ShowOne):
    """A command that shows one task and can wait for it to end.

    Subclasses return a ``waiting.Outcome`` from ``outcome_of``: the task
    shown and the exit code.
    """

    def run(self, parsed_args):
        # Checked before take_action, so that no task is created in vain.
        for option, value in (('--timeout', parsed_args.timeout),
                              ('--stall-timeout', parsed_args.stall_timeout)):
            if value is not None and not parsed_args.wait:
                raise exceptions.CommandError(f'{option} needs --wait')
        from imageplugin import progress

        self.console = progress.Console(self.app.stderr,
                                        parsed_args.progress)
        self.follower = self.follower_of(parsed_args)
        super().run(parsed_args)
        return self.outcome.exit_code

    def follower_of(self, parsed_args):
        """The ``waiting.Follower`` of this command's options, given to
        the routes: they wait through it, never through the command."""
        from imageplugin import waiting

        return waiting.Follower(
            self.console, wait=parsed_args.wait, timeout=parsed_args.timeout,
            max_interval=parsed_args.max_poll_interval,
            stall_after=parsed_args.stall_timeout,
            # Logs in on the first look, not before the input is checked.
            look=lambda task_id, timeout=None: self.client.get_task(
                task_id, timeout=timeout),
            floor=lambda: self.poll_floor(self.client, parsed_args),
            resume_command=self.resume_command)

    def take_action(self, parsed_args):
        self.outcome = self.outcome_of(parsed_args)
        if self.outcome.task is None:
            # --dry-run: the plan instead of a task.
            from imageplugin import plan as plans

            return plans.columns(self.dry_plan)
        return task_columns(self.outcome.task)

    def planned(self, plan):
        """The ``Outcome`` of a --dry-run: ``plan`` is shown, nothing
        done."""
        from imageplugin import waiting

        self.dry_plan = plan
        return waiting.Outcome(None, 0)

    @staticmethod
    def add_wait_options(parser):
        from imageplugin import argtypes
        from imageplugin import waiting

        parser.add_argument(
            '--wait', action='store_true',
            help='Wait for the task to end, then show it. Exit code 0 if '
                 f'it succeeded, {waiting.EXIT_TASK_FAILED} if it failed, '
                 f'{waiting.EXIT_TIMEOUT} on timeout')
        parser.add_argument(
            '--timeout', metavar='<seconds>', type=argtypes.positive_number,
            help='With --wait, give up waiting after this many seconds '
                 '(default: no limit)')
        parser.add_argument(
            '--no-progress', dest='progress', action='store_false',
            help='Draw no progress line on stderr when it is a terminal '
                 '(the wait, and an upload or a copy)')
        parser.add_argument(
            '--max-poll-interval', metavar='<seconds>',
            type=argtypes.positive_number,
            default=waiting.DEFAULT_MAX_INTERVAL,
            help='With --wait, the longest time between two looks at the '
                 'task; shorter at first, but never under 30 s on Rackspace, '
                 'which asks for that (default: %(default)s)')
        parser.add_argument(
            '--stall-timeout', metavar='<seconds>',
            type=argtypes.positive_number,
            help='With --wait, say on stderr (once, with what to do) when '
                 'the task has made no progress for this many seconds; the '
                 'wait goes on, and an interoperable import whose lock '
                 'Glance lets go is started again once '
                 f'(default: {waiting.STALL_AFTER:g})')

    @staticmethod
    def poll_floor(client, parsed_args):
        """The shortest time between two looks at a task of this cloud.

        Rackspace asks for 30 s. The dialect is --dialect where given,
        else the cloud's task schema (read once per command), else, when
        the schema cannot be read now, the endpoint: the wait itself then
        rides out an image service that is down.
        """
        from imageplugin import http
        from imageplugin import waiting

        dialect = getattr(parsed_args, 'dialect', None)
        if dialect is None:
            timeout = waiting.POLL_TIMEOUT
            if parsed_args.timeout is not None:
                timeout = max(waiting.MIN_INTERVAL,
                              min(timeout, parsed_args.timeout))
            try:
                dialect = client.dialect(timeout=timeout)
            except (http.HTTPError, http.Unreachable):
                dialect = client.dialect_by_endpoint()
        return (waiting.RACKSPACE_MIN_INTERVAL if dialect == 'rackspace'
                else waiting.MIN_INTERVAL)

    def resume_command(self, task_id, options=(), region=None):
        return resume_command(getattr(self.app.options, 'cloud', None),
                              task_id, options, region)

    def produce_output(self, parsed_args, column_names, data):
        self.console.clear()
        return super().produce_output(parsed_args, column_names, data)


def _check_container(container):
    """Refuse a name that Rackspace's export container may not have."""
    if not container or set(container) & set('/?.'):
        raise exceptions.CommandError(
            f'Invalid container name {container!r}: an export '
            "container's name may not be empty or hold '/', '?' or '.'")


class ImportTask(TaskCommand):
    """Create a task that imports an image into the image service.

    Rackspace Cloud Images imports an object of Cloud Files, named as
    container/object, and accepts only a name for the image. Upstream
    Glance imports an http(s) URL; the formats follow from the image's
    content unless given.
    """

    def get_parser(self, prog_name):
        from imageplugin import argtypes
        from imageplugin import formats

        parser = super().get_parser(prog_name)
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument(
            '--import-from', metavar='<container/object|URL>',
            type=argtypes.not_empty,
            help='Image to import: <container>/<object> in the cloud\'s '
                 'object storage (Rackspace) or an http(s) URL (Glance)')
        source.add_argument(
            '--file', metavar='<path>', type=argtypes.not_empty,
            help='Local image file to upload to the cloud\'s object '
                 'storage and import from there')
        source.add_argument(
            '--image', metavar='<image>', type=argtypes.not_empty,
            help='Existing image (name or ID) to copy into more stores of '
                 'a multi-store Glance (copy-image, an admin\'s method by '
                 'default); with --store or --all-stores')
        parser.add_argument(
            '--import-from-format', metavar='<format>',
            choices=formats.DISK_FORMATS,
            help='Format of the source image, when it differs from the '
                 'disk format and the cloud converts it (default: its '
                 'content\'s)')
        parser.add_argument(
            '--name', metavar='<name>', type=argtypes.not_empty,
            help='Name of the new image (default for --file and '
                 'Rackspace: the file or object name without extension)')
        parser.add_argument(
            '--disk-format', metavar='<format>',
            choices=formats.DISK_FORMATS,
            help='Disk format of the new image: '
                 f'{", ".join(formats.DISK_FORMATS)} (default: read from '
                 'the image\'s content, which it must agree with)')
        parser.add_argument(
            '--container-format', metavar='<format>',
            choices=formats.CONTAINER_FORMATS,
            help='Container format of the new image: '
                 f'{", ".join(formats.CONTAINER_FORMATS)} (default: bare)')
        parser.add_argument(
            '--property', metavar='<key=value>', dest='properties',
            action=parseractions.KeyValueAction,
            help='Property of the new image (repeat for more); Glance '
                 'only. min_disk, min_ram, protected and os_hidden are '
                 'sent as numbers and booleans')
        parser.add_argument(
            '--min-disk', metavar='<disk-gb>', type=argtypes.whole_number,
            help='Minimum disk size needed to boot the image, in GiB '
                 '(Glance only)')
        parser.add_argument(
            '--min-ram', metavar='<ram-mb>', type=argtypes.whole_number,
            help='Minimum RAM size needed to boot the image, in MiB '
                 '(Glance only)')
        parser.add_argument(
            '--tag', metavar='<tag>', dest='tags', action='append',
            help='Tag of the new image (repeat for more; Glance only)')
        visibility = parser.add_mutually_exclusive_group()
        for value in ('public', 'private', 'community', 'shared'):
            visibility.add_argument(
                f'--{value}', dest='visibility', action='store_const',
                const=value, help=f'Make the image {value} (Glance only)')
        protection = parser.add_mutually_exclusive_group()
        protection.add_argument(
            '--protected', dest='protected', action='store_const',
            const=True, help='Protect the image from deletion (Glance only)')
        protection.add_argument(
            '--unprotected', dest='protected', action='store_const',
            const=False, help='Allow the image to be deleted (Glance only)')
        parser.add_argument(
            '--input', metavar='<json>', dest='extra_input',
            help='JSON object of further task input keys; the options '
                 'above take precedence over it')
        upload = parser.add_argument_group('upload of a --file')
        upload.add_argument(
            '--container', metavar='<container>', default='images',
            type=argtypes.container_name,
            help='Container to upload into, created if missing '
                 '(default: %(default)s)')
        upload.add_argument(
            '--object-name', metavar='<name>', type=argtypes.object_name,
            help='Name of the uploaded object (default: the file name with '
                 'the file\'s identity, e.g. disk-3f9c0a1b2d4e.raw); an '
                 'object of another file is never written over')
        upload.add_argument(
            '--segment-size', metavar='<size>', type=argtypes.segment_size,
            help='Files larger than this are uploaded in segments of this '
                 'size, and an interrupted upload resumes (default: the '
                 'file in 8 segments of 32M to 256M)')
        upload.add_argument(
            '--upload-concurrency', metavar='<count>',
            type=argtypes.upload_concurrency,
            help='Segments uploaded at once, from 1 to 10: more help over '
                 'a network with a long round-trip time (default: 8)')
        upload.add_argument(
            '--keep-upload', action='store_true',
            help='Keep the uploaded object after the task has ended')
        upload.add_argument(
            '--dialect', choices=('rackspace', 'glance'),
            help='Import as Rackspace Cloud Images does (container/object) '
                 'or as Glance does (a TempURL); default: told by the '
                 'cloud\'s task schema')
        parser.add_argument(
            '--method',
            choices=('task', 'web-download', 'glance-direct', 'copy-image'),
            help='How Glance imports: "task" by its tasks API (admins), '
                 '"web-download" a URL and "glance-direct" a --file by '
                 'interoperable image import (any user), "copy-image" an '
                 '--image; default: the tasks API where your role may use '
                 'it and no store is named, else interoperable import')
        stores = parser.add_mutually_exclusive_group()
        stores.add_argument(
            '--store', metavar='<store>', dest='stores', action='append',
            type=argtypes.not_empty,
            help='Store of a multi-store Glance to import into (repeat for '
                 'more; interoperable import)')
        stores.add_argument(
            '--all-stores', action='store_true',
            help='Import into every store of a multi-store Glance '
                 '(interoperable import)')
        parser.add_argument(
            '--keep-image', action='store_true',
            help='With interoperable import, keep the new image when its '
                 'import fails (default: delete it)')
        parser.add_argument(
            '--dry-run', action='store_true',
            help='Make every read-only check (login, the source\'s '
                 'content, the cloud\'s methods and stores), then show the '
                 'plan (route, steps, what would be created, uploaded and '
                 'deleted) instead of carrying it out')
        self.add_wait_options(parser)
        return parser

    def take_action(self, parsed_args):
        # The plan of an import, imported only when one runs.
        from imageplugin import importroute
        from imageplugin import plan as plans
        from imageplugin import request as requests
        from imageplugin import waiting

        request = requests.ImportRequest.from_args(parsed_args)
        plans.check_request(request)
        instance = self.app.client_manager
        source, note = importroute.read_source(request, instance.verify)
        cloud = importroute.Cloud(self.client, instance)
        facts = importroute.survey(cloud, request, source, note)
        plan = plans.decide(request, facts, source.where)
        if request.dry_run:
            plan = importroute.with_upload_target(cloud, request, plan)
            self.outcome = waiting.Outcome(None, 0)
            return importroute.plan_columns(request, source, plan)
        self.outcome = importroute.outcome_of(
            cloud, self.console, self.follower, request, source, plan)
        return task_columns(self.outcome.task)


class ShowTask(TaskCommand):
    """Display the details of a task."""

    def get_parser(self, prog_name):
        from imageplugin import argtypes

        parser = super().get_parser(prog_name)
        parser.add_argument('task', metavar='<task-id>',
                            help='Task to display (ID)')
        parser.add_argument(
            '--image', metavar='<image>', type=argtypes.not_empty,
            help='Read the task through the image it imports (name or ID), '
                 'as any user may; the tasks API is admin-only on upstream '
                 'Glance. With --wait, the image tells when the import ends')
        self.add_wait_options(parser)
        return parser

    def outcome_of(self, parsed_args):
        task_id = checked_task_id(parsed_args.task)
        if parsed_args.image:
            return self.through_image(task_id, parsed_args)
        with _tasks_of_images_hint(
                f'openstack image task show {task_id} --image <image>'):
            if parsed_args.wait:
                # The first look is part of the wait: it rides out a
                # restarting image service too.
                return self.follower({'id': task_id})
            return self.follower(self.client.get_task(task_id))

    def through_image(self, task_id, parsed_args):
        from imageplugin import interop

        client = self.client
        image_id = client.find_image_id(parsed_args.image)
        task = next((task for task in client.image_tasks(image_id)
                     if task.get('id') == task_id), None)
        if task is None:
            raise exceptions.CommandError(
                f'Image {image_id} has no task {task_id} of your project '
                f'(see openstack image task list --image {image_id})')
        started = interop.Import.of_task(client, image_id, task)
        return self.follower(task, look=started.look,
                             resume=('--image', image_id), watch=started)


class ListTask(PluginCommand, command.Lister):
    """List tasks, page by page."""

    COLUMNS = (('id', 'ID'), ('type', 'Type'), ('status', 'Status'),
               ('owner', 'Owner'))
    LONG_COLUMNS = (('created_at', 'Created At'),
                    ('updated_at', 'Updated At'),
                    ('expires_at', 'Expires At'), ('message', 'Message'))

    def get_parser(self, prog_name):
        from imageplugin import argtypes

        parser = super().get_parser(prog_name)
        parser.add_argument('--status', metavar='<status>',
                            choices=TASK_STATUSES,
                            help='Only tasks in this status: '
                                 + ', '.join(TASK_STATUSES))
        parser.add_argument('--type', metavar='<type>',
                            help='Only tasks of this type, one that the '
                                 "cloud's task schema lists: import (Glance "
                                 'also api_image_import, location_import; '
                                 'Rackspace export)')
        parser.add_argument('--sort-key', metavar='<key>',
                            help='Sort by this field, e.g. created_at, '
                                 'updated_at, status, type, id '
                                 '(default: created_at)')
        parser.add_argument('--sort-dir', metavar='<asc|desc>',
                            choices=('asc', 'desc'),
                            help='Sort direction (default: desc)')
        parser.add_argument('--limit', metavar='<page-size>',
                            type=argtypes.positive_integer,
                            help='Tasks asked for per request (the '
                                 'server caps it)')
        parser.add_argument('--marker', metavar='<task-id>',
                            help='Start after this task')
        parser.add_argument('--max-items', metavar='<count>',
                            type=argtypes.positive_integer,
                            help='List at most this many tasks')
        parser.add_argument('--long', action='store_true',
                            help='Also list the times and the message')
        parser.add_argument(
            '--image', metavar='<image>', type=argtypes.not_empty,
            help='Only the tasks of this image (name or ID) that your '
                 'project owns, newest first, read through the image as any '
                 'user may (the tasks API is admin-only on upstream Glance)')
        return parser

    def take_action(self, parsed_args):
        columns = self.COLUMNS + (self.LONG_COLUMNS if parsed_args.long
                                  else ())
        if parsed_args.image:
            tasks = self.tasks_of_image(parsed_args)
        else:
            with _tasks_of_images_hint(
                    'openstack image task list --image <image>'):
                tasks = self.listed_tasks(parsed_args)
        rows = (tuple(_listed(task, field) for field, _ in columns)
                for task in tasks)
        return tuple(header for _, header in columns), rows

    def listed_tasks(self, parsed_args):
        """The tasks of the tasks API, their first page read (a failure
        is the command's, not the table's).

        Glance's list refuses (HTTP 400) a type its task schema lists but
        its filter does not take (api_image_import, location_import):
        those tasks are then picked from the list by the client.
        """
        from imageplugin import http

        filters = {'status': parsed_args.status, 'type': parsed_args.type,
                   'sort_key': parsed_args.sort_key,
                   'sort_dir': parsed_args.sort_dir,
                   'marker': parsed_args.marker}
        client = self.client
        try:
            return _started(client.list_tasks(
                filters, page_size=parsed_args.limit,
                max_items=parsed_args.max_items))
        except http.HTTPError as exc:
            if exc.http_status != 400 or parsed_args.type is None:
                raise
            refusal = exc
        types = client.task_types()
        if types is None:
            raise refusal
        if parsed_args.type not in types:
            raise exceptions.CommandError(
                f'--type {parsed_args.type}: this cloud has no task of that '
                f'type (its task types: {", ".join(types)})')
        every = client.list_tasks(dict(filters, type=None),
                                  page_size=parsed_args.limit)
        return _started(itertools.islice(
            (task for task in every if task.get('type') == parsed_args.type),
            parsed_args.max_items))

    def tasks_of_image(self, parsed_args):
        paging = [option for option, value in (
            ('--sort-key', parsed_args.sort_key),
            ('--sort-dir', parsed_args.sort_dir),
            ('--limit', parsed_args.limit), ('--marker', parsed_args.marker))
            if value]
        if paging:
            raise exceptions.CommandError(
                f'{", ".join(paging)} cannot be used with --image: an '
                "image's tasks come in one list, newest first")
        client = self.client
        tasks = client.image_tasks(client.find_image_id(parsed_args.image))
        tasks = [task for task in tasks
                 if parsed_args.status in (None, task.get('status'))
                 and parsed_args.type in (None, task.get('type'))]
        tasks.sort(key=lambda task: task.get('created_at') or '',
                   reverse=True)
        return tasks[:parsed_args.max_items]


@contextlib.contextmanager
def _tasks_of_images_hint(command):
    """Point a user the tasks API refuses to the tasks of their images."""
    try:
        yield
    except exceptions.CommandError as exc:
        from imageplugin import api

        if not api.admin_only(exc):
            raise
        raise exceptions.CommandError(
            f'{exc} The tasks of your own images: {command}') from None


def _started(tasks):
    """The iterator ``tasks`` with its first task read (which reads the
    first page), or () when it has none."""
    first = next(tasks, None)
    return () if first is None else itertools.chain((first,), tasks)


def _listed(task, field):
    return shown(field, task.get(field))


# A task's times and message, as the tasks API answers, whatever the route.
_TIMES = ('created_at', 'updated_at', 'expires_at')
_SPELLED_ALIKE = _TIMES + ('message',)
# ISO 8601 as the routes spell it: "2026-12-06T21:40:19Z" (the tasks API),
# "2026-12-06T21:40:19.550651" (an image's tasks, UTC with no zone).
_ISO_TIME = (r'(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.\d+)?'
             r'(Z|[+-]\d\d:?\d\d)?')


def shown(field, value):
    """A field of a task as every command shows it, on every route."""
    if field == 'message':
        # No message: Glance's "", Rackspace's "None", or none at all.
        return '' if value in (None, 'None') else value
    if field in _TIMES:
        return utc_time(value)
    return value


def utc_time(value):
    """``value``, a time, spelled as the tasks API spells it: UTC to the
    second, with a Z. Anything else is left as it came."""
    found = re.fullmatch(_ISO_TIME, value) if isinstance(value, str) else None
    if found is None:
        return value
    day, clock, zone = found.groups()
    if zone not in (None, 'Z'):
        when = datetime.datetime.fromisoformat(
            f'{day}T{clock}{zone[:3]}:{zone[-2:]}')
        # Its wall clock moved by its offset: UTC's.
        day, clock = (when - when.utcoffset()).strftime(
            '%Y-%m-%d %H:%M:%S').split()
    return f'{day}T{clock}Z'


class CopyTask(TaskCommand):
    """Copy an image into another region of the cloud.

    Upstream Glance: the other region's Glance pulls the image itself
    (glance-download) where it offers that, else the data streams through
    this client (glance-direct). Rackspace: an export task, the VHD
    streamed between the regions' Cloud Files, an import task. The copy
    has the image's name and properties; its checksum is compared with
    the image's.
    """

    def get_parser(self, prog_name):
        from imageplugin import argtypes

        parser = super().get_parser(prog_name)
        parser.add_argument('image', metavar='<image>',
                            help='Image to copy (name or ID), in the '
                                 "profile's region (--os-region-name)")
        parser.add_argument('--to-region', metavar='<region>',
                            required=True, type=argtypes.not_empty,
                            help='Region to copy the image into')
        parser.add_argument('--name', metavar='<name>',
                            type=argtypes.not_empty,
                            help="Name of the copy (default: the image's)")
        parser.add_argument(
            '--method', choices=('glance-download', 'glance-direct'),
            help='Glance: "glance-download", the target region reads the '
                 'image itself; "glance-direct", the data streams through '
                 'this client (no local disk used); default: '
                 'glance-download where the target offers it')
        parser.add_argument(
            '--keep-image', action='store_true',
            help='Keep the copy when its import fails or its bytes differ '
                 'from the image\'s (default: delete it)')
        rackspace = parser.add_argument_group('Rackspace (export, transfer, '
                                              'import)')
        rackspace.add_argument(
            '--container', metavar='<container>', default='images',
            help='Container of both regions\' object storage that the '
                 'exported VHD goes through, created if missing (default: '
                 '%(default)s)')
        rackspace.add_argument(
            '--keep-upload', action='store_true',
            help='Keep the exported VHD in both regions once the import '
                 'has ended (default: delete it)')
        rackspace.add_argument(
            '--segment-size', metavar='<size>', type=argtypes.segment_size,
            help='Size of the segments the VHD is copied in between the '
                 'regions; an interrupted copy resumes (default: the VHD in '
                 '8 segments of 32M to 256M)')
        rackspace.add_argument(
            '--upload-concurrency', metavar='<count>',
            type=argtypes.upload_concurrency,
            help='Segments of the VHD copied at once between the regions '
                 '(default: 8)')
        parser.add_argument(
            '--dry-run', action='store_true',
            help='Make every read-only check (login, both regions, the '
                 'image, the methods the target offers), then show the plan '
                 'instead of carrying it out')
        self.add_wait_options(parser)
        return parser

    def outcome_of(self, parsed_args):
        from imageplugin import api
        from imageplugin import copying
        from imageplugin import preflight

        preflight.checked_name(parsed_args.name)
        _check_container(parsed_args.container)
        source = self.client
        instance = self.app.client_manager
        target_region = parsed_args.to_region
        source_region = copying.region_of(instance, source.endpoint)
        copying.check_regions(source_region, target_region)
        target = api.TaskAPI.from_client_manager(instance, target_region)
        image_id = source.find_image_id(parsed_args.image)
        # Rackspace has no interoperable import, and only its task schema
        # offers exports.
        offered = target.import_methods()
        if offered is None and source.dialect() == 'rackspace':
            return self.exported_copy(parsed_args, source, source_region,
                                      target, target_region, image_id)
        given = [option for option, value in (
            ('--container', parsed_args.container != 'images'),
            ('--keep-upload', parsed_args.keep_upload),
            ('--segment-size', parsed_args.segment_size),
            ('--upload-concurrency', parsed_args.upload_concurrency))
            if value]
        if given:
            raise exceptions.CommandError(
                f'{given[0]} is for Rackspace, whose copies go through its '
                'object storage; Glance copies by interoperable import')
        copy = copying.Copy(
            source, source_region, target, target_region, image_id,
            instance.interface or 'public', self.console.say)
        method = copy.chosen_method(parsed_args.method, offered)
        if parsed_args.dry_run:
            from imageplugin import plan as plans

            return self.planned(plans.copy_plan(
                method, image_id, source_region, target_region,
                parsed_args.name, parsed_args.keep_image, parsed_args.wait))
        return copy.run(
            method,
            parsed_args.name, self.follower.variant(region=target_region),
            stream=self.console.stream, keep_image=parsed_args.keep_image,
            wait=parsed_args.wait)

    def exported_copy(self, parsed_args, source, source_region, target,
                      target_region, image_id):
        """Rackspace: export, transfer, import (``exportcopy``)."""
        from imageplugin import exportcopy
        from imageplugin import objectstore
        from imageplugin import waiting

        if parsed_args.method:
            raise exceptions.CommandError(
                '--method is for Glance; Rackspace copies by an export '
                'task, a transfer and an import task')
        instance = self.app.client_manager
        copy = exportcopy.ExportCopy(
            source, objectstore.ObjectStore.from_client_manager(instance),
            source_region, target,
            objectstore.ObjectStore.from_client_manager(instance,
                                                        target_region),
            target_region, image_id, parsed_args.container,
            self.console.say)
        if parsed_args.dry_run:
            from imageplugin import plan as plans

            return self.planned(plans.export_copy_plan(
                image_id, source_region, target_region,
                parsed_args.container, copy.shared_store,
                parsed_args.keep_upload, parsed_args.wait))
        # --timeout bounds the whole copy, not each wait.
        follower = self.follower.sharing_deadline().variant(
            floor=waiting.RACKSPACE_MIN_INTERVAL)
        return copy.run(
            parsed_args.name,
            # The export is always waited for: the transfer needs it.
            follower.variant(
                wait=True, look=source.get_task,
                resume_command=lambda *_: self.copy_again(parsed_args)),
            follower.variant(look=target.get_task, region=target_region),
            stream=self.console.stream,
            keep_upload=parsed_args.keep_upload,
            keep_image=parsed_args.keep_image, wait=parsed_args.wait,
            segment_size=parsed_args.segment_size,
            concurrency=parsed_args.upload_concurrency)

    def copy_again(self, parsed_args):
        """This copy's command, which goes on from the step it reached."""
        words = ['openstack']
        options = self.app.options
        if getattr(options, 'cloud', None):
            words += ['--os-cloud', options.cloud]
        if getattr(options, 'region_name', None):
            words += ['--os-region-name', options.region_name]
        words += ['image', 'task', 'copy', parsed_args.image, '--to-region',
                  parsed_args.to_region, '--container',
                  parsed_args.container]
        for option, value in (('--name', parsed_args.name),
                              ('--segment-size', parsed_args.segment_size),
                              ('--upload-concurrency',
                               parsed_args.upload_concurrency)):
            if value:
                words += [option, str(value)]
        words += [flag for flag, on in (
            ('--keep-upload', parsed_args.keep_upload),
            ('--keep-image', parsed_args.keep_image)) if on]
        return ' '.join(shlex.quote(word) for word in words + ['--wait'])


class ExportTask(TaskCommand):
    """Create a task that exports an image to object storage (Rackspace).

    On success the task's result holds export_location, the
    container/object of the exported VHD.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('image', metavar='<image>',
                            help='Image to export (name or ID)')
        parser.add_argument('--container', metavar='<container>',
                            required=True,
                            help='Existing container of the object storage '
                                 'to export into; it may not hold '
                                 '<image-id>.vhd already')
        self.add_wait_options(parser)
        return parser

    def outcome_of(self, parsed_args):
        container = parsed_args.container
        _check_container(container)
        client = self.client
        types = client.task_types()
        if types is not None and 'export' not in types:
            raise exceptions.CommandError(
                'This cloud offers no export task (its task types: '
                f'{", ".join(types)}); exporting is a Rackspace Cloud '
                'Images feature')
        image_id = client.find_image_id(parsed_args.image)
        self.check_export_target(image_id, container)
        task_input = {'image_uuid': image_id,
                      'receiving_swift_container': container}
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
                self.app.client_manager)
        except exceptions.CommandError as exc:
            self.console.say(f'{str(exc).rstrip(".")}. Container '
                             f'{container} was not checked before the '
                             'export.')
            return
        action = f'Cannot export image {image_id} to container {container}'
        if not store.exists(container):
            raise exceptions.CommandError(
                f'{action}: the object storage has no such container; '
                f'create it first ("openstack container create {container}")')
        exported = f'{image_id}.vhd'
        if store.exists(container, exported):
            raise exceptions.CommandError(
                f'{action}: it already holds {exported}, and a second export '
                'there fails; delete that object or export to another '
                'container')

# SPDX-License-Identifier: Apache-2.0
"""``openstack image task`` commands.

OSC imports this module on every run of any command while it registers
commands: its module-level imports are what OSC has already loaded, and
our other modules are imported where a command of ours uses them.
"""

import contextlib
import datetime
import json
import re
import shlex

from osc_lib import exceptions
from osc_lib.cli import format_columns
from osc_lib.command import command

from imageplugin import osc_hooks

TASK_STATUSES = ('pending', 'processing', 'success', 'failure')

# Core OSC's `image task show` columns: scripts already use these names.
CORE_COLUMNS = (
    'created_at',
    'expires_at',
    'id',
    'input',
    'message',
    'owner_id',
    'result',
    'status',
    'type',
    'updated_at',
)
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
            'fc29a67c-ad76-49bc-a317-a5f38dcb44c0'
        ) from None


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


class _Terminated(KeyboardInterrupt):
    """SIGTERM, met as Ctrl-C is: what the command started is cleaned up
    and said (temporary files, uploads to resume) before it ends."""


@contextlib.contextmanager
def _one_interrupt():
    """Ctrl-C stops a command once: SIGINT is ignored from the first
    one on, so that a second Ctrl-C neither cuts short the line that says
    what is left nor raises in the interpreter's exit (urllib3's pools,
    the upload's threads) a KeyboardInterrupt that Python prints. The
    command ends by itself (exit 130) an instant later.

    SIGTERM (``kill``, ``timeout``, a CI job cancelled) stops it the same
    way, then ends the process as SIGTERM does (exit 143 in a shell).

    Left alone where SIGINT is handled by someone else than Python's
    default, or outside the main thread; SIGTERM, where it is handled.
    """
    import os
    import signal
    import sys
    import threading

    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return

    def interrupted(signum, frame):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise _Terminated if signum == signal.SIGTERM else KeyboardInterrupt

    terminable = signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    signal.signal(signal.SIGINT, interrupted)
    if terminable:
        signal.signal(signal.SIGTERM, interrupted)
    try:
        yield
    except _Terminated:
        # Cleaned up and said: now end as SIGTERM ends a process.
        sys.stdout.flush()
        sys.stderr.flush()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        raise
    finally:
        # Once interrupted, it stays ignored until the process ends.
        if signal.getsignal(signal.SIGINT) is interrupted:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        if terminable and signal.getsignal(signal.SIGTERM) is interrupted:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


class TaskCommand(PluginCommand, command.ShowOne):
    """A command that shows one task and can wait for it to end.

    Subclasses return a ``waiting.Outcome`` from ``outcome_of``: the task
    shown and the exit code.
    """

    def run(self, parsed_args):
        # Checked before take_action, so that no task is created in vain.
        for option, value in (
            ('--timeout', parsed_args.timeout),
            ('--stall-timeout', parsed_args.stall_timeout),
        ):
            if value is not None and not parsed_args.wait:
                raise exceptions.CommandError(f'{option} needs --wait')
        from imageplugin import progress

        self.console = progress.Console(self.app.stderr, parsed_args.progress)
        self.follower = self.follower_of(parsed_args)
        super().run(parsed_args)
        return self.outcome.exit_code

    def follower_of(self, parsed_args):
        """The ``waiting.Follower`` of this command's options, given to
        the routes: they wait through it, never through the command."""
        from imageplugin import waiting

        return waiting.Follower(
            self.console,
            wait=parsed_args.wait,
            timeout=parsed_args.timeout,
            max_interval=parsed_args.max_poll_interval,
            stall_after=parsed_args.stall_timeout,
            # Logs in on the first look, not before the input is checked.
            look=lambda task_id, timeout=None: self.client.get_task(
                task_id, timeout=timeout
            ),
            floor=lambda: self.poll_floor(self.client, parsed_args),
            resume_command=self.resume_command,
        )

    def take_action(self, parsed_args):
        self.outcome = self.outcome_of(parsed_args)
        if self.outcome.task is None:
            # --dry-run: the plan instead of a task.
            from imageplugin import planview

            return planview.columns(self.dry_plan)
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
            '--wait',
            action='store_true',
            help='Wait for the task to end, then show it. Exit code 0 if '
            f'it succeeded, {waiting.EXIT_TASK_FAILED} if it failed, '
            f'{waiting.EXIT_TIMEOUT} on timeout',
        )
        parser.add_argument(
            '--timeout',
            metavar='<seconds>',
            type=argtypes.positive_number,
            help='With --wait, give up waiting after this many seconds '
            '(default: no limit)',
        )
        parser.add_argument(
            '--no-progress',
            dest='progress',
            action='store_false',
            help='Draw no progress line on stderr when it is a terminal '
            '(the wait, and an upload or a copy)',
        )
        parser.add_argument(
            '--max-poll-interval',
            metavar='<seconds>',
            type=argtypes.positive_number,
            default=waiting.DEFAULT_MAX_INTERVAL,
            help='With --wait, the longest time between two looks at the '
            'task; shorter at first, but never under 30 s on Rackspace, '
            'which asks for that (default: %(default)s)',
        )
        parser.add_argument(
            '--stall-timeout',
            metavar='<seconds>',
            type=argtypes.positive_number,
            help='With --wait, say on stderr (once, with what to do) when '
            'the task has made no progress for this many seconds; the '
            'wait goes on, and an interoperable import whose lock '
            'Glance lets go is started again once '
            f'(default: {waiting.STALL_AFTER:g})',
        )

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
                timeout = max(
                    waiting.MIN_INTERVAL, min(timeout, parsed_args.timeout)
                )
            try:
                dialect = client.dialect(timeout=timeout)
            except (http.HTTPError, http.Unreachable):
                dialect = client.dialect_by_endpoint()
        return (
            waiting.RACKSPACE_MIN_INTERVAL
            if dialect == 'rackspace'
            else waiting.MIN_INTERVAL
        )

    def resume_command(self, task_id, options=(), region=None):
        return resume_command(
            getattr(self.app.options, 'cloud', None), task_id, options, region
        )

    def produce_output(self, parsed_args, column_names, data):
        self.console.clear()
        return super().produce_output(parsed_args, column_names, data)


def check_container(container):
    """Refuse a name that Rackspace's export container may not have."""
    if not container or set(container) & set('/?.'):
        raise exceptions.CommandError(
            f'Invalid container name {container!r}: an export '
            "container's name may not be empty or hold '/', '?' or '.'"
        )


class ShowTask(TaskCommand):
    """Display the details of a task."""

    def get_parser(self, prog_name):
        from imageplugin import argtypes

        parser = super().get_parser(prog_name)
        parser.add_argument(
            'task', metavar='<task-id>', help='Task to display (ID)'
        )
        parser.add_argument(
            '--image',
            metavar='<image>',
            type=argtypes.not_empty,
            help='Read the task through the image it imports (name or ID), '
            'as any user may; the tasks API is admin-only on upstream '
            'Glance. With --wait, the image tells when the import ends',
        )
        self.add_wait_options(parser)
        return parser

    def outcome_of(self, parsed_args):
        task_id = checked_task_id(parsed_args.task)
        if parsed_args.image:
            return self.through_image(task_id, parsed_args)
        with tasks_of_images_hint(
            f'openstack image task show {task_id} --image <image>'
        ):
            if parsed_args.wait:
                # The first look is part of the wait: it rides out a
                # restarting image service too.
                return self.follower({'id': task_id})
            return self.follower(self.client.get_task(task_id))

    def through_image(self, task_id, parsed_args):
        from imageplugin import interop

        client = self.client
        image_id = client.find_image_id(parsed_args.image)
        task = next(
            (
                task
                for task in client.image_tasks(image_id)
                if task.get('id') == task_id
            ),
            None,
        )
        if task is None:
            raise exceptions.CommandError(
                f'Image {image_id} has no task {task_id} of your project '
                f'(see openstack image task list --image {image_id})'
            )
        started = interop.Import.of_task(client, image_id, task)
        return self.follower(
            task,
            look=started.look,
            resume=('--image', image_id),
            watch=started,
        )


@contextlib.contextmanager
def tasks_of_images_hint(command):
    """Point a user the tasks API refuses to the tasks of their images."""
    try:
        yield
    except exceptions.CommandError as exc:
        from imageplugin import api

        if not api.admin_only(exc):
            raise
        raise exceptions.CommandError(
            f'{exc} The tasks of your own images: {command}'
        ) from None


# A task's times and message, as the tasks API answers, whatever the route.
_TIMES = ('created_at', 'updated_at', 'expires_at')
_SPELLED_ALIKE = _TIMES + ('message',)
# ISO 8601 as the routes spell it: "2026-12-06T21:40:19Z" (the tasks API),
# "2026-12-06T21:40:19.550651" (an image's tasks, UTC with no zone).
_ISO_TIME = (
    r'(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.\d+)?'
    r'(Z|[+-]\d\d:?\d\d)?'
)


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
            f'{day}T{clock}{zone[:3]}:{zone[-2:]}'
        )
        # Its wall clock moved by its offset: UTC's.
        day, clock = (
            (when - when.utcoffset()).strftime('%Y-%m-%d %H:%M:%S').split()
        )
    return f'{day}T{clock}Z'

# SPDX-License-Identifier: Apache-2.0
"""Following a task until it ends.

The poll interval is an eighth of the time waited so far, between
``MIN_INTERVAL`` and a ceiling (30 s by default): on upstream Glance a task
that ends within seconds is seen within about half a second, one that ends
later is seen at most an eighth of its time late, and a long one is asked
about at most twice a minute. Rackspace Cloud Images asks clients
not to look at a task more often than every 30 seconds: there the floor
is ``RACKSPACE_MIN_INTERVAL``, and it wins over the ceiling.
"""

import collections
import copy
import logging
import time

from osc_lib import exceptions

from imageplugin import failures
from imageplugin import http
from imageplugin import progress
from imageplugin import task as tasks

LOG = logging.getLogger(__name__)
FINAL_STATUSES = ('success', 'failure')
# Exit codes of a command about a task (0: it succeeded, or no wait).
EXIT_TASK_FAILED = 1
EXIT_TIMEOUT = 124  # as timeout(1)
# How many times a task hit by Rackspace's intermittent 396 is re-created.
INTERMITTENT_RETRIES = 2
MIN_INTERVAL = 0.5
DEFAULT_MAX_INTERVAL = 30.0
RACKSPACE_MIN_INTERVAL = 30.0
# A look at the task that gets no answer in this long is given up and
# retried, as a lost connection is: a hung server cannot stall the wait.
POLL_TIMEOUT = 60.0
# A wait that sees no progress for this long says so, once, with what to
# do (--stall-timeout): a wait without --timeout never goes on silently.
STALL_AFTER = 300.0


class Outcome(collections.namedtuple('Outcome', 'task exit_code')):
    """How a command about a task ends: the task it shows, its exit code."""

    __slots__ = ()

    @property
    def status(self):
        return self.task.get('status')


class WaitTimeout(Exception):
    """The task had not ended when the timeout came."""

    def __init__(self, task, waited):
        super().__init__(task['id'])
        self.task = task
        self.waited = waited


# The share of the time waited so far that the next look may come after:
# the end is seen at most that much late (half of it on average).
INTERVAL_SHARE = 1 / 8


def next_interval(waited, max_interval, min_interval=MIN_INTERVAL):
    share = waited * INTERVAL_SHARE
    return max(min_interval, min(max_interval, max(MIN_INTERVAL, share)))


def is_transient(exc):
    """Whether a failure to read the task is worth another try."""
    if isinstance(exc, http.Unreachable):
        return True
    return isinstance(exc, http.HTTPError) and (
        exc.http_status == 429 or exc.http_status >= 500
    )


def wait_for_task(
    get_task,
    task,
    timeout=None,
    max_interval=DEFAULT_MAX_INTERVAL,
    note=None,
    progress=None,
    min_interval=MIN_INTERVAL,
):
    """Poll ``get_task(id, timeout)`` until the task ends; return it.

    No two looks are closer than ``min_interval`` seconds: when the
    timeout comes sooner than the next look allowed, the wait ends
    without one.

    ``timeout`` bounds each request: ``POLL_TIMEOUT``, or less when the
    wait's own ``timeout`` comes sooner. Transient failures (no answer in
    time among them) are retried until the timeout, each told to
    ``note(text)``; ``progress(task, waited)`` hears every status seen.
    Raises ``WaitTimeout`` with the last task seen.

    A ``task`` without a status (only its ``id``) is looked at at once:
    the first look is then part of the wait, retries and timeout alike.
    """
    start = time.monotonic()
    looked = 'status' in task
    while task.get('status') not in FINAL_STATUSES:
        waited = time.monotonic() - start
        if progress and 'status' in task:
            progress(task, waited)
        pause = (
            next_interval(waited, max_interval, min_interval)
            if looked
            else 0.0
        )
        looked = True
        if timeout is not None:
            if waited >= timeout:
                raise WaitTimeout(task, waited)
            if pause > timeout - waited and min_interval > MIN_INTERVAL:
                time.sleep(timeout - waited)
                raise WaitTimeout(task, time.monotonic() - start)
            pause = min(pause, timeout - waited)
        if pause:
            LOG.debug(
                'Next look at task %s in %.1f s (waited %.1f s)',
                task['id'],
                pause,
                waited,
            )
            time.sleep(pause)
        request_timeout = POLL_TIMEOUT
        if timeout is not None:
            request_timeout = max(
                MIN_INTERVAL,
                min(request_timeout, timeout - (time.monotonic() - start)),
            )
        try:
            task = get_task(task['id'], timeout=request_timeout)
        except (http.HTTPError, http.Unreachable) as exc:
            if not is_transient(exc):
                raise
            delay = getattr(exc, 'retry_after', None)
            if note:
                note(
                    f'{exc}; still waiting'
                    + (
                        f' (the server asks for {delay:.0f} s)'
                        if delay
                        else ''
                    )
                )
            if delay:
                remaining = (
                    timeout - (time.monotonic() - start)
                    if timeout is not None
                    else delay
                )
                time.sleep(max(0.0, min(delay, remaining)))
    return task


class Follower:
    """How the command waits for its tasks: one per command, given to routes.

    Called as ``follower(task, look=None, resume=(), recreate=None,
    region=None, watch=None)``, it returns the task's ``Outcome``: waited
    for to its end when the command has ``--wait``, else the task as it is
    (exit 0). ``look(task_id, timeout)`` reads the task (default: the
    follower's, under its poll floor; a look of the call's own reads an
    interoperable import through its image, upstream Glance's fast
    schedule); ``resume`` are the options of ``image task show`` that wait
    again, in ``region``; ``recreate()`` creates the task again, for
    Rackspace's intermittent failure; ``watch`` (an ``interop.Import``)
    says what progress is, what to do about a stall and may start the
    import again (``_Wait``).

    ``floor`` is the shortest time between two looks, or a function that
    tells it, asked once, when the first wait needs it (it may read the
    cloud's task schema). ``resume_command(task_id, options, region)`` is
    the command that waits again. Everything the user sees goes through
    ``console`` (``progress.Console``).
    """

    def __init__(
        self,
        console,
        wait=True,
        timeout=None,
        max_interval=DEFAULT_MAX_INTERVAL,
        stall_after=None,
        look=None,
        floor=MIN_INTERVAL,
        resume_command=None,
        region=None,
    ):
        self.console = console
        self.wait = wait
        self.timeout = timeout
        self.max_interval = max_interval
        self.stall_after = STALL_AFTER if stall_after is None else stall_after
        self.look = look
        self.floor = floor
        self.resume_command = resume_command
        self.region = region
        # A deadline shared by every wait (sharing_deadline), else each
        # wait has the whole --timeout.
        self.deadline = None

    def variant(self, **changes):
        """This follower with other settings (the same console)."""
        other = copy.copy(self)
        for name, value in changes.items():
            if not hasattr(other, name):
                raise TypeError(f'Follower has no setting {name!r}')
            setattr(other, name, value)
        return other

    def sharing_deadline(self):
        """A follower whose waits all end by one deadline: --timeout from
        now, for a command that waits several times."""
        return self.variant(deadline=self.new_deadline())

    def new_deadline(self):
        if self.deadline is not None or self.timeout is None:
            return self.deadline
        return time.monotonic() + self.timeout

    def poll_floor(self):
        if callable(self.floor):
            self.floor = self.floor()
        return self.floor

    def __call__(
        self,
        task,
        look=None,
        resume=(),
        recreate=None,
        region=None,
        watch=None,
    ):
        if not self.wait:
            return Outcome(task, 0)
        region = region or self.region
        wait = _Wait(
            self,
            look or self.look,
            MIN_INTERVAL if look else self.poll_floor(),
            lambda task_id: self.resume_command(task_id, resume, region),
            watch,
        )
        return wait.run(task, recreate)


class _Restarted(Exception):
    """The import was started again: the wait goes on with its task."""

    def __init__(self, task):
        super().__init__(task['id'])
        self.task = task


class _Wait:
    """One wait of a ``Follower``: the timeout, Ctrl-C and the resume
    command, Rackspace's intermittent 396 retried, and the progress
    watched.

    A task that shows no progress for the follower's ``stall_after``
    seconds is said once, with what to do. Progress is a change of the
    task (status, ``updated_at``, message), or of what ``watch``'s
    ``progress_mark(task)`` adds (an interoperable import's image status);
    ``watch.stall_advice(task)`` gives the advice and after how long
    unchanged ``watch.retry()`` may start the import again (once).
    """

    def __init__(self, follower, look, min_interval, again, watch):
        self.follower = follower
        self.say = follower.console.say
        self.look = look
        self.min_interval = min_interval
        self.again = again
        self.watch = watch
        self.retry_after = None
        self.deadline = None
        self.watched(None)

    def watched(self, task):
        """Start watching ``task`` (None: the first one seen)."""
        self.mark = self.mark_of(task) if task else None
        self.changed_at = time.monotonic()
        self.stall_said = False

    def run(self, task, recreate):
        self.deadline = deadline = self.follower.new_deadline()
        attempt = 0
        while True:
            left = (
                None
                if deadline is None
                else max(0.0, deadline - time.monotonic())
            )
            try:
                task = wait_for_task(
                    self.look,
                    task,
                    timeout=left,
                    max_interval=self.follower.max_interval,
                    min_interval=self.min_interval,
                    note=self.say,
                    progress=self.seen,
                )
            except _Restarted as exc:
                task = exc.task
                self.watched(task)
                continue
            except WaitTimeout as exc:
                self.say(
                    timeout_message(
                        exc.task,
                        self.follower.timeout,
                        self.again(exc.task['id']),
                    )
                )
                return Outcome(exc.task, EXIT_TIMEOUT)
            except KeyboardInterrupt:
                self.say(
                    f'Stopped waiting for task {task["id"]}; it goes '
                    'on in the cloud. Wait again with: '
                    f'{self.again(task["id"])}'
                )
                raise
            if not (
                recreate
                and failures.is_intermittent(task)
                and attempt < INTERMITTENT_RETRIES
            ):
                return ended(task, self.say)
            attempt += 1
            failed_id = task['id']
            task = recreate()
            self.watched(task)
            self.say(
                f"Task {failed_id} failed with Rackspace's "
                f'intermittent error 396; created it again as task '
                f'{task["id"]} (retry {attempt} of '
                f'{INTERMITTENT_RETRIES})'
            )

    def mark_of(self, task):
        """What changes when ``task`` makes progress."""
        mark = (
            task.get('id'),
            task.get('status'),
            task.get('updated_at'),
            task.get('message'),
        )
        if self.watch is not None:
            mark += self.watch.progress_mark(task)
        return mark

    def seen(self, task, waited):
        """A look at the task that has not ended (``wait_for_task``'s
        ``progress``): the status line, and a stall said or acted on."""
        now = time.monotonic()
        mark = self.mark_of(task)
        if mark != self.mark:
            self.mark, self.changed_at = mark, now
        unchanged = now - self.changed_at
        line = f'Task {task["id"]}: {task.get("status")}, {waited:.0f} s'
        if self.stall_said:
            line += f', no progress for {progress.human_duration(unchanged)}'
        self.follower.console.status(line)
        if unchanged < self.follower.stall_after:
            return
        if not self.stall_said:
            self.stall_said = True
            self.say(self.stall_note(task, unchanged))
        if self.retry_after is not None and unchanged >= self.retry_after:
            self.retry(task, unchanged)

    def stall_note(self, task, unchanged):
        """What a wait that sees no progress says, once."""
        advice = (
            'a task cannot be stopped: if it stays so, ask the '
            "cloud's operator"
        )
        if self.watch is not None:
            advice, self.retry_after = self.watch.stall_advice(task)
        if self.deadline is None:
            still = 'Still waiting, with no --timeout'
        else:
            left = max(0.0, self.deadline - time.monotonic())
            still = (
                'Still waiting until the --timeout, '
                f'{progress.human_duration(left)} from now'
            )
        # Spelled as every command shows a task's times (Glance lists an
        # image's tasks with microseconds and no zone).
        updated = tasks.utc_time(task.get('updated_at'))
        return (
            f'Task {task["id"]} has made no progress for '
            f'{progress.human_duration(unchanged)} (still '
            f'{task.get("status")}, last updated '
            f'{updated or "at an unknown time"}): '
            f'{advice}. {still}; Ctrl-C stops the wait, not the task, '
            f'and this waits again: {self.again(task["id"])}'
        )

    def retry(self, task, unchanged):
        """Start the import again, once, as ``watch`` does it."""

        self.retry_after = None
        try:
            started = self.watch.retry()
        except exceptions.CommandError as exc:
            self.say(
                f'Could not start the import again: {exc}. Still '
                f'waiting for task {task["id"]}'
            )
            return
        self.say(
            f'Task {task["id"]} made no progress for '
            f'{progress.human_duration(unchanged)}, and Glance lets '
            f'a new import take over: started it again as task '
            f'{started["id"]}'
        )
        raise _Restarted(started)


def ended(task, say):
    """The ``Outcome`` of a task that has ended; a failure said."""
    if task.get('status') == 'failure':
        say(
            f'Task {task["id"]} failed: '
            f'{failures.explained(task.get("message"))}'
        )
        return Outcome(task, EXIT_TASK_FAILED)
    return Outcome(task, 0)


def timeout_message(task, seconds, again):
    """What a wait that ran out of time says; ``again`` waits again."""
    status = task.get('status')
    state = (
        f'it is still {status}'
        if status
        else 'the image service did not tell its status'
    )
    return (
        f'Gave up waiting for task {task["id"]} after {seconds:g} s: '
        f'{state}. Wait again with: {again}'
    )

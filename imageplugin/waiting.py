"""Following a task until it ends.

The poll interval is a quarter of the time waited so far, between
``MIN_INTERVAL`` and a ceiling (30 s by default): on upstream Glance a task
that ends within seconds is seen within about half a second, a long one is
asked about at most twice a minute. Rackspace Cloud Images asks clients
not to look at a task more often than every 30 seconds: there the floor
is ``RACKSPACE_MIN_INTERVAL``, and it wins over the ceiling.
"""

import collections
import logging
import time

from imageplugin import failures
from imageplugin import http

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


def next_interval(waited, max_interval, min_interval=MIN_INTERVAL):
    return max(min_interval,
               min(max_interval, max(MIN_INTERVAL, waited / 4)))


def is_transient(exc):
    """Whether a failure to read the task is worth another try."""
    if isinstance(exc, http.Unreachable):
        return True
    return isinstance(exc, http.HTTPError) and (
        exc.http_status == 429 or exc.http_status >= 500)


def wait_for_task(get_task, task, timeout=None,
                  max_interval=DEFAULT_MAX_INTERVAL, note=None,
                  progress=None, min_interval=MIN_INTERVAL):
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
        pause = (next_interval(waited, max_interval, min_interval)
                 if looked else 0.0)
        looked = True
        if timeout is not None:
            if waited >= timeout:
                raise WaitTimeout(task, waited)
            if pause > timeout - waited and min_interval > MIN_INTERVAL:
                time.sleep(timeout - waited)
                raise WaitTimeout(task, time.monotonic() - start)
            pause = min(pause, timeout - waited)
        if pause:
            LOG.debug('Next look at task %s in %.1f s (waited %.1f s)',
                      task['id'], pause, waited)
            time.sleep(pause)
        request_timeout = POLL_TIMEOUT
        if timeout is not None:
            request_timeout = max(
                MIN_INTERVAL, min(request_timeout,
                                  timeout - (time.monotonic() - start)))
        try:
            task = get_task(task['id'], timeout=request_timeout)
        except (http.HTTPError, http.Unreachable) as exc:
            if not is_transient(exc):
                raise
            delay = getattr(exc, 'retry_after', None)
            if note:
                note(f'{exc}; still waiting'
                     + (f' (the server asks for {delay:.0f} s)'
                        if delay else ''))
            if delay:
                remaining = (timeout - (time.monotonic() - start)
                             if timeout is not None else delay)
                time.sleep(max(0.0, min(delay, remaining)))
    return task


def follow(look, task, say, timeout=None, max_interval=DEFAULT_MAX_INTERVAL,
           min_interval=MIN_INTERVAL, progress=None, resume_command=None,
           recreate=None):
    """Wait for ``task`` to end, telling the user; return the ``Outcome``.

    ``look`` and ``progress`` are ``wait_for_task``'s ``get_task`` and
    ``progress``; ``say(text)`` writes a line on stderr;
    ``resume_command(task_id)`` is the command that waits again, said on
    timeout and on Ctrl-C (which goes on up); ``recreate()`` creates the
    task again, for Rackspace's intermittent failure.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    for attempt in range(INTERMITTENT_RETRIES + 1):
        left = (None if deadline is None
                else max(0.0, deadline - time.monotonic()))
        try:
            task = wait_for_task(look, task, timeout=left,
                                 max_interval=max_interval,
                                 min_interval=min_interval, note=say,
                                 progress=progress)
        except WaitTimeout as exc:
            say(timeout_message(exc.task, timeout,
                                resume_command(exc.task['id'])))
            return Outcome(exc.task, EXIT_TIMEOUT)
        except KeyboardInterrupt:
            say(f'Stopped waiting for task {task["id"]}; it goes on in the '
                f'cloud. Wait again with: {resume_command(task["id"])}')
            raise
        if not (recreate and failures.is_intermittent(task)
                and attempt < INTERMITTENT_RETRIES):
            break
        failed_id = task['id']
        task = recreate()
        say(f'Task {failed_id} failed with Rackspace\'s intermittent error '
            f'396; created it again as task {task["id"]} (retry '
            f'{attempt + 1} of {INTERMITTENT_RETRIES})')
    if task.get('status') == 'failure':
        say(f'Task {task["id"]} failed: '
            f'{failures.explained(task.get("message"))}')
        return Outcome(task, EXIT_TASK_FAILED)
    return Outcome(task, 0)


def timeout_message(task, seconds, again):
    """What a wait that ran out of time says; ``again`` waits again."""
    status = task.get('status')
    state = (f'it is still {status}' if status else
             'the image service did not tell its status')
    return (f'Gave up waiting for task {task["id"]} after {seconds:g} s: '
            f'{state}. Wait again with: {again}')

# SPDX-License-Identifier: Apache-2.0
from osc_lib import exceptions
import testtools

from imageplugin import http
from imageplugin import waiting
from tests.unit import base


def task(status, task_id=base.TASK_ID):
    return {'id': task_id, 'status': status}


class Server:
    """Answers get_task from a script of tasks and exceptions."""

    def __init__(self, clock, *answers):
        self.clock = clock
        self.answers = list(answers)
        self.asked_at = []
        self.request_timeouts = []

    def get_task(self, task_id, timeout):
        self.asked_at.append(self.clock.now)
        self.request_timeouts.append(timeout)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


class TestSchedule(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.clock = self.useFixture(base.FakeClock())
        self.notes = []

    def wait(self, server, **kwargs):
        return waiting.wait_for_task(
            server.get_task, task('pending'), note=self.notes.append, **kwargs
        )

    def test_a_short_task_is_seen_within_half_a_second(self):
        server = Server(
            self.clock,
            task('processing'),
            task('processing'),
            task('processing'),
            task('processing'),
            task('success'),
        )
        self.assertEqual('success', self.wait(server)['status'])
        self.assertEqual([0.5, 1.0, 1.5, 2.0, 2.5], server.asked_at)

    def test_polls_slow_down_to_the_ceiling(self):
        answers = [task('processing')] * 400 + [task('success')]
        server = Server(self.clock, *answers)
        self.wait(server, max_interval=30)
        asked = server.asked_at
        gaps = [
            round(b - a, 6) for a, b in zip(asked, asked[1:], strict=False)
        ]
        self.assertEqual(30, max(gaps))
        after_5_min = [t for t in server.asked_at if 300 <= t < 360]
        self.assertLessEqual(len(after_5_min), 2)
        # Never more often than every half second, growing steadily.
        self.assertEqual(gaps, sorted(gaps))
        self.assertEqual(0.5, min(gaps))
        # An end is seen at most an eighth of the time waited late.
        late = [
            (at, gap)
            for at, gap in zip(asked, gaps, strict=False)
            if gap > max(0.5, at / 8) + 1e-6
        ]
        self.assertEqual([], late)

    def test_ceiling_is_an_option(self):
        answers = [task('processing')] * 100 + [task('success')]
        server = Server(self.clock, *answers)
        self.wait(server, max_interval=5)
        self.assertEqual(5, server.asked_at[-1] - server.asked_at[-2])

    def test_rackspace_floor(self):
        # Rackspace asks for 30 s between looks, whatever the ceiling.
        server = Server(
            self.clock,
            task('processing'),
            task('processing'),
            task('processing'),
            task('success'),
        )
        self.wait(
            server, max_interval=5, min_interval=waiting.RACKSPACE_MIN_INTERVAL
        )
        self.assertEqual([30.0, 60.0, 90.0, 120.0], server.asked_at)

    def test_rackspace_floor_beats_retries(self):
        server = Server(
            self.clock, http.Unreachable('no answer'), task('success')
        )
        self.wait(server, min_interval=waiting.RACKSPACE_MIN_INTERVAL)
        self.assertEqual([30.0, 60.0], server.asked_at)

    def test_rackspace_timeout_between_looks_ends_without_one(self):
        server = Server(self.clock, task('processing'))
        error = self.assertRaises(
            waiting.WaitTimeout,
            self.wait,
            server,
            timeout=45,
            min_interval=waiting.RACKSPACE_MIN_INTERVAL,
        )
        self.assertEqual([30.0], server.asked_at)
        self.assertEqual(45, error.waited)
        self.assertEqual(45, self.clock.now)

    def test_timeout(self):
        server = Server(self.clock, *[task('processing')] * 100)
        error = self.assertRaises(
            waiting.WaitTimeout, self.wait, server, timeout=10
        )
        self.assertEqual(10, self.clock.now)
        self.assertEqual('processing', error.task['status'])

    def test_each_look_is_bounded_by_the_time_left(self):
        server = Server(self.clock, *[task('processing')] * 100)
        self.assertRaises(waiting.WaitTimeout, self.wait, server, timeout=100)
        # 60 s at most, less once the end of the wait is nearer; never
        # under half a second.
        self.assertEqual(60, server.request_timeouts[0])
        for asked_at, limit in zip(
            server.asked_at, server.request_timeouts, strict=True
        ):
            self.assertEqual(max(0.5, min(60, 100 - asked_at)), limit)
        self.assertEqual(0.5, min(server.request_timeouts))

    def test_each_look_is_bounded_without_a_timeout(self):
        server = Server(self.clock, task('processing'), task('success'))
        self.wait(server)
        self.assertEqual([60, 60], server.request_timeouts)

    def test_transient_failures_are_retried_with_a_note(self):
        server = Server(
            self.clock,
            http.Unreachable(
                'Cannot show task X: cannot reach the image '
                'service at U: connection refused'
            ),
            http.HTTPError('Cannot show task X: Bad Gateway (HTTP 502)', 502),
            task('success'),
        )
        self.assertEqual('success', self.wait(server)['status'])
        self.assertEqual(
            [
                'Cannot show task X: cannot reach the image service at U: '
                'connection refused; still waiting',
                'Cannot show task X: Bad Gateway (HTTP 502); still waiting',
            ],
            self.notes,
        )

    def test_retry_after_is_honoured(self):
        server = Server(
            self.clock,
            http.HTTPError('Too many (HTTP 429)', 429, retry_after=20),
            task('success'),
        )
        self.wait(server)
        # The next look an eighth of the 20.5 s waited after the answer.
        self.assertEqual([0.5, 20.5 + 20.5 / 8], server.asked_at)
        self.assertEqual(
            ['Too many (HTTP 429); still waiting (the server asks for 20 s)'],
            self.notes,
        )

    def test_retry_after_does_not_outlast_the_timeout(self):
        server = Server(
            self.clock,
            http.HTTPError('Busy (HTTP 503)', 503, retry_after=3600),
            task('processing'),
        )
        self.assertRaises(waiting.WaitTimeout, self.wait, server, timeout=60)
        self.assertLessEqual(self.clock.now, 60)

    def test_other_errors_stop_the_wait(self):
        server = Server(self.clock, http.HTTPError('gone (HTTP 404)', 404))
        self.assertRaises(exceptions.CommandError, self.wait, server)
        self.assertEqual([], self.notes)


class Console:
    """Records what a follower says and draws."""

    def __init__(self):
        self.lines = []
        self.statuses = []
        self.stream = None

    def say(self, text):
        self.lines.append(text)

    def status(self, text):
        self.statuses.append(text)


def again(task_id, options, region):
    return f'show {task_id} {" ".join(options)}'.rstrip()


def dated(status, updated_at='2026-12-06T21:00:00Z', task_id=base.TASK_ID):
    return dict(task(status, task_id), updated_at=updated_at)


class Watch:
    """An import as a follower watches it (``interop.Import``'s part)."""

    def __init__(self, retry_after=3660.0, started=None):
        self.retry_after = retry_after
        self.started = started
        self.retries = 0
        self.image_status = 'queued'

    def progress_mark(self, task):
        return (self.image_status,)

    def stall_advice(self, task):
        return 'do this', self.retry_after

    def retry(self):
        self.retries += 1
        if isinstance(self.started, Exception):
            raise self.started
        return self.started


class TestFollower(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.clock = self.useFixture(base.FakeClock())
        self.console = Console()

    def follower(self, server, **settings):
        # A floor of 60 s: a look every minute, at known times.
        settings = dict(
            dict(look=server.get_task, floor=60.0, resume_command=again),
            **settings,
        )
        return waiting.Follower(self.console, **settings)

    def test_without_wait_the_task_is_as_it_is(self):
        server = Server(self.clock)
        outcome = self.follower(server, wait=False)(task('pending'))
        self.assertEqual((task('pending'), 0), outcome)
        self.assertEqual([], server.asked_at)

    def test_floor_is_asked_once_when_first_needed(self):
        floors = []

        def floor():
            floors.append(1)
            return 30.0

        server = Server(self.clock, task('success'), task('success'))
        follow = self.follower(server, floor=floor)
        self.assertEqual([], floors)
        follow(task('pending'))
        follow(task('pending'))
        self.assertEqual([1], floors)
        self.assertEqual([30.0, 60.0], server.asked_at)

    def test_a_stall_is_said_once_and_the_wait_goes_on(self):
        server = Server(
            self.clock, *[dated('processing')] * 11, dated('success')
        )
        outcome = self.follower(server)(dated('processing'))
        self.assertEqual(('success', 0), (outcome.status, outcome.exit_code))
        self.assertEqual(
            [
                f'Task {base.TASK_ID} has made no progress for 5:00 (still '
                'processing, last updated 2026-12-06T21:00:00Z): a task '
                'cannot '
                "be stopped: if it stays so, ask the cloud's operator. Still "
                'waiting, with no --timeout; Ctrl-C stops the wait, not the '
                f'task, and this waits again: show {base.TASK_ID}'
            ],
            self.console.lines,
        )
        self.assertEqual(
            f'Task {base.TASK_ID}: processing, 660 s, no progress for 11:00',
            self.console.statuses[-1],
        )

    def test_a_stall_shows_the_time_as_tasks_are_shown(self):
        # Glance lists an image's tasks with microseconds and no zone.
        glance_time = '2026-12-06T21:00:00.782551'
        server = Server(
            self.clock,
            *[dated('processing', glance_time)] * 11,
            dated('success', glance_time),
        )
        self.follower(server)(dated('processing', glance_time))
        self.assertIn(
            'last updated 2026-12-06T21:00:00Z)', self.console.lines[0]
        )

    def test_progress_is_no_stall(self):
        # updated_at moves every 4 minutes: never 5 without progress.
        answers = [
            dated('processing', f'2026-12-06T21:{minute:02d}:00Z')
            for minute in range(0, 20)
            for _ in range(4)
        ]
        server = Server(self.clock, *answers, dated('success'))
        self.follower(server)(answers[0])
        self.assertEqual(81 * 60, self.clock.now)
        self.assertEqual([], self.console.lines)

    def test_stall_then_timeout(self):
        server = Server(self.clock, *[dated('processing')] * 20)
        outcome = self.follower(server, timeout=400)(dated('processing'))
        self.assertEqual(124, outcome.exit_code)
        self.assertEqual(2, len(self.console.lines))
        self.assertIn(
            'Still waiting until the --timeout, 1:40 from now; '
            'Ctrl-C stops the wait',
            self.console.lines[0],
        )
        self.assertEqual(
            waiting.timeout_message(
                dated('processing'), 400, f'show {base.TASK_ID}'
            ),
            self.console.lines[1],
        )
        self.assertEqual(400, self.clock.now)

    def test_stall_timeout_is_a_setting(self):
        server = Server(
            self.clock, *[dated('processing')] * 2, dated('success')
        )
        self.follower(server, stall_after=120)(dated('processing'))
        self.assertEqual(1, len(self.console.lines))
        self.assertIn('no progress for 2:00', self.console.lines[0])

    def test_a_change_seen_by_the_watch_is_progress(self):
        watch = Watch(retry_after=None)
        server = Server(
            self.clock, *[dated('processing')] * 8, dated('success')
        )

        def moving(task_id, timeout):
            # The image's status changes every 4 looks.
            watch.image_status = len(server.asked_at) // 4
            return server.get_task(task_id, timeout)

        self.follower(server, look=moving)(dated('processing'), watch=watch)
        self.assertEqual([], self.console.lines)

    def test_a_stale_import_is_started_again_once(self):
        new_id = '0b9d3c52-8f0e-4f55-8a6b-0c1d2e3f4a5b'
        watch = Watch(
            retry_after=3660.0, started=dated('pending', task_id=new_id)
        )
        server = Server(
            self.clock,
            *[dated('processing')] * 61,
            dated('processing', task_id=new_id),
            dated('success', task_id=new_id),
        )
        outcome = self.follower(server)(dated('processing'), watch=watch)
        self.assertEqual((new_id, 0), (outcome.task['id'], outcome.exit_code))
        self.assertEqual(1, watch.retries)
        self.assertEqual(2, len(self.console.lines))
        self.assertIn('do this. Still waiting', self.console.lines[0])
        self.assertEqual(
            f'Task {base.TASK_ID} made no progress for 1:01:00, and Glance '
            'lets a new import take over: started it again as task '
            f'{new_id}',
            self.console.lines[1],
        )
        # The new task is looked at after the usual pause.
        self.assertEqual(3660 + 60, server.asked_at[-2])

    def test_a_retry_refused_is_said_and_the_wait_goes_on(self):
        watch = Watch(
            retry_after=600.0,
            started=exceptions.CommandError(
                'Cannot import image X: Image has active task (HTTP 409)'
            ),
        )
        server = Server(
            self.clock, *[dated('processing')] * 20, dated('success')
        )
        outcome = self.follower(server)(dated('processing'), watch=watch)
        self.assertEqual(0, outcome.exit_code)
        self.assertEqual(1, watch.retries)
        self.assertEqual(
            'Could not start the import again: Cannot import image X: Image '
            'has active task (HTTP 409). Still waiting for task '
            f'{base.TASK_ID}',
            self.console.lines[1],
        )

    def test_no_retry_possible_goes_on_waiting(self):
        watch = Watch(retry_after=None)
        server = Server(
            self.clock, *[dated('processing')] * 200, dated('success')
        )
        self.follower(server)(dated('processing'), watch=watch)
        self.assertEqual(0, watch.retries)
        self.assertEqual(1, len(self.console.lines))

    def test_a_shared_deadline_bounds_every_wait(self):
        server = Server(
            self.clock, task('success'), *[task('processing')] * 10
        )
        follow = self.follower(server, timeout=100).sharing_deadline()
        self.assertEqual(0, follow(task('pending')).exit_code)
        outcome = follow(task('pending'))
        self.assertEqual(124, outcome.exit_code)
        # 100 s in all, the first wait's 60 among them.
        self.assertEqual(100, self.clock.now)

    def test_each_wait_has_the_whole_timeout_unless_shared(self):
        server = Server(
            self.clock, task('success'), *[task('processing')] * 10
        )
        follow = self.follower(server, timeout=100)
        follow(task('pending'))
        self.assertEqual(124, follow(task('pending')).exit_code)
        self.assertEqual(160, self.clock.now)

    def test_variant_keeps_the_console_and_refuses_unknown_settings(self):
        follow = self.follower(Server(self.clock))
        other = follow.variant(region='RegionTwo')
        self.assertIs(self.console, other.console)
        self.assertIsNone(follow.region)
        self.assertRaises(TypeError, follow.variant, regoin='RegionTwo')

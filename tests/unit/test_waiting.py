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
        return waiting.wait_for_task(server.get_task, task('pending'),
                                     note=self.notes.append, **kwargs)

    def test_a_short_task_is_seen_within_half_a_second(self):
        server = Server(self.clock, task('processing'), task('processing'),
                        task('processing'), task('processing'),
                        task('success'))
        self.assertEqual('success', self.wait(server)['status'])
        self.assertEqual([0.5, 1.0, 1.5, 2.0, 2.5], server.asked_at)

    def test_polls_slow_down_to_the_ceiling(self):
        answers = [task('processing')] * 400 + [task('success')]
        server = Server(self.clock, *answers)
        self.wait(server, max_interval=30)
        asked = server.asked_at
        gaps = [b - a for a, b in zip(asked, asked[1:], strict=False)]
        self.assertEqual(30, max(gaps))
        after_5_min = [t for t in server.asked_at if 300 <= t < 360]
        self.assertLessEqual(len(after_5_min), 2)
        # Never more often than every half second, growing steadily.
        self.assertEqual(gaps, sorted(gaps))
        self.assertEqual(0.5, min(gaps))

    def test_ceiling_is_an_option(self):
        answers = [task('processing')] * 100 + [task('success')]
        server = Server(self.clock, *answers)
        self.wait(server, max_interval=5)
        self.assertEqual(5, server.asked_at[-1] - server.asked_at[-2])

    def test_rackspace_floor(self):
        # Rackspace asks for 30 s between looks, whatever the ceiling.
        server = Server(self.clock, task('processing'), task('processing'),
                        task('processing'), task('success'))
        self.wait(server, max_interval=5,
                  min_interval=waiting.RACKSPACE_MIN_INTERVAL)
        self.assertEqual([30.0, 60.0, 90.0, 120.0], server.asked_at)

    def test_rackspace_floor_beats_retries(self):
        server = Server(self.clock, http.Unreachable('no answer'),
                        task('success'))
        self.wait(server, min_interval=waiting.RACKSPACE_MIN_INTERVAL)
        self.assertEqual([30.0, 60.0], server.asked_at)

    def test_rackspace_timeout_between_looks_ends_without_one(self):
        server = Server(self.clock, task('processing'))
        error = self.assertRaises(
            waiting.WaitTimeout, self.wait, server, timeout=45,
            min_interval=waiting.RACKSPACE_MIN_INTERVAL)
        self.assertEqual([30.0], server.asked_at)
        self.assertEqual(45, error.waited)
        self.assertEqual(45, self.clock.now)

    def test_timeout(self):
        server = Server(self.clock, *[task('processing')] * 100)
        error = self.assertRaises(waiting.WaitTimeout, self.wait, server,
                                  timeout=10)
        self.assertEqual(10, self.clock.now)
        self.assertEqual('processing', error.task['status'])

    def test_each_look_is_bounded_by_the_time_left(self):
        server = Server(self.clock, *[task('processing')] * 100)
        self.assertRaises(waiting.WaitTimeout, self.wait, server,
                          timeout=100)
        # 60 s at most, less once the end of the wait is nearer; never
        # under half a second.
        self.assertEqual(60, server.request_timeouts[0])
        for asked_at, limit in zip(server.asked_at, server.request_timeouts,
                                   strict=True):
            self.assertEqual(max(0.5, min(60, 100 - asked_at)), limit)
        self.assertEqual(0.5, min(server.request_timeouts))

    def test_each_look_is_bounded_without_a_timeout(self):
        server = Server(self.clock, task('processing'), task('success'))
        self.wait(server)
        self.assertEqual([60, 60], server.request_timeouts)

    def test_transient_failures_are_retried_with_a_note(self):
        server = Server(
            self.clock,
            http.Unreachable('Cannot show task X: cannot reach the image '
                            'service at U: connection refused'),
            http.HTTPError('Cannot show task X: Bad Gateway (HTTP 502)', 502),
            task('success'))
        self.assertEqual('success', self.wait(server)['status'])
        self.assertEqual([
            'Cannot show task X: cannot reach the image service at U: '
            'connection refused; still waiting',
            'Cannot show task X: Bad Gateway (HTTP 502); still waiting'],
            self.notes)

    def test_retry_after_is_honoured(self):
        server = Server(
            self.clock,
            http.HTTPError('Too many (HTTP 429)', 429, retry_after=20),
            task('success'))
        self.wait(server)
        self.assertEqual([0.5, 20.5 + 5.125], server.asked_at)
        self.assertEqual(['Too many (HTTP 429); still waiting (the server '
                          'asks for 20 s)'], self.notes)

    def test_retry_after_does_not_outlast_the_timeout(self):
        server = Server(
            self.clock,
            http.HTTPError('Busy (HTTP 503)', 503, retry_after=3600),
            task('processing'))
        self.assertRaises(waiting.WaitTimeout, self.wait, server,
                          timeout=60)
        self.assertLessEqual(self.clock.now, 60)

    def test_other_errors_stop_the_wait(self):
        server = Server(self.clock, http.HTTPError('gone (HTTP 404)', 404))
        self.assertRaises(exceptions.CommandError, self.wait, server)
        self.assertEqual([], self.notes)

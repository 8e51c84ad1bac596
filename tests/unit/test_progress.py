# SPDX-License-Identifier: Apache-2.0
import io

import testtools

from imageplugin import progress
from tests.unit import base

MiB = 1024**2
CLEAR = '\r\033[K'


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class TestProgressBar(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.clock = Clock()
        self.stream = base.TerminalIO()

    def bar(self, total=100 * MiB, stream=None):
        return progress.ProgressBar(
            stream or self.stream, total, 'Up', clock=self.clock
        )

    def drawn(self):
        return self.stream.getvalue().split(CLEAR)[1:]

    def test_rate_and_time_left(self):
        bar = self.bar()
        bar(0)
        self.clock.now += 2
        bar(20 * MiB)
        self.assertEqual(
            [
                'Up: 0 B of 100.0 MiB (0%)',
                'Up: 20.0 MiB of 100.0 MiB (20%), 10.0 MiB/s, 0:08 left',
            ],
            self.drawn(),
        )

    def test_drawn_a_few_times_a_second(self):
        bar = self.bar()
        for done in range(1, 50):
            self.clock.now += 0.01
            bar(done * MiB)
        # Drawn at the first call and 0.25 s later, not 49 times.
        self.assertEqual(2, len(self.drawn()))

    def test_end_is_always_drawn_then_cleared(self):
        with self.bar(total=2 * MiB) as bar:
            bar(MiB)
            self.clock.now += 0.01
            bar(2 * MiB)
            self.assertEqual(
                'Up: 2.0 MiB of 2.0 MiB (100%), 100.0 MiB/s', self.drawn()[-1]
            )
        self.assertTrue(self.stream.getvalue().endswith(CLEAR))
        self.assertEqual('', self.drawn()[-1])

    def test_rate_follows_the_recent_pace(self):
        bar = self.bar(total=1000 * MiB)
        bar(0)
        self.clock.now += 1
        bar(500 * MiB)  # a fast start (or segments found stored)
        for done in [500] * 10 + [550, 600, 650, 700, 750]:
            self.clock.now += 1
            bar(done * MiB)
        # The rate of the last 5 s, not the average since the start.
        self.assertEqual(
            'Up: 750.0 MiB of 1000.0 MiB (75%), 50.0 MiB/s, 0:05 left',
            self.drawn()[-1],
        )

    def test_nothing_off_a_terminal(self):
        stream = io.StringIO()
        with self.bar(stream=stream) as bar:
            bar(MiB)
        self.assertEqual('', stream.getvalue())
        self.assertFalse(bar.status.shown)

    def test_no_stream(self):
        with progress.ProgressBar(None, 10, 'Up') as bar:
            bar(5)

    def test_line_fits_the_terminal(self):
        bar = progress.ProgressBar(self.stream, 10, 'x' * 200)
        bar(5)
        self.assertEqual(79, len(self.drawn()[0]))

    def test_terminal_of_unknown_size(self):
        size = self.useFixture(
            base.fixtures.MockPatch('os.get_terminal_size')
        ).mock
        size.return_value.columns = 0
        self.stream.fileno = lambda: 2
        bar = progress.ProgressBar(self.stream, 10, 'x' * 200)
        bar(5)
        self.assertEqual(79, len(self.drawn()[0]))

    def test_unknown_total_shows_the_bytes_done(self):
        # A stream decompressed as it is sent: no size before its end.
        bar = self.bar(total=0)
        bar(3 * 1024**2)
        self.assertEqual(['Up: 3.0 MiB'], self.drawn())


class TestHuman(testtools.TestCase):
    def test_sizes(self):
        for count, text in [
            (0, '0 B'),
            (1023, '1023 B'),
            (1024, '1.0 KiB'),
            (1536 * MiB, '1.5 GiB'),
            (3 * 1024**4, '3.0 TiB'),
        ]:
            self.assertEqual(text, progress.human_size(count))

    def test_durations(self):
        for seconds, text in [
            (0, '0:00'),
            (59.6, '1:00'),
            (754, '12:34'),
            (3600 * 26 + 61, '26:01:01'),
        ]:
            self.assertEqual(text, progress.human_duration(seconds))


class TestConsole(testtools.TestCase):
    def test_a_line_clears_the_status_line_first(self):
        stream = base.TerminalIO()
        console = progress.Console(stream)
        console.status('Task t: processing, 3 s')
        console.say('A note')
        console.clear()
        self.assertEqual(
            f'{CLEAR}Task t: processing, 3 s{CLEAR}A note\n', stream.getvalue()
        )
        self.assertIs(stream, console.stream)

    def test_no_progress_draws_nothing_but_lines(self):
        stream = base.TerminalIO()
        console = progress.Console(stream, progress=False)
        console.status('Task t: processing, 3 s')
        console.say('A note')
        self.assertEqual('A note\n', stream.getvalue())
        self.assertIsNone(console.stream)

    def test_off_a_terminal_only_lines(self):
        stream = io.StringIO()
        console = progress.Console(stream)
        console.status('Task t: processing, 3 s')
        console.say('A note')
        self.assertEqual('A note\n', stream.getvalue())

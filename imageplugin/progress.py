# SPDX-License-Identifier: Apache-2.0
"""A one-line progress bar for a terminal's stderr."""

import collections
import os
import time

# Seconds of history the rate is measured over: long enough to be
# steady, short enough to follow a change of pace.
RATE_WINDOW = 5.0
_CLEAR_LINE = '\r\033[K'


def human_size(count):
    """A byte count the way people read it: 1.5 GiB, 512 B."""
    for unit in ('B', 'KiB', 'MiB', 'GiB'):
        if count < 1024:
            return (
                f'{count:.0f} {unit}' if unit == 'B' else f'{count:.1f} {unit}'
            )
        count /= 1024
    return f'{count:.1f} TiB'


def human_duration(seconds):
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f'{hours}:{minutes:02d}:{seconds:02d}'
    return f'{minutes}:{seconds:02d}'


class StatusLine:
    """The one line of progress on a terminal's stderr, redrawn in place.

    Draws only when ``stream`` is a terminal; ``clear()`` takes the line
    away before anything else is written there.
    """

    def __init__(self, stream):
        self.stream = stream
        self.enabled = bool(stream is not None and stream.isatty())
        self.shown = False

    def show(self, text):
        if not self.enabled:
            return
        # Marked first: a Ctrl-C during the write still clears the line.
        self.shown = True
        self.stream.write(_CLEAR_LINE + self._fitted(text))
        self.stream.flush()

    def clear(self):
        if self.shown:
            self.stream.write(_CLEAR_LINE)
            self.stream.flush()
            self.shown = False

    def _fitted(self, text):
        # A line longer than the terminal wraps, and \r redraws only the
        # last part of it.
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except (AttributeError, OSError, ValueError):
            columns = 0
        # A terminal of unknown size (some CI ptys) reports 0 columns.
        columns = columns or 80
        return text[: max(columns - 1, 20)]


class Console:
    """What the user sees on stderr: lines, and on a terminal one status
    line redrawn in place, cleared before any line is written.

    ``stream`` is where progress is drawn: ``stderr``, or None when the
    command has ``--no-progress``.
    """

    def __init__(self, stderr, progress=True):
        self.stderr = stderr
        self.stream = stderr if progress else None
        self.status_line = StatusLine(self.stream)

    def say(self, text):
        """A line for the user on stderr, never on stdout."""
        self.status_line.clear()
        self.stderr.write(text + '\n')
        self.stderr.flush()

    def status(self, text):
        """Draw ``text`` as the status line (on a terminal only)."""
        self.status_line.show(text)

    def clear(self):
        self.status_line.clear()


class ProgressBar:
    """Bytes done of a total, the rate and the time left, on one line.

    Drawn only when ``stream`` is a terminal, at most once per
    ``interval`` seconds, redrawn in place with a carriage return; the
    bar is its own progress callback (``bar(done)``). ``clear()``, or
    leaving its ``with`` block, takes the line away.
    """

    def __init__(
        self, stream, total, label, interval=0.25, clock=time.monotonic
    ):
        self.status = StatusLine(stream)
        self.total = total
        self.label = label
        self.interval = interval
        self.clock = clock
        self._samples = collections.deque()
        self._drawn_at = None

    def __call__(self, done):
        self.update(done)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.clear()

    def update(self, done):
        if not self.status.enabled:
            return
        now = self.clock()
        self._samples.append((now, done))
        while (
            len(self._samples) > 2 and now - self._samples[0][0] > RATE_WINDOW
        ):
            self._samples.popleft()
        if (
            self._drawn_at is not None
            and (not self.total or done < self.total)
            and now - self._drawn_at < self.interval
        ):
            return
        self._drawn_at = now
        self.status.show(self.line(done, now))

    def line(self, done, now):
        if self.total:
            percent = 100 * done // self.total
            text = (
                f'{self.label}: {human_size(done)} of '
                f'{human_size(self.total)} ({percent}%)'
            )
        else:
            # A size not known before the end (a stream decompressed).
            text = f'{self.label}: {human_size(done)}'
        since, done_then = self._samples[0]
        if now > since and done > done_then:
            rate = (done - done_then) / (now - since)
            text += f', {human_size(rate)}/s'
            if self.total and done < self.total:
                text += f', {human_duration((self.total - done) / rate)} left'
        return text

    def clear(self):
        self.status.clear()

# SPDX-License-Identifier: Apache-2.0
"""``--wait`` on a simulated clock: how soon the end is seen, how often we ask.

Run with a Python that can import ``imageplugin`` (the bench venv with the
plugin, or the dev venv)::

    python benchmarks/wait_sim.py --duration 600 --duration 2

For each task duration D it runs ``imageplugin.waiting.wait_for_task`` with
``time.monotonic``/``time.sleep`` replaced by a fake clock and a fake
``get_task`` whose task ends at D plus an offset; the offsets spread over
one maximum poll interval, so every phase of the polling schedule is met.
It prints one JSON object: per duration, the delay between the task's end
and the request that sees it (median and max over the offsets) and the
requests per minute after 5 minutes of waiting (max over whole minutes).
"""

import argparse
import json
import statistics

from imageplugin import waiting


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.now += max(0.0, seconds)

    # wait_for_task only uses monotonic and sleep; anything else is a bug.
    def __getattr__(self, name):
        raise AttributeError(f'the fake clock has no {name}')


def simulate(end_at, max_interval):
    clock = FakeClock()
    calls = []

    def get_task(task_id, timeout=None):
        # The per-request timeout is the real client's business: a
        # simulated answer is instant.
        calls.append(clock.now)
        status = 'success' if clock.now >= end_at else 'processing'
        return {'id': task_id, 'status': status}

    real_time = waiting.time
    waiting.time = clock
    try:
        task = waiting.wait_for_task(
            get_task,
            {'id': 't', 'status': 'pending'},
            max_interval=max_interval,
        )
    finally:
        waiting.time = real_time
    assert task['status'] == 'success'
    return calls[-1] - end_at, calls


def per_minute_after(calls, start, end):
    """Requests in each whole minute from ``start`` until ``end``."""
    counts = []
    minute = start
    while minute + 60 <= end:
        counts.append(sum(1 for t in calls if minute <= t < minute + 60))
        minute += 60
    return counts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        '--duration',
        type=float,
        action='append',
        help='task duration in seconds (repeatable)',
    )
    parser.add_argument(
        '--offsets', type=int, default=30, help='end times tried per duration'
    )
    args = parser.parse_args()
    max_interval = waiting.DEFAULT_MAX_INTERVAL
    report = {
        'max_interval': max_interval,
        'min_interval': waiting.MIN_INTERVAL,
        'durations': {},
    }
    for duration in args.duration or [2.0, 600.0]:
        # Spread the end over one poll interval at that point.
        span = waiting.next_interval(duration, max_interval)
        delays, minutes, totals = [], [], []
        for k in range(args.offsets):
            end_at = duration + span * k / args.offsets
            delay, calls = simulate(end_at, max_interval)
            delays.append(delay)
            totals.append(len(calls))
            if end_at >= 360:
                minutes += per_minute_after(calls, 300.0, end_at)
        report['durations'][str(duration)] = {
            'notice_delay_median_s': statistics.median(delays),
            'notice_delay_max_s': max(delays),
            'notice_delay_min_s': min(delays),
            'requests_total_median': statistics.median(totals),
            'requests_per_minute_after_5min_max': max(minutes)
            if minutes
            else None,
            'requests_per_minute_after_5min_median': statistics.median(minutes)
            if minutes
            else None,
        }
    print(json.dumps(report))


if __name__ == '__main__':
    main()

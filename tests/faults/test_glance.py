# SPDX-License-Identifier: Apache-2.0
"""Glance stopped before or while a command talks to it; a failing task."""

import json
import os
import re
import time

from tests.faults import base

# --timeout of the wait that Glance's restart falls into: the stop (at
# most 5 s of graceful shutdown), the note, the start (a few seconds)
# and at least one poll after it fit with room to spare.
RESTART_WAIT_TIMEOUT = 30
# --timeout of the wait that a hung Glance (stopped with SIGSTOP) falls
# into, and how much longer the command may take to end.
HUNG_WAIT_TIMEOUT = 8
HUNG_GRACE = 30


class TestGlanceDown(base.FaultTestCase):
    def find_task_named(self, name, before, timeout=60):
        """Bounded polling for the task that imports image ``name``."""
        seen = set(before)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for task_id in self.task_ids():
                if task_id in seen:
                    continue
                seen.add(task_id)
                task_input = self.task(task_id).get('input') or {}
                if (task_input.get('image_properties') or {}).get(
                    'name'
                ) == name:
                    return task_id
            time.sleep(0.2)
        self.fail(f'no task for image {name} within {timeout} s')

    def test_wait_goes_on_through_a_glance_restart(self):
        name = self.unique_name()
        self.addCleanup(self.delete_images_named, name)
        before = self.task_ids()
        running = self.start(
            'image',
            'task',
            'import',
            '--import-from',
            self.cloud['slow_sample_url'],
            '--disk-format',
            'raw',
            '--name',
            name,
            '--wait',
            '--timeout',
            str(RESTART_WAIT_TIMEOUT),
            '-f',
            'json',
        )
        task_id = self.find_task_named(name, before)

        self.stop_service('glance')
        url = f'{re.escape(self.glance_v2)}/tasks/{task_id}'
        note = (
            f'Cannot show task {task_id}: cannot reach the image '
            f'service at {url}: connection (refused|reset|failed); '
            'still waiting'
        )
        running.wait_for_stderr(
            note.replace('(refused|reset|failed)', 'refused'), timeout=30
        )
        log = self.cloud['logs']['glance']
        restarted_at = os.path.getsize(log)
        self.start_service('glance')
        result = self.finished(running, timeout=120)

        # The wait went on until its timeout: the last task seen is
        # printed, and stderr holds the notes, then the timeout message.
        self.assertEqual(124, result.exit_code, result)
        task = json.loads(result.stdout)
        self.assertEqual(task_id, task['id'])
        # Glance leaves a task it was running when it stopped as it was.
        self.assertIn(task['status'], ('pending', 'processing'))
        *notes, last = result.stderr.splitlines(keepends=True)
        self.assertEqual(
            self.timeout_message(
                task_id, RESTART_WAIT_TIMEOUT, task['status']
            ),
            last,
        )
        self.assertTrue(notes)
        for line in notes:
            self.assertRegex(line, f'^{note}\n$')
        # The restarted Glance answered the command's polls.
        with open(log, 'rb') as logfile:
            logfile.seek(restarted_at)
            served = logfile.read().decode(errors='replace')
        self.assertRegex(served, f'"GET /v2/tasks/{task_id} HTTP/1.1" 200')

    def test_wait_ends_on_time_when_glance_hangs(self):
        # A hung server accepts connections and never answers: each look
        # at the task is bounded by the time the wait has left.
        task_id = self.slow_task(self.unique_name())
        log = self.cloud['logs']['glance']
        start = os.path.getsize(log)
        running = self.start(
            'image',
            'task',
            'show',
            task_id,
            '--wait',
            '--timeout',
            str(HUNG_WAIT_TIMEOUT),
            '-f',
            'json',
        )
        self.wait_for_log(
            log, start, f'"GET /v2/tasks/{task_id} HTTP/1.1" 200'
        )
        self.freeze_service('glance')
        # Raises if the command still hangs HUNG_GRACE s after its timeout.
        result = self.finished(running, timeout=HUNG_WAIT_TIMEOUT + HUNG_GRACE)

        self.assertEqual(124, result.exit_code, result)
        task = json.loads(result.stdout)
        *notes, last = result.stderr.splitlines(keepends=True)
        self.assertEqual(
            self.timeout_message(task_id, HUNG_WAIT_TIMEOUT, task['status']),
            last,
        )
        self.assertEqual(
            [
                f'Cannot show task {task_id}: cannot reach the image service '
                f'at {self.glance_v2}/tasks/{task_id}: timed out; still '
                'waiting\n'
            ],
            notes,
        )

    def test_wait_again_while_glance_restarts(self):
        # The command printed to wait again, run while Glance is down,
        # waits for Glance instead of failing.
        ended = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            self.cloud['failing_sample_url'],
            '--wait',
            '-f',
            'json',
        )
        self.assertEqual(
            (1, 'failure'), (ended.exit_code, ended.json()['status'])
        )
        task_id = ended.json()['id']
        self.stop_service('glance')
        running = self.start(
            'image',
            'task',
            'show',
            task_id,
            '--wait',
            '--timeout',
            str(RESTART_WAIT_TIMEOUT),
            '-f',
            'value',
            '-c',
            'status',
        )
        note = (
            f'Cannot show task {task_id}: cannot reach the image service '
            f'at {self.glance_v2}/tasks/{task_id}: connection refused; '
            'still waiting\n'
        )
        running.wait_for_stderr(re.escape(note), timeout=30)
        self.start_service('glance')
        result = self.finished(running)
        # The task had failed: exit 1, its status, the notes, its message.
        self.assertEqual((1, 'failure\n'), (result.exit_code, result.stdout))
        *notes, last = result.stderr.splitlines(keepends=True)
        self.assertEqual([note] * len(notes), notes)
        self.assertEqual(
            f'Task {task_id} failed: Task failed due to Internal Error\n', last
        )

    def test_import_while_glance_is_down(self):
        self.stop_service('glance')
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            self.sample('sample.raw')['url'],
        )
        self.assertFailsWith(
            result,
            # The plan asks the tasks API first: that is what fails.
            'Cannot use the tasks API: cannot reach the image '
            f'service at {self.glance_v2}/tasks: connection refused',
        )


class TestFailingTask(base.FaultTestCase):
    def test_task_failing_on_the_server(self):
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            self.cloud['failing_sample_url'],
            '--wait',
            '-f',
            'json',
        )
        task = json.loads(result.stdout)
        self.assertEqual(
            (
                1,
                'failure',
                f'Task {task["id"]} failed: Task failed due to '
                'Internal Error\n',
            ),
            (result.exit_code, task['status'], result.stderr),
        )

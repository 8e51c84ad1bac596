# SPDX-License-Identifier: Apache-2.0
"""A front end before Glance (nginx) answering 503 with Retry-After.

The local cloud's glance-front answers 503 with ``Retry-After`` while its
flag file exists, as a load balancer does during maintenance; its access
log says when each request ended, to the millisecond.
"""

import itertools
import json
import os
import re

from tests.faults import base

WAIT_TIMEOUT = 20


class TestMaintenance(base.FaultTestCase):
    def setUp(self):
        super().setUp()
        self.flag = self.cloud['glance_unavailable_flag']
        self.retry_after = self.cloud['glance_retry_after']
        self.addCleanup(self.available)

    def unavailable(self):
        open(self.flag, 'w').close()

    def available(self):
        if os.path.exists(self.flag):
            os.unlink(self.flag)

    def front_log(self, task_id, start):
        """(time, status) of each request for the task since ``start``."""
        with open(self.cloud['glance_front_access_log']) as log:
            log.seek(start)
            lines = [line.split() for line in log]
        return [
            (float(when), int(status))
            for when, status, _, uri in lines
            if uri == f'/v2/tasks/{task_id}'
        ]

    def test_wait_honours_retry_after(self):
        task_id = self.slow_task(self.unique_name())
        log_start = os.path.getsize(self.cloud['glance_front_access_log'])
        running = self.start(
            'image',
            'task',
            'show',
            task_id,
            '--wait',
            '--timeout',
            str(WAIT_TIMEOUT),
            '-f',
            'json',
            cloud='local-admin-front',
        )
        note = (
            f'Cannot show task {task_id}: Service Temporarily '
            'Unavailable (HTTP 503); still waiting (the server asks for '
            f'{self.retry_after} s)\n'
        )
        # The first look must get through: the 503s hit the wait.
        self.wait_for_log(
            self.cloud['glance_front_access_log'],
            log_start,
            f' GET /v2/tasks/{task_id}\n',
        )
        self.unavailable()
        running.wait_for_stderr(f'({re.escape(note)}){{2}}', timeout=30)
        self.available()
        result = self.finished(running)

        self.assertEqual(124, result.exit_code, result)
        task = json.loads(result.stdout)
        self.assertEqual(task_id, task['id'])
        *notes, last = result.stderr.splitlines(keepends=True)
        self.assertGreaterEqual(len(notes), 2)
        self.assertEqual([note] * len(notes), notes)
        self.assertEqual(
            self.timeout_message(
                task_id, WAIT_TIMEOUT, task['status'], 'local-admin-front'
            ),
            last,
        )
        # Each request after a 503 came Retry-After seconds later or more;
        # after the maintenance, the wait went on with its own polls.
        requests = self.front_log(task_id, log_start)
        statuses = [status for _, status in requests]
        self.assertEqual(len(notes), statuses.count(503), requests)
        self.assertEqual(200, statuses[-1], requests)
        for (when, status), (after, _) in itertools.pairwise(requests):
            if status == 503:
                self.assertGreaterEqual(
                    after - when, self.retry_after, requests
                )

# SPDX-License-Identifier: Apache-2.0
"""Process records: a PID counts as ours only with its start time."""

import json
import os

import testtools

from localcloud import processes
from tests.unit.localcloud import base

# /proc/PID/stat of a process whose name holds spaces and parentheses.
STAT = (
    '4242 (odd (name) here) S 1 4242 4240 0 -1 4194560 1 0 0 0 0 0 0 0 '
    '20 0 1 0 987654 1000 100 18446744073709551615'
)


class TestProcStat(testtools.TestCase):
    def test_parse_stat_reads_state_session_and_start_time(self):
        self.assertEqual(('S', 4240, 987654), processes.parse_stat(STAT))

    def test_this_process(self):
        state, session, start = processes.proc_stat(os.getpid())
        self.assertEqual(os.getsid(0), session)
        self.assertNotEqual('Z', state)
        self.assertIn(os.getpid(), processes.sessions()[session])

    def test_no_such_process(self):
        with open('/proc/sys/kernel/pid_max') as f:
            beyond = int(f.read()) + 1
        self.assertIsNone(processes.proc_stat(beyond))


class TestRecords(base.CloudTestCase):
    def setUp(self):
        super().setUp()
        os.makedirs(self.cloud.run_dir)
        self.start = processes.proc_stat(os.getpid())[2]

    def record(self, name, pid, starttime):
        with open(processes.pid_file(self.cloud, name), 'w') as f:
            json.dump(
                {
                    'pid': pid,
                    'starttime': starttime,
                    'argv': [],
                    'log': '',
                    'port': None,
                },
                f,
            )

    def test_a_live_record_with_its_start_time_is_ours(self):
        self.record('keystone', os.getpid(), self.start)
        rec = processes.recorded(self.cloud, 'keystone')
        self.assertEqual(os.getpid(), rec['pid'])

    def test_a_reused_pid_is_not_ours(self):
        self.record('keystone', os.getpid(), self.start - 1)
        self.assertIsNone(processes.recorded(self.cloud, 'keystone'))

    def test_no_record(self):
        self.assertIsNone(processes.recorded(self.cloud, 'keystone'))

    def test_a_zombie_is_not_alive(self):
        record = {'pid': 4242, 'starttime': 987654}
        self.assertTrue(processes.is_alive_record(record, ('S', 1, 987654)))
        self.assertFalse(processes.is_alive_record(record, ('Z', 1, 987654)))
        self.assertFalse(processes.is_alive_record(record, None))

    def test_stop_forgets_a_reused_pid_without_signalling_it(self):
        # This test's own PID with another start time: someone else's.
        self.record('glance', os.getpid(), self.start - 1)
        self.assertEqual([], processes.stop(self.cloud, ['glance']))
        self.assertFalse(
            os.path.exists(processes.pid_file(self.cloud, 'glance'))
        )

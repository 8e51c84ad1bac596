# SPDX-License-Identifier: Apache-2.0
"""Ctrl-C (SIGINT) while waiting for a task and while uploading.

stderr is a pseudo-terminal, so the plugin draws its progress lines; the
test interrupts once one has been drawn twice. Interrupted right after
its first drawing, the plugin does not clear the line before its message
(it marks the line drawn only after writing it): a narrow race, reported
with issue 6, that a person pressing Ctrl-C is unlikely to hit.
"""

import os
import re
import signal
import time

import fixtures

from imageplugin import largeobject
from tests.faults import base
from tests.support.files import MiB
from tests.support.files import random_file

CLEAR = re.escape(base.CLEAR_LINE)


class TestCtrlC(base.FaultTestCase):
    def test_ctrl_c_while_waiting(self):
        task_id = self.slow_task(self.unique_name())
        running = self.start(
            'image',
            'task',
            'show',
            task_id,
            '--wait',
            '-f',
            'json',
            stderr_on_pty=True,
        )
        # Interrupt once the line has been drawn again: the plugin marks
        # it drawn only after its first drawing (see the module's note).
        running.wait_for_stderr(
            f'Task {task_id}: processing, [0-9]+ s{CLEAR}Task {task_id}: '
            'processing, [0-9]+ s',
            timeout=90,
        )
        running.proc.send_signal(signal.SIGINT)
        result = self.finished(running, timeout=60)
        self.assertEqual((130, ''), (result.exit_code, result.stdout), result)
        stopped = re.escape(
            f'Stopped waiting for task {task_id}; it goes on in the cloud. '
            f'Wait again with: {self.resume_command(task_id)}\n'
        )
        self.assertRegex(
            result.stderr,
            f'^({CLEAR}Task {task_id}: (pending|processing), '
            f'[0-9]+ s)+{CLEAR}{stopped}\\Z',
        )

    def test_ctrl_c_while_uploading(self):
        self.assertInterruptedUpload(presses=1)

    def test_second_ctrl_c_while_uploading(self):
        # The second press comes while the first one's clean-up runs:
        # ignored, the same line, the same exit code, no traceback.
        self.assertInterruptedUpload(presses=2)

    def assertInterruptedUpload(self, presses):
        folder = self.useFixture(fixtures.TempDir()).path
        path, _ = random_file(folder, 'disk.raw', 512 * MiB)
        identity = largeobject.file_identity(os.stat(path))
        segments = largeobject.segments_prefix(
            largeobject.default_object_name('disk.raw', identity), identity
        )
        name = self.unique_name()
        self.addCleanup(self.delete_images_named, name)
        self.addCleanup(self.delete_container, name)
        before = set(self.task_ids())
        running = self.start(
            'image',
            'task',
            'import',
            '--file',
            path,
            '--name',
            name,
            '--container',
            name,
            '--segment-size',
            '64M',
            '--wait',
            '-f',
            'json',
            stderr_on_pty=True,
        )
        # A bar between 11% and 89%: a segment is stored, more are left.
        running.wait_for_stderr(
            r'Uploading disk\.raw: [0-9.]+ MiB of 512\.0 MiB '
            r'\((1[1-9]|[2-8][0-9])%\)',
            timeout=60,
        )
        for press in range(presses):
            if press:
                time.sleep(0.02)
            running.proc.send_signal(signal.SIGINT)
        result = self.finished(running, timeout=60)
        self.assertEqual((130, ''), (result.exit_code, result.stdout), result)
        interrupted = re.escape(
            'Upload interrupted. The segments stored so far stay under '
            f'{name}/{segments}: run the same command again to resume the '
            'upload.\n'
        )
        self.assertRegex(
            result.stderr,
            f'^({CLEAR}Uploading disk\\.raw: [^\r\n\x1b]+)+{CLEAR}'
            f'{interrupted}\\Z',
        )
        self.assertEqual([], self.new_tasks_named(before, name))
        # Only whole segments stay, ready for a resumed upload.
        self.assertTrue(
            all(n.startswith(segments) for n in self.objects(name))
        )

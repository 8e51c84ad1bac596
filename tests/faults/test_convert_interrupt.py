# SPDX-License-Identifier: Apache-2.0
"""Ctrl-C (SIGINT) sent to ``openstack`` while it converts an image and
while it sends the converted file, and SIGTERM while it sends: its
temporary directory is gone."""

import os
import re
import signal
import stat
import time

import fixtures

from tests.faults import base
from tests.functional import test_convert
from tests.support.files import MiB

# qemu-img, then held until it is killed: "started" tells the test that
# the conversion's output is written and qemu-img has not ended.
GATED_QEMU_IMG = """#!/bin/sh
if [ "$1" = convert ]; then
    "{qemu_img}" "$@" || exit 1
    : > "{gate}/started"
    while :; do sleep 0.1; done
fi
exec "{qemu_img}" "$@"
"""


class TestInterruptedConversion(base.FaultTestCase):
    def setUp(self):
        super().setUp()
        self.folder = self.useFixture(fixtures.TempDir()).path
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.env['TMPDIR'] = self.tmp
        self.name = self.unique_name()
        self.addCleanup(self.delete_images_named, self.name)

    def import_converted(self, path, *more):
        return self.start(
            'image',
            'task',
            'import',
            '--file',
            path,
            '--convert-to',
            'raw',
            *more,
            '--name',
            self.name,
            '--wait',
            '-f',
            'json',
            stderr_on_pty=True,
            cloud='local-member',
        )

    def images_named(self):
        listed = self.cloud.request(
            'GET', f'{self.glance_v2}/images?name={self.name}', user='member'
        )
        return listed.json()['images']

    def test_ctrl_c_while_qemu_img_converts(self):
        gate = os.path.join(self.folder, 'gate')
        os.mkdir(gate)
        wrapper = os.path.join(gate, 'qemu-img')
        with open(wrapper, 'w') as script:
            script.write(
                GATED_QEMU_IMG.format(
                    qemu_img=test_convert.QEMU_IMG, gate=gate
                )
            )
        os.chmod(wrapper, stat.S_IRWXU)
        self.env['PATH'] = f'{gate}:{self.env["PATH"]}'
        path = test_convert.qcow2_of_random_data(self.folder)
        running = self.import_converted(path)
        started = os.path.join(gate, 'started')
        deadline = time.monotonic() + 60
        while not os.path.exists(started) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertTrue(os.path.exists(started), running.stderr)
        # Converted into the temporary directory, qemu-img still running.
        self.assertEqual(1, len(os.listdir(self.tmp)))
        running.proc.send_signal(signal.SIGINT)
        result = self.finished(running, timeout=60)
        self.assertEqual((130, ''), (result.exit_code, result.stdout), result)
        self.assertNotIn('Traceback', result.stderr)
        self.assertEqual([], os.listdir(self.tmp))
        self.assertEqual([], self.images_named())

    def sending(self):
        """An import whose converted file is being sent, a tenth of it
        at least."""
        path = test_convert.qcow2_of_random_data(self.folder, size=256 * MiB)
        # One stream to Glance: the object storage's route is too fast here
        # to be interrupted while it sends.
        running = self.import_converted(path, '--method', 'glance-direct')
        running.wait_for_stderr(
            r'Sending disk\.raw: [0-9.]+ MiB of 256\.0 MiB '
            r'\((1[1-9]|[2-8][0-9])%\)',
            timeout=120,
        )
        return running

    def test_ctrl_c_while_the_converted_file_is_sent(self):
        running = self.sending()
        running.proc.send_signal(signal.SIGINT)
        result = self.finished(running, timeout=60)
        self.assertEqual((130, ''), (result.exit_code, result.stdout), result)
        self.assertRegex(result.stderr, re.compile('Interrupted', re.M))
        self.assertNotIn('Traceback', result.stderr)
        self.assertEqual([], os.listdir(self.tmp))

    def test_sigterm_while_the_converted_file_is_sent(self):
        # kill, timeout(1), a cancelled CI job: cleaned up as for Ctrl-C,
        # then ended by SIGTERM.
        running = self.sending()
        running.proc.send_signal(signal.SIGTERM)
        result = self.finished(running, timeout=60)
        self.assertEqual(
            (-signal.SIGTERM, ''), (result.exit_code, result.stdout), result
        )
        self.assertRegex(result.stderr, re.compile('Interrupted', re.M))
        self.assertNotIn('Traceback', result.stderr)
        self.assertEqual([], os.listdir(self.tmp))
        self.assertEqual([], self.images_named())

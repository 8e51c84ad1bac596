# SPDX-License-Identifier: Apache-2.0
"""Run the installed ``openstack`` executable against the local cloud.

``tools/local-cloud up`` starts real Keystone, Glance and Swift on
127.0.0.1; ``tests.support.cloud`` reads what it wrote (``cloud.json``,
``clouds.yaml``). The tests fail, rather than skip, when it is not
running.
"""

import fcntl
import hashlib
import os
import pty
import re
import shutil
import signal
import struct
import subprocess
import tempfile
import termios
import threading
import time
import tty

import testtools

from imageplugin import task
from imageplugin import waiting
from tests.support import leaks
from tests.support import result as results
from tests.support.cloud import LocalCloud

# A runner started in the background by a shell without job control
# ignores Ctrl-C, and its children would inherit that: the commands the
# tests interrupt must take it as a user's terminal sends it. A handler
# (unlike "ignored") is not inherited across exec.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

COMMAND_TIMEOUT = 300
# What the plugin writes on a terminal before each progress line, and to
# take the line away before a message.
CLEAR_LINE = '\r\x1b[K'
PTY_ROWS, PTY_COLUMNS = 40, 200


class Running:
    """A command running in the background; threads read its output.

    With ``stderr_on_pty`` its stderr is a pseudo-terminal (raw mode, so
    no newline translation): the plugin then draws its progress lines.
    """

    def __init__(self, argv, env, stderr_on_pty=False):
        self.argv = argv
        self._cond = threading.Condition()
        self._out = bytearray()
        self._err = bytearray()
        self._open = 2
        master = None
        if stderr_on_pty:
            master, slave = pty.openpty()
            tty.setraw(slave)
            # A pty starts with 0 rows and 0 columns; the progress bar
            # fits itself to the width.
            fcntl.ioctl(
                slave,
                termios.TIOCSWINSZ,
                struct.pack('HHHH', PTY_ROWS, PTY_COLUMNS, 0, 0),
            )
        try:
            self.proc = subprocess.Popen(
                argv,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=slave if stderr_on_pty else subprocess.PIPE,
            )
        finally:
            if stderr_on_pty:
                os.close(slave)
        err_fd = master if stderr_on_pty else self.proc.stderr.fileno()
        self._master = master
        self._threads = [
            threading.Thread(
                target=self._pump,
                daemon=True,
                args=(self.proc.stdout.fileno(), self._out),
            ),
            threading.Thread(
                target=self._pump, daemon=True, args=(err_fd, self._err)
            ),
        ]
        for thread in self._threads:
            thread.start()

    def _pump(self, fd, buffer):
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the last writer of the pty is gone
                data = b''
            with self._cond:
                if data:
                    buffer += data
                else:
                    self._open -= 1
                self._cond.notify_all()
            if not data:
                return

    @property
    def stderr(self):
        with self._cond:
            return self._err.decode(errors='replace')

    def wait_for_stderr(self, pattern, timeout):
        """Wait (bounded) until stderr matches; return the match."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                text = self._err.decode(errors='replace')
                match = regex.search(text)
                if match:
                    return match
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (
                    self._open == 0 and self.proc.poll() is not None
                ):
                    raise AssertionError(
                        f'{pattern!r} not seen on stderr within '
                        f'{timeout} s (exit code {self.proc.poll()}); '
                        f'stderr: {text!r}; stdout: {self._out!r}'
                    )
                self._cond.wait(min(remaining, 0.5))

    def finish(self, timeout):
        """Wait for the end; return its ``Result``."""
        self.proc.wait(timeout=timeout)
        for thread in self._threads:
            thread.join(timeout=10)
        self._close()
        with self._cond:
            out = self._out.decode()
            err = self._err.decode()
        return results.Result(self.proc.returncode, out, err)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        self._close()

    def _close(self):
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()
        if self._master is not None:
            for thread in self._threads:
                thread.join(timeout=10)
            os.close(self._master)
            self._master = None


class FunctionalTestCase(
    results.ResultAssertions, leaks.LeakCheck, testtools.TestCase
):
    def setUp(self):
        super().setUp()
        self.cloud = LocalCloud()
        self.executable = shutil.which('openstack')
        self.assertIsNotNone(self.executable, 'no openstack on PATH')
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith('OS_')
        }
        self.env['OS_CLIENT_CONFIG_FILE'] = self.cloud['clouds_yaml']
        self.secrets = self.cloud.secrets

    def openstack(self, *args, cloud='local-admin', env=None, executable=None):
        """Run ``openstack --os-cloud CLOUD ARGS`` and return its result."""
        argv = [executable or self.executable]
        if cloud:
            argv += ['--os-cloud', cloud]
        completed = subprocess.run(
            argv + list(args),
            capture_output=True,
            text=True,
            env=dict(self.env, **(env or {})),
            timeout=COMMAND_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
        result = results.Result(
            completed.returncode, completed.stdout, completed.stderr
        )
        self.assertLeaksNoSecret(result)
        return result

    def sample(self, name):
        return self.cloud['samples'][name]

    def import_and_wait(self, url, *args):
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            url,
            *args,
            '--wait',
            '-f',
            'json',
        )
        return result

    def image_bytes_sha256(self, image_id):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, 'image')
            self.assertSucceeds(
                self.openstack('image', 'save', '--file', path, image_id)
            )
            with open(path, 'rb') as saved:
                return hashlib.file_digest(saved, 'sha256').hexdigest()

    def delete_image(self, image_id):
        self.openstack('image', 'delete', image_id)

    # What the plugin says, from its own formatters

    def resume_command(
        self, task_id, cloud='local-admin', options=(), region=None
    ):
        return task.resume_command(cloud, task_id, options, region)

    def timeout_message(
        self,
        task_id,
        seconds,
        status,
        cloud='local-admin',
        options=(),
        region=None,
    ):
        """The last line of a wait that ran out of time."""
        return (
            waiting.timeout_message(
                {'id': task_id, 'status': status},
                seconds,
                self.resume_command(task_id, cloud, options, region),
            )
            + '\n'
        )

# SPDX-License-Identifier: Apache-2.0
"""The error every failure becomes, progress lines, and setup commands."""

import os
import subprocess


class CloudError(Exception):
    """A failure told to the user in one line (plus a log tail)."""


def log(msg):
    print(msg, flush=True)


def token_expiration():
    value = os.environ.get('IMAGEPLUGIN_TOKEN_EXPIRATION') or '3600'
    if not value.isdigit() or int(value) < 1:
        raise CloudError(
            'IMAGEPLUGIN_TOKEN_EXPIRATION must be a positive '
            f'number of seconds, not {value!r}'
        )
    return int(value)


def tail(path, lines=30):
    """The last lines of a log file, for error messages."""
    try:
        with open(path, 'rb') as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 64 * 1024))
            data = f.read().decode('utf-8', 'replace').splitlines()
    except OSError as exc:
        return f'(cannot read {path}: {exc})'
    return '\n'.join(data[-lines:])


def run(argv, logfile, env=None, cwd=None):
    """Run a setup command; on failure show the end of its log."""
    os.makedirs(os.path.dirname(logfile), exist_ok=True)
    command = ' '.join(argv)
    with open(logfile, 'ab') as out:
        out.write(f'\n$ {command}\n'.encode())
        out.flush()
        rc = subprocess.call(
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=cwd,
        )
    if rc != 0:
        raise CloudError(
            f'command failed (exit {rc}): {command}\n'
            f'last lines of {logfile}:\n{tail(logfile)}'
        )

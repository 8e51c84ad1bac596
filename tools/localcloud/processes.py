# SPDX-License-Identifier: Apache-2.0
"""Process records: start servers, know they are still ours, stop them.

Every server starts in its own session, so its PID is also its process
group and session id.  The kernel never hands out a PID that is still in
use as a session id, so "processes whose session is PID" are exactly ours
as long as the leader (if alive) has the start time we recorded.
"""

import contextlib
import os
import signal
import subprocess
import time

from localcloud.common import CloudError
from localcloud.files import read_json
from localcloud.files import write_json


def parse_stat(text):
    """(state, session id, start time) from the text of /proc/PID/stat."""
    # The command name (field 2) is in parentheses and may hold spaces.
    fields = text[text.rindex(')') + 2 :].split()
    return fields[0], int(fields[3]), int(fields[19])


def proc_stat(pid):
    """(state, session id, start time) of a process, or None."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            return parse_stat(f.read())
    except OSError:
        return None


def is_alive_record(record, stat):
    """Whether a PID record still names the process it was made for."""
    return (
        stat is not None and stat[2] == record['starttime'] and stat[0] != 'Z'
    )


def sessions():
    """Map session id -> live (non-zombie) member PIDs, from /proc."""
    out = {}
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            st = proc_stat(int(entry))
            if st and st[0] != 'Z':
                out.setdefault(st[1], []).append(int(entry))
    return out


def pid_file(cloud, name):
    return os.path.join(cloud.run_dir, name + '.pid')


def recorded(cloud, name):
    """The record of a process we started if it still runs, else None."""
    rec = read_json(pid_file(cloud, name))
    if rec and is_alive_record(rec, proc_stat(rec['pid'])):
        return rec
    return None


def start(cloud, name, argv, env=None, cwd=None):
    """Start one server in its own session, logging to logs/NAME.log."""
    logfile = cloud.logfile(name)
    out = open(logfile, 'ab')
    out.write(f'\n=== {time.ctime()} starting: {" ".join(argv)}\n'.encode())
    out.flush()
    full_env = dict(
        os.environ,
        NO_PROXY='127.0.0.1,localhost',
        no_proxy='127.0.0.1,localhost',
        PYTHONUNBUFFERED='1',
    )
    full_env.update(env or {})
    proc = subprocess.Popen(
        argv,
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=full_env,
        cwd=cwd or cloud.dir,
        start_new_session=True,
    )
    out.close()
    st = proc_stat(proc.pid)
    write_json(
        pid_file(cloud, name),
        {
            'pid': proc.pid,
            'starttime': st[2] if st else None,
            'argv': argv,
            'log': logfile,
            'port': cloud.ports.get(name),
        },
    )
    return proc


def stop(cloud, names, grace=5.0):
    """Stop processes we started, children included, all at once.

    SIGTERM first, SIGKILL after ``grace`` seconds: one grace period for
    all of them.  Returns the names of the processes that were running.
    """
    targets = {}
    for name in names:
        rec = read_json(pid_file(cloud, name))
        if not rec:
            continue
        st = proc_stat(rec['pid'])
        if st and st[2] != rec['starttime']:
            os.unlink(pid_file(cloud, name))  # PID reused by someone else
            continue
        targets[name] = rec['pid']
    live = sessions()
    stopped = [name for name, sid in targets.items() if sid in live]
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 3.0)):
        alive = [sid for sid in targets.values() if sid in live]
        if not alive:
            break
        for sid in alive:
            # The process group first, then members that left the group.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(sid, sig)
            for member in live[sid]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(member, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            reap()
            live = sessions()
            if not any(sid in live for sid in alive):
                break
            time.sleep(0.1)
    left = [name for name, sid in targets.items() if sid in sessions()]
    if left:
        raise CloudError(f'could not stop: {", ".join(left)}')
    # Exited leaders stay zombies until init collects them (about a second
    # here); wait a little so that "ps" right after "down" is clean.
    deadline = time.monotonic() + 3
    while (
        any(proc_stat(sid) for sid in targets.values())
        and time.monotonic() < deadline
    ):
        reap()
        time.sleep(0.1)
    for name in targets:
        os.unlink(pid_file(cloud, name))
    return [name for name in names if name in stopped]


def reap():
    """Collect exited children of this process so they do not linger."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def send_signal(cloud, names, sig):
    """Send ``sig`` to every process of the named services."""
    live = sessions()
    for name in names:
        rec = recorded(cloud, name)
        if not rec:
            raise CloudError(f'{name} is not running')
        for member in live.get(rec['pid'], []):
            with contextlib.suppress(ProcessLookupError):
                os.kill(member, sig)

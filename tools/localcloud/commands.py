# SPDX-License-Identifier: Apache-2.0
"""The commands of tools/local-cloud, over the table of services."""

import concurrent.futures
import contextlib
import os
import shutil
import signal
import time

from localcloud import install
from localcloud import processes
from localcloud.common import CloudError
from localcloud.common import log
from localcloud.common import tail
from localcloud.common import token_expiration
from localcloud.files import locked
from localcloud.identity import seed
from localcloud.net import http
from localcloud.outputs import refresh_outputs
from localcloud.outputs import service_url
from localcloud.outputs import summary
from localcloud.outputs import update_cloud_json
from localcloud.outputs import write_outputs
from localcloud.ports import port_is_free
from localcloud.services import BY_PROCESS
from localcloud.services import GLANCES
from localcloud.services import GROUPS
from localcloud.services import PORTS
from localcloud.services import PROCESSES
from localcloud.services import SERVICES
from localcloud.settings import START_TIMEOUT
from localcloud.settings import STATE_MARKER
from localcloud.state import Cloud


def healthy(cloud, process):
    return BY_PROCESS[process].health(cloud, process)


def running(cloud):
    return {name: processes.recorded(cloud, name) for name in PROCESSES}


def expand(names):
    """Process names, in start order, for names given on the command line
    (a group such as "swift" stands for its processes)."""
    out = []
    for name in names:
        if name in GROUPS:
            out += GROUPS[name]
        elif name in PROCESSES:
            out.append(name)
        else:
            choices = ', '.join(sorted(list(GROUPS) + PROCESSES))
            raise CloudError(
                f'unknown service {name!r}; choose from: {choices}'
            )
    return [n for n in PROCESSES if n in out]


def wait_ready(cloud, started, timeout=START_TIMEOUT):
    """Poll each started process until it answers; fail with its log."""
    pending = dict(started)
    deadline = time.monotonic() + timeout
    while pending:
        for name, proc in list(pending.items()):
            if proc.poll() is not None:
                raise CloudError(
                    f'{name} exited with code {proc.returncode} while '
                    f'starting; last lines of {cloud.logfile(name)}:\n'
                    f'{tail(cloud.logfile(name))}'
                )
            if healthy(cloud, name):
                del pending[name]
        if not pending:
            break
        if time.monotonic() > deadline:
            name = sorted(pending)[0]
            raise CloudError(
                f'{", ".join(sorted(pending))} not ready after '
                f'{timeout:.0f} s ({service_url(cloud, name)}); last lines '
                f'of {cloud.logfile(name)}:\n{tail(cloud.logfile(name))}'
            )
        time.sleep(0.2)


def start_services(cloud, names):
    """Start the named processes in order and wait until all answer."""
    started = {}
    processes.stop(cloud, names)  # stale records or half-dead processes
    try:
        for name in names:
            started[name] = BY_PROCESS[name].start(cloud, name)
        wait_ready(cloud, started)
    except BaseException:
        with contextlib.suppress(CloudError):
            processes.stop(cloud, list(started))
        raise
    return started


def smoke_test(cloud, ks, project_ids):
    """One authenticated call to Glance and Swift proves the auth wiring."""
    # Every Glance: one whose region lacks an identity endpoint answers 500.
    checks = [(g.name, cloud.url(g.name) + '/v2/images') for g in GLANCES]
    checks += [
        (
            'swift-proxy',
            f'{cloud.url("swift-proxy")}/v1/AUTH_{project_ids["admin"]}',
        )
    ]
    for name, url in checks:
        deadline = time.monotonic() + 30
        while True:
            status = http('GET', url, token=ks.token, timeout=30)[0]
            if status in (200, 204):
                break
            if time.monotonic() > deadline:
                raise CloudError(
                    f'{name} answered {status} to an admin request ({url}); '
                    f'last lines of {cloud.logfile(name)}:\n'
                    f'{tail(cloud.logfile(name))}'
                )
            time.sleep(0.5)


def cmd_install(args=None):
    with locked(os.path.join(install.venvs_root(), '.lock')):
        install.install_apt_packages()
        install.build_missing_venvs(lambda: any(running(Cloud()).values()))


def cmd_up(args):
    begin = time.monotonic()
    cloud = Cloud()
    with locked(os.path.join(cloud.run_dir, 'lock')):
        state = running(cloud)
        if (
            all(state.values())
            and all(healthy(cloud, n) for n in PROCESSES)
            and refresh_outputs(cloud)
        ):
            log(
                'local cloud already running; clouds.yaml and cloud.json '
                'written again.'
            )
            summary(cloud)
            return 0
        if any(state.values()):
            log('some services are not running: restarting the cloud')
            processes.stop(cloud, PROCESSES)
        cmd_install()
        cloud.create()
        if cloud.choose_ports(PORTS):
            log(
                'ports: '
                + ', '.join(
                    f'{name} {port}' for name, port in cloud.ports.items()
                )
            )

        # Independent setup steps run side by side (each a few seconds).
        step = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(len(SERVICES)) as pool:
            jobs = [
                pool.submit(service.prepare, cloud) for service in SERVICES
            ]
            for job in jobs:
                job.result()
        log(
            'configuration, databases, rings, samples: '
            f'{time.monotonic() - step:.1f} s'
        )

        try:
            step = time.monotonic()
            start_services(cloud, PROCESSES)
            log(
                'services started and answering: '
                f'{time.monotonic() - step:.1f} s'
            )
            step = time.monotonic()
            catalog = [
                entry
                for service in SERVICES
                for entry in service.catalog(cloud)
            ]
            ks, project_ids = seed(cloud, catalog)
            smoke_test(cloud, ks, project_ids)
            log(
                'Keystone data and auth checks: '
                f'{time.monotonic() - step:.1f} s'
            )
        except BaseException:
            processes.stop(cloud, PROCESSES)
            raise
        write_outputs(cloud, project_ids)
    log(f'local cloud up in {time.monotonic() - begin:.1f} s')
    summary(cloud)
    return 0


def cmd_down(args):
    cloud = Cloud()
    if not os.path.isdir(cloud.dir):
        log(f'nothing to stop (no {cloud.dir})')
        return 0
    with locked(os.path.join(cloud.run_dir, 'lock')):
        stopped = processes.stop(cloud, PROCESSES)
    log(f'stopped: {", ".join(stopped) or "nothing was running"}')
    if args.purge:
        if not os.path.exists(cloud.path(STATE_MARKER)):
            raise CloudError(
                f'{cloud.dir} does not look like a local-cloud '
                'state directory; not removing it'
            )
        shutil.rmtree(cloud.dir)
        log(
            f'removed {cloud.dir} (cached virtualenvs kept in '
            f'{install.venvs_root()})'
        )
    return 0


def cmd_status(args):
    cloud = Cloud()
    ok = True
    for name, rec in running(cloud).items():
        url = service_url(cloud, name) if cloud.ports else ''
        if rec and healthy(cloud, name):
            state = 'running'
        elif rec:
            state, ok = 'not responding', False
        else:
            state, ok = 'stopped', False
        pid = f'pid {rec["pid"]}' if rec else '-'
        log(f'{name:<16} {state:<15} {pid:<10} {url}')
    return 0 if ok else 1


def service_command(action):
    """The command for ACTION-service (start, stop, restart, freeze,
    thaw)."""

    def command(args):
        cloud = Cloud()
        if not cloud.ports or cloud.secrets is None:
            raise CloudError(f'no local cloud in {cloud.dir}: run "up" first')
        names = expand(args.names)
        if action in ('freeze', 'thaw'):
            # A frozen server still accepts connections (the kernel does)
            # but never answers: a hung server.
            processes.send_signal(
                cloud,
                names,
                signal.SIGSTOP if action == 'freeze' else signal.SIGCONT,
            )
            done = {'freeze': 'frozen', 'thaw': 'thawed'}[action]
            log(f'{done}: {", ".join(names)}')
            return 0
        with locked(os.path.join(cloud.run_dir, 'lock')):
            if action in ('stop', 'restart'):
                stopped = processes.stop(cloud, names)
                log(f'stopped: {", ".join(stopped) or "nothing"}')
            if action in ('start', 'restart'):
                todo = [
                    n
                    for n in names
                    if action == 'restart' or not processes.recorded(cloud, n)
                ]
                for name in todo:
                    # Same port as before: the catalog points at it.
                    if not port_is_free(cloud.ports[name]):
                        raise CloudError(
                            f'port {cloud.ports[name]} of {name} '
                            'is taken by another process'
                        )
                start_services(cloud, todo)
                log(f'started: {", ".join(todo) or "nothing"}')
                if 'keystone' in todo:
                    # The new keystone.conf may carry another expiration.
                    update_cloud_json(
                        cloud, token_expiration=token_expiration()
                    )
        return 0

    return command

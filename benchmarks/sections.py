# SPDX-License-Identifier: Apache-2.0
"""The benchmark sections: each measures and returns its figures as data.

A section is a function ``section(ctx) -> dict`` listed in ``SECTIONS``.
The dict is what ``run.py --json`` keeps for the section, and it holds
figures only (no targets, no prose: ``render.py`` adds those):

- ``params``: what the figures' labels need (rounds, task counts ...);
- ``commands``: one entry per command timed (``benchlib.command``);
- ``figures``: named figures, each a ``benchlib.spread`` (median, low,
  high, n, unit), a ``{'value': x, 'unit': u}`` or a group of either.

The standard library and ``benchlib``, like the runner.
"""

import concurrent.futures
import http.client
import http.server
import json
import os
import re
import socket
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import benchlib
from benchlib import log


class Context:
    """What the sections share: options, venvs, the local cloud."""

    def __init__(self, args):
        self.args = args
        self.pairs = args.pairs
        self.pins, self.pins_source = benchlib.constraint_pins()
        self.venvs = {}
        self.cloud = None

    def venv(self, name):
        if name not in self.venvs:
            self.venvs[name] = benchlib.ensure_venv(
                name, self.pins, plugin_source=self.args.plugin_source
            )
        return self.venvs[name]

    def openstack(self, name):
        return self.venv(name).bin('openstack')

    def need_cloud(self):
        if self.cloud is None:
            self.cloud = benchlib.Cloud.ensure_up(
                may_start=not self.args.no_cloud_up
            )
        return self.cloud

    @property
    def image_endpoint(self):
        # Core's image commands (openstacksdk) need the versioned endpoint
        # with --os-token/--os-endpoint: given the bare one they GET / and
        # show a task of Nones.  Ours accepts both.
        return self.cloud.glance_url + '/v2'

    def os_args(self):
        return [
            '--os-token',
            self.cloud.token(),
            '--os-endpoint',
            self.image_endpoint,
        ]

    def refresh(self):
        self.cloud.token()


def run_checked(argv, what, check_output=None, env=None):
    result = benchlib.run_timed(argv, env=env)
    return benchlib.check(result, what, check_output)


def request_count(argv):
    """HTTP requests a client makes, from its --debug log (untimed run)."""
    result = benchlib.run_timed(argv)
    text = result.stderr.decode(errors='replace')
    # urllib3 logs one line per request at DEBUG, whoever sends it.
    return len(
        re.findall(
            r'"(?:GET|POST|PUT|PATCH|DELETE|HEAD) \S+ HTTP/1\.[01]" \d{3}',
            text,
        )
    )


def ended_task(cloud, name, limit=30.0):
    """A task that failed at once (its source does not exist)."""
    task_id = cloud.create_task(cloud.info['missing_sample_url'], name)['id']
    deadline = time.monotonic() + limit
    while cloud.glance('GET', f'/v2/tasks/{task_id}')[1].get('status') not in (
        'success',
        'failure',
    ):
        if time.monotonic() > deadline:
            raise RuntimeError(f'task {task_id} did not end in {limit:g} s')
        time.sleep(0.2)
    return task_id


# --------------------------------------------------------------------------
# startup: the plugin's cost on every openstack run
# --------------------------------------------------------------------------


def startup(ctx):
    with_plugin = ctx.openstack('osc-plugin')
    core = ctx.openstack('osc-core')
    version = re.compile(rb'^openstack \d')
    rounds = ctx.pairs * ctx.args.startup_factor
    res = benchlib.alternate(
        {
            'with plugin': lambda: run_checked(
                [with_plugin, '--version'],
                'openstack --version',
                version.match,
            ),
            'without plugin': lambda: run_checked(
                [core, '--version'], 'openstack --version', version.match
            ),
        },
        rounds,
    )

    # In-process: the plugin's own import, as -X importtime sees it.
    python = ctx.venv('osc-plugin').python
    script = os.path.join(benchlib.BENCH_DIR, 'plugin_import.py')
    plugin_s, task_s, lines = [], [], {}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'out.json')
        for _ in range(ctx.pairs):
            result = run_checked(
                [python, '-X', 'importtime', script, '--out', out],
                'plugin_import.py',
            )
            with open(out) as f:
                data = json.load(f)
            plugin_s.append(data['plugin_us'] / 1e6)
            task_s.append(data['task_us'] / 1e6)
            for name, us in importtime_lines(result.stderr).items():
                lines.setdefault(name, []).append(us / 1e6)
    return {
        'params': {'rounds': rounds},
        'commands': [
            benchlib.command(f'openstack --version ({name})', results)
            for name, results in res.items()
        ],
        'figures': {
            'version_with_minus_without': benchlib.differences(
                res['with plugin'], res['without plugin']
            ),
            'import_plugin': benchlib.spread(plugin_s, 's'),
            'import_task': benchlib.spread(task_s, 's'),
            'importtime': {
                name: benchlib.spread(values, 's')
                for name, values in sorted(lines.items())
            },
        },
    }


def importtime_lines(stderr):
    """{module: cumulative µs} of the re-imports after our '#' markers."""
    found, active = {}, False
    for line in stderr.decode(errors='replace').splitlines():
        if line.startswith('# imageplugin.'):
            active = True
            continue
        match = re.match(r'import time:\s+(\d+) \|\s+(\d+) \|( +)(\S+)', line)
        # The top level of a re-import is the module we asked for.
        if (
            active
            and match
            and len(match.group(3)) == 1
            and match.group(4).startswith('imageplugin')
        ):
            found.setdefault(match.group(4), int(match.group(2)))
    return found


# --------------------------------------------------------------------------
# show: image task show
# --------------------------------------------------------------------------


def show(ctx):
    cloud = ctx.need_cloud()
    task_id = ended_task(cloud, 'imageplugin-bench-show')
    ours = ctx.openstack('osc-plugin')
    core = ctx.openstack('osc-core')
    glance = ctx.venv('glanceclient').bin('glance')
    has_id = re.compile(re.escape(task_id).encode()).search

    def openstack_show(binary, *extra):
        return [
            binary,
            *extra,
            *ctx.os_args(),
            'image',
            'task',
            'show',
            task_id,
        ]

    def glance_show(*extra):
        return [
            glance,
            *extra,
            '--os-image-url',
            cloud.glance_url,
            '--os-auth-token',
            cloud.token(),
            'task-show',
            task_id,
        ]

    # key: (name in the tables, the command timed)
    commands = {
        'ours': (
            'openstack image task show (ours)',
            lambda: run_checked(
                openstack_show(ours), 'image task show', has_id
            ),
        ),
        'core': (
            'openstack image task show (core, no plugin)',
            lambda: run_checked(
                openstack_show(core), 'image task show', has_id
            ),
        ),
        'glance': (
            'glance task-show',
            lambda: run_checked(glance_show(), 'glance task-show', has_id),
        ),
        'curl': (
            'curl GET /v2/tasks/ID',
            lambda: run_checked(
                [
                    'curl',
                    '-sS',
                    '-f',
                    '-H',
                    'Accept: application/json',
                    '-H',
                    f'X-Auth-Token: {cloud.token()}',
                    f'{cloud.glance_url}/v2/tasks/{task_id}',
                ],
                'curl',
                has_id,
            ),
        ),
        'version': (
            'openstack --version (with the plugin)',
            lambda: run_checked([ours, '--version'], 'openstack --version'),
        ),
    }
    res = benchlib.alternate(
        {key: run for key, (_, run) in commands.items()},
        ctx.pairs,
        before_round=ctx.refresh,
    )
    requests = {
        'ours': request_count(openstack_show(ours, '--debug')),
        'core': request_count(openstack_show(core, '--debug')),
        'glance': request_count(glance_show('--debug')),
    }
    return {
        'params': {},
        'commands': [
            benchlib.command(name, res[key])
            for key, (name, _) in commands.items()
        ],
        'figures': {
            'ours_over_core': benchlib.ratios(res['ours'], res['core']),
            'ours_over_version': benchlib.ratios(res['ours'], res['version']),
            'requests': {'counts': requests, 'unit': 'requests'},
        },
    }


# --------------------------------------------------------------------------
# list: image task list over many tasks
# --------------------------------------------------------------------------


def ensure_tasks(cloud, count):
    have = len(cloud.all_tasks())
    missing = count - have
    if missing > 0:
        log(f'creating {missing} tasks on the local Glance ({have} there)')
        url = cloud.info['missing_sample_url']
        cloud.token()
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            list(
                pool.map(
                    lambda _: cloud.create_task(url, 'imageplugin-bench-list'),
                    range(missing),
                )
            )
        have = len(cloud.all_tasks())
    return have


def task_list(ctx):
    cloud = ctx.need_cloud()
    total = ensure_tasks(cloud, ctx.args.tasks)
    ours = ctx.openstack('osc-plugin')
    core = ctx.openstack('osc-core')
    glance = ctx.venv('glanceclient').bin('glance')

    def rows_at_least(n):
        return lambda out: out.count(b'\n') >= n

    def openstack_list(binary, *extra, debug=()):
        return [
            binary,
            *debug,
            *ctx.os_args(),
            'image',
            'task',
            'list',
            *extra,
        ]

    def glance_list(*debug):
        return [
            glance,
            *debug,
            '--os-image-url',
            cloud.glance_url,
            '--os-auth-token',
            cloud.token(),
            'task-list',
        ]

    def timed(argv_of, what, rows=total):
        return lambda: run_checked(argv_of(), what, rows_at_least(rows))

    res = benchlib.alternate(
        {
            'ours': timed(lambda: openstack_list(ours), 'image task list'),
            'core': timed(lambda: openstack_list(core), 'image task list'),
            'glance': timed(glance_list, 'glance task-list'),
        },
        ctx.pairs,
        before_round=ctx.refresh,
    )
    commands = [
        benchlib.command(
            f'openstack image task list, {total} tasks (ours)', res['ours']
        ),
        benchlib.command(
            f'openstack image task list, {total} tasks (core)', res['core']
        ),
        benchlib.command(f'glance task-list, {total} tasks', res['glance']),
    ]
    figures = {
        'ours_over_core': benchlib.ratios(res['ours'], res['core']),
        'requests': {
            'counts': {
                'ours': request_count(openstack_list(ours, debug=['--debug'])),
                'core': request_count(openstack_list(core, debug=['--debug'])),
                'glance': request_count(glance_list('--debug')),
            },
            'unit': 'requests',
        },
    }

    # Peak RSS when the count grows tenfold.
    small, large = ctx.args.tasks // 10, ctx.args.tasks
    for fmt in ('table', 'value'):
        res = benchlib.alternate(
            {
                n: timed(
                    lambda n=n, fmt=fmt: openstack_list(
                        ours, '--max-items', str(n), '-f', fmt
                    ),
                    'image task list',
                    rows=n,
                )
                for n in (small, large)
            },
            ctx.pairs,
            before_round=ctx.refresh,
        )
        for n in (small, large):
            commands.append(
                benchlib.command(f'ours --max-items {n} -f {fmt}', res[n])
            )
        rss_small = statistics.median(r.maxrss_kib for r in res[small])
        rss_large = statistics.median(r.maxrss_kib for r in res[large])
        figures[f'rss_growth_{fmt}'] = {
            'value': rss_large - rss_small,
            'small': rss_small,
            'large': rss_large,
            'unit': 'KiB',
        }
    return {
        'params': {'tasks': total, 'small': small, 'large': large},
        'commands': commands,
        'figures': figures,
    }


# --------------------------------------------------------------------------
# wait: how soon --wait sees the end, how often it asks
# --------------------------------------------------------------------------


class _SlowSource(http.server.BaseHTTPRequestHandler):
    """/<seconds>/<name>: answer 404 after a delay (the task then fails)."""

    def do_GET(self):  # noqa: N802
        try:
            delay = float(self.path.strip('/').split('/')[0])
        except ValueError:
            delay = 0.0
        time.sleep(min(delay, 60.0))
        self.send_error(404)

    def log_message(self, *args):
        pass


class _CountingProxy(http.server.BaseHTTPRequestHandler):
    """Forwards to Glance; records when each GET answered and with what."""

    protocol_version = 'HTTP/1.1'
    upstream = None  # (host, port)
    seen = None  # list of (monotonic time, path, status field)

    def setup(self):
        super().setup()
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self):  # noqa: N802
        conn = http.client.HTTPConnection(*self.upstream, timeout=60)
        headers = {
            k: v
            for k, v in self.headers.items()
            if k.lower() not in ('host', 'connection')
        }
        conn.request('GET', self.path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        status_field = None
        try:
            status_field = json.loads(body).get('status')
        except (ValueError, AttributeError):
            pass
        self.send_response(response.status)
        for key, value in response.getheaders():
            if key.lower() not in (
                'connection',
                'transfer-encoding',
                'content-length',
            ):
                self.send_header(key, value)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        self.seen.append((time.monotonic(), self.path, status_field))
        conn.close()

    def log_message(self, *args):
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def _serve(handler):
    server = _Server(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _observe(cloud, task_id, changes, interval=0.05, limit=120.0):
    """Poll Glance directly until the task ends; record when it did.

    The change happened between the last poll that saw it running and
    the first that saw it ended: record the midpoint.
    """
    start = time.monotonic()
    before = start
    while time.monotonic() - start < limit:
        sent = time.monotonic()
        status, task = cloud.glance('GET', f'/v2/tasks/{task_id}')
        if status == 200 and task.get('status') in ('success', 'failure'):
            changes.append((before + time.monotonic()) / 2)
            return
        before = sent
        time.sleep(interval)


def _real_waits(ctx, delay):
    """Runs of ``task show --wait`` on tasks that take ``delay`` s."""
    cloud = ctx.need_cloud()
    ours = ctx.openstack('osc-plugin')
    source = _serve(_SlowSource)
    upstream = urllib.parse.urlsplit(cloud.glance_url)
    proxy_handler = type(
        'Proxy',
        (_CountingProxy,),
        {'upstream': (upstream.hostname, upstream.port), 'seen': []},
    )
    proxy = _serve(proxy_handler)
    proxy_url = f'http://127.0.0.1:{proxy.server_address[1]}/v2'
    notice, exits, rates, totals = [], [], [], []
    try:
        for _ in range(ctx.args.wait_runs):
            proxy_handler.seen.clear()
            url = (
                f'http://127.0.0.1:{source.server_address[1]}/'
                f'{delay:g}/slow.qcow2'
            )
            task = cloud.create_task(url, 'imageplugin-bench-wait')
            created = time.monotonic()
            changes = []
            watcher = threading.Thread(
                target=_observe, args=(cloud, task['id'], changes), daemon=True
            )
            watcher.start()
            result = benchlib.run_timed(
                [
                    ours,
                    '--os-token',
                    cloud.token(),
                    '--os-endpoint',
                    proxy_url,
                    'image',
                    'task',
                    'show',
                    task['id'],
                    '--wait',
                    '-f',
                    'value',
                    '-c',
                    'status',
                ]
            )
            exited = time.monotonic()
            watcher.join(timeout=30)
            if result.stdout.strip() not in (b'success', b'failure'):
                raise benchlib.CommandFailed(
                    f'--wait printed {result.stdout!r}, '
                    f'stderr {result.stderr[-500:]!r}'
                )
            if not changes:
                raise RuntimeError('the observer never saw the task end')
            changed = changes[0]
            final = [
                t
                for t, path, status in proxy_handler.seen
                if task['id'] in path and status in ('success', 'failure')
            ]
            gets = [
                t for t, path, _ in proxy_handler.seen if task['id'] in path
            ]
            notice.append(final[0] - changed)
            exits.append(exited - changed)
            totals.append(len(gets))
            rates.append(len(gets) / ((exited - created) / 60))
    finally:
        source.shutdown()
        proxy.shutdown()
    return notice, exits, rates, totals


def wait(ctx):
    delay = ctx.args.wait_task_seconds
    notice, exits, rates, totals = _real_waits(ctx, delay)
    # The long task, on a simulated clock.
    result = run_checked(
        [
            ctx.venv('osc-plugin').python,
            os.path.join(benchlib.BENCH_DIR, 'wait_sim.py'),
            '--duration',
            '2',
            '--duration',
            '600',
        ],
        'wait_sim.py',
    )
    sim = json.loads(result.stdout)
    short, long = sim['durations']['2.0'], sim['durations']['600.0']
    return {
        'params': {'task_seconds': delay, 'runs': len(notice)},
        'commands': [],
        'figures': {
            'end_to_seen': benchlib.spread(notice, 's'),
            'end_to_exit': benchlib.spread(exits, 's'),
            'gets_per_minute': dict(
                benchlib.spread(rates, '/min'),
                requests=statistics.median(totals),
            ),
            'sim_short_end_to_seen': {
                'median': short['notice_delay_median_s'],
                'high': short['notice_delay_max_s'],
                'unit': 's',
            },
            'sim_long_gets_per_minute_after_5min': {
                'value': long['requests_per_minute_after_5min_max'],
                'unit': '/min',
            },
            'sim_long_end_to_seen': {
                'median': long['notice_delay_median_s'],
                'high': long['notice_delay_max_s'],
                'unit': 's',
            },
            'poll_interval': {
                'low': sim['min_interval'],
                'high': sim['max_interval'],
                'unit': 's',
            },
        },
    }


# --------------------------------------------------------------------------
# phases: where the time of one run goes (phases.py)
# --------------------------------------------------------------------------

# (phase, first mark, last mark); marks from phases.py, plus the parent's
# 'spawn' and 'reaped'.  No marks: the sum over the command groups.
PHASES = (
    ('python start-up', 'spawn', 'script_start'),
    ('import openstackclient.shell', 'script_start', 'osc_imported'),
    ('OpenStackShell()', 'shell_init:start', 'shell_init:end'),
    ('parse, initialize_app', 'shell_init:end', 'initialize_app:end'),
    ('  of which command groups', None, None),
    (
        'find command, parser',
        'run_subcommand:start',
        'prepare_to_run_command:start',
    ),
    (
        'prepare_to_run_command',
        'prepare_to_run_command:start',
        'prepare_to_run_command:end',
    ),
    ('take_action', 'take_action:start', 'take_action:end'),
    ('produce_output', 'produce_output:start', 'produce_output:end'),
    ('clean_up', 'clean_up:start', 'clean_up:end'),
    ('interpreter shut-down', 'main_return', 'reaped'),
    ('total', 'spawn', 'reaped'),
)


def phase_run(python, argv, extra=()):
    """One phases.py run: ({phase: seconds}, its report, Result)."""
    script = os.path.join(benchlib.BENCH_DIR, 'phases.py')
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'phases.json')
        spawn = time.monotonic()
        result = benchlib.run_timed(
            [python, script, '--out', out, *extra, '--', *argv]
        )
        reaped = time.monotonic()
        if not os.path.exists(out):
            raise benchlib.CommandFailed(
                f'phases.py {argv}: {result.stderr[-500:]!r}'
            )
        with open(out) as f:
            data = json.load(f)
    marks = {name: t for name, t, _ in data['marks']}
    marks.update(spawn=spawn, reaped=reaped)
    phases = {}
    for name, start, end in PHASES:
        if start is None:
            phases[name] = sum(g['ms'] for g in data['groups']) / 1000
        elif start in marks and end in marks:
            phases[name] = marks[end] - marks[start]
    return phases, data, result


def phases(ctx):
    """Where one run spends its time: ours, core's, --version."""
    cloud = ctx.need_cloud()
    task_id = cloud.create_task(
        cloud.info['missing_sample_url'], 'imageplugin-bench-phases'
    )['id']

    def show():
        return [*ctx.os_args(), 'image', 'task', 'show', task_id]

    ours, core = ctx.venv('osc-plugin').python, ctx.venv('osc-core').python
    # name: (python, argv, phases.py options); the last three are the
    # shut-down experiments, applied by phases.py to our command.
    runs = {
        'ours': (ours, show, ()),
        'core': (core, show, ()),
        '--version': (ours, lambda: ['--version'], ()),
        'ours, freeze': (ours, show, ('--gc', 'freeze')),
        'ours, atexit freeze': (ours, show, ('--gc', 'atexit_freeze')),
        'ours, os._exit': (ours, show, ('--exit-mode', 'os_exit')),
    }
    collected = {name: [] for name in runs}
    last = {}
    commands = {}
    for name, (python, argv, extra) in runs.items():

        def one(name=name, python=python, argv=argv, extra=extra):
            found, data, result = phase_run(python, argv(), extra)
            collected[name].append(found)
            last[name] = data
            return result

        commands[name] = one
    benchlib.alternate(commands, ctx.pairs, before_round=ctx.refresh)
    medians = {}
    for name in runs:
        timed = collected[name][-ctx.pairs :]  # not the warm-up round
        medians[name] = {
            phase: statistics.median(p[phase] for p in timed if phase in p)
            for phase, _, _ in PHASES
            if any(phase in p for p in timed)
        }
    facts = {
        name: {
            'modules_at_exit': last[name].get('modules_at_exit'),
            'gc_tracked_objects_at_exit': last[name].get(
                'gc_tracked_objects_at_exit'
            ),
            'gc_collections': last[name].get('gc_collections'),
            'modules_imported_by_take_action': last[name].get(
                'modules_imported_by_take_action', []
            ),
            'gc_pauses_s': sum(p[1] for p in last[name].get('gc_pauses', [])),
        }
        for name in runs
    }
    groups = last['ours']['groups']
    ours_group = [
        g for g in groups if g['group'] == 'openstack.image_tasks.v2'
    ]
    # cliff's own loading, which ours and core's command have alike.
    core_groups = last['core']['groups']
    return {
        'params': {
            'runs': list(runs),
            'phases': [phase for phase, _, _ in PHASES],
        },
        'commands': [],
        'figures': {
            # Medians over the rounds, in seconds.
            'phases': medians,
            # From the last run of each.
            'facts': facts,
            'command_groups': {
                'commands': sum(g['commands'] for g in core_groups),
                'modules': sum(g['new_modules'] for g in core_groups),
                'modules_ours': sum(g['new_modules'] for g in groups),
                'ours': (
                    {
                        'modules': ours_group[0]['new_modules'],
                        'seconds': ours_group[0]['ms'] / 1000,
                    }
                    if ours_group
                    else None
                ),
            },
        },
    }


# --------------------------------------------------------------------------
# upload: benchmarks/upload.py
# --------------------------------------------------------------------------


def script_figures(ctx, script, args, rounds, **env):
    """Run benchmarks/SCRIPT with ``--json`` and ARGS; return its JSON.

    It runs in the plugin's venv (it re-executes itself there).
    """
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'figures.json')
        argv = [
            sys.executable,
            os.path.join(benchlib.BENCH_DIR, script),
            '--json',
            out,
            *args,
        ]
        env = benchlib.clean_env(
            IMAGEPLUGIN_BENCH_PAIRS=str(rounds),
            IMAGEPLUGIN_BENCH_OPENSTACK=ctx.openstack('osc-plugin'),
            **env,
        )
        result = subprocess.run(argv, env=env, capture_output=True, text=True)
        if result.returncode:
            raise benchlib.CommandFailed(
                f'{script} exited {result.returncode}: '
                f'{(result.stdout + result.stderr)[-800:]}'
            )
        with open(out) as f:
            return json.load(f)


def upload(ctx):
    args = ['--size', ctx.args.upload_size] if ctx.args.upload_size else []
    data = script_figures(ctx, 'upload.py', args, ctx.pairs)
    return {
        'params': {'size': data['size'], 'rounds': data['rounds']},
        'commands': [],
        'figures': {'tools': data['tools']},
    }


# --------------------------------------------------------------------------
# wan: benchmarks/wan.py, uploads through benchmarks/wanproxy.py
# --------------------------------------------------------------------------


def wan_ratios(tools, default):
    """The paired ratios the targets judge, from wan.py's figures.

    Against swift and openstacksdk: wall time of the process (all three
    start Python). Against curl: the transfer alone, as both tell it.
    """
    by = {(t['setting'], t['name']): t for t in tools}
    ours = f'ours, concurrency {default} (default)'
    figures = {'ours_over_swift': {}, 'ours_over_curl': {}}
    for setting in dict.fromkeys(t['setting'] for t in tools):
        mine = by.get((setting, ours))
        if mine is None:
            continue
        for (where, name), other in by.items():
            if where != setting:
                continue
            if name.startswith('swift upload'):
                figures['ours_over_swift'][setting] = {
                    'value': mine['seconds'] / other['seconds'],
                    'unit': 'x',
                }
            elif (
                name.startswith('curl')
                and mine['transfer_seconds']
                and other['transfer_seconds']
            ):
                figures['ours_over_curl'][setting] = {
                    'value': mine['transfer_seconds']
                    / other['transfer_seconds'],
                    'unit': 'x',
                }
    longest = [
        key
        for key in figures['ours_over_curl']
        if key.startswith('proxy, RTT')
    ]
    if longest:
        figures['ours_over_curl_longest_rtt'] = figures['ours_over_curl'][
            max(longest, key=lambda key: float(key.split()[2]))
        ]
    one = by.get(('no proxy', 'ours, one object'))
    curl = by.get(('no proxy', 'curl -T (one PUT)'))
    if one and curl and one['transfer_seconds'] and curl['transfer_seconds']:
        figures['one_object_over_curl'] = {
            'value': one['transfer_seconds'] / curl['transfer_seconds'],
            'unit': 'x',
        }
    return figures


def wan(ctx):
    ctx.need_cloud()
    data = script_figures(
        ctx,
        'wan.py',
        [
            '--size',
            ctx.args.wan_size,
            '--segment-size',
            ctx.args.wan_segment_size,
            # Ours at other concurrencies too: what the default is chosen by.
            '--concurrency',
            '1,2,8',
        ],
        ctx.args.wan_rounds,
    )
    figures = wan_ratios(data['tools'], data['default_concurrency'])
    figures['tools'] = data['tools']
    params = {
        key: data[key]
        for key in (
            'size',
            'segment_size',
            'rate',
            'total_rate',
            'rtts_ms',
            'rounds',
            'default_concurrency',
        )
    }
    return {'params': params, 'commands': [], 'figures': figures}


# --------------------------------------------------------------------------
# feel: benchmarks/feel.py, file to active image over the WAN proxy
# --------------------------------------------------------------------------


def feel(ctx):
    ctx.need_cloud()
    a = ctx.args
    data = script_figures(
        ctx,
        'feel.py',
        [
            '--sizes',
            a.feel_sizes,
            '--rtt',
            a.feel_rtt,
            '--rate',
            a.feel_rate,
            '--repeat-large',
            str(a.feel_repeat_large),
            '--routes',
            a.feel_routes,
        ],
        a.feel_repeat,
        IMAGEPLUGIN_BENCH_CORE_OPENSTACK=ctx.openstack('osc-core'),
    )
    params = {k: v for k, v in data.items() if k != 'tools'}
    return {
        'params': params,
        'commands': [],
        'figures': {'tools': data['tools']},
    }


# --------------------------------------------------------------------------
# large: benchmarks/large.py, large images on the local cloud
# --------------------------------------------------------------------------


def large(ctx):
    ctx.need_cloud()
    data = script_figures(
        ctx,
        'large.py',
        ['--files', ctx.args.large_files, '--routes', ctx.args.large_routes],
        1,
    )
    return {'params': {}, 'commands': [], 'figures': data}


# The sections, in the order they run.
SECTIONS = {
    'startup': startup,
    'show': show,
    'list': task_list,
    'wait': wait,
    'phases': phases,
    'upload': upload,
    'wan': wan,
    'feel': feel,
    'large': large,
}
# Long ones (tens of minutes): only when asked for.
LONG = ('feel', 'large')

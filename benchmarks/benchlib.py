# SPDX-License-Identifier: Apache-2.0
"""Shared helpers of the imageplugin benchmarks.

- comparison virtualenvs, cached and pinned to the repository's
  constraints file;
- the local cloud of ``tools/local-cloud``, as the tests' support layer
  (``tests/support/cloud.py``) describes it: bring it up, get tokens,
  talk to Glance;
- running a command under a stopwatch with its own peak RSS;
- paired, alternating rounds and their medians, as JSON-ready figures.
"""

import atexit
import dataclasses
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
# run.py runs as a script from benchmarks/: the tests' support layer is
# imported from the work tree, which nothing installs.
if REPO not in sys.path:
    sys.path.insert(0, REPO)

from tests.support import cloud as local_cloud  # noqa: E402

VENV_CACHE = os.path.abspath(
    os.path.expanduser(
        os.environ.get('IMAGEPLUGIN_BENCH_VENVS')
        or '~/.cache/imageplugin/bench-venvs'
    )
)
# Where the comparison venvs take their pins from, first found wins: the
# versions the project tests (CI), else the benchmarks' own list.
CONSTRAINTS_FILES = (
    os.path.join(REPO, 'constraints.txt'),
    os.path.join(BENCH_DIR, 'constraints.txt'),
)
# The packages the comparison is about; every other pin of the
# constraints file is passed along too.
KEY_PACKAGES = (
    'python-openstackclient',
    'osc-lib',
    'openstacksdk',
    'cliff',
    'python-glanceclient',
    'keystoneauth1',
    'stevedore',
)
# Never pinned: the plugin comes from the work tree, the rest from venv.
UNPINNED = ('imageplugin', 'pip', 'setuptools', 'wheel')
_PIN = re.compile(r'([A-Za-z0-9][A-Za-z0-9._-]*)\s*===?\s*([^\s;#]+)')

# How the benchmarks' own requests show in the servers' logs.
OBSERVER_AGENT = 'imageplugin-bench-observer'


def log(text):
    print(text, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Comparison virtualenvs
# --------------------------------------------------------------------------


def normalized(name):
    return re.sub(r'[-_.]+', '-', name).lower()


def constraint_pins():
    """(constraint lines, the file they came from, relative to the repo).

    Only exact pins (``name==version``, ``===`` too, markers kept) count;
    options, URLs and ranges are left out.
    """
    path = next((p for p in CONSTRAINTS_FILES if os.path.exists(p)), None)
    if path is None:
        raise RuntimeError(
            'no constraints file: ' + ' or '.join(CONSTRAINTS_FILES)
        )
    lines = []
    with open(path) as f:
        for line in f:
            line = line.split(' #', 1)[0].strip()
            match = _PIN.match(line)
            if (
                match
                and ' @ ' not in line
                and normalized(match.group(1)) not in UNPINNED
            ):
                lines.append(line)
    return sorted(lines, key=str.lower), os.path.relpath(path, REPO)


def pinned_versions(pins):
    versions = {}
    for line in pins:
        match = _PIN.match(line)
        versions[normalized(match.group(1))] = match.group(2)
    return {name: versions.get(name) for name in KEY_PACKAGES}


def plugin_stamp(source=REPO):
    """A digest of what an install of the plugin from ``source`` holds."""
    digest = hashlib.sha256()
    paths = [
        name
        for name in (
            'setup.cfg',
            'setup.py',
            'requirements.txt',
            'pyproject.toml',
        )
        if os.path.exists(os.path.join(source, name))
    ]
    for top, dirs, files in os.walk(os.path.join(source, 'imageplugin')):
        dirs[:] = sorted(d for d in dirs if d != '__pycache__')
        paths += sorted(
            os.path.relpath(os.path.join(top, name), source)
            for name in files
            if name.endswith('.py')
        )
    for path in paths:
        digest.update(path.encode() + b'\0')
        with open(os.path.join(source, path), 'rb') as f:
            digest.update(f.read() + b'\0')
    return digest.hexdigest()[:16]


@dataclasses.dataclass
class Venv:
    name: str
    path: str

    def bin(self, name):
        return os.path.join(self.path, 'bin', name)

    @property
    def python(self):
        return self.bin('python')


def plugin_requirements():
    """The plugin's own requirements (``requirements.txt``): the plugin goes
    in with ``--no-deps``, so that nothing moves the venv's pins."""
    with open(os.path.join(REPO, 'requirements.txt')) as f:
        lines = (line.split('#')[0].strip() for line in f)
        return [line for line in lines if line]


# name -> (requirements, whether the plugin from the work tree goes in)
VENV_SPECS = {
    'osc-plugin': (plugin_requirements(), True),
    'osc-core': (['python-openstackclient'], False),
    'glanceclient': (['python-glanceclient'], False),
}


def _pip(venv_path, *args, logfile):
    argv = [
        os.path.join(venv_path, 'bin', 'python'),
        '-m',
        'pip',
        '--disable-pip-version-check',
        *args,
    ]
    with open(logfile, 'a') as out:
        out.write('$ ' + ' '.join(argv) + '\n')
        out.flush()
        rc = subprocess.call(
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    if rc:
        raise RuntimeError(f'pip failed (exit {rc}); see {logfile}')


def ensure_venv(name, pins, python=None, plugin_source=None):
    """The cached venv ``name``, built (or its plugin refreshed) if needed.

    ``plugin_source``: a plugin tree other than the work tree (a prototype);
    it gets a venv of its own.
    """
    requirements, with_plugin = VENV_SPECS[name]
    python = python or sys.executable
    version = '.'.join(platform.python_version_tuple()[:2])
    source = os.path.abspath(plugin_source or REPO)
    keyed = [requirements, pins, version]
    if with_plugin and source != REPO:
        keyed.append(source)
    key = hashlib.sha256(json.dumps(keyed).encode()).hexdigest()[:12]
    path = os.path.join(VENV_CACHE, f'{name}-py{version}-{key}')
    ready = os.path.join(path, '.bench-ready')
    logfile = path + '.log'
    os.makedirs(VENV_CACHE, exist_ok=True)
    if not os.path.exists(ready):
        log(f'building venv {path} (log: {logfile})')
        subprocess.run([python, '-m', 'venv', '--clear', path], check=True)
        with tempfile.NamedTemporaryFile(
            'w', suffix='.txt', delete=False
        ) as f:
            f.write('\n'.join(pins) + '\n')
            constraints = f.name
        try:
            _pip(
                path,
                'install',
                '-q',
                '-c',
                constraints,
                *requirements,
                logfile=logfile,
            )
        finally:
            os.unlink(constraints)
        with open(ready, 'w') as f:
            json.dump({'requirements': requirements, 'pins': pins}, f)
    if with_plugin:
        stamp_file = os.path.join(path, '.plugin-stamp')
        stamp = plugin_stamp(source)
        try:
            with open(stamp_file) as f:
                installed = f.read().strip()
        except FileNotFoundError:
            installed = None
        if installed != stamp:
            log(f'installing the plugin from {source} into {path}')
            _pip(
                path,
                'install',
                '-q',
                '--no-deps',
                '--force-reinstall',
                source,
                logfile=logfile,
            )
            with open(stamp_file, 'w') as f:
                f.write(stamp + '\n')
    return Venv(name, path)


# --------------------------------------------------------------------------
# Running commands
# --------------------------------------------------------------------------


@dataclasses.dataclass
class Result:
    seconds: float
    maxrss_kib: int
    cpu_seconds: float
    returncode: int
    stdout: bytes
    stderr: bytes


def clean_env(**extra):
    """An environment without the caller's OS_* settings or proxies."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(('OS_', 'PYTHON'))
        and k.lower()
        not in (
            'http_proxy',
            'https_proxy',
            'all_proxy',
            'no_proxy',
            'virtual_env',
        )
    }
    env.setdefault('LANG', 'C.UTF-8')
    env.update(extra)
    return env


_scratch = []


def scratch_dir():
    """An empty folder for the commands, made on first use."""
    if not _scratch:
        _scratch.append(tempfile.mkdtemp(prefix='imageplugin-bench-'))
        atexit.register(shutil.rmtree, _scratch[0], ignore_errors=True)
    return _scratch[0]


def run_timed(argv, env=None, cwd=None):
    """Run argv; return its wall time and its own peak RSS.

    The clock is ``time.perf_counter`` around start and reaping; the peak
    RSS and the CPU time (user + system) are the child's own, from
    ``wait4``.  The command runs
    in an empty scratch directory (so no clouds.yaml is picked up from the
    work tree) with output going to temporary files.
    """
    env = clean_env() if env is None else env
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=env,
            cwd=cwd or scratch_dir(),
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Result(
            seconds,
            usage.ru_maxrss,
            usage.ru_utime + usage.ru_stime,
            proc.returncode,
            out.read(),
            err.read(),
        )


class CommandFailed(Exception):
    pass


def check(result, what, check_output=None):
    if result.returncode != 0:
        raise CommandFailed(
            f'{what} exited {result.returncode}: '
            f'{result.stderr.decode(errors="replace")[-800:]}'
        )
    if check_output and not check_output(result.stdout):
        raise CommandFailed(
            f'{what}: unexpected output: '
            f'{result.stdout.decode(errors="replace")[:800]}'
        )
    return result


def alternate(commands, rounds, before_round=None, warmup=1):
    """Run named commands in alternating rounds; return their results.

    ``commands`` maps a name to a function returning a ``Result``.  Round
    ``r`` runs them all, rotated by ``r`` (A B, B A, A B, ...) so that no
    command always goes first.  ``warmup`` untimed rounds come first.
    Returns {name: [Result per round]}.
    """
    names = list(commands)
    results = {name: [] for name in names}
    for r in range(-warmup, rounds):
        if before_round:
            before_round()
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            result = commands[name]()
            if r >= 0:
                results[name].append(result)
    return results


# Figures are plain dicts, so that a section's result is its JSON.


def spread(values, unit):
    """Median, min, max and count of ``values``, in ``unit``."""
    values = list(values)
    return {
        'median': statistics.median(values),
        'low': min(values),
        'high': max(values),
        'n': len(values),
        'unit': unit,
    }


def command(name, results):
    """The figures of one command timed over rounds."""
    return {
        'name': name,
        'seconds': spread((r.seconds for r in results), 's'),
        'maxrss_kib': spread((r.maxrss_kib for r in results), 'KiB'),
    }


def ratios(results_a, results_b):
    """Per-round ratios a/b of the wall times of paired runs."""
    return spread(
        (
            a.seconds / b.seconds
            for a, b in zip(results_a, results_b, strict=True)
        ),
        'x',
    )


def differences(results_a, results_b):
    """Per-round differences a - b of the wall times of paired runs."""
    return spread(
        (
            a.seconds - b.seconds
            for a, b in zip(results_a, results_b, strict=True)
        ),
        's',
    )


# --------------------------------------------------------------------------
# The local cloud
# --------------------------------------------------------------------------


class Cloud(local_cloud.LocalCloud):
    """The running local cloud, and what the benchmarks ask its Glance."""

    def __init__(self):
        super().__init__(user_agent=OBSERVER_AGENT)
        self.glance_url = self.info['glance_url'].rstrip('/')
        self._validated = {}

    @staticmethod
    def running():
        return (
            subprocess.run(
                [local_cloud.TOOL, 'status'], capture_output=True
            ).returncode
            == 0
        )

    @classmethod
    def ensure_up(cls, may_start=True, patience=90.0):
        """Wait for the cloud; start it with ``tools/local-cloud up`` if it
        stays stopped (someone else may be restarting it)."""
        deadline = time.monotonic() + patience
        while not cls.running():
            if time.monotonic() > deadline:
                if not may_start:
                    raise RuntimeError('the local cloud is not running')
                log('the local cloud is stopped: tools/local-cloud up')
                subprocess.run(
                    [local_cloud.TOOL, 'up'], check=True, stdout=sys.stderr
                )
                break
            log('the local cloud is not (yet) running; waiting')
            time.sleep(5)
        return cls()

    def token(self, user='admin'):
        """``user``'s token, which the session renews before it expires."""
        token = super().token(user)
        if self._validated.get(user) != token:
            # Let Glance validate (and cache) a new token now, not inside
            # a timed command.
            self.request(
                'GET', self.glance_url + '/v2/tasks?limit=1', user=user
            )
            self._validated[user] = token
        return token

    def glance(self, method, path, body=None):
        """(status, parsed JSON or None) of one request to Glance."""
        answer = self.request(method, self.glance_url + path, json=body)
        try:
            return answer.status_code, answer.json()
        except ValueError:
            return answer.status_code, None

    def all_tasks(self):
        tasks, path = [], '/v2/tasks?limit=1000'
        while path:
            status, page = self.glance('GET', path)
            if status != 200:
                raise RuntimeError(f'GET {path}: HTTP {status}')
            tasks += page.get('tasks', [])
            nxt = page.get('next')
            path = nxt if nxt and page.get('tasks') else None
        return tasks

    def import_body(self, url, name='imageplugin-bench'):
        return {
            'type': 'import',
            'input': {
                'import_from': url,
                'import_from_format': 'qcow2',
                'image_properties': {
                    'name': name,
                    'disk_format': 'qcow2',
                    'container_format': 'bare',
                },
            },
        }

    def create_task(self, url, name='imageplugin-bench'):
        status, task = self.glance(
            'POST', '/v2/tasks', self.import_body(url, name)
        )
        if status != 201:
            raise RuntimeError(f'POST /v2/tasks: HTTP {status}: {task}')
        return task

    def glance_log_lines(self):
        """Lines of Glance's access log so far (to count requests)."""
        path = self.info.get('logs', {}).get('glance')
        if not path or not os.path.exists(path):
            return None
        with open(path, 'rb') as f:
            return f.read().decode(errors='replace').splitlines()


# --------------------------------------------------------------------------
# The machine
# --------------------------------------------------------------------------


def machine():
    cpu = 'unknown'
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        'date': time.strftime('%Y-%m-%d %H:%M:%S %z'),
        'host': platform.node(),
        'cpus': os.cpu_count(),
        'nproc': len(os.sched_getaffinity(0)),
        'cpu': cpu,
        'python': platform.python_version(),
        'kernel': platform.release(),
    }

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Upload throughput and memory: imageplugin against curl and swift.

Uploads one generated file to an object storage with:

- imageplugin's transfer.upload, as one object and in segments;
- ``curl -T`` (one PUT, the ceiling of one stream);
- ``swift upload --segment-size`` (python-swiftclient; it gets a venv of
  its own under ~/.cache/imageplugin unless --swift names one: it is no
  dependency of the plugin);
- and ``openstack --version``, the memory baseline of any OSC command.

Each runs in its own process; the table shows its wall-clock time and
throughput in MB/s (10^6 bytes), the throughput of the transfer alone
where the tool tells it (curl, ours: without process start and imports),
its CPU time (user + system) and its peak RSS (/usr/bin/time). Every
object is deleted after its run. Run it with the plugin's venv:

    benchmarks/upload.py                     # the local cloud, if it is up
    benchmarks/upload.py --os-cloud PROFILE  # clouds.yaml
    benchmarks/upload.py --url URL --token TOKEN --size 256M

benchmarks/run.py runs it without arguments: IMAGEPLUGIN_BENCH_PAIRS
then sets the rounds and IMAGEPLUGIN_BENCH_OPENSTACK the openstack
command, whose venv runs this script when the current Python lacks
keystoneauth1.

The token reaches the children through their environment and a header
file, never their command line. This is a script, not a test.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The plugin and the tests' support layer, from the work tree.
sys.path.insert(0, REPO)
SWIFT_VENV = os.path.expanduser('~/.cache/imageplugin/bench-swiftclient')
_UNITS = {'': 1, 'K': 1024, 'M': 1024**2, 'G': 1024**3}


def size_argument(text):
    match = re.fullmatch(
        r'(\d+(?:\.\d+)?)\s*([KMG]?)(?:i?B)?', text.strip(), re.I
    )
    if not match:
        raise argparse.ArgumentTypeError(
            f'{text!r} is not a size such as 1G, 256M or 1048576'
        )
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def with_keystoneauth():
    """Run again under the openstack command's venv if ours lacks what
    the uploads need (openstacksdk, keystoneauth1: the bench tox env has
    only the latter)."""
    import importlib.util

    if importlib.util.find_spec('openstack') is None:
        openstack = os.environ.get('IMAGEPLUGIN_BENCH_OPENSTACK')
        python = openstack and os.path.join(
            os.path.dirname(openstack), 'python'
        )
        if not python or not os.path.exists(python):
            raise SystemExit(
                "Run this with the plugin's venv: openstacksdk is missing"
            )
        os.execv(python, [python] + sys.argv)  # noqa: S606 (no shell)


def local_clouds_yaml():
    """The clouds.yaml of the local cloud, or None when it is not up."""
    from tests.support.cloud import LocalCloud

    try:
        return LocalCloud()['clouds_yaml']
    except RuntimeError:
        return None


def storage_url_and_token(args):
    if args.url:
        return args.url.rstrip('/'), args.token
    import openstack.config

    cloud = openstack.config.OpenStackConfig().get_one(args.os_cloud)
    session = cloud.get_session()
    url = session.get_endpoint(
        service_type='object-store',
        interface=cloud.get_interface() or 'public',
        region_name=cloud.get_region_name(),
    )
    return url.rstrip('/'), session.get_token()


def store(url, token):
    from keystoneauth1 import session
    from keystoneauth1 import token_endpoint

    from imageplugin import objectstore

    return objectstore.ObjectStore(
        session.Session(auth=token_endpoint.Token(url, token)), url
    )


def generated_file(folder, size):
    path = os.path.join(folder, f'bench-{size}.raw')
    if not os.path.exists(path) or os.path.getsize(path) != size:
        with open(path, 'wb') as file:
            left = size
            while left:
                block = os.urandom(min(left, 16 * 1024**2))
                file.write(block)
                left -= len(block)
    # Read it once so every tool starts from the page cache.
    with open(path, 'rb', buffering=0) as file:
        while file.read(16 * 1024**2):
            pass
    return path


def swift_command(args):
    if args.swift:
        return args.swift
    swift = os.path.join(SWIFT_VENV, 'bin', 'swift')
    if not os.path.exists(swift):
        print(
            f'Installing python-swiftclient into {SWIFT_VENV}', file=sys.stderr
        )
        subprocess.run([sys.executable, '-m', 'venv', SWIFT_VENV], check=True)
        # At the version of the repository's constraints.
        subprocess.run(
            [
                os.path.join(SWIFT_VENV, 'bin', 'pip'),
                'install',
                '-q',
                '-c',
                os.path.join(REPO, 'constraints.txt'),
                'python-swiftclient',
            ],
            check=True,
        )
    return swift


def measured(command, env=None):
    """Run a command; return (seconds, peak RSS in MiB, CPU s, stdout).

    /usr/bin/time measures the peak RSS: the wait4() of a child forked
    from this (bigger) process would count this process's pages.
    """
    with tempfile.NamedTemporaryFile('r', prefix='bench-rss-') as usage:
        started = time.perf_counter()
        process = subprocess.run(
            ['/usr/bin/time', '-f', '%M %U %S', '-o', usage.name] + command,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        if process.returncode:
            raise SystemExit(
                f'{command[0]} failed with exit code {process.returncode}'
            )
        peak, user, system = usage.read().split()[-3:]
    return (
        seconds,
        int(peak) / 1024,
        float(user) + float(system),
        process.stdout,
    )


def figures(runs, results, size):
    """Per tool: median seconds and CPU, max peak RSS, rates in MB/s."""
    tools = []
    for label, _, name in runs:
        seconds = statistics.median(r[0] for r in results[label])
        inside = [float(r[3]) for r in results[label] if name and r[3].strip()]
        tools.append(
            {
                'name': label,
                'seconds': seconds,
                'mb_per_s': size / seconds / 1e6 if name else None,
                # The transfer alone, where the tool tells it.
                'transfer_mb_per_s': (
                    size / statistics.median(inside) / 1e6 if inside else None
                ),
                'cpu_seconds': statistics.median(r[2] for r in results[label]),
                'peak_rss_mib': max(r[1] for r in results[label]),
            }
        )
    return tools


def child_upload(path, container, name, segment_size):
    """The measured process of our own upload."""
    client = store(os.environ['BENCH_STORAGE_URL'], os.environ['BENCH_TOKEN'])
    from imageplugin import transfer

    started = time.perf_counter()
    transfer.upload(client, container, name, path, segment_size=segment_size)
    # The transfer alone, without the start of Python and its imports.
    print(time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--os-cloud',
        default=os.environ.get('OS_CLOUD'),
        help='clouds.yaml profile (OS_CLIENT_CONFIG_FILE chooses the file)',
    )
    parser.add_argument('--url', help='object-store URL (…/v1/AUTH_…)')
    parser.add_argument('--token', help='token for --url')
    parser.add_argument(
        '--size',
        type=size_argument,
        default='1G',
        help='size of the generated file (default 1G)',
    )
    parser.add_argument(
        '--segment-size',
        type=size_argument,
        default='256M',
        help='segment size for the segmented uploads (default 256M)',
    )
    parser.add_argument(
        '--repeat',
        type=int,
        default=int(os.environ.get('IMAGEPLUGIN_BENCH_PAIRS') or 3),
        help='rounds (one run of each tool per round); '
        'the median counts (default 3)',
    )
    parser.add_argument('--container', default='imageplugin-benchmark')
    parser.add_argument(
        '--dir',
        default=tempfile.gettempdir(),
        help='where the generated file goes',
    )
    parser.add_argument('--swift', help='swift command to use')
    parser.add_argument(
        '--keep-file',
        action='store_true',
        help='keep the generated file for the next run',
    )
    parser.add_argument(
        '--json', metavar='PATH', help='also write the figures as JSON'
    )
    parser.add_argument('--child-upload', nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_upload:
        path, container, name, segment_size = args.child_upload
        return child_upload(path, container, name, int(segment_size))
    if bool(args.url) != bool(args.token):
        parser.error('--url and --token go together')
    with_keystoneauth()
    if not args.url and not args.os_cloud:
        clouds_yaml = local_clouds_yaml()
        if clouds_yaml is None:
            parser.error(
                'give --os-cloud, or --url and --token (no local '
                'cloud: tools/local-cloud up starts one)'
            )
        os.environ['OS_CLIENT_CONFIG_FILE'] = clouds_yaml
        args.os_cloud = 'local-admin'
    url, token = storage_url_and_token(args)
    client = store(url, token)
    client.ensure_container(args.container)
    path = generated_file(args.dir, args.size)
    swift = swift_command(args)
    env = dict(
        os.environ,
        BENCH_STORAGE_URL=url,
        BENCH_TOKEN=token,
        OS_STORAGE_URL=url,
        OS_AUTH_TOKEN=token,
    )
    header_file = tempfile.NamedTemporaryFile('w', prefix='bench-header-')
    header_file.write(f'X-Auth-Token: {token}\n')
    header_file.flush()
    container, seg = args.container, str(args.segment_size)
    openstack = (
        os.environ.get('IMAGEPLUGIN_BENCH_OPENSTACK')
        or shutil.which('openstack', path=os.path.dirname(sys.executable))
        or 'openstack'
    )
    ours = [
        sys.executable,
        os.path.abspath(__file__),
        '--child-upload',
        path,
        container,
    ]
    runs = [
        ('openstack --version (baseline)', [openstack, '--version'], None),
        (
            'curl -T (one PUT)',
            [
                'curl',
                '-sS',
                '-f',
                '-o',
                '/dev/null',
                '-w',
                '%{time_total}',
                '-H',
                '@' + header_file.name,
                '-T',
                path,
                f'{url}/{container}/bench-curl',
            ],
            'bench-curl',
        ),
        (
            'imageplugin, one object',
            ours + ['bench-ours', str(max(args.size, 1024**2))],
            'bench-ours',
        ),
        (
            f'imageplugin, {args.segment_size // 1024**2} MiB segments',
            ours + ['bench-ours-seg', seg],
            'bench-ours-seg',
        ),
        (
            f'swift upload --segment-size {seg}',
            [
                swift,
                '-q',
                'upload',
                '--segment-size',
                seg,
                '--object-name',
                'bench-swift',
                container,
                path,
            ],
            'bench-swift',
        ),
    ]
    if args.size > 5 * 1024**3:
        runs = [
            run for run in runs if run[2] not in ('bench-curl', 'bench-ours')
        ]
    print(
        f'Uploading {args.size / 1e6:.0f} MB to {url.split("/v1/")[0]}, '
        f'median of {args.repeat} rounds\n'
    )
    print(
        f'{"tool":40} {"seconds":>7} {"MB/s":>6} {"transfer":>8} '
        f'{"CPU s":>6} {"peak RSS":>9}'
    )
    print(f'{"":40} {"":>7} {"":>6} {"MB/s":>8}')
    # Rounds take turns, one run of each tool per round, so a slower
    # moment of a shared machine does not fall on one tool alone.
    results = {label: [] for label, _, _ in runs}
    for round_number in range(args.repeat):
        for label, command, name in runs:
            if name or round_number == 0:
                results[label].append(measured(command, env))
            if name:
                client.delete(container, name)
    tools = figures(runs, results, args.size)
    for tool in tools:
        rate, transfer = tool['mb_per_s'], tool['transfer_mb_per_s']
        print(
            f'{tool["name"]:40} {tool["seconds"]:7.2f} '
            + (f'{rate:6.0f}' if rate else ' ' * 6)
            + ' '
            + (f'{transfer:8.0f}' if transfer else ' ' * 8)
            + f' {tool["cpu_seconds"]:6.2f} {tool["peak_rss_mib"]:5.0f} MiB'
        )
    if args.json:
        with open(args.json, 'w') as out:
            json.dump(
                {'size': args.size, 'rounds': args.repeat, 'tools': tools},
                out,
                indent=2,
            )
    header_file.close()
    if not args.keep_file:
        os.unlink(path)
    for name in (container, container + '_segments'):
        # Only once empty; swift leaves its segment container behind.
        try:
            client.request('DELETE', client.path(name), 'Cleaning up')
        except Exception as exc:
            print(f'Left container {name}: {exc}', file=sys.stderr)


if __name__ == '__main__':
    sys.exit(main())

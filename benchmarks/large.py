#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Large images: time linear in the size, memory flat.

``openstack image task import --file F --wait`` on the local cloud (no
WAN proxy), as a member and as an admin, for each file of ``--files``
(default: random 512M, 1G and 2G, and a sparse 8G made by truncate: its
holes read as zeros, so it costs no disk until it is uploaded). Each run
is a fresh process under ``/usr/bin/time``: wall time, CPU time and peak
RSS of the ``openstack`` process. Images are deleted after each run, the
files at the end; a run is skipped, and said so, when the disk has not
room for the object storage's and Glance's copies (twice the size, plus
4 GiB). Run with the plugin's venv::

    benchmarks/large.py --files random:512M,sparse:8G --json out.json
"""

import argparse
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import upload  # noqa: E402  (benchmarks/upload.py)

GiB = 1024**3
ROUTES = {
    'member': ('local-member', []),
    'admin': ('local-admin', []),
    'member-glance-direct': (
        'local-member',
        ['--method', 'glance-direct'],
    ),
}


def made_file(folder, kind, size):
    # Its own name: another benchmark may be using upload.py's file.
    path = os.path.join(folder, f'bench-large-{kind}-{size}.raw')
    with open(path, 'wb') as f:
        if kind == 'sparse':
            f.truncate(size)
        left = size
        while kind == 'random' and left:
            block = os.urandom(min(left, 16 * 1024**2))
            f.write(block)
            left -= len(block)
    return path


def room_for(folder, size):
    """Whether the disk holds Swift's and Glance's copies of ``size``."""
    return shutil.disk_usage(folder).free > 2 * size + 4 * GiB


def run_one(openstack, clouds_yaml, route, path, name):
    cloud, extra = ROUTES[route]
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env['OS_CLIENT_CONFIG_FILE'] = clouds_yaml
    argv = [
        openstack,
        '--os-cloud',
        cloud,
        'image',
        'task',
        'import',
        '--file',
        path,
        '--name',
        name,
        '--wait',
        '-f',
        'json',
        *extra,
    ]
    seconds, rss, cpu, _ = upload.measured(argv, env)
    return {'seconds': seconds, 'peak_rss_mib': rss, 'cpu_seconds': cpu}


def delete_images(cloud, prefix):
    session = cloud.session('admin')
    glance = cloud['glance_url']
    listing = session.get(f'{glance}/v2/images?limit=1000').json()
    for image in listing['images']:
        if (image.get('name') or '').startswith(prefix):
            session.delete(f'{glance}/v2/images/{image["id"]}')


def parse_files(text):
    files = []
    for item in text.split(','):
        kind, _, size = item.strip().partition(':')
        if kind not in ('random', 'sparse'):
            raise SystemExit(f'{item!r}: random:SIZE or sparse:SIZE')
        files.append((kind, upload.size_argument(size)))
    return files


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--files', default='random:512M,random:1G,random:2G,sparse:8G'
    )
    parser.add_argument('--routes', default='member,admin')
    parser.add_argument('--dir', default=tempfile.gettempdir())
    parser.add_argument('--json', metavar='PATH')
    args = parser.parse_args()
    upload.with_keystoneauth()
    from tests.support.cloud import LocalCloud

    cloud = LocalCloud()
    openstack = os.environ['IMAGEPLUGIN_BENCH_OPENSTACK']
    routes = [r.strip() for r in args.routes.split(',') if r.strip()]
    unknown = set(routes) - set(ROUTES)
    if unknown:
        raise SystemExit(f'unknown routes: {", ".join(sorted(unknown))}')
    rows, skipped = [], []
    for kind, size in parse_files(args.files):
        path = made_file(args.dir, kind, size)
        try:
            for route in routes:
                label = f'{kind} {size / GiB:g} GiB, {route}'
                if not room_for(args.dir, size):
                    skipped.append(f'{label}: not enough free disk')
                    continue
                name = f'bench-large-{os.getpid()}-{len(rows)}'
                row = run_one(
                    openstack, cloud['clouds_yaml'], route, path, name
                )
                row.update(kind=kind, size=size, route=route)
                rows.append(row)
                print(
                    f'{label:45} {row["seconds"]:7.1f} s '
                    f'{row["seconds"] / (size / GiB):6.1f} s/GiB '
                    f'CPU {row["cpu_seconds"]:6.1f} s '
                    f'peak RSS {row["peak_rss_mib"]:5.0f} MiB',
                    file=sys.stderr,
                    flush=True,
                )
                delete_images(cloud, f'bench-large-{os.getpid()}-')
        finally:
            os.unlink(path)
    data = {'rows': rows, 'skipped': skipped}
    if args.json:
        with open(args.json, 'w') as out:
            json.dump(data, out, indent=2)
    else:
        print(json.dumps(data, indent=2))
    return 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Uploads over an emulated wide-area network: ours against the others.

Each round uploads one generated file to the local cloud's Swift through
``wanproxy.WanProxy`` at each round-trip time (default 0, 20 and 80 ms)
with a per-connection cap (default 25 MB/s), with:

- ``curl -T`` (one PUT: one TCP stream);
- ``swift upload --segment-size S`` (python-swiftclient at the pin of
  constraints.txt, its default 10 segment threads);
- openstacksdk's ``create_object(..., segment_size=S)`` (its segments
  go up concurrently);
- ours: ``transfer.upload`` in segments of S, at its default
  concurrency (and at each ``--concurrency`` given, to choose it);

and, without the proxy, curl and ours as one object. Every tool runs in
a fresh process, rounds take turns (a slow moment of a shared machine
falls on every tool), and the figure is the median wall time of the
process. Run with the plugin's venv, like upload.py::

    benchmarks/wan.py --size 256M --segment-size 32M --json out.json
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import upload  # noqa: E402  (benchmarks/upload.py)
import wanproxy  # noqa: E402


def child_sdk(path, container, name, segment_size):
    """openstacksdk's segmented upload, in its own process."""
    from keystoneauth1 import session
    from keystoneauth1 import token_endpoint
    import openstack.connection

    url, token = os.environ['BENCH_STORAGE_URL'], os.environ['BENCH_TOKEN']
    conn = openstack.connection.Connection(
        session=session.Session(auth=token_endpoint.Token(url, token)),
        object_store_endpoint_override=url,
    )
    conn.object_store.create_object(
        container, name, filename=path, segment_size=segment_size
    )


def child_ours(path, container, name, segment_size, concurrency):
    from imageplugin import transfer

    client = upload.store(
        os.environ['BENCH_STORAGE_URL'], os.environ['BENCH_TOKEN']
    )
    started = time.perf_counter()
    transfer.upload(
        client,
        container,
        name,
        path,
        segment_size=segment_size,
        concurrency=concurrency,
    )
    # The transfer alone, without the start of Python and its imports.
    print(time.perf_counter() - started)


def through(url, port):
    parts = urllib.parse.urlsplit(url)
    return parts._replace(netloc=f'127.0.0.1:{port}').geturl()


def tools(args, path, swift, segment_size, default_concurrency):
    """(label, argv, object name) of each tool; argv without the URL."""
    me = [sys.executable, os.path.abspath(__file__)]
    seg = str(segment_size)
    runs = [
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
                '@HEADER',
                '-T',
                path,
                'URL/CONTAINER/bench-wan-curl',
            ],
            'bench-wan-curl',
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
                'bench-wan-swift',
                args.container,
                path,
            ],
            'bench-wan-swift',
        ),
        (
            'openstacksdk create_object',
            me + ['--child-sdk', path, args.container, 'bench-wan-sdk', seg],
            'bench-wan-sdk',
        ),
    ]
    for count in sorted(set(args.concurrency) | {default_concurrency}):
        mark = ' (default)' if count == default_concurrency else ''
        runs.append(
            (
                f'ours, concurrency {count}{mark}',
                me
                + [
                    '--child-ours',
                    path,
                    args.container,
                    f'bench-wan-ours-{count}',
                    seg,
                    str(count),
                ],
                f'bench-wan-ours-{count}',
            )
        )
    return runs


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--size', type=upload.size_argument, default='256M')
    parser.add_argument(
        '--segment-size', type=upload.size_argument, default='32M'
    )
    parser.add_argument(
        '--rtt',
        default='0,20,80',
        help='round-trip times in ms (default 0,20,80)',
    )
    parser.add_argument(
        '--rate',
        type=wanproxy._rate,
        default='25M',
        help='cap per connection, bytes/s (default 25M)',
    )
    parser.add_argument('--total-rate', type=wanproxy._rate)
    parser.add_argument(
        '--concurrency',
        default='',
        help='further concurrencies of ours to measure',
    )
    parser.add_argument(
        '--repeat',
        type=int,
        default=int(os.environ.get('IMAGEPLUGIN_BENCH_PAIRS') or 1),
    )
    parser.add_argument('--container', default='imageplugin-benchmark-wan')
    parser.add_argument('--dir', default=tempfile.gettempdir())
    parser.add_argument('--json', metavar='PATH')
    parser.add_argument('--child-sdk', nargs=4, help=argparse.SUPPRESS)
    parser.add_argument('--child-ours', nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_sdk:
        path, container, name, seg = args.child_sdk
        return child_sdk(path, container, name, int(seg))
    if args.child_ours:
        path, container, name, seg, count = args.child_ours
        return child_ours(path, container, name, int(seg), int(count))
    args.concurrency = [int(c) for c in args.concurrency.split(',') if c]
    upload.with_keystoneauth()
    os.environ.setdefault(
        'OS_CLIENT_CONFIG_FILE', upload.local_clouds_yaml() or ''
    )
    args.os_cloud, args.url = 'local-admin', None
    sys.path.insert(0, upload.REPO)
    from imageplugin import objectstore

    url, token = upload.storage_url_and_token(args)
    client = upload.store(url, token)
    client.ensure_container(args.container)
    path = upload.generated_file(args.dir, args.size)
    swift = upload.swift_command(argparse.Namespace(swift=None))
    header = tempfile.NamedTemporaryFile('w', prefix='bench-header-')
    header.write(f'X-Auth-Token: {token}\n')
    header.flush()
    runs = tools(
        args, path, swift, args.segment_size, objectstore.DEFAULT_CONCURRENCY
    )
    target = urllib.parse.urlsplit(url)
    rtts = [float(r) for r in args.rtt.split(',') if r.strip()]
    # (setting, label) -> [seconds]
    results = {}
    settings = [(f'proxy, RTT {rtt:g} ms', rtt) for rtt in rtts]
    settings.append(('no proxy', None))
    me = [sys.executable, os.path.abspath(__file__)]
    direct = [
        runs[0],
        (
            'ours, one object',
            me
            + [
                '--child-ours',
                path,
                args.container,
                'bench-wan-one',
                str(max(args.size, objectstore.MiB)),
                '1',
            ],
            'bench-wan-one',
        ),
    ]
    for _ in range(args.repeat):
        for setting, rtt in settings:
            if rtt is None:
                proxy, base, chosen = None, url, direct
            else:
                proxy = wanproxy.WanProxy(
                    (target.hostname, target.port),
                    rtt / 1000,
                    args.rate,
                    args.total_rate,
                ).__enter__()
                base, chosen = through(url, proxy.port), runs
            env = dict(
                os.environ,
                BENCH_STORAGE_URL=base,
                BENCH_TOKEN=token,
                OS_STORAGE_URL=base,
                OS_AUTH_TOKEN=token,
            )
            for label, argv, name in chosen:
                argv = [
                    a.replace('@HEADER', '@' + header.name).replace(
                        'URL/CONTAINER', f'{base}/{args.container}'
                    )
                    for a in argv
                ]
                seconds, rss, cpu, out = upload.measured(argv, env)
                transfer = float(out) if out.strip() else None
                results.setdefault((setting, label), []).append(
                    (seconds, rss, cpu, transfer)
                )
                print(
                    f'{setting:18} {label:42} {seconds:7.2f} s '
                    f'{args.size / seconds / 1e6:6.1f} MB/s '
                    f'{rss:5.0f} MiB',
                    file=sys.stderr,
                    flush=True,
                )
                client.delete(args.container, name)
                for leftover in client.names(args.container, name):
                    client.delete_quietly(args.container, leftover, '')
            if proxy is not None:
                proxy.__exit__(None, None, None)
    figures = []
    for (setting, label), rows in results.items():
        seconds = statistics.median(r[0] for r in rows)
        transfers = [r[3] for r in rows if r[3] is not None]
        figures.append(
            {
                'setting': setting,
                'name': label,
                'seconds': seconds,
                # The transfer alone, where the tool tells it.
                'transfer_seconds': (
                    statistics.median(transfers) if transfers else None
                ),
                'mb_per_s': args.size / seconds / 1e6,
                'cpu_seconds': statistics.median(r[2] for r in rows),
                'peak_rss_mib': max(r[1] for r in rows),
            }
        )
    data = {
        'size': args.size,
        'segment_size': args.segment_size,
        'rate': args.rate,
        'total_rate': args.total_rate,
        'rtts_ms': rtts,
        'rounds': args.repeat,
        'default_concurrency': objectstore.DEFAULT_CONCURRENCY,
        'tools': figures,
    }
    if args.json:
        with open(args.json, 'w') as out:
            json.dump(data, out, indent=2)
    else:
        print(json.dumps(data, indent=2))
    header.close()
    for leftover in list(client.names(args.container, '')):
        client.delete_quietly(args.container, leftover, '')
    for leftover in list(client.names(args.container + '_segments', '')):
        client.delete_quietly(args.container + '_segments', leftover, '')
    for name in (args.container, args.container + '_segments'):
        try:
            client.request('DELETE', client.path(name), 'Cleaning up')
        except Exception as exc:
            print(f'Left container {name}: {exc}', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())

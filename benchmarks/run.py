#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Benchmarks of the imageplugin commands against core OSC and glanceclient.

Run ``python benchmarks/run.py`` (the standard library and keystoneauth1;
``--help`` for the options).  It builds or reuses the comparison venvs,
starts the local cloud if it is not running, runs the sections of
``sections.py`` in paired, alternating rounds, and prints the tables that
``render.py`` makes of the figures (``--json`` keeps them; ``render.py``
and ``plot.py`` read them again).  See benchmarks/README.rst for what
each figure means.
"""

import argparse
import json
import os
import subprocess
import sys

import benchlib
from benchlib import log
import render
import sections


def parse_args(argv):
    names = ', '.join(sections.SECTIONS)
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument(
        '--pairs',
        type=int,
        default=9,
        help='timed rounds of each comparison (default 9; '
        'each round runs every command once)',
    )
    parser.add_argument(
        '--quick',
        action='store_true',
        help='3 rounds, 3 --wait runs: a smoke test',
    )
    parser.add_argument(
        '--sections',
        default=','.join(
            name for name in sections.SECTIONS if name not in sections.LONG
        ),
        help=f'comma-separated subset of: {names}',
    )
    parser.add_argument(
        '--tasks',
        type=int,
        default=1000,
        help='tasks to list (created once; default 1000)',
    )
    parser.add_argument(
        '--startup-factor',
        type=int,
        default=3,
        help='--version pairs are this many times --pairs (default 3)',
    )
    parser.add_argument(
        '--wait-runs', type=int, default=5, help='real --wait runs (default 5)'
    )
    parser.add_argument(
        '--wait-task-seconds',
        type=float,
        default=2.0,
        help='how long the real task takes (default 2)',
    )
    parser.add_argument(
        '--upload-size',
        metavar='SIZE',
        help="upload.py's --size (default there: 1G)",
    )
    parser.add_argument(
        '--wan-size',
        metavar='SIZE',
        default='256M',
        help="wan.py's --size (default 256M)",
    )
    parser.add_argument(
        '--wan-segment-size',
        metavar='SIZE',
        default='32M',
        help="wan.py's --segment-size (default 32M)",
    )
    parser.add_argument(
        '--wan-rounds',
        type=int,
        default=1,
        help='rounds of the wan section (default 1: about 4 minutes at 256M)',
    )
    parser.add_argument(
        '--feel-sizes',
        default='128M,1G',
        help="feel.py's --sizes (default 128M,1G)",
    )
    parser.add_argument(
        '--feel-rtt', default='0,20,80', help="feel.py's --rtt in ms"
    )
    parser.add_argument(
        '--feel-rate', default='10M', help="feel.py's --rate (default 10M)"
    )
    parser.add_argument(
        '--feel-repeat', type=int, default=2, help='rounds below 512M'
    )
    parser.add_argument(
        '--feel-repeat-large',
        type=int,
        default=1,
        help='rounds at 512M and more (default 1)',
    )
    parser.add_argument(
        '--feel-routes', default='member,admin', help='member,admin'
    )
    parser.add_argument(
        '--large-files',
        default='random:512M,random:1G,random:2G,sparse:8G',
        help="large.py's --files",
    )
    parser.add_argument(
        '--large-routes',
        default='member,admin',
        help="large.py's --routes (also member-glance-direct)",
    )
    parser.add_argument(
        '--no-cloud-up',
        action='store_true',
        help='never run tools/local-cloud up',
    )
    parser.add_argument(
        '--plugin-source',
        metavar='DIR',
        help='benchmark the plugin in DIR (a copy of the '
        'work tree, e.g. a prototype) instead of the '
        'work tree; it gets a venv of its own',
    )
    parser.add_argument(
        '--json',
        metavar='PATH',
        help='also write the figures as JSON (render.py and plot.py read it)',
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.pairs = min(args.pairs, 3)
        args.wait_runs = min(args.wait_runs, 3)
        args.startup_factor = 1
    args.sections = [s.strip() for s in args.sections.split(',') if s.strip()]
    unknown = set(args.sections) - set(sections.SECTIONS)
    if unknown:
        parser.error(f'unknown sections: {", ".join(sorted(unknown))}')
    return args


def measure(ctx, names):
    """({section: figures}, {section: why it failed})."""
    figures, failed = {}, {}
    for name in names:
        log(f'== {name}')
        for attempt in (1, 2):
            try:
                figures[name] = sections.SECTIONS[name](ctx)
                break
            except (benchlib.CommandFailed, OSError, RuntimeError) as exc:
                log(f'{name} failed (attempt {attempt}): {exc}')
                if attempt == 2:
                    failed[name] = str(exc)
                elif ctx.cloud is not None:
                    # The cloud may have been restarted under us.
                    ctx.cloud = None
                    ctx.need_cloud()
    return figures, failed


def main(argv=None):
    args = parse_args(argv)
    machine = benchlib.machine()
    load_before = os.getloadavg()
    try:
        ctx = sections.Context(args)
        for name in benchlib.VENV_SPECS:
            ctx.venv(name)
    except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
        print(f'run.py: cannot set up the venvs: {exc}', file=sys.stderr)
        return 1
    figures, failed = measure(ctx, args.sections)
    load_after = os.getloadavg()
    source = os.path.abspath(args.plugin_source or benchlib.REPO)
    data = {
        'run': {
            'machine': machine,
            'load_average': {'before': load_before[0], 'after': load_after[0]},
            'server': (
                f'local cloud, Glance at {ctx.cloud.glance_url}'
                if ctx.cloud is not None
                else None
            ),
            # The work tree is named as such: no path of this machine.
            'plugin': {
                'source': args.plugin_source or 'work tree',
                'stamp': benchlib.plugin_stamp(source),
            },
            'pins_source': ctx.pins_source,
            'versions': benchlib.pinned_versions(ctx.pins),
            'rounds': args.pairs,
        },
        'sections': figures,
        'failed': failed,
    }
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(data, f, indent=2)
            f.write('\n')
    print(render.render(data))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())

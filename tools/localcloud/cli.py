# SPDX-License-Identifier: Apache-2.0
"""The command line of tools/local-cloud."""

import argparse
import os
import sys

import localcloud
from localcloud import commands
from localcloud.common import CloudError


def build_parser():
    parser = argparse.ArgumentParser(
        prog='local-cloud',
        description=localcloud.__doc__.split('\n\n')[0],
        epilog='State: $IMAGEPLUGIN_CLOUD_DIR (default <repo>/.local-cloud); '
        'venvs: $IMAGEPLUGIN_CACHE/venvs (default '
        '~/.cache/imageplugin/venvs).',
    )
    sub = parser.add_subparsers(dest='command', required=True)
    sub.add_parser(
        'install', help='install the server venvs and Debian packages'
    ).set_defaults(func=commands.cmd_install)
    sub.add_parser('up', help='start the cloud (idempotent)').set_defaults(
        func=commands.cmd_up
    )
    down = sub.add_parser(
        'down', help='stop the processes this script started'
    )
    down.add_argument(
        '--purge', action='store_true', help='also remove the state directory'
    )
    down.set_defaults(func=commands.cmd_down)
    sub.add_parser(
        'status', help='one line per service; exit 0 if all run'
    ).set_defaults(func=commands.cmd_status)
    for action in ('start', 'stop', 'restart', 'freeze', 'thaw'):
        p = sub.add_parser(
            action + '-service',
            help=f'{action} services: keystone, glance, swift, ...',
        )
        p.add_argument('names', nargs='+', metavar='NAME')
        p.set_defaults(func=commands.service_command(action))
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except CloudError as exc:
        print(f'local-cloud: error: {exc}', file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into "head" and the like: not an error of ours.
        sys.stdout = open(os.devnull, 'w')
        return 0

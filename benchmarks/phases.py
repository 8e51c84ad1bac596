# SPDX-License-Identifier: Apache-2.0
"""Where one ``openstack`` run spends its time, phase by phase.

Run it with the Python of a venv that has python-openstackclient::

    VENV/bin/python benchmarks/phases.py --out F.json -- image task show ID

It runs ``openstackclient.shell`` in this process like the ``openstack``
console script does, with timing wrappers around cliff's and osc-lib's
steps, and writes the marks (``time.monotonic()``, the same clock as the
parent's ``time.perf_counter()`` on Linux) to ``--out`` just before the
interpreter shuts down.  The parent (run.py) adds the process start and
its reaping, so start-up and shut-down show up too.

Options for the shut-down experiments of the investigation:
``--exit-mode os_exit`` flushes stdout and stderr and ends with
``os._exit(rc)`` right after the command's clean-up, skipping the
interpreter's finalization; ``--gc freeze|disable`` calls ``gc.freeze()``
or ``gc.disable()`` as the command's ``take_action`` starts, and
``--gc atexit_freeze`` registers ``gc.freeze`` with ``atexit`` there.
"""

import argparse
import atexit
import gc
import json
import os
import sys
import time

MARKS = []
T0 = time.monotonic()
GC_PAUSES = []  # (start, seconds, generation)
_gc_started = [0.0]


def _gc_callback(phase, info):
    if phase == 'start':
        _gc_started[0] = time.monotonic()
    else:
        GC_PAUSES.append(
            (
                _gc_started[0],
                time.monotonic() - _gc_started[0],
                info['generation'],
            )
        )


gc.callbacks.append(_gc_callback)


def mark(name):
    MARKS.append((name, time.monotonic(), len(sys.modules)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--out', required=True)
    parser.add_argument(
        '--exit-mode', choices=('normal', 'os_exit'), default='normal'
    )
    parser.add_argument(
        '--gc',
        default='default',
        choices=('default', 'freeze', 'disable', 'atexit_freeze'),
    )
    parser.add_argument('argv', nargs=argparse.REMAINDER)
    args = parser.parse_args()
    argv = args.argv[1:] if args.argv[:1] == ['--'] else args.argv
    mark('script_start')

    import openstackclient.shell as osc_shell

    mark('osc_imported')
    plugin_loaded = sorted(
        m for m in sys.modules if m.startswith('imageplugin')
    )

    from cliff import app as cliff_app
    from cliff import commandmanager
    from cliff import lister
    from cliff import show
    from osc_lib import shell as osc_lib_shell

    groups = []
    loading = []

    def timed_group(original):
        # OSC loads its groups with add_command_group, which calls
        # load_commands; the shell's constructor calls load_commands.
        # Each group is counted once.
        def wrapper(self, namespace):
            if loading:
                return original(self, namespace)
            loading.append(namespace)
            before, modules = time.monotonic(), len(sys.modules)
            count = len(self.commands)
            try:
                return original(self, namespace)
            finally:
                loading.pop()
                groups.append(
                    {
                        'group': namespace,
                        'ms': (time.monotonic() - before) * 1000,
                        'commands': len(self.commands) - count,
                        'new_modules': len(sys.modules) - modules,
                    }
                )

        return wrapper

    for name in ('load_commands', 'add_command_group'):
        setattr(
            commandmanager.CommandManager,
            name,
            timed_group(getattr(commandmanager.CommandManager, name)),
        )

    def wrap(cls, name, label):
        original = getattr(cls, name)

        def wrapper(*a, **kw):
            mark(label + ':start')
            try:
                return original(*a, **kw)
            finally:
                mark(label + ':end')

        setattr(cls, name, wrapper)

    wrap(osc_lib_shell.OpenStackShell, 'initialize_app', 'initialize_app')
    wrap(cliff_app.App, 'run_subcommand', 'run_subcommand')
    wrap(commandmanager.CommandManager, 'find_command', 'find_command')
    wrap(
        osc_lib_shell.OpenStackShell,
        'prepare_to_run_command',
        'prepare_to_run_command',
    )
    wrap(show.ShowOne, 'produce_output', 'produce_output')
    wrap(lister.Lister, 'produce_output', 'produce_output')
    wrap(osc_lib_shell.OpenStackShell, 'clean_up', 'clean_up')

    modules_in_action = {}
    original_find = commandmanager.CommandManager.find_command

    def find_command(self, argv):
        cmd_factory, name, rest = original_find(self, argv)
        take_action = cmd_factory.take_action

        def timed_take_action(cmd, parsed_args):
            if args.gc == 'freeze':
                gc.freeze()
            elif args.gc == 'disable':
                gc.disable()
            elif args.gc == 'atexit_freeze':
                atexit.register(gc.freeze)
            before = set(sys.modules)
            mark('take_action:start')
            try:
                return take_action(cmd, parsed_args)
            finally:
                mark('take_action:end')
                modules_in_action['new'] = sorted(set(sys.modules) - before)

        cmd_factory.take_action = timed_take_action
        modules_in_action['command'] = (
            f'{cmd_factory.__module__}:{cmd_factory.__qualname__}'
        )
        return cmd_factory, name, rest

    commandmanager.CommandManager.find_command = find_command

    mark('shell_init:start')
    shell = osc_shell.OpenStackShell()
    mark('shell_init:end')
    try:
        rc = shell.run(argv)
    except SystemExit as exc:  # --version, --help
        rc = exc.code or 0
    mark('main_return')

    sdk_or_glanceclient = sorted(
        m
        for m in sys.modules
        if m == 'glanceclient'
        or m.startswith('glanceclient.')
        or m.startswith('openstack.image')
        or m == 'openstack.connection'
    )
    stats = gc.get_stats()
    report = {
        't0': T0,
        'marks': MARKS,
        'groups': groups,
        'command': modules_in_action.get('command'),
        'modules_imported_by_take_action': modules_in_action.get('new', []),
        'sdk_or_glanceclient_modules': sdk_or_glanceclient,
        'plugin_modules_at_osc_import': plugin_loaded,
        'modules_at_exit': len(sys.modules),
        'gc_tracked_objects_at_exit': len(gc.get_objects()),
        'gc_collections': [s['collections'] for s in stats],
        'gc_pauses': GC_PAUSES,
        'gc_collected': [s['collected'] for s in stats],
        'rc': rc,
        'exit_mode': args.exit_mode,
        'gc_mode': args.gc,
    }
    with open(args.out, 'w') as f:
        json.dump(report, f)
    if args.exit_mode == 'os_exit':
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(rc)
    sys.exit(rc)


if __name__ == '__main__':
    main()

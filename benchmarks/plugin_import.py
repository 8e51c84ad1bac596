# SPDX-License-Identifier: Apache-2.0
"""What importing the plugin costs inside OSC, for ``python -X importtime``.

Run it as ``VENV/bin/python -X importtime benchmarks/plugin_import.py
--out F.json`` with a venv holding OSC and the plugin.

OSC imports ``imageplugin.plugin`` with ``importlib.import_module`` (through
stevedore), which ``-X importtime`` does not report.  So this first loads
OSC as ``openstack`` does (which imports the plugin module) and then all
command groups (which imports ``imageplugin.task`` and what it imports, as
every command but ``--version`` does), then forgets the plugin's modules
and imports them again with plain ``import`` statements: with every other
module already loaded, ``-X importtime`` then shows exactly the plugin's
own share.  The same import is also timed with ``time.perf_counter``.

- ``imageplugin.plugin``: paid by every ``openstack`` run, ``--version``
  included;
- the modules our entry points name (``imageplugin.commands``; before,
  ``task``, ``taskimport``, ``taskcopy``, ``taskexport``, ``tasklist``):
  paid by every ``openstack`` command but ``--version`` and ``--help``,
  since cliff (through stevedore) imports the module of every command of
  every loaded group.
"""

import argparse
import contextlib
import importlib.metadata
import io
import json
import sys
import time


def forget_plugin():
    for name in [m for m in sys.modules if m.startswith('imageplugin')]:
        del sys.modules[name]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--out', required=True)
    args = parser.parse_args()

    from openstackclient import shell as osc_shell

    # Load every command group as "openstack <command>" would.
    with contextlib.redirect_stdout(io.StringIO()):
        shell = osc_shell.OpenStackShell()
        shell.run(['--os-auth-type', 'none', 'complete'])
    groups = shell.command_manager.get_command_groups()

    result = {'groups': groups}
    forget_plugin()
    sys.stderr.write('# imageplugin.plugin\n')
    sys.stderr.flush()
    start = time.perf_counter()
    import imageplugin.plugin  # noqa: F401

    result['plugin_us'] = (time.perf_counter() - start) * 1e6

    forget_plugin()
    import imageplugin.plugin  # noqa: F401,F811

    # The modules our entry points name: what stevedore imports for every
    # command but --version and --help.
    modules = sorted(
        {
            ep.module
            for ep in importlib.metadata.entry_points(
                group='openstack.image_tasks.v2'
            )
        }
    )
    result['entry_point_modules'] = modules
    sys.stderr.write('# imageplugin. entry points\n')
    sys.stderr.flush()
    start = time.perf_counter()
    for name in modules:
        # An import statement: -X importtime reports it.
        exec(f'import {name}')  # noqa: S102 (our own module names)

    result['task_us'] = (time.perf_counter() - start) * 1e6
    with open(args.out, 'w') as f:
        json.dump(result, f)


if __name__ == '__main__':
    main()

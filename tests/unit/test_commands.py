# SPDX-License-Identifier: Apache-2.0
"""The entry points: small factories of the commands, and what an
``openstack`` run that is not ours imports of the plugin."""

import importlib.metadata
import inspect
import subprocess
import sys
from unittest import mock

from cliff import command as cliff_command
import testtools

from imageplugin import task
from imageplugin import taskcopy
from imageplugin import taskexport
from imageplugin import taskimport
from imageplugin import tasklist

GROUP = 'openstack.image_tasks.v2'
MADE = {
    'image_task_show': task.ShowTask,
    'image_task_list': tasklist.ListTask,
    'image_task_import': taskimport.ImportTask,
    'image_task_copy': taskcopy.CopyTask,
    'image_task_export': taskexport.ExportTask,
}

# Loads every command group as "openstack flavor list" does, then names
# the plugin's modules imported.
OTHER_COMMAND_RUN = """
import contextlib, io, sys
from openstackclient import shell
with contextlib.redirect_stdout(io.StringIO()):
    app = shell.OpenStackShell()
    app.run(['--os-auth-type', 'none', '--os-endpoint', 'http://127.0.0.1:9',
             'flavor', 'list'])
print(' '.join(sorted(m for m in sys.modules if m.startswith('imageplugin'))))
"""


class TestFactories(testtools.TestCase):
    def test_each_entry_point_makes_its_command(self):
        for ep in importlib.metadata.entry_points(group=GROUP):
            factory = ep.load()
            # cliff passes cmd_name when the factory's __init__ names it.
            self.assertIn(
                'cmd_name', inspect.getfullargspec(factory.__init__).args
            )
            made = factory(
                mock.Mock(), None, cmd_name=ep.name.replace('_', ' ')
            )
            self.assertIs(MADE[ep.name], type(made), ep.name)
            self.assertIsInstance(made, cliff_command.Command)
            self.assertEqual(ep.name.replace('_', ' '), made.cmd_name)

    def test_another_command_imports_no_command_module_of_ours(self):
        result = subprocess.run(
            [sys.executable, '-c', OTHER_COMMAND_RUN],
            capture_output=True,
            text=True,
            check=False,
        )
        self.assertEqual(
            'imageplugin imageplugin.commands imageplugin.plugin',
            result.stdout.strip(),
            result.stderr[-2000:],
        )

# SPDX-License-Identifier: Apache-2.0
"""Which core OSC commands ours replace: OSC's plugin conflict check.

A plugin command of the same name as a core one replaces it (plugin groups
load after core's, the last definition wins). Ours replace exactly two, on
purpose (the user guide's "Beside core OSC"); another one would replace a
core command by accident, and silently: osc_hooks drops cliff's duplicate
warning for every command of ours.
"""

import importlib.metadata

import testtools

# Entry point names: the command's words joined by "_".
OUR_GROUP = 'openstack.image_tasks.v2'
REPLACED_ON_PURPOSE = {'image_task_list', 'image_task_show'}
# Not commands: the API modules core OSC loads (compute, image...).
CORE_MODULES_GROUP = 'openstack.cli.base'


def entry_point_names(distribution, wanted_group):
    return {
        entry.name
        for entry in importlib.metadata.distribution(distribution).entry_points
        if wanted_group(entry.group)
    }


class TestCoreCommandsReplaced(testtools.TestCase):
    def test_only_task_show_and_list_replace_core_commands(self):
        ours = entry_point_names(
            'imageplugin', lambda group: group == OUR_GROUP
        )
        core = entry_point_names(
            'python-openstackclient',
            lambda group: (
                group.startswith('openstack.') and group != CORE_MODULES_GROUP
            ),
        )
        self.assertIn('image_task_import', ours)
        self.assertIn('image_create', core)
        self.assertEqual(REPLACED_ON_PURPOSE, ours & core)

# SPDX-License-Identifier: Apache-2.0
import argparse
import subprocess
import sys
from unittest import mock

import testtools

from imageplugin import api
from imageplugin import plugin

# Run in a fresh interpreter: this process has loaded everything already.
IMPORT_PROBE = """
import sys
before = set(sys.modules)
import imageplugin.plugin
added = sorted(set(sys.modules) - before)
print(' '.join(added))
"""


class TestPluginModule(testtools.TestCase):
    def test_import_loads_only_the_standard_library(self):
        added = subprocess.run(
            [sys.executable, '-c', IMPORT_PROBE],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        ours = [name for name in added if name.startswith('imageplugin')]
        self.assertEqual(['imageplugin', 'imageplugin.plugin'], ours)
        foreign = [
            name
            for name in added
            if name.split('.')[0] not in sys.stdlib_module_names
            and not name.startswith('imageplugin')
        ]
        self.assertEqual([], foreign)

    def test_make_client_uses_the_catalog_endpoint(self):
        instance = mock.Mock(region_name='IAD', interface='internal')
        instance.get_endpoint_for_service_type.return_value = (
            'https://iad.images.api.rackspacecloud.com/v2'
        )
        client = plugin.make_client(instance)
        self.assertIsInstance(client, api.TaskAPI)
        self.assertIs(instance.session, client.session)
        self.assertEqual(
            'https://iad.images.api.rackspacecloud.com/v2', client.endpoint
        )
        instance.get_endpoint_for_service_type.assert_called_once_with(
            'image', region_name='IAD', interface='internal'
        )

    def test_option_parser_adds_only_our_version_option(self):
        parser = mock.Mock()
        self.assertIs(parser, plugin.build_option_parser(parser))
        parser.add_argument.assert_called_once()
        self.assertEqual(
            ('--os-image-tasks-api-version',),
            parser.add_argument.call_args.args,
        )

    def test_option_parser_keeps_its_methods(self):
        parser = argparse.ArgumentParser()
        plugin.build_option_parser(parser)
        # Nothing of the parser's replaced on the instance.
        self.assertEqual(
            [],
            [
                name
                for name in vars(parser)
                if hasattr(argparse.ArgumentParser, name)
            ],
        )
        self.assertIs(parser, plugin.app_parser())

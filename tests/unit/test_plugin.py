import logging
import subprocess
import sys
from unittest import mock

import fixtures
from oslo_utils import strutils
import testtools

from imageplugin import api
from imageplugin import plugin

# Run in a fresh interpreter: this process has loaded everything already.
IMPORT_PROBE = '''
import sys
before = set(sys.modules)
import imageplugin.plugin
added = sorted(set(sys.modules) - before)
print(' '.join(added))
'''


class TestPluginModule(testtools.TestCase):

    def test_import_loads_only_the_standard_library(self):
        added = subprocess.run(
            [sys.executable, '-c', IMPORT_PROBE], check=True,
            capture_output=True, text=True).stdout.split()
        ours = [name for name in added if name.startswith('imageplugin')]
        self.assertEqual(['imageplugin', 'imageplugin.plugin'], ours)
        foreign = [name for name in added
                   if name.split('.')[0] not in sys.stdlib_module_names
                   and not name.startswith('imageplugin')]
        self.assertEqual([], foreign)

    def test_make_client_uses_the_catalog_endpoint(self):
        instance = mock.Mock(region_name='IAD', interface='internal')
        instance.get_endpoint_for_service_type.return_value = (
            'https://iad.images.api.rackspacecloud.com/v2')
        client = plugin.make_client(instance)
        self.assertIsInstance(client, api.TaskAPI)
        self.assertIs(instance.session, client.session)
        self.assertEqual('https://iad.images.api.rackspacecloud.com/v2',
                         client.endpoint)
        instance.get_endpoint_for_service_type.assert_called_once_with(
            'image', region_name='IAD', interface='internal')

    def test_option_parser_adds_only_our_version_option(self):
        parser = mock.Mock()
        self.assertIs(parser, plugin.build_option_parser(parser))
        parser.add_argument.assert_called_once()
        self.assertEqual(('--os-image-tasks-api-version',),
                         parser.add_argument.call_args.args)


class TestDuplicateWarning(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.records = []
        handler = logging.Handler()
        handler.emit = self.records.append
        self.logger = logging.getLogger('cliff.commandmanager')
        self.logger.addHandler(handler)
        self.addCleanup(self.logger.removeHandler, handler)
        # osc-lib turns cliff's logging down in other tests of this process.
        self.addCleanup(self.logger.setLevel, self.logger.level)
        self.logger.setLevel(logging.WARNING)

    def warn(self, modules):
        self.logger.warning(
            'found duplicate implementations of the %(name)r command in the '
            'following modules: %(modules)s', {'name': 'image task show',
                                              'modules': modules})

    def test_our_override_is_silent(self):
        self.warn('openstackclient.image.v2.task:ShowTask, '
                  'imageplugin.task:ShowTask')
        self.assertEqual([], self.records)

    def test_other_duplicates_still_warn(self):
        self.warn('a.b:C, d.e:F')
        self.assertEqual(1, len(self.records))


class TestSecretOptions(testtools.TestCase):

    def test_values_of_secret_options_are_masked(self):
        for line, masked in [
                ('--os-password pw image task list',
                 '--os-password *** image task list'),
                ('--os-token=tok --os-cloud c', '--os-token=*** --os-cloud c'),
                # argparse takes unique abbreviations.
                ('--os-passw pw --os-tok t', '--os-passw *** --os-tok ***'),
                ('--os-application-credential-secret s --os-username u',
                 '--os-application-credential-secret *** --os-username u'),
                ('--os-cloud c image task show x',
                 '--os-cloud c image task show x')]:
            self.assertEqual(masked, plugin.masked_command_line(line), line)

    def test_a_password_with_spaces_is_masked_whole(self):
        self.useFixture(fixtures.MockPatchObject(
            sys, 'argv', ['openstack', '--os-password', 'two words', 'x']))
        self.assertEqual('--os-password *** x', plugin.masked_command_line(
            '--os-password two words x'))

    def test_what_mask_password_mangled_is_masked(self):
        argv = ['--os-auth-type', 'token', '--os-token', 'gAAAAA1', 'x']
        self.useFixture(fixtures.MockPatchObject(
            sys, 'argv', ['openstack', *argv]))
        logged = strutils.mask_password(' '.join(argv))
        self.assertEqual('--os-auth-type token --os-token *** x',
                         plugin.masked_command_line(logged))

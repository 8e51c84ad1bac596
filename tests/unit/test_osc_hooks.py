# SPDX-License-Identifier: Apache-2.0
"""Each hook of ``osc_hooks`` against the installed cliff and osc-lib.

A test here fails when a release of theirs changes what a hook relies on:
that is its job, so that a user never meets the change first.
"""

import gc
import importlib.metadata
import io
import logging
import sys
from unittest import mock

from cliff import command as cliff_command
from cliff import commandmanager
import fixtures
from oslo_utils import strutils
import testtools

from imageplugin import osc_hooks
from imageplugin import plugin  # noqa: F401 (installs hooks 1 and 2)
from tests.unit import base


class LogRecords(fixtures.Fixture):
    """The records a logger passes on, at ``level`` and above."""

    def __init__(self, name, level=logging.DEBUG):
        super().__init__()
        self.name, self.level = name, level

    def _setUp(self):
        self.records = []
        handler = logging.Handler()
        handler.emit = self.records.append
        logger = logging.getLogger(self.name)
        logger.addHandler(handler)
        self.addCleanup(logger.removeHandler, handler)
        # osc-lib turns cliff's logging down in other tests of this process.
        self.addCleanup(logger.setLevel, logger.level)
        logger.setLevel(self.level)


class TestDuplicateCommands(testtools.TestCase):
    """Hook 1: cliff warns of our overrides, and the warning is dropped."""

    def load(self):
        manager = commandmanager.CommandManager('openstack.image.v2')
        manager.load_commands('openstack.image_tasks.v2')
        return manager

    def test_cliff_names_our_module_in_its_warning(self):
        records = self.useFixture(LogRecords('cliff.commandmanager')).records
        logger = logging.getLogger('cliff.commandmanager')
        self.useFixture(fixtures.MockPatchObject(logger, 'filters', []))
        manager = self.load()
        warned = sorted(
            record.getMessage()
            for record in records
            if record.levelno == logging.WARNING
        )
        # cliff before 4.13 overrides without a word; later ones warn of
        # each override, naming the modules, which is what the filter
        # matches.
        self.assertIn(len(warned), (0, 2), warned)
        for command, message in zip(
            ('image task list', 'image task show'), warned, strict=False
        ):
            self.assertIn(f'{command!r}', message)
            self.assertIn('imageplugin.task', message)
        # The last definition wins: ours.
        for command in ('image task list', 'image task show'):
            self.assertTrue(
                manager.commands[command].value.startswith('imageplugin.task'),
                command,
            )

    def test_the_warning_for_ours_is_dropped(self):
        records = self.useFixture(
            LogRecords('cliff.commandmanager', logging.WARNING)
        ).records
        self.load()
        self.assertEqual([], records)

    def warn_of_duplicate(self, name, modules):
        logging.getLogger('cliff.commandmanager').warning(
            'found duplicate implementations of the %(name)r command in '
            'the following modules: %(modules)s: this is likely programmer '
            'error',
            {'name': name, 'modules': modules},
        )

    def test_other_duplicates_still_warn(self):
        records = self.useFixture(
            LogRecords('cliff.commandmanager', logging.WARNING)
        ).records
        self.warn_of_duplicate('x y', 'a.b:C, d.e:F')
        # A command that replaces ours, and one of ours that replaces a
        # command we do not mean to replace.
        self.warn_of_duplicate(
            'image task show', 'imageplugin.task:ShowTask, other.task:Show'
        )
        self.warn_of_duplicate(
            'image list',
            'openstackclient.image.v2.image:ListImage, '
            'imageplugin.tasklist:ListTask',
        )
        self.assertEqual(3, len(records))

    def test_other_records_naming_us_pass(self):
        records = self.useFixture(
            LogRecords('cliff.commandmanager', logging.WARNING)
        ).records
        logging.getLogger('cliff.commandmanager').warning(
            'cannot load %s', 'imageplugin.task:ShowTask'
        )
        self.assertEqual(1, len(records))


class TestSecretOptions(base.ShellTestCase):
    """Hook 2: the command line osc-lib logs has its secrets masked."""

    def start_line(self, *argv):
        """osc-lib's START line for a run of ``openstack argv``."""
        records = self.useFixture(LogRecords('osc_lib.shell')).records
        self.useFixture(
            fixtures.MockPatchObject(sys, 'argv', ['openstack', *argv])
        )
        self.requests.get(base.TASKS_URL, json={'tasks': []})
        self.openstack(*argv, auth=())
        [start] = [r for r in records if r.msg == osc_hooks.START_MESSAGE]
        return start.getMessage()

    def test_our_command_lines_are_logged_masked(self):
        for argv in (
            ['image', 'task', 'list'],
            # cliff takes unique abbreviations of command words.
            ['image', 'task', 'li'],
            # Options after the command: help for ours.
            ['image', 'task', 'list', '--help'],
        ):
            self.assertEqual(
                'START with options: --os-password *** --os-endpoint '
                f'{base.ENDPOINT} --os-token *** {" ".join(argv)}',
                self.start_line(
                    '--os-password',
                    'pw-2b9x',
                    '--os-endpoint',
                    base.ENDPOINT,
                    '--os-token',
                    'tk-4q1z',
                    *argv,
                ),
                argv,
            )

    def test_other_command_lines_are_logged_as_osc_lib_logs_them(self):
        # Core's help command (naming ours), a command of core, and words
        # of ours that are the value of an option.
        for argv in (
            ['help', 'image', 'task', 'show'],
            ['module', 'list'],
            ['--os-cloud', 'image', 'task', 'list'],
        ):
            argv = ['--os-password', 'pw-2b9x', *argv]
            self.assertEqual(
                'START with options: '
                + strutils.mask_password(' '.join(argv)),
                self.start_line(*argv),
                argv,
            )

    def test_values_of_secret_options_are_masked(self):
        for line, masked in [
            (
                '--os-password pw image task list',
                '--os-password *** image task list',
            ),
            ('--os-token=tok --os-cloud c', '--os-token=*** --os-cloud c'),
            # argparse takes unique abbreviations.
            ('--os-passw pw --os-tok t', '--os-passw *** --os-tok ***'),
            (
                '--os-application-credential-secret s --os-username u',
                '--os-application-credential-secret *** --os-username u',
            ),
            (
                '--os-cloud c image task show x',
                '--os-cloud c image task show x',
            ),
        ]:
            self.assertEqual(masked, osc_hooks.masked_command_line(line), line)

    def test_a_password_with_spaces_is_masked_whole(self):
        self.useFixture(
            fixtures.MockPatchObject(
                sys, 'argv', ['openstack', '--os-password', 'two words', 'x']
            )
        )
        self.assertEqual(
            '--os-password *** x',
            osc_hooks.masked_command_line('--os-password two words x'),
        )

    def test_what_mask_password_mangled_is_masked(self):
        argv = ['--os-auth-type', 'token', '--os-token', 'gAAAAA1', 'x']
        self.useFixture(
            fixtures.MockPatchObject(sys, 'argv', ['openstack', *argv])
        )
        logged = strutils.mask_password(' '.join(argv))
        self.assertEqual(
            '--os-auth-type token --os-token *** x',
            osc_hooks.masked_command_line(logged),
        )


class TestDeferredLogin(base.ShellTestCase):
    """Hook 3: no login before our command checks its input; then one."""

    def setUp(self):
        super().setUp()
        self.use_catalog(
            [base.password_profile('test')],
            [('image', 'public', base.ENDPOINT, 'RegionOne')],
        )

    def test_bad_input_logs_in_never(self):
        result = self.openstack(
            '--os-cloud',
            'test',
            'image',
            'task',
            'show',
            'not-a-task',
            auth=(),
        )
        self.assertEqual(1, result.exit_code)
        self.assertEqual([], self.requests.request_history)

    def test_prepare_to_run_command_logs_in(self):
        self.requests.get(
            base.TASKS_URL + '/' + base.TASK_ID,
            json={'id': base.TASK_ID, 'status': 'success'},
        )
        self.assertSucceeds(
            self.openstack(
                '--os-cloud',
                'test',
                'image',
                'task',
                'show',
                base.TASK_ID,
                auth=(),
            )
        )
        sent = [(r.method, r.url) for r in self.requests.request_history]
        self.assertEqual(
            [
                ('GET', base.KEYSTONE),
                ('POST', base.KEYSTONE + '/auth/tokens'),
                ('GET', base.TASKS_URL + '/' + base.TASK_ID),
            ],
            sent,
        )


class TestParserAndRun(base.ShellTestCase):
    """Hooks 4 and 5: one-line usage errors; the collector frozen."""

    def test_usage_error_is_one_line(self):
        result = self.openstack('image', 'task', 'list', '--limit', '0')
        self.assertEqual(
            (
                2,
                '',
                'openstack image task list: error: argument --limit: '
                "'0' is not a positive whole number (see openstack image task "
                'list --help)\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )

    def test_run_freezes_the_collector(self):
        freeze = self.useFixture(
            fixtures.MockPatchObject(gc, 'freeze', mock.Mock(wraps=gc.freeze))
        ).mock
        self.requests.get(base.TASKS_URL, json={'tasks': []})
        self.assertSucceeds(self.openstack('image', 'task', 'list'))
        freeze.assert_called_once_with()

    def test_interactive_mode_freezes_nothing(self):
        # "openstack" with no command reads commands from its input and
        # runs them one after another in this process.
        freeze = self.useFixture(
            fixtures.MockPatchObject(gc, 'freeze', mock.Mock(wraps=gc.freeze))
        ).mock
        self.requests.get(
            base.TASKS_URL,
            json={
                'tasks': [
                    {'id': base.TASK_ID, 'type': 'import', 'status': 'success'}
                ]
            },
        )
        self.useFixture(
            fixtures.MockPatchObject(
                sys,
                'stdin',
                io.StringIO(
                    'image task list -f value -c ID\n'
                    'image task list -f value -c Status\n'
                ),
            )
        )
        # cmd2 runs the words of the command line as commands first.
        self.useFixture(fixtures.MockPatchObject(sys, 'argv', ['openstack']))
        result = self.openstack()
        # cliff's interactive mode ends at the end of its input with 1
        # (cliff 4.17), or None (cliff 4.0, the lowest we support).
        self.assertIn(result.exit_code, (1, None))
        self.assertEqual('', result.stderr)
        self.assertEqual([base.TASK_ID, 'success'], result.stdout.split())
        self.assertEqual(2, len(self.requests.request_history))
        freeze.assert_not_called()


class TestOurCommandWords(testtools.TestCase):
    def test_our_command_words_are_our_entry_points(self):
        names = {
            ep.name
            for ep in importlib.metadata.entry_points(
                group='openstack.image_tasks.v2'
            )
        }
        self.assertEqual(
            {f'image_task_{word}' for word in osc_hooks.COMMAND_WORDS[-1]},
            names,
        )


class TestEpilogWhenShown(base.ShellTestCase):
    """Hook 6: cliff's epilog, made when the help is shown."""

    def commands(self):
        return [
            ep.load()
            for ep in importlib.metadata.entry_points(
                group='openstack.image_tasks.v2'
            )
        ]

    def test_a_run_maps_no_distribution(self):
        spy = self.useFixture(
            fixtures.MockPatch(
                'cliff.command._get_distribution_for_module',
                wraps=cliff_command._get_distribution_for_module,
            )
        ).mock
        self.requests.get(
            base.TASKS_URL + '/' + base.TASK_ID,
            json={'id': base.TASK_ID, 'status': 'success'},
        )
        self.assertSucceeds(
            self.openstack('image', 'task', 'show', base.TASK_ID)
        )
        spy.assert_not_called()

    def test_the_help_is_cliffs(self):
        from openstackclient import shell

        app = shell.OpenStackShell()
        for cls in self.commands():
            prog = 'openstack image task x'
            shown = cls(app, None).get_parser(prog).format_help()
            with mock.patch.object(
                osc_hooks.PluginCommand,
                'get_epilog',
                cliff_command.Command.get_epilog,
            ):
                cliffs = cls(app, None).get_parser(prog)
            self.assertIn(
                'This command is provided by the imageplugin plugin.',
                cliffs.epilog,
            )
            self.assertEqual(cliffs.format_help(), shown)

    def test_help_shows_the_epilog(self):
        result = self.openstack('image', 'task', 'show', '--help')
        self.assertSucceeds(result)
        self.assertTrue(
            result.stdout.endswith(
                '\nThis command is provided by the imageplugin plugin.\n'
            ),
            result.stdout[-200:],
        )

    def test_the_sphinx_extension_reads_the_epilog(self):
        # cliff.sphinxext makes commands with no app, and reads
        # parser.epilog.
        for cls in self.commands():
            self.assertIn(
                'imageplugin plugin', cls(None, None).get_parser('x').epilog
            )

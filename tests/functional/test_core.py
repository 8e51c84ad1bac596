# SPDX-License-Identifier: Apache-2.0
"""Our ``image task show`` and ``list`` beside core OSC's, which they replace.

Core OSC runs from a virtualenv of its own, without the plugin, at the
version constraints.txt pins (``tox -e functional`` builds it and names its
``openstack`` in ``IMAGEPLUGIN_CORE_OSC``). Both get the same arguments
against the local cloud; for core's columns they must print the same
values. The differences on purpose, listed in the user guide, are asserted
as such.
"""

import ast
import json
import os
import re

from osc_lib import utils
import yaml

from tests.functional import base

# Core's show columns, in its order (sorted), and the ones we add.
CORE_SHOW_COLUMNS = (
    'created_at',
    'expires_at',
    'id',
    'input',
    'message',
    'owner_id',
    'properties',
    'result',
    'status',
    'type',
    'updated_at',
)
OUR_EXTRA_COLUMNS = ('image_id', 'request_id', 'user_id')
SHOW_FORMATS = ('table', 'json', 'yaml', 'value', 'shell')
LIST_FORMATS = ('table', 'json', 'yaml', 'value', 'csv')
TEMPURL_SIGNATURE = re.compile(r'(temp_url_sig=)[^&\'"]+')
# Another functional test may create a task between core's listing and
# ours: when they differ, the lists must differ with core's unchanged.
STABLE_TRIES = 5


def shown_fields(output_format, text, columns):
    """The ``{column: value}`` that ``image task show -f FORMAT`` printed."""
    if output_format == 'json':
        return json.loads(text)
    if output_format == 'yaml':
        return yaml.safe_load(text)
    if output_format == 'shell':
        return dict(
            re.fullmatch(r'(\w+)="(.*)"', line).groups()
            for line in text.splitlines()
        )
    if output_format == 'value':
        return dict(zip(columns, text.splitlines(), strict=True))
    cells = (
        line.split('|')[1:-1]
        for line in text.splitlines()
        if line.startswith('| ')
    )
    rows = {name.strip(): value.strip() for name, value in cells}
    rows.pop('Field')
    return rows


def as_our_table_shows(value):
    """Core's table cell for a dict (its repr) as ours prints it."""
    if not value.startswith('{'):
        return value
    return utils.format_dict(ast.literal_eval(value))


class CoreTestCase(base.FunctionalTestCase):
    def setUp(self):
        super().setUp()
        self.core = os.environ.get('IMAGEPLUGIN_CORE_OSC')
        self.assertTrue(
            self.core and os.access(self.core, os.X_OK),
            'IMAGEPLUGIN_CORE_OSC must name the openstack of a virtualenv '
            'with core OSC alone: run "tox -e functional"',
        )

    def both(self, *args):
        """Core's result and ours, for the same command line."""
        return (
            self.openstack(*args, executable=self.core),
            self.openstack(*args),
        )


class TestShow(CoreTestCase):
    tasks = {}

    def setUp(self):
        super().setUp()
        if not TestShow.tasks:
            TestShow.tasks = self.make_tasks()

    def make_tasks(self):
        """A finished task of each kind: success, failure, from --file."""
        qcow2 = self.sample('sample.qcow2')
        tasks = {
            'success': ['--import-from', qcow2['url'], '--name', 'core'],
            'failure': ['--import-from', self.cloud['failing_sample_url']],
            # Each test worker makes its own: the second would otherwise
            # find the first's image already there, and make no task.
            'tempurl': [
                '--file',
                qcow2['path'],
                '--name',
                'core-file',
                '--allow-duplicates',
            ],
        }
        for kind, args in tasks.items():
            task = self.openstack(
                'image', 'task', 'import', *args, '--wait', '-f', 'json'
            )
            self.assertIn(task.exit_code, (0, 1), task)
            tasks[kind] = task.json()['id']
            if task.json()['result']:
                self.addCleanup(
                    self.delete_image, task.json()['result']['image_id']
                )
        return tasks

    def compare(self, kind, output_format):
        core, ours = self.both(
            'image', 'task', 'show', self.tasks[kind], '-f', output_format
        )
        core_fields = shown_fields(
            output_format, self.assertSucceeds(core), CORE_SHOW_COLUMNS
        )
        our_fields = shown_fields(
            output_format,
            self.assertSucceeds(ours),
            sorted(CORE_SHOW_COLUMNS + OUR_EXTRA_COLUMNS),
        )
        self.assertEqual(CORE_SHOW_COLUMNS, tuple(core_fields))
        self.assertEqual(
            set(CORE_SHOW_COLUMNS + OUR_EXTRA_COLUMNS), set(our_fields)
        )
        if output_format == 'table':
            # On purpose: a dict reads as key='value' pairs, as in core's
            # "image show" properties, not as a Python repr.
            core_fields = {
                name: as_our_table_shows(value)
                for name, value in core_fields.items()
            }
        return core_fields, our_fields

    def assertSameAsCore(self, kind, output_format):
        core_fields, our_fields = self.compare(kind, output_format)
        self.assertEqual(
            core_fields, {name: our_fields[name] for name in CORE_SHOW_COLUMNS}
        )
        return our_fields

    def test_success(self):
        for output_format in SHOW_FORMATS:
            ours = self.assertSameAsCore('success', output_format)
            self.assertTrue(ours['request_id'].startswith('req-'), ours)
        task = self.assertSameAsCore('success', 'json')
        self.assertEqual(task['result']['image_id'], task['image_id'])
        self.assertEqual(
            self.cloud['admin']['username'],
            self.openstack(
                'user', 'show', task['user_id'], '-f', 'value', '-c', 'name'
            ).stdout.strip(),
        )

    def test_failure(self):
        for output_format in SHOW_FORMATS:
            self.assertSameAsCore('failure', output_format)

    def test_tempurl_signature_is_redacted(self):
        for output_format in SHOW_FORMATS:
            core_fields, our_fields = self.compare('tempurl', output_format)
            core_input = str(core_fields['input'])
            signature = TEMPURL_SIGNATURE.search(core_input)
            self.assertIsNotNone(signature, core_input)
            self.assertNotIn(signature[0], str(our_fields['input']))
            redacted = {
                name: (
                    TEMPURL_SIGNATURE.sub(r'\1<redacted>', str(value))
                    if name == 'input'
                    else value
                )
                for name, value in core_fields.items()
            }
            ours = {
                name: (
                    str(our_fields[name])
                    if name == 'input'
                    else our_fields[name]
                )
                for name in CORE_SHOW_COLUMNS
            }
            self.assertEqual(redacted, ours)


class TestList(CoreTestCase):
    made_tasks = False

    def setUp(self):
        super().setUp()
        if not TestList.made_tasks:
            # At least one task of each status that can be filtered on.
            for url in (
                self.sample('sample.raw')['url'],
                self.cloud['failing_sample_url'],
            ):
                self.assertIn(self.import_and_wait(url).exit_code, (0, 1))
            TestList.made_tasks = True

    def assertSameAsCore(self, *args, transform=lambda out: out):
        """Ours prints what core prints (``transform``-ed); return it."""
        for _ in range(STABLE_TRIES):
            core, ours = self.both('image', 'task', 'list', *args)
            expected = transform(self.assertSucceeds(core))
            if self.assertSucceeds(ours) == expected:
                return ours.stdout
            again = self.openstack(
                'image', 'task', 'list', *args, executable=self.core
            )
            if again.stdout == core.stdout:
                break  # the same tasks, listed differently
        self.assertEqual(expected, ours.stdout)

    def test_every_format(self):
        for output_format in LIST_FORMATS:
            self.assertSameAsCore('-f', output_format)

    def test_filters_sorting_and_pages(self):
        # Each set of options in one format, the formats in turn: each
        # call costs core OSC's start-up (about a second).
        first = self.assertSameAsCore(
            '--sort-key', 'created_at', '--sort-dir', 'asc', '-f', 'json'
        )
        marker = json.loads(first)[0]['ID']
        option_sets = (
            ['--status', 'success'],
            ['--status', 'failure', '--type', 'import'],
            ['--sort-key', 'status', '--sort-dir', 'asc'],
            ['--sort-key', 'updated_at', '--sort-dir', 'desc'],
            ['--limit', '1'],
            ['--limit', '2', '--sort-dir', 'asc'],
            [
                '--marker',
                marker,
                '--sort-key',
                'created_at',
                '--sort-dir',
                'asc',
                '--limit',
                '1',
            ],
        )
        for number, args in enumerate(option_sets):
            output_format = LIST_FORMATS[number % len(LIST_FORMATS)]
            self.assertSameAsCore(*args, '-f', output_format)

    def test_max_items_is_obeyed(self):
        # On purpose: core OSC ignores --max-items and lists everything.
        ours = self.assertSameAsCore(
            '--max-items',
            '2',
            '--sort-dir',
            'asc',
            '-f',
            'value',
            transform=lambda out: ''.join(out.splitlines(True)[:2]),
        )
        self.assertEqual(2, len(ours.splitlines()))

    def test_sort_dir_with_a_key_is_a_usage_error(self):
        # On purpose: core sends "created_at:asc" and shows Glance's 400.
        core, ours = self.both(
            'image', 'task', 'list', '--sort-dir', 'created_at:asc'
        )
        self.assertEqual(1, core.exit_code, core)
        self.assertIn('Invalid sort direction', core.stderr)
        self.assertFailsWith(
            ours,
            'openstack image task list: error: argument --sort-dir: '
            "invalid choice: 'created_at:asc' (choose from 'asc', 'desc') "
            '(see openstack image task list --help)',
            exit_code=2,
        )

    def test_errors_are_one_line(self):
        # On purpose: one line, before any request, not the exception of
        # Glance's 400.
        core, ours = self.both('image', 'task', 'list', '--marker', 'nope')
        self.assertEqual(1, core.exit_code, core)
        self.assertIn('BadRequestException', core.stderr)
        self.assertFailsWith(
            ours,
            "'nope' is not a task ID: task IDs are UUIDs such as "
            'fc29a67c-ad76-49bc-a317-a5f38dcb44c0',
        )

    def test_page_size_must_be_positive(self):
        # On purpose: core sends limit=0 and lists nothing, exit 0.
        core, ours = self.both('image', 'task', 'list', '--limit', '0')
        self.assertEqual((0, ''), (core.exit_code, core.stdout.strip()))
        self.assertEqual(2, ours.exit_code, ours)
        self.assertIn("'0' is not a positive whole number", ours.stderr)

# SPDX-License-Identifier: Apache-2.0
"""One spelling of a task's times and message, whatever the route and the
command: the tasks API's (UTC to the second, with a Z), and an empty
message shown empty."""

import json

import yaml

from imageplugin import task
from tests.unit import base
from tests.unit import fakes
from tests.unit import test_interop

IMAGE_ID = test_interop.IMAGE_ID
# One task as the two routes answer for it (Glance 33): the tasks API
# spells created_at with a Z and expires_at without; an image's tasks
# spell them all as the database holds them, UTC with no zone.
TASKS_API = dict(
    fakes.GLANCE_SUCCESS,
    created_at='2026-11-30T23:18:46Z',
    updated_at='2026-11-30T23:18:48Z',
    expires_at='2026-12-02T23:18:48.000000',
)
OF_IMAGE = dict(
    test_interop.import_task('success'),
    created_at='2026-11-30T23:18:46.550651',
    updated_at='2026-11-30T23:18:48.103223',
    expires_at='2026-12-02T23:18:48.000000',
)
TIMES = {
    'created_at': '2026-11-30T23:18:46Z',
    'updated_at': '2026-11-30T23:18:48Z',
    'expires_at': '2026-12-02T23:18:48Z',
}
LONG_TIMES = {
    'Created At': TIMES['created_at'],
    'Updated At': TIMES['updated_at'],
    'Expires At': TIMES['expires_at'],
}


class TestTimes(base.ShellTestCase):
    def setUp(self):
        super().setUp()
        self.requests.get(base.TASKS_URL + '/' + base.TASK_ID, json=TASKS_API)
        self.requests.get(base.TASKS_URL, json={'tasks': [TASKS_API]})
        self.requests.get(
            f'{base.ENDPOINT}/v2/images/{IMAGE_ID}/tasks',
            json={'tasks': [OF_IMAGE]},
        )

    def json_of(self, *args):
        return json.loads(
            self.assertSucceeds(
                self.openstack('image', 'task', *args, '-f', 'json')
            )
        )

    def test_show_spells_times_alike_on_both_routes(self):
        for route in ((), ('--image', IMAGE_ID)):
            shown = self.json_of('show', base.TASK_ID, *route)
            self.assertEqual(
                TIMES, {name: shown[name] for name in TIMES}, route
            )

    def test_long_list_spells_times_alike_on_both_routes(self):
        for route in ((), ('--image', IMAGE_ID)):
            [listed] = self.json_of('list', '--long', *route)
            self.assertEqual(
                LONG_TIMES, {name: listed[name] for name in LONG_TIMES}, route
            )

    def test_value_and_table_show_the_same_spelling(self):
        out = self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'list',
                '--long',
                '--image',
                IMAGE_ID,
                '-f',
                'value',
                '-c',
                'Created At',
                '-c',
                'Expires At',
            )
        )
        self.assertEqual('2026-11-30T23:18:46Z 2026-12-02T23:18:48Z\n', out)
        out = self.assertSucceeds(
            self.openstack(
                'image', 'task', 'show', base.TASK_ID, '--image', IMAGE_ID
            )
        )
        self.assertIn('| created_at | 2026-11-30T23:18:46Z ', out)

    def test_spellings(self):
        for given, shown in [
            ('2026-12-06T21:40:19Z', '2026-12-06T21:40:19Z'),
            ('2026-12-06T21:40:19.000000', '2026-12-06T21:40:19Z'),
            ('2026-12-06T21:40:19.999999', '2026-12-06T21:40:19Z'),
            ('2026-12-06 21:40:19', '2026-12-06T21:40:19Z'),
            ('2026-12-06T21:40:19+00:00', '2026-12-06T21:40:19Z'),
            ('2026-12-06T23:40:19.5+02:00', '2026-12-06T21:40:19Z'),
            ('2026-12-06T20:40:19-0100', '2026-12-06T21:40:19Z'),
            ('2026-12-07T00:10:19+02:30', '2026-12-06T21:40:19Z'),
            # Not a time this code knows: as it came.
            (None, None),
            ('', ''),
            ('soon', 'soon'),
            ('2026-12-06', '2026-12-06'),
        ]:
            self.assertEqual(shown, task.utc_time(given), given)


class TestImportOutcome(test_interop.InteropTestCase):
    def test_an_import_shows_the_tasks_api_spelling(self):
        shown = json.loads(self.assertSucceeds(self.url_import('-f', 'json')))
        self.assertEqual(
            ('2026-11-30T23:18:46Z', '2026-11-30T23:18:46Z'),
            (shown['created_at'], shown['updated_at']),
        )


# An empty message as each dialect gives it.
EMPTY_MESSAGES = {
    'Rackspace': {'message': 'None'},
    'Glance': {'message': ''},
    'null': {'message': None},
    'missing': {},
}


class TestEmptyMessage(base.ShellTestCase):
    """One rendering of an empty message per format, on show and list."""

    def answer(self, fields):
        answered = dict(fakes.GLANCE_SUCCESS)
        del answered['message']
        answered.update(fields)
        self.requests.get(base.TASKS_URL + '/' + base.TASK_ID, json=answered)
        self.requests.get(base.TASKS_URL, json={'tasks': [answered]})

    def rendered(self, output_format):
        """The message as show and list --long render it, in a format."""
        show = self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'show',
                base.TASK_ID,
                '-c',
                'message',
                '-f',
                output_format,
            )
        )
        listed = self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'list',
                '--long',
                '-c',
                'Message',
                '-f',
                output_format,
            )
        )
        return show, listed

    def test_each_format_renders_every_empty_message_alike(self):
        expected = {
            'json': (
                lambda out: json.loads(out),
                {'message': ''},
                [{'Message': ''}],
            ),
            'yaml': (yaml.safe_load, {'message': ''}, [{'Message': ''}]),
            'value': (str, '\n', '\n'),
            'table': (_table_cells, [''], ['']),
        }
        for name, fields in EMPTY_MESSAGES.items():
            self.answer(fields)
            for output_format, (read, show, listed) in expected.items():
                self.assertEqual(
                    (show, listed),
                    tuple(read(out) for out in self.rendered(output_format)),
                    (name, output_format),
                )

    def test_a_message_is_shown_as_it_came(self):
        self.answer({'message': 'Image import failed'})
        self.assertEqual(
            ('Image import failed\n', 'Image import failed\n'),
            self.rendered('value'),
        )


def _table_cells(out):
    """The cells of a table's only column, below its heading."""
    rows = [
        line.split('|') for line in out.splitlines() if line.startswith('|')
    ]
    return [row[-2].strip() for row in rows[1:]]

# SPDX-License-Identifier: Apache-2.0
import json

from tests.unit import base
from tests.unit import fakes


class TestList(base.ShellTestCase):
    def page(self, count, start=0, next_marker=None):
        body = {
            'tasks': [
                {
                    'id': f'00000000-0000-0000-0000-{n:012d}',
                    'type': 'import',
                    'status': 'success',
                    'owner': 'o',
                    'created_at': '2026-11-27T10:00:00Z',
                    'updated_at': '2026-11-27T10:00:01Z',
                    'expires_at': '2026-11-29T10:00:01Z',
                }
                for n in range(start, start + count)
            ],
            'first': '/v2/tasks',
            'schema': '/v2/schemas/tasks',
        }
        if next_marker:
            body['next'] = f'/v2/tasks?marker={next_marker}&limit={count}'
        return {'json': body}

    def test_follows_pages_with_filters(self):
        self.requests.get(
            base.TASKS_URL,
            [
                self.page(2, 0, next_marker='m1'),
                self.page(2, 2, next_marker='m2'),
                self.page(1, 4),
            ],
        )
        out = self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'list',
                '--status',
                'success',
                '--type',
                'api_image_import',
                '--sort-key',
                'updated_at',
                '--sort-dir',
                'asc',
                '--limit',
                '2',
                '-f',
                'json',
            )
        )
        listed = json.loads(out)
        self.assertEqual(5, len(listed))
        self.assertEqual(
            {
                'ID': '00000000-0000-0000-0000-000000000000',
                'Type': 'import',
                'Status': 'success',
                'Owner': 'o',
            },
            listed[0],
        )
        queries = [r.qs for r in self.requests.request_history]
        common = {
            'status': ['success'],
            'type': ['api_image_import'],
            'sort_key': ['updated_at'],
            'sort_dir': ['asc'],
            'limit': ['2'],
        }
        self.assertEqual(
            [common, dict(common, marker=['m1']), dict(common, marker=['m2'])],
            queries,
        )

    def test_a_marker_that_is_no_task_id_is_refused_first(self):
        result = self.openstack('image', 'task', 'list', '--marker', 'nope')
        self.assertFailsWith(
            result,
            "'nope' is not a task ID: task IDs are UUIDs such as "
            'fc29a67c-ad76-49bc-a317-a5f38dcb44c0',
        )
        self.assertEqual([], self.requests.request_history)

    def test_max_items_really_stops(self):
        self.requests.get(
            base.TASKS_URL,
            [
                self.page(3, 0, next_marker='m1'),
                self.page(3, 3, next_marker='m2'),
            ],
        )
        out = self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'list',
                '--max-items',
                '4',
                '--limit',
                '3',
                '-f',
                'value',
                '-c',
                'ID',
            )
        )
        self.assertEqual(
            [f'00000000-0000-0000-0000-{n:012d}' for n in range(4)],
            out.split(),
        )
        self.assertEqual(
            [['3'], ['1']],
            [r.qs['limit'] for r in self.requests.request_history],
        )

    def test_pages_are_bounded_when_no_size_is_given(self):
        self.requests.get(
            base.TASKS_URL,
            [self.page(100, 0, next_marker='m1'), self.page(100, 100)],
        )
        out = self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'list',
                '--max-items',
                '1000',
                '-f',
                'value',
                '-c',
                'ID',
            )
        )
        self.assertEqual(200, len(out.split()))
        self.assertEqual(
            [['200'], ['200']],
            [r.qs['limit'] for r in self.requests.request_history],
        )

    def test_long(self):
        self.requests.get(base.TASKS_URL, [self.page(1)])
        out = self.assertSucceeds(
            self.openstack('image', 'task', 'list', '--long', '-f', 'json')
        )
        self.assertEqual(
            [
                'ID',
                'Type',
                'Status',
                'Owner',
                'Created At',
                'Updated At',
                'Expires At',
                'Message',
            ],
            list(json.loads(out)[0]),
        )

    def test_rackspace_entries(self):
        # Rackspace lists no expires_at, input, result or message.
        ids = ['baef2134-9c33-47b9-9d63-c29a2a224715', base.TASK_ID]
        self.requests.get(
            base.TASKS_URL,
            json={
                'first': '/v2/tasks',
                'schema': '/v2/schemas/tasks',
                'tasks': [
                    fakes.rackspace_list_entry(ids[0], 'pending'),
                    fakes.rackspace_list_entry(ids[1], 'processing'),
                ],
            },
        )
        out = self.assertSucceeds(
            self.openstack('image', 'task', 'list', '--long', '-f', 'json')
        )
        self.assertEqual(
            [
                {
                    'ID': ids[0],
                    'Type': 'export',
                    'Status': 'pending',
                    'Owner': '00000123',
                    'Created At': '2014-02-26T02:04:18Z',
                    'Updated At': '2014-02-26T02:04:18Z',
                    'Expires At': None,
                    'Message': '',
                },
                {
                    'ID': ids[1],
                    'Type': 'export',
                    'Status': 'processing',
                    'Owner': '00000123',
                    'Created At': '2014-02-26T02:04:18Z',
                    'Updated At': '2014-02-26T02:04:18Z',
                    'Expires At': None,
                    'Message': '',
                },
            ],
            json.loads(out),
        )

    def serve_typed_tasks(self):
        """Glance's list: its type filter takes 'import' alone; pages of
        two, three api_image_import tasks among five."""
        ids = [f'00000000-0000-0000-0000-{n:012d}' for n in range(5)]
        types = [
            'import',
            'api_image_import',
            'import',
            'api_image_import',
            'api_image_import',
        ]

        def answer(request, context):
            if request.qs.get('type', ['import']) != ['import']:
                context.status_code = 400
                return {
                    'message': 'Invalid type value: '
                    f'{request.qs["type"][0]}<br /><br />\n',
                    'code': '400 Bad Request',
                    'title': 'Bad Request',
                }
            start = (
                ids.index(request.qs['marker'][0]) + 1
                if 'marker' in request.qs
                else 0
            )
            end = start + int(request.qs['limit'][0])
            body = {
                'tasks': [
                    {
                        'id': ids[n],
                        'type': types[n],
                        'status': 'success',
                        'owner': 'o',
                    }
                    for n in range(start, min(end, 5))
                ]
            }
            if end < 5:
                body['next'] = f'/v2/tasks?marker={ids[end - 1]}'
            return body

        self.requests.get(base.TASKS_URL, json=answer)
        self.serve_task_schema(fakes.GLANCE_TASK_SCHEMA)
        return ids

    def test_type_glance_lists_but_does_not_filter(self):
        ids = self.serve_typed_tasks()
        result = self.openstack(
            'image',
            'task',
            'list',
            '--type',
            'api_image_import',
            '--limit',
            '2',
            '-f',
            'value',
            '-c',
            'ID',
        )
        self.assertEqual(
            (0, f'{ids[1]}\n{ids[3]}\n{ids[4]}\n', ''),
            (result.exit_code, result.stdout, result.stderr),
        )
        # Refused with the type, then every page without it.
        self.assertEqual(
            [
                {'type': ['api_image_import'], 'limit': ['2']},
                {'limit': ['2']},
                {'limit': ['2'], 'marker': [ids[1]]},
                {'limit': ['2'], 'marker': [ids[3]]},
            ],
            [
                r.qs
                for r in self.requests.request_history
                if r.path == '/v2/tasks'
            ],
        )

    def test_type_filtered_by_the_client_honours_max_items_and_marker(self):
        ids = self.serve_typed_tasks()
        result = self.openstack(
            'image',
            'task',
            'list',
            '--type',
            'api_image_import',
            '--limit',
            '2',
            '--marker',
            ids[0],
            '--max-items',
            '1',
            '-f',
            'value',
            '-c',
            'ID',
        )
        self.assertEqual(
            (0, f'{ids[1]}\n', ''),
            (result.exit_code, result.stdout, result.stderr),
        )
        # One task wanted: no page read after the one that holds it.
        self.assertEqual(
            [
                {
                    'type': ['api_image_import'],
                    'limit': ['1'],
                    'marker': [ids[0]],
                },
                {'limit': ['2'], 'marker': [ids[0]]},
            ],
            [
                r.qs
                for r in self.requests.request_history
                if r.path == '/v2/tasks'
            ],
        )

    def test_type_the_cloud_does_not_have(self):
        self.serve_typed_tasks()
        self.assertFailsWith(
            self.openstack('image', 'task', 'list', '--type', 'export'),
            '--type export: this cloud has no task of that type (its task '
            'types: import, api_image_import, location_import)',
        )

    def test_bad_status(self):
        result = self.openstack('image', 'task', 'list', '--status', 'done')
        self.assertEqual(2, result.exit_code)
        self.assertIn(
            "argument --status: invalid choice: 'done'", result.stderr
        )

    def test_bad_sort_key_from_the_server(self):
        self.requests.get(
            base.TASKS_URL,
            status_code=400,
            json={'message': 'Sort key supplied was not valid.<br /><br />\n'},
        )
        self.assertFailsWith(
            self.openstack('image', 'task', 'list', '--sort-key', 'name'),
            'Cannot list tasks: Sort key supplied was not valid. (HTTP 400)',
        )

    def test_zero_limit(self):
        result = self.openstack('image', 'task', 'list', '--limit', '0')
        self.assertEqual(2, result.exit_code)
        self.assertIn(
            "argument --limit: '0' is not a positive whole number",
            result.stderr,
        )

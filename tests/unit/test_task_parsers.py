# SPDX-License-Identifier: Apache-2.0
"""Each command's parser: an argument list in, the parsed values out."""

import testtools

from imageplugin import task
from imageplugin import taskcopy
from imageplugin import taskexport
from imageplugin import taskimport
from imageplugin import tasklist


def parsed(command_class, *argv):
    command = command_class(None, None)
    parser = command.get_parser('openstack image task')
    return vars(parser.parse_args(list(argv)))


class TestImportParser(testtools.TestCase):
    def test_defaults(self):
        values = parsed(
            taskimport.ImportTask, '--import-from', 'https://x/d.img'
        )
        self.assertEqual(
            {
                'import_from': 'https://x/d.img',
                'file': None,
                'image': None,
                'name': None,
                'disk_format': None,
                'container_format': None,
                'import_from_format': None,
                'properties': None,
                'min_disk': None,
                'min_ram': None,
                'tags': None,
                'visibility': None,
                'protected': None,
                'extra_input': None,
                'container': 'images',
                'object_name': None,
                'segment_size': None,
                'upload_concurrency': None,
                'keep_upload': False,
                'dialect': None,
                'method': None,
                'stores': None,
                'all_stores': False,
                'keep_image': False,
                'dry_run': False,
                'wait': False,
                'timeout': None,
                'progress': True,
                'max_poll_interval': 30.0,
            },
            {
                key: values[key]
                for key in (
                    'import_from',
                    'file',
                    'image',
                    'name',
                    'disk_format',
                    'container_format',
                    'import_from_format',
                    'properties',
                    'min_disk',
                    'min_ram',
                    'tags',
                    'visibility',
                    'protected',
                    'extra_input',
                    'container',
                    'object_name',
                    'segment_size',
                    'upload_concurrency',
                    'keep_upload',
                    'dialect',
                    'method',
                    'stores',
                    'all_stores',
                    'keep_image',
                    'dry_run',
                    'wait',
                    'timeout',
                    'progress',
                    'max_poll_interval',
                )
            },
        )

    def test_typed_values(self):
        values = parsed(
            taskimport.ImportTask,
            '--file',
            'disk.raw',
            '--name',
            'disk',
            '--min-disk',
            '2',
            '--min-ram',
            '512',
            '--tag',
            'a',
            '--tag',
            'b',
            '--property',
            'os_distro=cirros',
            '--private',
            '--protected',
            '--segment-size',
            '64M',
            '--upload-concurrency',
            '4',
            '--store',
            'fast',
            '--store',
            'cheap',
            '--wait',
            '--timeout',
            '90',
            '--no-progress',
            '--dry-run',
        )
        self.assertEqual(
            (
                'disk.raw',
                'disk',
                2,
                512,
                ['a', 'b'],
                {'os_distro': 'cirros'},
                'private',
                True,
                64 * 1024**2,
                4,
                ['fast', 'cheap'],
                True,
                90.0,
                False,
                True,
            ),
            tuple(
                values[key]
                for key in (
                    'file',
                    'name',
                    'min_disk',
                    'min_ram',
                    'tags',
                    'properties',
                    'visibility',
                    'protected',
                    'segment_size',
                    'upload_concurrency',
                    'stores',
                    'wait',
                    'timeout',
                    'progress',
                    'dry_run',
                )
            ),
        )


class TestCopyParser(testtools.TestCase):
    def test_values(self):
        values = parsed(
            taskcopy.CopyTask,
            'cirros',
            '--to-region',
            'RegionTwo',
            '--name',
            'copy',
            '--method',
            'glance-direct',
            '--keep-image',
            '--dry-run',
        )
        self.assertEqual(
            (
                'cirros',
                'RegionTwo',
                'copy',
                'glance-direct',
                True,
                True,
                'images',
                False,
            ),
            tuple(
                values[key]
                for key in (
                    'image',
                    'to_region',
                    'name',
                    'method',
                    'keep_image',
                    'dry_run',
                    'container',
                    'keep_upload',
                )
            ),
        )


class TestShowParser(testtools.TestCase):
    def test_values(self):
        values = parsed(
            task.ShowTask,
            'fc29a67c-ad76-49bc-a317-a5f38dcb44c0',
            '--image',
            'cirros',
            '--wait',
            '--max-poll-interval',
            '5',
        )
        self.assertEqual(
            ('fc29a67c-ad76-49bc-a317-a5f38dcb44c0', 'cirros', True, 5.0),
            tuple(
                values[key]
                for key in ('task', 'image', 'wait', 'max_poll_interval')
            ),
        )


class TestListParser(testtools.TestCase):
    def test_values(self):
        values = parsed(
            tasklist.ListTask,
            '--status',
            'failure',
            '--type',
            'import',
            '--sort-key',
            'updated_at',
            '--sort-dir',
            'asc',
            '--limit',
            '20',
            '--max-items',
            '50',
            '--long',
        )
        self.assertEqual(
            ('failure', 'import', 'updated_at', 'asc', 20, 50, True, None),
            tuple(
                values[key]
                for key in (
                    'status',
                    'type',
                    'sort_key',
                    'sort_dir',
                    'limit',
                    'max_items',
                    'long',
                    'image',
                )
            ),
        )


class TestExportParser(testtools.TestCase):
    def test_values(self):
        values = parsed(
            taskexport.ExportTask, 'cirros', '--container', 'exports', '--wait'
        )
        self.assertEqual(
            ('cirros', 'exports', True),
            (values['image'], values['container'], values['wait']),
        )

# SPDX-License-Identifier: Apache-2.0
"""One pre-flight for every route: the same bad input, the same refusal.

Each input runs through the real shell on every route that would make an
image of it; each must end with the same one line on stderr, exit 1, and
no request at all (no login, no read of the source, no task, no image).
The rules are Glance 33's answers (see imageplugin/preflight.py).
"""

import json
import os

import fixtures
from osc_lib import exceptions
import testtools

from imageplugin import preflight
from tests.unit import base
from tests.unit import images

URL = 'http://127.0.0.1:8000/a.qcow2'
# Stands for the test's file.
FILE = object()
IMAGE = '7d1b6f4e-0c3a-4f7e-9a51-2b8e6c0d4f11'
OUTSIDE_BMP = (
    'image names can hold no character outside the Basic '
    'Multilingual Plane (here U+1F600), which Glance refuses to '
    'store'
)

# (name, options, stderr line); the options describe a new image.
INPUTS = [
    (
        'emoji in the name',
        ('--name', 'x\U0001f600'),
        "--name 'x\U0001f600': " + OUTSIDE_BMP,
    ),
    (
        'name too long',
        ('--name', 'n' * 256),
        '--name ' + 'n' * 37 + '...: image names have at most 255 characters '
        '(this one has 256)',
    ),
    (
        'min-ram over the database integers',
        ('--min-ram', '99999999999999999999'),
        '--min-ram 99999999999999999999: at most 2147483647 (MiB)',
    ),
    (
        'min_disk property over the database integers',
        ('--property', 'min_disk=2147483648'),
        '--property min_disk=2147483648: at most 2147483647 (GiB)',
    ),
    (
        'empty tag',
        ('--tag', 'a', '--tag', ''),
        "--tag '': tags must not be empty",
    ),
    (
        'tag too long',
        ('--tag', 't' * 300),
        '--tag ' + 't' * 37 + '...: tags have at most 255 characters (this '
        'one has 300)',
    ),
    (
        'emoji in a tag',
        ('--tag', '\U0001f600'),
        "--tag '\U0001f600': tags can hold no character outside the Basic "
        'Multilingual Plane (here U+1F600), which Glance refuses to store',
    ),
    (
        'property name too long',
        ('--property', 'k' * 256 + '=v'),
        '--property ' + 'k' * 37 + '...: property names have at most 255 '
        'characters (this one has 256)',
    ),
    (
        'emoji in a property value',
        ('--property', 'os_distro=\U0001f600'),
        "--property 'os_distro=\U0001f600': property values can hold no "
        'character outside the Basic Multilingual Plane (here U+1F600), '
        'which Glance refuses to store',
    ),
    (
        'reserved property',
        ('--property', 'os_glance_import_task=x'),
        '--property os_glance_import_task=x: os_glance_import_task is '
        "reserved for the image service's own use",
    ),
    (
        'read-only property',
        ('--property', 'size=5'),
        '--property size=5: size is set by the image service (read-only)',
    ),
    (
        'unknown visibility',
        ('--property', 'visibility=everyone'),
        '--property visibility=everyone: visibility is one of public, '
        'private, community, shared',
    ),
    (
        'negative min_ram in the task input',
        ('--input', json.dumps({'image_properties': {'min_ram': -1}})),
        '--input image_properties min_ram=-1: must not be negative',
    ),
    (
        'tags in the task input as text',
        ('--input', json.dumps({'image_properties': {'tags': 'a,b'}})),
        '--input image_properties tags=a,b: tags are a list: give each '
        'with --tag',
    ),
]

# (name, command line before the options): every route of an import,
# chosen by the options alone or by the cloud (the check comes first).
ROUTES = [
    (
        'tasks API from a URL',
        ('image', 'task', 'import', '--import-from', URL, '--method', 'task'),
    ),
    (
        'URL, route left to the cloud',
        ('image', 'task', 'import', '--import-from', URL),
    ),
    (
        'Rackspace object',
        ('image', 'task', 'import', '--import-from', 'images/a.vhd'),
    ),
    (
        'web-download',
        (
            'image',
            'task',
            'import',
            '--import-from',
            URL,
            '--method',
            'web-download',
        ),
    ),
    (
        'file through object storage',
        ('image', 'task', 'import', '--file', FILE, '--method', 'task'),
    ),
    (
        'glance-direct',
        (
            'image',
            'task',
            'import',
            '--file',
            FILE,
            '--method',
            'glance-direct',
        ),
    ),
    (
        'copy-image',
        ('image', 'task', 'import', '--image', IMAGE, '--store', 'cheap'),
    ),
]


class TestEveryRoute(base.ShellTestCase):
    """The same input, the same line, on every route."""

    def setUp(self):
        super().setUp()
        folder = self.useFixture(fixtures.TempDir()).path
        self.file = os.path.join(folder, 'a.qcow2')
        with open(self.file, 'wb') as out:
            out.write(images.qcow2())

    def refused(self, argv, message):
        argv = [self.file if arg == FILE else arg for arg in argv]
        result = self.openstack(*argv)
        self.assertEqual(
            (1, '', message + '\n'),
            (result.exit_code, result.stdout, result.stderr),
        )
        self.assertEqual([], self.requests.request_history)

    def test_the_table_is_whole(self):
        self.assertEqual(14, len(INPUTS))
        self.assertEqual(7, len(ROUTES))

    def test_a_name_for_image_task_copy(self):
        for name in ('x\U0001f600', 'n' * 256):
            message = next(
                line
                for _, options, line in INPUTS
                if options == ('--name', name)
            )
            self.refused(
                (
                    'image',
                    'task',
                    'copy',
                    IMAGE,
                    '--to-region',
                    'Two',
                    '--name',
                    name,
                ),
                message,
            )

    def test_a_name_taken_from_the_file(self):
        path = os.path.join(os.path.dirname(self.file), 'x\U0001f600.qcow2')
        os.rename(self.file, path)
        self.file = path
        for route in ('file through object storage', 'glance-direct'):
            self.refused(
                dict(ROUTES)[route],
                "the image name 'x\U0001f600' taken from --file: image "
                'names can hold no character outside the Basic Multilingual '
                'Plane (here U+1F600), which Glance refuses to store; give '
                '--name',
            )


def _route_test(route, options, message):
    def test(self):
        self.refused(route + options, message)

    return test


for _input, _options, _message in INPUTS:
    for _route, _argv in ROUTES:
        setattr(
            TestEveryRoute,
            f'test_{_input}_on_{_route}'.replace(' ', '_')
            .replace('-', '_')
            .replace(',', ''),
            _route_test(_argv, _options, _message),
        )


class TestLimits(testtools.TestCase):
    """The edges, as Glance 33 answered them."""

    def refusal(self, properties, **options):
        error = self.assertRaises(
            exceptions.CommandError,
            preflight.check_properties,
            properties,
            **options,
        )
        return str(error)

    def test_largest_values_pass(self):
        preflight.check_properties(
            {
                'name': '\u00e9' * 255,
                'tags': ['t' * 255, 'a/b'],
                'min_ram': 2**31 - 1,
                'min_disk': 0,
                'k' * 255: 'v' * 65536,
                'os_distro': '\u4e2d',
                'protected': True,
                'visibility': 'shared',
                'owner': 'someone',
            }
        )
        self.assertEqual('n' * 255, preflight.checked_name('n' * 255))
        self.assertIsNone(preflight.checked_name(None))

    def test_a_name_may_be_null_in_task_input(self):
        preflight.check_properties(
            {'name': None}, default='--input image_properties'
        )

    def test_first_character_outside_the_plane_is_named(self):
        self.assertEqual(
            "--name 'a\U00010348\U0001f600': image names can hold no "
            'character outside the Basic Multilingual Plane (here '
            'U+10348), which Glance refuses to store',
            str(
                self.assertRaises(
                    exceptions.CommandError,
                    preflight.checked_name,
                    'a\U00010348\U0001f600',
                )
            ),
        )

    def test_typed_values_of_task_input(self):
        option = '--input image_properties'
        for properties, message in (
            (
                {'min_disk': 1.5},
                '--input image_properties min_disk=1.5: must be a whole '
                'number',
            ),
            (
                {'min_ram': True},
                '--input image_properties min_ram=true: must be a whole '
                'number',
            ),
            (
                {'protected': 1},
                '--input image_properties protected=1: protected must be '
                'true or false',
            ),
            ({'tags': [5]}, '--input image_properties tags=5: tags are text'),
            (
                {'name': 'n' * 256},
                '--input image_properties name=' + 'n' * 32 + '...: image '
                'names have at most 255 characters (this one has 256)',
            ),
        ):
            self.assertEqual(message, self.refusal(properties, default=option))

    def test_properties_glance_keeps(self):
        for key in (
            'status',
            'checksum',
            'os_hash_value',
            'created_at',
            'stores',
        ):
            self.assertIn('(read-only)', self.refusal({key: 'x'}))
        for key in ('locations', 'deleted', 'os_glance_stores'):
            self.assertIn(
                "reserved for the image service's own use",
                self.refusal({key: 'x'}),
            )

    def test_the_option_is_named(self):
        self.assertEqual(
            '--min-disk 2147483648: at most 2147483647 (GiB)',
            self.refusal(
                {'min_disk': 2**31}, options={'min_disk': '--min-disk'}
            ),
        )

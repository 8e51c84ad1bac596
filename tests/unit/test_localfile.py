# SPDX-License-Identifier: Apache-2.0
"""localfile.checked_file: a --file and the options, before logging in."""

import argparse
import os

import fixtures
from osc_lib import exceptions
import testtools

from imageplugin import largeobject
from imageplugin import localfile
from tests.support import files
from tests.unit import images


def namespace(path, **given):
    values = {
        'file': path,
        'name': None,
        'properties': None,
        'min_disk': None,
        'min_ram': None,
        'tags': None,
        'visibility': None,
        'protected': None,
        'disk_format': None,
        'container_format': None,
        'import_from_format': None,
        'object_name': None,
        'extra_input': None,
    }
    values.update(given)
    return argparse.Namespace(**values)


class TestCheckedFile(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path

    def test_named_after_the_file_and_its_identity(self):
        path = files.write_file(self.dir, 'disk.qcow2', images.qcow2())
        local = localfile.checked_file(namespace(path))
        identity = largeobject.file_identity(os.stat(path))
        self.assertEqual(
            (
                {'name': 'disk'},
                'qcow2',
                largeobject.default_object_name('disk.qcow2', identity),
            ),
            (local.properties, local.image.formats.disk, local.name),
        )

    def test_a_missing_file_is_refused(self):
        error = self.assertRaises(
            exceptions.CommandError,
            localfile.checked_file,
            namespace(os.path.join(self.dir, 'none.raw')),
        )
        self.assertIn('none.raw', str(error))

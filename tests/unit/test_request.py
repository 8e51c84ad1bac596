# SPDX-License-Identifier: Apache-2.0
"""request.ImportRequest: the command line read once, typed and checked."""

import argparse

from osc_lib import exceptions
import testtools

from imageplugin import request


def namespace(**given):
    """argparse's namespace of ``image task import`` with ``given``."""
    values = {
        'import_from': 'https://example.com/disk.img',
        'file': None,
        'image': None,
        'name': None,
        'properties': None,
        'min_disk': None,
        'min_ram': None,
        'tags': None,
        'visibility': None,
        'protected': None,
        'extra_input': None,
        'stores': None,
    }
    values.update(given)
    return argparse.Namespace(**values)


class TestFromArgs(testtools.TestCase):
    def test_properties_typed_and_options_named(self):
        read = request.ImportRequest.from_args(
            namespace(
                name='disk',
                min_disk=2,
                tags=['a', 'a', 'b'],
                properties={'os_distro': 'cirros', 'protected': 'yes'},
            )
        )
        self.assertEqual(
            {
                'name': 'disk',
                'min_disk': 2,
                'tags': ['a', 'b'],
                'os_distro': 'cirros',
                'protected': True,
            },
            read.image_properties,
        )
        self.assertEqual(('--property', '--min-disk', '--tag'), read.given)
        self.assertEqual(('a', 'a', 'b'), read.tags)

    def test_input_is_an_object_with_typed_properties(self):
        read = request.ImportRequest.from_args(
            namespace(extra_input='{"image_properties": {"min_ram": "512"}}')
        )
        self.assertEqual(
            {'image_properties': {'min_ram': 512}}, read.extra_input
        )

    def test_input_that_is_not_an_object_is_refused(self):
        for text, message in (
            ('[1]', '--input must be a JSON object'),
            ('{', '--input is not valid JSON'),
        ):
            error = self.assertRaises(
                exceptions.CommandError,
                request.ImportRequest.from_args,
                namespace(extra_input=text),
            )
            self.assertIn(message, str(error))

    def test_the_kind_of_source(self):
        for given, kind in (
            ({}, 'url'),
            ({'import_from': 'exports/disk.vhd'}, 'object'),
            ({'import_from': None, 'file': 'disk.raw'}, 'file'),
            ({'import_from': None, 'image': 'cirros'}, 'image'),
        ):
            read = request.ImportRequest.from_args(namespace(**given))
            self.assertEqual(kind, read.kind, given)

    def test_options_given_for_nothing(self):
        read = request.ImportRequest(container='other', keep_upload=True)
        self.assertEqual(
            ('--container', '--keep-upload'),
            read.unused(
                (
                    ('container', '--container', 'images'),
                    ('object_name', '--object-name', None),
                    ('keep_upload', '--keep-upload', False),
                )
            ),
        )

# SPDX-License-Identifier: Apache-2.0
"""The option value types: the text given in, the value or the reason out.

The whole line a user sees (option name, exit code) is asserted through
the shell in test_bad_input; here every type's edges.
"""

import argparse

import testtools

from imageplugin import argtypes

MIB = 1024**2


class TestArgTypes(testtools.TestCase):
    def assert_values(self, function, cases):
        for text, value in cases:
            self.assertEqual(value, function(text), text)

    def assert_refused(self, function, cases):
        for text, reason in cases:
            error = self.assertRaises(
                argparse.ArgumentTypeError, function, text
            )
            self.assertEqual(reason, str(error), text)

    def test_not_empty(self):
        self.assert_values(argtypes.not_empty, [('a', 'a'), (' a ', ' a ')])
        self.assert_refused(
            argtypes.not_empty,
            [('', 'it must not be empty'), ('  ', 'it must not be empty')],
        )

    def test_container_name(self):
        self.assert_values(argtypes.container_name, [('images', 'images')])
        self.assert_refused(
            argtypes.container_name,
            [
                ('', 'it must not be empty'),
                ('a/b', "'a/b' is not a container name: it may not hold '/'"),
            ],
        )

    def test_object_name(self):
        self.assert_values(
            argtypes.object_name,
            [('a.raw', 'a.raw'), ('dir/a.raw', 'dir/a.raw')],
        )
        reason = (
            'is not an object name this command can use: it may not '
            "start with '/' or hold a '.' or '..' part"
        )
        self.assert_refused(
            argtypes.object_name,
            [
                ('/a', f"'/a' {reason}"),
                ('a/../b', f"'a/../b' {reason}"),
                ('./a', f"'./a' {reason}"),
            ],
        )

    def test_positive_number(self):
        self.assert_values(
            argtypes.positive_number, [('5', 5.0), ('0.5', 0.5)]
        )
        self.assert_refused(
            argtypes.positive_number,
            [
                (text, f'{text!r} is not a positive number')
                for text in ('0', '-1', 'soon', 'nan', '')
            ],
        )

    def test_byte_size(self):
        self.assert_values(
            argtypes.byte_size,
            [
                ('104857600', 104857600),
                ('100M', 100 * MIB),
                ('2g', 2048 * MIB),
                ('1KiB', 1024),
                ('5GB', 5120 * MIB),
            ],
        )
        self.assert_refused(
            argtypes.byte_size,
            [
                (text, f'{text!r} is not a size such as 100M or 2G')
                for text in ('0', '0M', '-1M', '1T', 'big', '1.5G')
            ],
        )

    def test_positive_integer(self):
        self.assert_values(argtypes.positive_integer, [('1', 1), ('20', 20)])
        self.assert_refused(
            argtypes.positive_integer,
            [
                (text, f'{text!r} is not a positive whole number')
                # '²' is a digit to str.isdigit, but not to int().
                for text in ('0', '-5', '2.5', 'ten', '²', '')
            ],
        )

    def test_whole_number(self):
        self.assert_values(argtypes.whole_number, [('0', 0), ('20', 20)])
        self.assert_refused(
            argtypes.whole_number,
            [
                ('-1', "'-1' is negative: give a whole number, 0 or more"),
                ('2.5', "'2.5' is not a whole number (such as 0 or 20)"),
                ('20G', "'20G' is not a whole number (such as 0 or 20)"),
                ('²', "'²' is not a whole number (such as 0 or 20)"),
            ],
        )

    def test_segment_size(self):
        self.assert_values(
            argtypes.segment_size, [('1M', MIB), ('5G', 5120 * MIB)]
        )
        self.assert_refused(
            argtypes.segment_size,
            [
                ('1K', "'1K' is not a segment size from 1M to 5G"),
                ('6G', "'6G' is not a segment size from 1M to 5G"),
                ('big', "'big' is not a size such as 100M or 2G"),
            ],
        )

    def test_upload_concurrency(self):
        self.assert_values(argtypes.upload_concurrency, [('1', 1), ('10', 10)])
        self.assert_refused(
            argtypes.upload_concurrency,
            [
                (text, f'{text!r} is not a count of segments from 1 to 10')
                for text in ('0', '11', '-1', 'many')
            ],
        )

# SPDX-License-Identifier: Apache-2.0
"""Published checksums: --checksum's value and every sums file form."""

import argparse

from osc_lib import exceptions
import testtools

from imageplugin import checksums

SHA256 = 'ab' * 32
SHA512 = 'cd' * 64
ORIGIN = 'https://example.org/SHA256SUMS'


class TestParsed(testtools.TestCase):
    def test_algorithm_and_hex(self):
        self.assertEqual(
            ('sha512', SHA512, '--checksum'),
            checksums.parsed('SHA512:' + SHA512.upper()),
        )
        self.assertEqual('md5', checksums.parsed('md5:' + '0' * 32).algorithm)
        self.assertEqual(
            'sha1', checksums.parsed('sha1:' + '0' * 40).algorithm
        )

    def test_refusals(self):
        for text, said in (
            (SHA256, 'is not <algorithm>:<hex>'),
            ('sha384:' + '0' * 96, 'is not <algorithm>:<hex>'),
            ('sha256:' + '0' * 63, 'a sha256 digest is 64 hex digits'),
            ('md5:' + 'g' * 32, 'a md5 digest is 32 hex digits'),
        ):
            error = self.assertRaises(
                argparse.ArgumentTypeError, checksums.parsed, text
            )
            self.assertIn(said, str(error))


class TestEntry(testtools.TestCase):
    def entry(self, text, name='disk.img'):
        return checksums.entry(text, name, ORIGIN)

    def test_gnu_text_and_binary_forms(self):
        for line in (
            f'{SHA256}  disk.img',
            f'{SHA256} *disk.img',
            f'{SHA256} disk.img',
        ):
            self.assertEqual(
                ('sha256', SHA256, ORIGIN),
                self.entry(f'{"0" * 64}  other.img\n{line}\n'),
            )

    def test_bsd_form_names_its_algorithm(self):
        self.assertEqual(
            ('sha512', SHA512, ORIGIN),
            self.entry(f'# signed\nSHA512 (disk.img) = {SHA512.upper()}\n'),
        )

    def test_a_file_with_only_the_hex(self):
        self.assertEqual(
            ('sha512', SHA512, ORIGIN), self.entry(f'{SHA512}\n', 'any')
        )

    def test_algorithm_from_the_length(self):
        self.assertEqual('md5', self.entry('0' * 32 + '  disk.img').algorithm)

    def test_the_same_entry_twice_is_one(self):
        text = f'{SHA256}  disk.img\n{SHA256} *disk.img\n'
        self.assertEqual(SHA256, self.entry(text).hex)

    def test_no_entry(self):
        error = self.assertRaises(
            exceptions.CommandError, self.entry, f'{SHA256}  other.img\n'
        )
        self.assertEqual(
            f"{ORIGIN} lists no checksum of 'disk.img' (the source's file "
            'name): check that it is the sums file of this image',
            str(error),
        )

    def test_two_different_entries(self):
        error = self.assertRaises(
            exceptions.CommandError,
            self.entry,
            f'{SHA256}  disk.img\n{"0" * 64}  disk.img\n',
        )
        self.assertEqual(
            f"{ORIGIN} lists 'disk.img' with different checksums: it cannot "
            'tell which is right',
            str(error),
        )

    def test_no_digest(self):
        error = self.assertRaises(
            exceptions.CommandError, self.entry, 'abc  disk.img\n'
        )
        self.assertEqual(
            f"{ORIGIN} holds 'abc', which is no md5, sha1, sha256 or sha512 "
            'digest',
            str(error),
        )


class TestSourceName(testtools.TestCase):
    def test_names(self):
        for source, name in (
            ('/srv/images/disk.qcow2.xz', 'disk.qcow2.xz'),
            ('https://h/a/b%20c.img?sig=1', 'b c.img'),
            ('relative.img', 'relative.img'),
        ):
            self.assertEqual(name, checksums.source_name(source))

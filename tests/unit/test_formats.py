# SPDX-License-Identifier: Apache-2.0
from osc_lib import exceptions
import testtools

from imageplugin import formats
from imageplugin import inspection


def content(disk_format, detected=None, problems=()):
    return inspection.Content(
        disk_format, detected or disk_format, None, None, problems
    )


class TestNames(testtools.TestCase):
    def test_certain_extensions(self):
        for name, expected in [
            ('a.qcow2', ('qcow2', 'bare')),
            ('A.QCOW2', ('qcow2', 'bare')),
            ('disk.raw', ('raw', 'bare')),
            ('/x/my.vhd', ('vhd', 'bare')),
            ('k.aki', ('aki', 'aki')),
        ]:
            self.assertEqual(expected, formats.formats_from_name(name), name)

    def test_ambiguous_or_unknown(self):
        for name in ('cirros.img', 'image', 'a.qcow', 'image.qcow2.gz'):
            self.assertIsNone(formats.formats_from_name(name), name)


class TestDecided(testtools.TestCase):
    def decided(self, name, found, **options):
        return formats.decided('W', name, content(*found), **options)

    def fails(self, *args, **options):
        return str(
            self.assertRaises(
                exceptions.CommandError, formats.decided, *args, **options
            )
        )

    def test_content_decides_over_an_img_name(self):
        self.assertEqual(
            ('qcow2', 'qcow2', 'bare'), self.decided('cirros.img', ('qcow2',))
        )

    def test_content_outranks_a_name_with_another_header(self):
        self.assertEqual(
            ('qcow2', 'qcow2', 'bare'), self.decided('disk.vmdk', ('qcow2',))
        )

    def test_raw_content_keeps_a_headerless_name(self):
        self.assertEqual(
            ('aki', 'aki', 'aki'), self.decided('vmlinuz.aki', ('raw',))
        )

    def test_gpt_is_raw(self):
        self.assertEqual(
            ('raw', 'raw', 'bare'), self.decided('disk', ('raw', 'gpt'))
        )

    def test_name_promising_a_header_that_is_missing(self):
        self.assertEqual(
            'Cannot import W: its name says qcow2 but its content has no '
            'qcow2 header; check that it is the image you meant, or give '
            '--disk-format raw to import it as it is',
            self.fails('W', 'a.qcow2', content('raw')),
        )
        self.assertEqual(
            ('raw', 'raw', 'bare'),
            self.decided('a.qcow2', ('raw',), disk_format='raw'),
        )

    def test_disk_format_must_agree(self):
        self.assertEqual(
            'Cannot import W: --disk-format raw contradicts its content, '
            'which is qcow2; give --disk-format qcow2 or leave the option '
            'out',
            self.fails('W', 'x.img', content('qcow2'), disk_format='raw'),
        )

    def test_source_format_must_agree(self):
        self.assertIn(
            '--import-from-format vmdk contradicts its content',
            self.fails(
                'W',
                'x',
                content('qcow2'),
                import_from_format='vmdk',
                disk_format='qcow2',
            ),
        )

    def test_converting_import(self):
        self.assertEqual(
            ('qcow2', 'raw', 'bare'),
            self.decided(
                'x', ('qcow2',), import_from_format='qcow2', disk_format='raw'
            ),
        )

    def test_unsafe(self):
        self.assertEqual(
            'Cannot import W: it is bad; it is worse',
            self.fails(
                'W',
                'x',
                content('qcow2', problems=('it is bad', 'it is worse')),
            ),
        )

    def test_format_glance_does_not_take(self):
        self.assertIn(
            'it is a qed image, a format the image service does not import',
            self.fails('W', 'x', content('qed')),
        )

    def test_unread_content_and_a_certain_name(self):
        self.assertEqual(
            ('vhd', 'vhd', 'bare'),
            formats.decided(
                'W', 'x.vhd', None, 'it cannot be reached from here'
            ),
        )

    def test_unread_content_and_an_ambiguous_name_asks(self):
        self.assertEqual(
            'Cannot tell the disk format of W: it answers HTTP 403 '
            '(Forbidden), and its name does not tell for sure; give '
            '--disk-format (e.g. qcow2 or raw)',
            self.fails(
                'W', 'cirros.img', None, 'it answers HTTP 403 (Forbidden)'
            ),
        )
        self.assertEqual(
            ('qcow2', 'qcow2', 'ovf'),
            formats.decided(
                'W',
                'cirros.img',
                None,
                'unread',
                disk_format='qcow2',
                container_format='ovf',
            ),
        )


class TestPacked(testtools.TestCase):
    def test_archives_are_not_disk_images(self):
        for packed, container in (('gzip', 'compressed'), ('tar', 'ova')):
            found = inspection.Content('raw', 'raw', None, None, (), packed)
            error = self.assertRaises(
                exceptions.CommandError, formats.decided, 'W', 'x.img', found
            )
            self.assertEqual(
                f'Cannot import W: it is a {packed} archive, not a disk '
                'image: unpack it first (or, on a cloud that unpacks '
                f'imports, give --container-format {container})',
                str(error),
            )
            self.assertEqual(
                ('raw', 'raw', container),
                formats.decided(
                    'W', 'x.img', found, container_format=container
                ),
            )

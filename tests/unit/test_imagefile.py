# SPDX-License-Identifier: Apache-2.0
import os
import pwd

import fixtures
from osc_lib import exceptions
import testtools

from imageplugin import imagefile
from tests.support import files
from tests.unit import images

# The first bytes of each format, as real images start.
QCOW2 = b'QFI\xfb\x00\x00\x00\x03' + bytes(504)
VMDK_SPARSE = b'KDMV\x01\x00\x00\x00' + bytes(504)
VMDK_DESCRIPTOR = (
    b'# Disk DescriptorFile\nversion=1\nCID=fffffffe\n'
    b'createType="monolithicFlat"\n'
)
VDI = (
    b'<<< Oracle VM VirtualBox Disk Image >>>\n'.ljust(64, b'\0')
    + b'\x7f\x10\xda\xbe'
    + bytes(444)
)
VHDX = b'vhdxfile' + 'qemu'.encode('utf-16-le') + bytes(496)
ISO = bytes(0x8001) + b'CD001\x01' + bytes(2042)
VHD_FOOTER = b'conectix\x00\x00\x00\x02' + bytes(500)
VHD_FIXED = bytes(4096) + VHD_FOOTER
VHD_DYNAMIC = VHD_FOOTER + bytes(4096) + VHD_FOOTER
VHD_511 = bytes(4096) + VHD_FOOTER[:511]
RAW = b'\xeb\x63\x90' + bytes(509) + bytes(4096)


class FileTestCase(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path

    def write(self, name, data):
        return files.write_file(self.dir, name, data)

    def check(self, name, data, **kwargs):
        return imagefile.checked(self.write(name, data), **kwargs)

    def fails(self, path, **kwargs):
        error = self.assertRaises(
            exceptions.CommandError, imagefile.checked, path, **kwargs
        )
        return str(error)


class TestPreflight(FileTestCase):
    def test_good_file(self):
        path = self.write('disk.qcow2', QCOW2)
        image = imagefile.checked(path)
        self.assertEqual(
            (path, 512, ('qcow2', 'qcow2', 'bare')),
            (image.path, image.size, image.formats),
        )

    def test_missing(self):
        path = os.path.join(self.dir, 'disk.qcow2')
        self.assertEqual(
            f'Cannot upload {path}: no such file', self.fails(path)
        )

    def test_broken_link(self):
        path = os.path.join(self.dir, 'link.qcow2')
        os.symlink('gone.qcow2', path)
        self.assertEqual(
            f'Cannot upload {path}: no such file', self.fails(path)
        )

    def test_directory(self):
        self.assertEqual(
            f'Cannot upload {self.dir}: it is a directory, not an image file',
            self.fails(self.dir),
        )

    def test_not_a_regular_file(self):
        path = os.path.join(self.dir, 'pipe.raw')
        os.mkfifo(path)
        self.assertEqual(
            f'Cannot upload {path}: it is not a regular file', self.fails(path)
        )

    def test_empty(self):
        path = self.write('disk.raw', b'')
        self.assertEqual(
            f'Cannot upload {path}: the file is empty', self.fails(path)
        )

    def test_unreadable(self):
        path = self.write('disk.qcow2', QCOW2)
        os.chmod(path, 0)
        # Others may pass through the folder: the file's mode decides.
        os.chmod(self.dir, 0o711)  # noqa: S103
        self.assertEqual(
            f'Cannot upload {path}: permission denied (the file is not '
            'readable)',
            self.without_privileges(self.fails, path),
        )

    def without_privileges(self, func, *args):
        """Run func(*args), as an unprivileged user if we are root.

        Root reads any file whatever its mode: a child process that drops
        to nobody meets the permissions a user would.
        """
        if os.geteuid() != 0:
            return func(*args)
        try:
            nobody = pwd.getpwnam('nobody')
            uid, gid = nobody.pw_uid, nobody.pw_gid
        except KeyError:
            uid = gid = 65534
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover (the child's coverage is lost)
            try:
                os.close(reader)
                os.setgroups([])
                os.setgid(gid)
                os.setuid(uid)
                os.write(writer, func(*args).encode())
            except BaseException as exc:
                os.write(writer, f'child failed: {exc!r}'.encode())
            finally:
                os._exit(0)
        os.close(writer)
        with os.fdopen(reader, 'rb') as pipe:
            answer = pipe.read().decode()
        os.waitpid(pid, 0)
        return answer


class TestDiskFormat(FileTestCase):
    def test_content(self):
        for data, disk_format in [
            (QCOW2, 'qcow2'),
            (VDI, 'vdi'),
            (VHDX, 'vhdx'),
            (ISO, 'iso'),
            (VHD_FIXED, 'vhd'),
            (VHD_DYNAMIC, 'vhd'),
            (VHD_511, 'vhd'),
            (RAW, 'raw'),
        ]:
            self.assertEqual(
                disk_format, self.check('image', data).disk_format, data[:30]
            )
            self.assertEqual(
                disk_format,
                self.check('image.' + disk_format, data).disk_format,
            )

    def test_vdi_needs_its_magic(self):
        not_vdi = VDI[:64] + bytes(4) + VDI[68:]
        self.assertEqual('raw', self.check('image', not_vdi).disk_format)

    def test_an_img_is_what_its_content_is(self):
        for data, disk_format in ((QCOW2, 'qcow2'), (RAW, 'raw')):
            image = self.check('cloud.img', data)
            self.assertEqual(
                (disk_format, 'bare'),
                (image.disk_format, image.formats.container),
            )

    def test_headerless_format_by_name(self):
        image = self.check('kernel.aki', RAW)
        self.assertEqual(
            ('aki', 'aki'), (image.disk_format, image.formats.container)
        )

    def test_name_claims_a_missing_header(self):
        path = self.write('disk.qcow2', RAW)
        self.assertEqual(
            f'Cannot import {path}: its name says qcow2 but its content has '
            'no qcow2 header; check that it is the image you meant, or give '
            '--disk-format raw to import it as it is',
            self.fails(path),
        )

    def test_given_format_must_agree(self):
        path = self.write('cloud.img', QCOW2)
        self.assertEqual(
            f'Cannot import {path}: --disk-format raw contradicts its '
            'content, which is qcow2; give --disk-format qcow2 or leave the '
            'option out',
            self.fails(path, disk_format='raw'),
        )
        image = self.check(
            'disk', RAW, disk_format='ploop', container_format='ovf'
        )
        self.assertEqual(
            ('ploop', 'ovf'), (image.disk_format, image.formats.container)
        )

    def test_unsafe_images_are_refused(self):
        path = self.write('x.qcow2', images.qcow2(backing_file=True))
        self.assertIn(
            f'Cannot import {path}: it is a qcow2 image with a backing file',
            self.fails(path),
        )
        path = self.write('x.vmdk', VMDK_DESCRIPTOR)
        self.assertIn(
            'its VMDK descriptor names extents outside the image',
            self.fails(path),
        )

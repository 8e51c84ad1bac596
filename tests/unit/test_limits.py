# SPDX-License-Identifier: Apache-2.0
from osc_lib import exceptions
import testtools

from imageplugin import inspection
from imageplugin import limits
from tests.unit import images

GiB = images.GiB


def vhd(
    virtual_size=GiB,
    disk_type='fixed',
    unique_id=images.A_UUID,
    checksum_ok=True,
):
    footer = inspection.VhdFooter(
        disk_type, virtual_size, unique_id, checksum_ok
    )
    return inspection.Content('vhd', 'vhd', virtual_size, footer, ())


class TestRackspace(testtools.TestCase):
    def fails(self, content, size=None):
        error = self.assertRaises(
            exceptions.CommandError,
            limits.check_rackspace_image,
            'F',
            content,
            size,
        )
        return str(error)

    def test_fixed_vhd_of_exactly_160_gib(self):
        limits.check_rackspace_image('F', vhd(160 * GiB), 160 * GiB + 512)

    def test_largest_dynamic_vhd_file(self):
        largest = limits.RACKSPACE_MAX_FILE_SIZE
        limits.check_rackspace_image('F', vhd(160 * GiB, 'dynamic'), largest)
        self.assertIn(
            '(error 609)', self.fails(vhd(160 * GiB, 'dynamic'), largest + 1)
        )
        # 81,920 blocks of 2 MiB, each with its bitmap sector, the table
        # of their 4-byte offsets, two footers and the dynamic header.
        self.assertEqual(160 * GiB + 81920 * 512 + 327680 + 2048, largest)

    def test_virtual_size_over_the_limit(self):
        self.assertEqual(
            'Cannot import F: it expands to a disk of 200.0 GiB '
            '(214748364800 bytes), over the 160.0 GiB Rackspace imports '
            '(error 413)',
            self.fails(vhd(200 * GiB, 'dynamic'), 20 * GiB),
        )

    def test_only_vhd(self):
        self.assertIn(
            'Rackspace Cloud Images imports VHD files only and '
            'this one is qcow2',
            self.fails(inspection.Content('qcow2', 'qcow2', GiB, None, ())),
        )

    def test_differencing(self):
        self.assertIn(
            'it is a differencing VHD, and Rackspace imports '
            'fixed or dynamic ones only (error 523)',
            self.fails(vhd(disk_type='differencing')),
        )

    def test_zero_uuid(self):
        self.assertIn(
            'UUID is all zeros, which Rackspace refuses (error 614)',
            self.fails(vhd(unique_id=bytes(16))),
        )

    def test_bad_checksum(self):
        self.assertIn(
            'the checksum of its VHD footer is wrong',
            self.fails(vhd(checksum_ok=False)),
        )

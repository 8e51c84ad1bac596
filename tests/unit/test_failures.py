# SPDX-License-Identifier: Apache-2.0
import testtools

from imageplugin import failures


class TestExplained(testtools.TestCase):
    def test_known_codes_get_their_meaning(self):
        self.assertEqual(
            "Image cannot be imported. Error code: '523' (only fixed or "
            'dynamic VHDs can be imported, not differencing ones)',
            failures.explained("Image cannot be imported. Error code: '523'"),
        )

    def test_virtual_and_physical_size_told_apart(self):
        virtual = failures.explained(
            "Image cannot be imported. Error code: '413'"
        )
        physical = failures.explained(
            "Image cannot be imported. Error code: '609'"
        )
        self.assertEqual(
            "Image cannot be imported. Error code: '413' (the virtual size "
            "of the disk (what it expands to, not the file's size) is over "
            'the limit of the cloud (Rackspace: a system disk of 160 GB): '
            'shrink the virtual disk)',
            virtual,
        )
        self.assertEqual(
            "Image cannot be imported. Error code: '609' (the physical size "
            'of the disk (the size of the VHD file) is over the limit of '
            'the cloud (Rackspace: 160 GB))',
            physical,
        )

    def test_no_qemu_img_check_for_vhd(self):
        # qemu-img cannot check the vpc format: never advise it.
        for code in failures.RACKSPACE_CODES:
            explained = failures.explained(
                f"Image cannot be imported. Error code: '{code}'"
            )
            self.assertNotIn('qemu-img check', explained)
        self.assertIn(
            'subformat=dynamic',
            failures.explained("Image cannot be imported. Error code: '111'"),
        )

    def test_unknown_codes_and_glance_messages_stay(self):
        for message in (
            "Error code: '999'",
            'Task failed due to Internal Error',
        ):
            self.assertEqual(message, failures.explained(message))

    def test_no_message(self):
        for message in (None, '', 'None'):
            self.assertEqual(
                'the server gave no reason', failures.explained(message)
            )

    def test_wrong_location(self):
        self.assertEqual(
            'Error: Image not found for import. Possible invalid location '
            '(check that the container/object exists in the object storage '
            'of the same region)',
            failures.explained(
                'Error: Image not found for import. Possible invalid location'
            ),
        )

    def test_intermittent(self):
        message = "Image cannot be imported. Error code: '396'"
        self.assertTrue(
            failures.is_intermittent({'status': 'failure', 'message': message})
        )
        self.assertFalse(
            failures.is_intermittent(
                {'status': 'failure', 'message': "Error code: '721'"}
            )
        )
        self.assertFalse(
            failures.is_intermittent(
                {'status': 'processing', 'message': message}
            )
        )

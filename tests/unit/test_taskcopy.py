# SPDX-License-Identifier: Apache-2.0
"""image task copy's own work: the command that goes on with a copy.

The copies themselves are tested through the shell in test_regioncopy
(Glance) and test_rackspacecopy (Rackspace)."""

import argparse
import types

import testtools

from imageplugin import taskcopy


class TestCopyAgain(testtools.TestCase):
    def test_the_same_copy_with_the_profile_and_region(self):
        command = taskcopy.CopyTask(
            types.SimpleNamespace(
                options=types.SimpleNamespace(cloud='rack', region_name='IAD')
            ),
            None,
        )
        again = command.copy_again(
            argparse.Namespace(
                image='my image',
                to_region='DFW',
                container='images',
                name=None,
                segment_size=64 * 1024**2,
                upload_concurrency=None,
                keep_upload=True,
                keep_image=False,
            )
        )
        self.assertEqual(
            'openstack --os-cloud rack --os-region-name IAD image task copy '
            "'my image' --to-region DFW --container images --segment-size "
            '67108864 --keep-upload --wait',
            again,
        )

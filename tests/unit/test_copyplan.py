# SPDX-License-Identifier: Apache-2.0
"""The plans of image task copy, on Glance and on Rackspace."""

import testtools

from imageplugin import copyplan


class TestGlanceCopy(testtools.TestCase):
    def test_glance_direct_without_wait_keeping_the_image(self):
        plan = copyplan.copy_plan(
            'glance-direct', 'img', 'RegionOne', 'RegionTwo', keep_image=True
        )
        self.assertEqual(
            (
                'glance-direct',
                'image img in RegionOne',
                (
                    'create an image in RegionTwo with the properties of '
                    'image img',
                    'import its data by glance-direct: the data streams '
                    'through this client',
                    'show the import task (not waited for)',
                ),
                (),
            ),
            (plan.route, plan.source, plan.steps, plan.deletes),
        )


class TestRackspaceCopy(testtools.TestCase):
    def test_one_object_storage_for_both_regions_transfers_nothing(self):
        plan = copyplan.export_copy_plan(
            'img', 'IAD', 'DFW', 'images', shared_store=True, wait=True
        )
        self.assertEqual((), plan.uploads)
        self.assertEqual(
            (
                'an export task',
                'images/img.vhd in IAD',
                'an import task',
                'an image in DFW',
            ),
            plan.creates,
        )
        self.assertEqual(
            ('images/img.vhd in IAD, once the import has ended',),
            plan.deletes,
        )

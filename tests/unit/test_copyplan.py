# SPDX-License-Identifier: Apache-2.0
"""The plans of image task copy, on Glance and on Rackspace."""

from unittest import mock

import testtools

from imageplugin import copyplan
from imageplugin import duplicates

SHA512 = 'ab' * 64
IMAGE = {
    'id': 'img',
    'name': 'cirros',
    'size': 3,
    'os_hash_algo': 'sha512',
    'os_hash_value': SHA512,
    'owner': 'project',
    'status': 'active',
}


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


class TestDecide(testtools.TestCase):
    """The copy's whole plan, the look for its duplicate included."""

    def copy(self, found):
        target = mock.Mock()
        target.project_id.return_value = 'project'
        target.images_named.return_value = found
        return mock.Mock(
            image=IMAGE,
            source_region='RegionOne',
            target_region='RegionTwo',
            target=target,
        )

    def test_same_name_and_bytes_in_the_target_creates_nothing(self):
        there = dict(IMAGE, id='copied')
        copy = self.copy([there])
        plan = copyplan.decide(copy, 'glance-download', wait=True)
        copy.target.images_named.assert_called_once_with('cirros')
        self.assertIsInstance(plan, duplicates.AlreadyThere)
        self.assertEqual(
            (duplicates.ALREADY_THERE, (), 'copied'),
            (plan.route, plan.creates, plan.image['id']),
        )

    def test_other_bytes_are_copied_under_the_name_given(self):
        copy = self.copy([dict(IMAGE, id='other', os_hash_value='cd' * 64)])
        plan = copyplan.decide(copy, 'glance-direct', name='new', wait=True)
        copy.target.images_named.assert_called_once_with('new')
        self.assertEqual(
            ('glance-direct', ('an image in RegionTwo',)),
            (plan.route, plan.creates),
        )

    def test_a_copy_without_a_name_is_not_looked_for(self):
        # Glance would answer ?name= with every image.
        copy = self.copy([dict(IMAGE, id='copied')])
        copy.image = dict(IMAGE, name=None)
        plan = copyplan.decide(copy, 'glance-direct', wait=True)
        copy.target.images_named.assert_not_called()
        self.assertEqual(
            ('glance-direct', ('an image in RegionTwo',)),
            (plan.route, plan.creates),
        )

    def test_allow_duplicates_does_not_look(self):
        copy = self.copy([dict(IMAGE, id='copied')])
        plan = copyplan.decide(copy, 'glance-direct', allow_duplicates=True)
        copy.target.images_named.assert_not_called()
        self.assertEqual('glance-direct', plan.route)


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

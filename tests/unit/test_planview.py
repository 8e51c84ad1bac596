# SPDX-License-Identifier: Apache-2.0
"""A plan as --dry-run shows it."""

import testtools

from imageplugin import planfacts
from imageplugin import planview


class TestColumns(testtools.TestCase):
    def test_lists_keep_their_order_and_fields_join_in(self):
        shown = planfacts.Plan(
            route='task',
            method='task',
            source='http://x/d.img',
            steps=('z first', 'a second'),
            notes=('b', 'a'),
        )
        names, values = planview.columns(
            shown, disk_format='qcow2', image_properties={'name': 'd'}
        )
        by_name = dict(zip(names, values, strict=True))
        self.assertEqual(tuple(sorted(names)), names)
        self.assertEqual(
            '1. z first\n2. a second', by_name['steps'].human_readable()
        )
        self.assertEqual(['b', 'a'], by_name['notes'].machine_readable())
        self.assertEqual('qcow2', by_name['disk_format'])
        self.assertEqual(
            {'name': 'd'}, by_name['image_properties'].machine_readable()
        )

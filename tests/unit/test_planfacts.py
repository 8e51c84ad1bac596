# SPDX-License-Identifier: Apache-2.0
"""The shapes of a plan: which routes are interoperable import."""

import testtools

from imageplugin import planfacts


class TestPlan(testtools.TestCase):
    def test_interoperable_routes(self):
        def plan(route):
            return planfacts.Plan(route=route, method=route, source='x')

        for route in planfacts.INTEROP_METHODS:
            self.assertTrue(plan(route).interoperable, route)
        for route in (
            planfacts.TASK,
            planfacts.TASK_FROM_UPLOAD,
            planfacts.WEB_DOWNLOAD_UPLOAD,
        ):
            self.assertFalse(plan(route).interoperable, route)

    def test_facts_default_to_not_asked(self):
        facts = planfacts.Facts()
        self.assertIsNone(facts.tasks_refusal)
        self.assertIsNone(facts.methods)
        self.assertEqual((), facts.content_notes)

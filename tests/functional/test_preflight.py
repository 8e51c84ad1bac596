# SPDX-License-Identifier: Apache-2.0
"""The pre-flight against real Glance 33: what it refuses, refused first.

As admin Glance's tasks API accepts a task with these properties and
fails it later ("Task failed due to Internal Error"); as member its
images API refuses them at once. The plugin refuses both the same way,
before any task or image exists; and Glance's images API itself still
refuses them (so the rule is the cloud's, not ours).
"""

import uuid

from imageplugin import preflight
from tests.functional import base

EMOJI_NAME = 'x\U0001f600'


class TestPreflight(base.FunctionalTestCase):
    def test_admin_and_member_get_the_same_line(self):
        url = self.sample('sample.raw')['url']
        name = f'preflight-{uuid.uuid4().hex[:8]}'
        for options, message in (
            (
                ('--name', EMOJI_NAME),
                f"--name '{EMOJI_NAME}': image names can hold no character "
                'outside the Basic Multilingual Plane (here U+1F600), '
                'which Glance refuses to store',
            ),
            (
                ('--name', name, '--min-ram', '2147483648'),
                '--min-ram 2147483648: at most 2147483647 (MiB)',
            ),
        ):
            for cloud in ('local-admin', 'local-member'):
                self.assertFailsWith(
                    self.openstack(
                        'image',
                        'task',
                        'import',
                        '--import-from',
                        url,
                        *options,
                        '--wait',
                        cloud=cloud,
                    ),
                    message,
                )
        # Nothing was made (the unit tests show that nothing was sent).
        self.assertEqual(
            '',
            self.assertSucceeds(
                self.openstack(
                    'image', 'list', '--name', name, '-f', 'value', '-c', 'ID'
                )
            ),
        )

    def test_glance_refuses_them_itself(self):
        for options, words in (
            ((EMOJI_NAME,), 'contain 4 byte unicode characters'),
            (
                ('--min-ram', '2147483648', 'pf'),
                'value out of range, must not exceed 2147483647',
            ),
        ):
            # Core OSC's image create: Glance's own words (quotes
            # escaped as HTML).
            result = self.openstack(
                'image', 'create', *options, cloud='local-member'
            )
            self.assertEqual(1, result.exit_code)
            self.assertIn(words, result.stderr)

    def test_the_schema_states_the_same_limits(self):
        schema = self.cloud.request(
            'GET',
            self.cloud['glance_api_url'] + '/schemas/image',
            user='member',
        ).json()['properties']
        self.assertEqual(
            (
                preflight.MAX_LENGTH,
                preflight.MAX_LENGTH,
                'integer',
                'integer',
                set(preflight.VISIBILITIES),
            ),
            (
                schema['name']['maxLength'],
                schema['tags']['items']['maxLength'],
                schema['min_ram']['type'],
                schema['min_disk']['type'],
                set(schema['visibility']['enum']),
            ),
        )
        read_only = {
            key for key, rule in schema.items() if rule.get('readOnly')
        }
        self.assertEqual(set(), read_only - preflight.READ_ONLY)

# SPDX-License-Identifier: Apache-2.0
"""Keystone stopped, or handing out tokens that expire during a wait."""

import json

from tests.faults import base

TOKEN_LIFETIME = 10
WAIT_TIMEOUT = 22


class TestKeystone(base.FaultTestCase):
    def test_wait_outlives_its_token(self):
        # Cleanups run last first: Keystone gets its usual token
        # lifetime back after the slow task's image is deleted.
        self.addCleanup(self.local_cloud, 'restart-service', 'keystone')
        self.local_cloud(
            'restart-service', 'keystone', expiration=TOKEN_LIFETIME
        )
        token = self.cloud.access('admin')
        lifetime = token.expires - token.issued
        self.assertEqual(TOKEN_LIFETIME, round(lifetime.total_seconds()))

        task_id = self.slow_task(self.unique_name())
        result = self.openstack(
            'image',
            'task',
            'show',
            task_id,
            '--wait',
            '--timeout',
            str(WAIT_TIMEOUT),
            '-f',
            'json',
        )
        self.assertEqual(124, result.exit_code, result)
        task = json.loads(result.stdout)
        self.assertEqual(task_id, task['id'])
        self.assertIn(task['status'], ('pending', 'processing'))
        # No 401: only the timeout, after at most a note of a look that
        # the wait's end cut short (a busy machine re-authenticating).
        *notes, last = result.stderr.splitlines(keepends=True)
        self.assertEqual(
            self.timeout_message(task_id, WAIT_TIMEOUT, task['status']), last
        )
        self.assertLessEqual(len(notes), 1, notes)
        for note in notes:
            self.assertRegex(
                note,
                r'^Cannot show task .*: timed out; still '
                r'waiting\n$',
            )

    def test_list_while_keystone_is_down(self):
        self.stop_service('keystone')
        result = self.openstack('image', 'task', 'list')
        self.assertEqual(
            (
                1,
                '',
                'Cannot log in: cannot reach the identity service at '
                f'{self.cloud["auth_url"]}/auth/tokens: connection '
                'refused\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )

    def test_wrong_password(self):
        result = self.openstack(
            '--os-password', 'not-the-password', 'image', 'task', 'list'
        )
        self.assertEqual(
            (
                1,
                '',
                'Cannot log in: the identity service refused the '
                'credentials of your cloud profile (user, password, '
                'project or domain) (HTTP 401)\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )

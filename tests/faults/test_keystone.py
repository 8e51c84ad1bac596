"""Keystone stopped, or handing out tokens that expire during a wait."""

import datetime
import json
import re

import testtools.content

from tests.faults import base

TOKEN_LIFETIME = 20
WAIT_TIMEOUT = 45


class TestKeystone(base.FaultTestCase):

    def test_wait_outlives_its_token(self):
        # Cleanups run last first: Keystone gets its usual token
        # lifetime back after the slow task's image is deleted.
        self.addCleanup(self.local_cloud, 'restart-service', 'keystone')
        self.local_cloud('restart-service', 'keystone',
                         expiration=TOKEN_LIFETIME)
        _, token = self.admin_token(full=True)
        lifetime = (datetime.datetime.fromisoformat(token['expires_at'])
                    - datetime.datetime.fromisoformat(token['issued_at']))
        self.assertEqual(TOKEN_LIFETIME, round(lifetime.total_seconds()))

        task_id = self.slow_task(self.unique_name())
        result = self.openstack('image', 'task', 'show', task_id, '--wait',
                                '--timeout', str(WAIT_TIMEOUT), '-f', 'json')
        self.assertEqual(124, result.exit_code, result)
        task = json.loads(result.stdout)
        self.assertEqual(task_id, task['id'])
        self.assertIn(task['status'], ('pending', 'processing'))
        # No 401, no note: only the timeout.
        self.assertEqual(
            self.timeout_message(task_id, WAIT_TIMEOUT, task['status']),
            result.stderr)

    def test_list_while_keystone_is_down(self):
        self.stop_service('keystone')
        result = self.openstack('image', 'task', 'list')
        self.addDetail('stderr of image task list',
                       testtools.content.text_content(result.stderr))
        auth_url = re.escape(self.cloud['auth_url'])
        self.assertEqual((1, ''), (result.exit_code, result.stdout))
        self.assertNotIn('Traceback', result.stderr)
        self.assertRegex(result.stderr,
                         f'{auth_url}/auth/tokens: .*Connection refused')
        # Known bug (reported with issue 6): osc's own login, before the
        # plugin runs, fails with keystoneauth's two-line message
        # ("Failed to discover available identity versions ..." then
        # "Unable to establish connection to .../v3/auth/tokens: ...").
        # When it becomes one line this expected failure turns into an
        # unexpected success, which fails the run: then drop the wrapper.
        self.expectFailure(
            'osc-lib authenticates outside the plugin\'s error handling',
            self.assertRegex, result.stderr,
            '^[^\n]*cannot reach the identity service at '
            f'{auth_url}[^\n ]*: connection refused\n\\Z')

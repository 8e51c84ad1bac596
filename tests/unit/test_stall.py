# SPDX-License-Identifier: Apache-2.0
"""A wait that sees no progress, as the user sees it through the shell:
said once with what to do, and an interoperable import whose lock Glance
lets go started again once (``waiting.Follower``, ``interop.Import``)."""

from tests.unit import base
from tests.unit import fakes
from tests.unit import test_interop
from tests.unit.test_interop import IMAGE_ID
from tests.unit.test_interop import IMAGE_URL
from tests.unit.test_interop import image
from tests.unit.test_interop import import_task

NEW_TASK_ID = '5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c'
NEW_REQUEST_ID = 'req-9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4'
RESUME = f'openstack image task show {base.TASK_ID} --image {IMAGE_ID} --wait'


class TestInteropStall(test_interop.InteropTestCase):
    def setUp(self):
        super().setUp()
        # Glance answers the second import with a request ID of its own.
        self.started = self.requests.post(
            IMAGE_URL + '/import',
            [
                {
                    'status_code': 202,
                    'headers': {
                        'x-openstack-request-id': test_interop.REQUEST_ID
                    },
                },
                {
                    'status_code': 202,
                    'headers': {'x-openstack-request-id': NEW_REQUEST_ID},
                },
            ],
        )

    def stuck(self, status='processing', image_status='queued'):
        """An import that stays as it is until it is started again; the
        new one succeeds."""

        def tasks(request, context):
            listed = [import_task(status)]
            if self.started.call_count > 1:
                listed.append(
                    import_task(
                        'processing', id=NEW_TASK_ID, request_id=NEW_REQUEST_ID
                    )
                )
            return {'tasks': listed}

        def seen(request, context):
            if self.started.call_count > 1:
                return image('active', lock=False)
            return image(image_status)

        self.requests.get(IMAGE_URL + '/tasks', json=tasks)
        self.requests.get(IMAGE_URL, json=seen)

    def waited_import(self, *args):
        # Looks 2 minutes apart at most: hours of waiting in fewer looks.
        return self.url_import(
            '--wait', '--max-poll-interval', '120', '-f', 'value', *args
        )

    def test_a_stale_import_is_started_again_once(self):
        self.stuck()
        result = self.waited_import('-c', 'id', '-c', 'status')
        self.assertEqual(
            (0, f'{NEW_TASK_ID}\nsuccess\n'), (result.exit_code, result.stdout)
        )
        stall, retried = result.stderr.splitlines()
        self.assertRegex(
            stall,
            (
                f'^Task {base.TASK_ID} has made no progress for '
                f'[5-6]:[0-9]{{2}} '
                r'\(still processing, last updated '
                r'2026-11-30T23:18:46Z\): '
                f'Glance lets a new import of image {IMAGE_ID} take over once '
                'the task has not been updated for 60 minutes: this command '
                'starts it again then, once. Still waiting, with no '
                '--timeout; '
                'Ctrl-C stops the wait, not the task, and this waits again: '
                f'{RESUME}$'
            ),
        )
        self.assertRegex(
            retried,
            (
                f'^Task {base.TASK_ID} made no progress for '
                f'1:0[1-3]:[0-9]{{2}}, '
                'and Glance lets a new import take over: started it again as '
                f'task {NEW_TASK_ID}$'
            ),
        )
        # The same import, sent twice, once for the retry.
        self.assertEqual(2, self.started.call_count)
        self.assertEqual(
            2
            * [
                {
                    'method': {
                        'name': 'web-download',
                        'uri': test_interop.SOURCE,
                    }
                }
            ],
            [request.json() for request in self.started.request_history],
        )
        self.assertGreaterEqual(self.clock.now, 3660)
        self.assertFalse(self.deleted.called)

    def test_a_pending_import_is_given_twice_as_long(self):
        # Glance doubles its expiry for a task still pending.
        self.stuck(status='pending')
        result = self.waited_import('--timeout', '7200', '-c', 'status')
        self.assertEqual((124, 'pending\n'), (result.exit_code, result.stdout))
        stall, gave_up = result.stderr.splitlines()
        self.assertIn(
            'take over once the task has not been updated for '
            '120 minutes: this command starts it again then',
            stall,
        )
        self.assertTrue(
            gave_up.startswith(
                f'Gave up waiting for task {base.TASK_ID} after 7200 s'
            )
        )
        self.assertEqual(1, self.started.call_count)

    def test_an_import_glance_cannot_start_again_times_out(self):
        # The import began and stopped: Glance refuses a new import of
        # an image that is importing, whatever its lock.
        self.stuck(image_status='importing')
        result = self.waited_import('--timeout', '4000', '-c', 'status')
        self.assertEqual(
            (124, 'processing\n'), (result.exit_code, result.stdout)
        )
        stall, gave_up = result.stderr.splitlines()
        self.assertIn(
            ': to give up, delete the image (openstack image delete '
            f'{IMAGE_ID}) and import again. Still waiting until the '
            '--timeout, 1:0',
            stall,
        )
        self.assertEqual(
            f'Gave up waiting for task {base.TASK_ID} after 4000 s: it is '
            f'still processing. Wait again with: {RESUME}',
            gave_up,
        )
        self.assertEqual(1, self.started.call_count)
        self.assertFalse(self.deleted.called)

    def test_a_retry_glance_refuses_is_said_and_the_wait_goes_on(self):
        self.stuck()
        self.requests.post(
            IMAGE_URL + '/import',
            [
                {
                    'status_code': 202,
                    'headers': {
                        'x-openstack-request-id': test_interop.REQUEST_ID
                    },
                },
                {
                    'status_code': 409,
                    'json': {'message': 'Image has active task'},
                },
            ],
        )
        result = self.waited_import('--timeout', '5000', '-c', 'status')
        self.assertEqual(124, result.exit_code)
        stall, refused, gave_up = result.stderr.splitlines()
        self.assertRegex(
            refused,
            (
                '^Could not start the import again: .*Image has active task.* '
                f'Still waiting for task {base.TASK_ID}$'
            ),
        )

    def test_show_through_the_image_never_starts_an_import(self):
        self.stuck()
        result = self.openstack(
            'image',
            'task',
            'show',
            base.TASK_ID,
            '--image',
            IMAGE_ID,
            '--wait',
            '--timeout',
            '4000',
            '--stall-timeout',
            '600',
            '--max-poll-interval',
            '120',
        )
        self.assertEqual(124, result.exit_code)
        stall, _ = result.stderr.splitlines()
        self.assertRegex(stall, 'has made no progress for 1[0-1]:')
        self.assertIn('to give up, delete the image', stall)
        self.assertFalse(self.started.called)

    def test_a_copy_is_never_advised_to_delete_the_image(self):
        # copy-image works on an image that was there before.
        copying = {
            'image_id': IMAGE_ID,
            'import_req': {
                'method': {'name': 'copy-image'},
                'stores': ['cheap'],
            },
        }
        self.requests.get(
            IMAGE_URL + '/tasks', json={'tasks': [import_task(input=copying)]}
        )
        self.requests.get(IMAGE_URL, json=image('active'))
        result = self.openstack(
            'image',
            'task',
            'show',
            base.TASK_ID,
            '--image',
            IMAGE_ID,
            '--wait',
            '--timeout',
            '400',
        )
        stall, _ = result.stderr.splitlines()
        self.assertIn(
            f'Glance lets a new import of image {IMAGE_ID} take over once '
            'the task has not been updated for 60 minutes. Still waiting',
            stall,
        )
        self.assertNotIn('delete', stall)
        self.assertFalse(self.started.called)


class TestTaskStall(base.ShellTestCase):
    def setUp(self):
        super().setUp()
        self.clock = self.useFixture(base.FakeClock())
        self.requests.get(
            base.ENDPOINT + fakes.SCHEMA_URL, json=fakes.GLANCE_TASK_SCHEMA
        )
        self.show_url = base.TASKS_URL + '/' + base.TASK_ID

    def test_a_task_without_progress_is_said_once(self):
        self.requests.get(
            self.show_url, json=dict(fakes.GLANCE_SUCCESS, status='processing')
        )
        result = self.openstack(
            'image',
            'task',
            'show',
            base.TASK_ID,
            '--wait',
            '--timeout',
            '1800',
            '-f',
            'value',
            '-c',
            'status',
        )
        self.assertEqual(
            (124, 'processing\n'), (result.exit_code, result.stdout)
        )
        stall, gave_up = result.stderr.splitlines()
        self.assertRegex(
            stall,
            (
                f'^Task {base.TASK_ID} has made no progress for 5:[0-9]{{2}} '
                r'\(still processing, last updated 2026-11-27T10:00:01Z\): a '
                "task cannot be stopped: if it stays so, ask the cloud's "
                'operator. Still waiting until the --timeout, 2[0-9]:[0-9]{2} '
                'from now; Ctrl-C stops the wait, not the task, and this '
                'waits '
                f'again: openstack image task show {base.TASK_ID} --wait$'
            ),
        )
        self.assertTrue(gave_up.startswith('Gave up waiting'))

    def test_a_task_that_moves_is_no_stall(self):
        def moving(request, context):
            # Updated every 4 minutes: never 5 without progress.
            minute = 4 * int(self.clock.now // 240)
            return dict(
                fakes.GLANCE_SUCCESS,
                status='processing',
                updated_at=f'2026-11-27T10:{minute:02d}:00Z',
            )

        self.requests.get(self.show_url, json=moving)
        result = self.openstack(
            'image',
            'task',
            'show',
            base.TASK_ID,
            '--wait',
            '--timeout',
            '1800',
        )
        self.assertEqual(124, result.exit_code)
        self.assertTrue(
            result.stderr.startswith('Gave up waiting'), result.stderr
        )

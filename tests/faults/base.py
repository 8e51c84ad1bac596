# SPDX-License-Identifier: Apache-2.0
"""Faults injected into the local cloud's real servers (issue 6).

These tests stop and start Keystone, Glance and Swift's proxy with
``tools/local-cloud stop-service|start-service|restart-service``: run them
serially, after the functional suite::

    stestr --test-path ./tests/faults run --serial

Every service a test stops is started again by a cleanup registered
before the stop, so the cloud is whole again after each test, pass or
fail (a gentle per-test timeout still lets the cleanups run).
"""

import os
import subprocess
import time
import urllib.parse
import uuid

import fixtures
import testtools.content

from tests.functional import base
from tests.support.cloud import STATE_DIR
from tests.support.cloud import TOOL

# Starting a service waits until it answers (Glance: several seconds).
SERVICE_TIMEOUT = 180
# Long enough for the longest test (a 45 s wait plus two Keystone
# restarts), short enough that a hang still ends with the cleanups.
TEST_TIMEOUT = 240
CLEAR_LINE = base.CLEAR_LINE


class FaultTestCase(base.FunctionalTestCase):
    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.Timeout(TEST_TIMEOUT, gentle=True))
        status = self.local_cloud('status', check=False)
        self.assertEqual(
            0,
            status.returncode,
            'the local cloud is not fully running before the '
            f'test: {status.stdout}{status.stderr}',
        )
        self.glance_v2 = self.cloud['glance_url'] + '/v2'

    # The local cloud's services

    def local_cloud(self, *args, check=True, expiration=None):
        """Run tools/local-cloud on this test's state directory.

        Keystone (re)starts with ``expiration`` seconds of token life, by
        default the cloud's own.
        """
        env = dict(
            os.environ,
            IMAGEPLUGIN_CLOUD_DIR=STATE_DIR,
            IMAGEPLUGIN_TOKEN_EXPIRATION=str(
                expiration or self.cloud['token_expiration']
            ),
        )
        done = subprocess.run(
            [TOOL, *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=SERVICE_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
        if check:
            self.assertEqual(
                0,
                done.returncode,
                f'tools/local-cloud {" ".join(args)}: '
                f'{done.stdout}{done.stderr}',
            )
        return done

    def stop_service(self, name):
        """Stop a service; a cleanup starts it again."""
        self.addCleanup(self.start_service, name)
        self.local_cloud('stop-service', name)

    def start_service(self, name):
        # A no-op when it runs already.
        self.local_cloud('start-service', name)

    def freeze_service(self, name):
        """Hang a service (SIGSTOP); a cleanup thaws it."""
        self.addCleanup(self.local_cloud, 'thaw-service', name)
        self.local_cloud('freeze-service', name)

    def wait_for_log(self, path, start, text, timeout=30):
        """Bounded wait until ``text`` is in the log after ``start``."""
        deadline = time.monotonic() + timeout
        while True:
            with open(path, 'rb') as log:
                log.seek(start)
                if text in log.read().decode(errors='replace'):
                    return
            self.assertLess(
                time.monotonic(),
                deadline,
                f'{text!r} not in {path} within {timeout} s',
            )
            time.sleep(0.1)

    # Straight to the servers as admin, for what the test checks itself

    def get_json(self, url):
        answer = self.cloud.request('GET', url)
        self.assertEqual(200, answer.status_code, answer.text)
        return answer.json()

    def objects(self, container):
        """Names in a container, straight from Swift ([] if none)."""
        answer = self.cloud.request(
            'GET',
            f'{self.cloud["admin_swift_storage_url"]}/'
            f'{urllib.parse.quote(container)}?format=json',
        )
        if answer.status_code == 404:
            return []
        self.assertEqual(200, answer.status_code, answer.text)
        return [item['name'] for item in answer.json()]

    def delete_container(self, container):
        self.openstack('container', 'delete', '--recursive', container)

    def task_ids(self, limit=100):
        """IDs of the newest tasks, straight from Glance."""
        listed = self.get_json(
            f'{self.glance_v2}/tasks?sort_key=created_at'
            f'&sort_dir=desc&limit={limit}'
        )
        return [task['id'] for task in listed['tasks']]

    def task(self, task_id):
        return self.get_json(f'{self.glance_v2}/tasks/{task_id}')

    def new_tasks_named(self, before, name):
        """Tasks created since ``before`` (a set of IDs) for image name."""
        found = []
        for task_id in self.task_ids():
            if task_id in before:
                continue
            task_input = self.task(task_id).get('input') or {}
            properties = task_input.get('image_properties') or {}
            if properties.get('name') == name:
                found.append(task_id)
        return found

    def delete_images_named(self, name, glance_v2=None):
        """Delete the images a test's tasks made (best effort), in the
        Glance at ``glance_v2`` (default: RegionOne's)."""
        glance_v2 = glance_v2 or self.glance_v2
        listed = self.cloud.request(
            'GET', f'{glance_v2}/images?name={urllib.parse.quote(name)}'
        )
        if listed.status_code != 200:
            return
        for image in listed.json()['images']:
            self.cloud.request('DELETE', f'{glance_v2}/images/{image["id"]}')

    # Commands

    def unique_name(self):
        return 'faults-' + uuid.uuid4().hex[:8]

    def argv(self, *args, cloud='local-admin'):
        return [self.executable, '--os-cloud', cloud, *args]

    def start(self, *args, stderr_on_pty=False, cloud='local-admin'):
        """Start ``openstack --os-cloud CLOUD ARGS`` in background."""
        running = base.Running(
            self.argv(*args, cloud=cloud),
            self.env,
            stderr_on_pty=stderr_on_pty,
        )
        self.addCleanup(running.kill)
        return running

    def finished(self, running, timeout=120):
        result = running.finish(timeout)
        self.addDetail(
            f'stderr of {" ".join(running.argv[3:6])}',
            testtools.content.text_content(result.stderr),
        )
        self.assertLeaksNoSecret(result)
        return result

    def slow_task(self, name):
        """A task importing the trickled sample: processing for ~1 min.

        A cleanup deletes its image, which also ends the import.
        """
        self.addCleanup(self.delete_images_named, name)
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            self.cloud['slow_sample_url'],
            '--disk-format',
            'raw',
            '--name',
            name,
            '-f',
            'value',
            '-c',
            'id',
        )
        return self.assertSucceeds(result).strip()

"""``image task import --file`` through the local cloud's real Swift.

Glance imports the upload through a Swift TempURL (the upstream dialect).
"""

import json
import signal
import subprocess
import time
import urllib.request
import uuid

import fixtures

from tests.functional import base

MiB = base.MiB
random_file = base.random_file


class TestUpload(base.FunctionalTestCase):

    def setUp(self):
        super().setUp()
        self.folder = self.useFixture(fixtures.TempDir()).path
        self.container = 'func-' + uuid.uuid4().hex[:8]
        self.addCleanup(self.openstack, 'container', 'delete',
                        '--recursive', self.container)

    def objects(self):
        """Names in the test's container, straight from Swift."""
        token = self.assertSucceeds(self.openstack(
            'token', 'issue', '-f', 'value', '-c', 'id')).strip()
        request = urllib.request.Request(
            f'{self.cloud["admin_swift_storage_url"]}/{self.container}'
            '?format=json', headers={'X-Auth-Token': token})
        with urllib.request.urlopen(request, timeout=30) as answer:
            return [o['name'] for o in json.load(answer)]

    def test_segmented_upload_is_imported_and_cleaned_up(self):
        path, sha256 = random_file(self.folder, 'disk.raw', 304 * MiB)
        result = self.openstack(
            'image', 'task', 'import', '--file', path, '--name', 'uploaded',
            '--container', self.container, '--segment-size', '100M',
            '--wait', '-f', 'json')
        task = json.loads(self.assertSucceeds(result))
        self.assertEqual('success', task['status'])
        self.assertIn('temp_url_sig=<redacted>',
                      task['input']['import_from'])
        image_id = task['result']['image_id']
        self.addCleanup(self.delete_image, image_id)
        self.assertEqual(sha256, self.image_bytes_sha256(image_id))
        self.assertEqual([], self.objects())

    def test_interrupted_upload_resumes(self):
        path, sha256 = random_file(self.folder, 'disk.raw', 320 * MiB)
        argv = [self.executable, '--os-cloud', 'local-admin', 'image',
                'task', 'import', '--file', path, '--container',
                self.container, '--segment-size', '32M', '--wait', '-f',
                'json']
        first = subprocess.Popen(argv, env=self.env, text=True,
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
        self.addCleanup(first.kill)
        # Interrupt once Swift holds the first segment (bounded polling).
        for _ in range(600):
            if any('.segments/' in name for name in self.objects_or_none()):
                break
            time.sleep(0.05)
        first.send_signal(signal.SIGINT)
        out, err = first.communicate(timeout=60)
        self.assertEqual((130, ''), (first.returncode, out), err)
        self.assertEqual(
            'Upload interrupted. The segments stored so far stay under '
            f'{self.container}/disk.raw.segments/: run the same command '
            'again to resume the upload.\n', err)
        stored = [n for n in self.objects() if '.segments/' in n]
        self.assertTrue(stored)

        result = self.openstack(*argv[3:])
        self.assertEqual(0, result.exit_code, result)
        first_line, *rest = result.stderr.splitlines()
        self.assertRegex(first_line, r'^Resumed the upload: \d+ of 10 '
                         'segments were already stored\\.$')
        self.assertEqual([], rest)
        task = result.json()
        self.addCleanup(self.delete_image, task['result']['image_id'])
        self.assertEqual(sha256,
                         self.image_bytes_sha256(task['result']['image_id']))
        self.assertEqual([], self.objects())

    def objects_or_none(self):
        try:
            return self.objects()
        except OSError:  # the container is not there yet
            return []

# SPDX-License-Identifier: Apache-2.0
"""Glance over HTTPS with a self-signed certificate (nginx on loopback).

The local cloud's ``local-admin-tls`` profile reaches Glance through
glance-front's HTTPS port; only ``glance_tls_ca_file`` vouches for its
certificate.
"""

import json
import uuid

from tests.functional import base


class TestTLS(base.FunctionalTestCase):
    def openstack_tls(self, *args, env=None):
        return self.openstack(*args, cloud='local-admin-tls', env=env)

    def test_unknown_certificate_is_refused(self):
        result = self.openstack_tls('image', 'task', 'list')
        self.assertFailsWith(
            result,
            'Cannot list tasks: cannot reach the image service at '
            f'{self.cloud["glance_tls_url"]}/v2/tasks: TLS certificate '
            'verification failed (give the CA bundle with --os-cacert, or '
            'use --insecure)',
        )

    def test_import_trusting_the_certificate(self):
        name = f'func-tls-{uuid.uuid4().hex[:8]}'
        result = self.openstack_tls(
            '--os-cacert',
            self.cloud['glance_tls_ca_file'],
            'image',
            'task',
            'import',
            '--import-from',
            self.sample('sample.qcow2')['url'],
            '--name',
            name,
            '--wait',
            '-f',
            'json',
        )
        task = json.loads(self.assertSucceeds(result))
        self.addCleanup(self.delete_image, task['result']['image_id'])
        self.assertEqual('success', task['status'])

    def test_ca_bundle_from_the_environment(self):
        listed = self.assertSucceeds(
            self.openstack_tls(
                'image',
                'task',
                'list',
                '--max-items',
                '1',
                '-f',
                'json',
                env={'OS_CACERT': self.cloud['glance_tls_ca_file']},
            )
        )
        self.assertEqual(1, len(json.loads(listed)))

    def test_insecure(self):
        listed = self.assertSucceeds(
            self.openstack_tls(
                '--insecure',
                'image',
                'task',
                'list',
                '--max-items',
                '1',
                '-f',
                'json',
            )
        )
        self.assertEqual(1, len(json.loads(listed)))

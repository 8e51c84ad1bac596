# SPDX-License-Identifier: Apache-2.0
"""No secret in any output, --debug logs and errors included (issue 6).

The secrets: the users' passwords (cloud.json), tokens (keystoneauth
logs them only as ``{SHA256}<hash>``), the account's TempURL key and the
signatures made with it (shown only as ``temp_url_sig=<redacted>``).
"""

import hashlib
import hmac
import json
import os
import re
import urllib.parse
import uuid

import fixtures
import yaml

from tests.faults import base

TEMP_URL_KEYS = (
    'X-Account-Meta-Temp-URL-Key',
    'X-Account-Meta-Temp-URL-Key-2',
)
# A Fernet token as Keystone issues them.
FERNET_TOKEN = re.compile(r'gAAAAA[\w-]{40,}')
SIGNATURE = re.compile(r'temp_url_sig(?:=|%3D)([^&\s\'"\\]*)', re.I)
TOKEN_HEADER = re.compile(r'X-(?:Auth|Subject)-Token: (\S+)', re.I)


class TestSecrets(base.FaultTestCase):
    def setUp(self):
        super().setUp()
        self.token = self.assertSucceeds(
            self.openstack('token', 'issue', '-f', 'value', '-c', 'id')
        ).strip()
        self.assertRegex(self.token, FERNET_TOKEN)
        # From here on, base.openstack() checks every output for it.
        self.secrets.append(self.token)

    def run_all(self, *commands, **kwargs):
        """Run ``(exit code, args)`` commands; return all their output."""
        text = []
        for exit_code, args in commands:
            result = self.openstack(*args, **kwargs)
            self.assertEqual(
                exit_code, result.exit_code, f'{args}: {result.stderr[-3000:]}'
            )
            text.append(result.stdout + result.stderr)
        return '\n'.join(text)

    def temp_url_key(self):
        account = self.cloud.request(
            'HEAD', self.cloud['admin_swift_storage_url']
        )
        self.assertEqual(204, account.status_code, account.text)
        keys = [
            account.headers[h] for h in TEMP_URL_KEYS if account.headers.get(h)
        ]
        self.assertTrue(keys, 'the account has no TempURL key')
        return keys

    def assertNoSecret(self, text, keys=(), signatures=()):
        for kind, found in (
            ('a password or token', self.secrets),
            ('a TempURL key', keys),
            ('a TempURL signature', signatures),
        ):
            for secret in found:
                at = text.find(secret)
                if at >= 0:
                    # Say where, without the whole log or the secret.
                    self.fail(
                        f'{kind} in the output: '
                        f'{text[max(0, at - 300) : at]!r} <HERE>'
                    )
        self.assertIsNone(FERNET_TOKEN.search(text))
        for header_value in TOKEN_HEADER.findall(text):
            self.assertTrue(header_value.startswith('{SHA256}'), header_value)

    def assertSignaturesRedacted(self, text):
        shown = SIGNATURE.findall(text)
        self.assertTrue(shown, 'no TempURL in the output')
        clear = [value for value in shown if value != '<redacted>']
        # Not the values themselves: they are secrets.
        self.assertEqual(
            [],
            [f'<{len(v)} characters>' for v in clear],
            'TempURL signatures in the output',
        )

    def signature(self, temp_url, key):
        """The signature the plugin made for a (redacted) TempURL."""
        parts = urllib.parse.urlsplit(temp_url)
        expires = urllib.parse.parse_qs(parts.query)['temp_url_expires'][0]
        return hmac.new(
            key.encode(),
            f'GET\n{expires}\n{urllib.parse.unquote(parts.path)}'.encode(),
            hashlib.sha256,
        ).hexdigest()

    def test_debug_output_of_every_command(self):
        name = self.unique_name()
        self.addCleanup(self.delete_images_named, name)
        self.addCleanup(
            self.delete_images_named, name, self.cloud['glance_two_api_url']
        )
        self.addCleanup(self.delete_container, name)
        imported = self.openstack(
            '--debug',
            'image',
            'task',
            'import',
            '--import-from',
            self.sample('sample.raw')['url'],
            '--name',
            name,
            '--wait',
            '-f',
            'json',
        )
        self.assertEqual(0, imported.exit_code, imported.stderr[-3000:])
        uploaded = self.openstack(
            '--debug',
            'image',
            'task',
            'import',
            '--file',
            self.sample('sample.qcow2')['path'],
            '--name',
            name,
            '--container',
            name,
            '--keep-upload',
            '--wait',
            '-f',
            'json',
        )
        self.assertEqual(0, uploaded.exit_code, uploaded.stderr[-3000:])
        task = json.loads(uploaded.stdout)
        self.assertEqual('success', task['status'])
        text = '\n'.join(
            (
                imported.stdout,
                imported.stderr,
                uploaded.stdout,
                uploaded.stderr,
                self.run_all(
                    (
                        0,
                        (
                            '--debug',
                            'image',
                            'task',
                            'show',
                            json.loads(imported.stdout)['id'],
                        ),
                    ),
                    (
                        0,
                        (
                            '--debug',
                            'image',
                            'task',
                            'list',
                            '--long',
                            '--max-items',
                            '5',
                        ),
                    ),
                    (
                        1,
                        (
                            '--debug',
                            'image',
                            'task',
                            'show',
                            str(uuid.uuid4()),
                        ),
                    ),
                    (
                        1,
                        (
                            '--debug',
                            'image',
                            'task',
                            'import',
                            '--import-from',
                            self.cloud['failing_sample_url'],
                            '--wait',
                        ),
                    ),
                    # The data streamed through, with both regions' tokens.
                    (
                        0,
                        (
                            '--debug',
                            'image',
                            'task',
                            'copy',
                            json.loads(imported.stdout)['image_id'],
                            '--to-region',
                            'RegionTwo',
                            '--method',
                            'glance-direct',
                            '--wait',
                        ),
                    ),
                ),
            )
        )
        shown = self.run_all(
            (0, ('--debug', 'image', 'task', 'show', task['id'], '-f', 'json'))
        )

        keys = self.temp_url_key()
        temp_url = task['input']['import_from']
        signatures = [self.signature(temp_url, key) for key in keys]
        # The signature computed here is the plugin's: Swift takes it
        # (the upload was kept for this).
        signed = self.cloud.request(
            'HEAD',
            SIGNATURE.sub(f'temp_url_sig={signatures[0]}', temp_url),
            user=None,
        )
        self.assertEqual(200, signed.status_code)
        self.assertNoSecret(text, keys, signatures)
        self.assertSignaturesRedacted(text)
        self.assertNoSecret(shown, keys)
        self.assertNoSecret(shown, signatures=signatures)

    def test_token_given_in_the_environment(self):
        task_id = self.assertSucceeds(
            self.openstack(
                'image',
                'task',
                'import',
                '--import-from',
                self.cloud['failing_sample_url'],
                '-f',
                'value',
                '-c',
                'id',
            )
        ).strip()
        env = {
            'OS_CLIENT_CONFIG_FILE': '/dev/null',
            'OS_AUTH_TYPE': 'token',
            'OS_TOKEN': self.token,
            'OS_AUTH_URL': self.cloud['auth_url'],
            'OS_PROJECT_ID': self.cloud['admin']['project_id'],
            'OS_IDENTITY_API_VERSION': '3',
        }
        text = self.run_all(
            (1, ('--debug', 'image', 'task', 'show', task_id, '--wait')),
            (0, ('--debug', 'image', 'task', 'list', '--max-items', '3')),
            (1, ('--debug', 'image', 'task', 'show', str(uuid.uuid4()))),
            cloud=None,
            env=env,
        )
        self.assertNoSecret(text)

    def test_secrets_given_as_options(self):
        # osc-lib's --debug echoes the command line: the plugin masks it.
        admin = self.cloud['admin']
        text = self.run_all(
            (
                0,
                (
                    '--debug',
                    '--os-password',
                    admin['password'],
                    'image',
                    'task',
                    'list',
                    '--max-items',
                    '1',
                ),
            )
        )
        text += self.run_all(
            (
                0,
                (
                    '--debug',
                    '--os-token',
                    self.token,
                    '--os-endpoint',
                    self.cloud['glance_url'],
                    'image',
                    'task',
                    'list',
                    '--max-items',
                    '1',
                ),
            ),
            (
                1,
                (
                    '--debug',
                    '--os-auth-type',
                    'token',
                    '--os-token',
                    self.token,
                    '--os-auth-url',
                    self.cloud['auth_url'],
                    '--os-project-id',
                    admin['project_id'],
                    'image',
                    'task',
                    'show',
                    str(uuid.uuid4()),
                ),
            ),
            cloud=None,
            env={'OS_CLIENT_CONFIG_FILE': '/dev/null'},
        )
        self.assertNoSecret(text)
        self.assertEqual(2, text.count('--os-token ***'))
        self.assertEqual(1, text.count('--os-password ***'))

    def test_error_of_a_refused_file_import(self):
        # Glance refuses to import from hosts outside its allowed list
        # (here only 127.0.0.1 and localhost): reach the same Swift as
        # 127.1, so the TempURL it is given points there.
        folder = self.useFixture(fixtures.TempDir()).path
        with open(self.cloud['clouds_yaml']) as clouds_yaml:
            clouds = yaml.safe_load(clouds_yaml)
        profile = dict(clouds['clouds']['local-admin'])
        profile['object_store_endpoint_override'] = self.cloud[
            'admin_swift_storage_url'
        ].replace('//127.0.0.1:', '//127.1:')
        clouds['clouds']['faults-admin'] = profile
        path = os.path.join(folder, 'clouds.yaml')
        with open(path, 'w') as out:
            yaml.safe_dump(clouds, out)

        name = self.unique_name()
        self.addCleanup(self.delete_container, name)
        outputs = []
        for debug in ([], ['--debug']):
            result = self.openstack(
                *debug,
                'image',
                'task',
                'import',
                '--file',
                self.sample('sample.qcow2')['path'],
                '--name',
                name,
                '--container',
                name,
                '--wait',
                cloud='faults-admin',
                env={'OS_CLIENT_CONFIG_FILE': path},
            )
            self.assertEqual((1, ''), (result.exit_code, result.stdout))
            outputs.append(result.stderr)
        plain = outputs[0]
        self.assertRegex(
            plain,
            '^Cannot create the import task: URI for legacy import '
            'task does not pass filtering: http://127\\.1:[^\n]* \\(HTTP '
            '400\\)\\. The upload was deleted\\.\n\\Z',
        )
        self.assertEqual([], self.objects(name))
        text = '\n'.join(outputs)
        keys = self.temp_url_key()
        self.assertNoSecret(text, keys)
        self.assertSignaturesRedacted(text)

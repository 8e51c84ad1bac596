"""Run the installed ``openstack`` executable against the local cloud.

``tools/local-cloud up`` starts real Keystone, Glance and Swift on
127.0.0.1 and writes ``cloud.json`` and ``clouds.yaml`` into its state
folder (``IMAGEPLUGIN_CLOUD_DIR``, default ``.local-cloud``). The tests
fail, rather than skip, when it is not running.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tempfile

import testtools

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
STATE_DIR = os.environ.get('IMAGEPLUGIN_CLOUD_DIR',
                           os.path.join(TOP, '.local-cloud'))
COMMAND_TIMEOUT = 300
MiB = 1024 * 1024


def random_file(folder, name, size, algorithm='sha256'):
    """A file of random bytes; returns its path and its hex digest."""
    path = os.path.join(folder, name)
    digest = hashlib.new(algorithm)
    with open(path, 'wb') as out:
        for _ in range(size // (8 * MiB)):
            chunk = os.urandom(8 * MiB)
            digest.update(chunk)
            out.write(chunk)
    return path, digest.hexdigest()


def load_cloud():
    path = os.path.join(STATE_DIR, 'cloud.json')
    if not os.path.exists(path):
        raise RuntimeError(f'{path} is missing: run "tools/local-cloud up"')
    with open(path) as cloud_json:
        return json.load(cloud_json)


class Result:
    def __init__(self, completed):
        self.exit_code = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr

    def json(self):
        return json.loads(self.stdout)

    def __repr__(self):
        return (f'Result(exit_code={self.exit_code!r}, '
                f'stdout={self.stdout!r}, stderr={self.stderr!r})')


class FunctionalTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.cloud = load_cloud()
        self.executable = shutil.which('openstack')
        self.assertIsNotNone(self.executable, 'no openstack on PATH')
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith('OS_')}
        self.env['OS_CLIENT_CONFIG_FILE'] = self.cloud['clouds_yaml']
        self.secrets = [self.cloud['admin']['password'],
                        self.cloud['member']['password']]

    def openstack(self, *args, cloud='local-admin', env=None):
        """Run ``openstack --os-cloud CLOUD ARGS`` and return its result."""
        argv = [self.executable]
        if cloud:
            argv += ['--os-cloud', cloud]
        completed = subprocess.run(
            argv + list(args), capture_output=True, text=True,
            env=dict(self.env, **(env or {})), timeout=COMMAND_TIMEOUT,
            stdin=subprocess.DEVNULL)
        result = Result(completed)
        for secret in self.secrets:
            self.assertNotIn(secret, result.stdout + result.stderr)
        return result

    def assertSucceeds(self, result):
        """Exit 0 with nothing on stderr; return stdout."""
        self.assertEqual((0, ''), (result.exit_code, result.stderr), result)
        return result.stdout

    def assertFailsWith(self, result, message, exit_code=1):
        self.assertEqual((exit_code, '', message + '\n'),
                         (result.exit_code, result.stdout, result.stderr))

    def sample(self, name):
        return self.cloud['samples'][name]

    def import_and_wait(self, url, *args):
        result = self.openstack('image', 'task', 'import', '--import-from',
                                url, *args, '--wait', '-f', 'json')
        return result

    def image_bytes_sha256(self, image_id):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, 'image')
            self.assertSucceeds(self.openstack('image', 'save', '--file',
                                               path, image_id))
            with open(path, 'rb') as saved:
                return hashlib.file_digest(saved, 'sha256').hexdigest()

    def delete_image(self, image_id):
        self.openstack('image', 'delete', image_id)

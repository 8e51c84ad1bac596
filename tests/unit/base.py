# SPDX-License-Identifier: Apache-2.0
"""Run the real ``openstack`` shell in-process against requests-mock."""

import gc
import io
import logging
import os
import signal
import sys

import fixtures
from keystoneauth1 import fixture as ks_fixture
from requests_mock.contrib import fixture as requests_mock_fixture
import testtools

from tests.support import leaks
from tests.support import result as results

ENDPOINT = 'http://127.0.0.1:9292'
TASKS_URL = ENDPOINT + '/v2/tasks'
TOKEN = 'gAAAAAunit-test-token-0d1e2f'
TASK_ID = 'fc29a67c-ad76-49bc-a317-a5f38dcb44c0'
KEYSTONE = 'http://127.0.0.1:5000/v3'
PASSWORD = 'unit-test-password-7c9b'
# The project of a password login (use_catalog).
PROJECT_ID = '5d2f0c8e9a4b4c1d8e7f6a5b4c3d2e1f'


def with_python_sigint(test):
    """Python's own SIGINT handler (KeyboardInterrupt) for ``test``, as
    the openstack process has it, even where the runner was started with
    SIGINT ignored (a background job of a shell without job control)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    test.addCleanup(signal.signal, signal.SIGINT, previous)


def password_profile(name, **settings):
    """A clouds.yaml profile logging in to KEYSTONE with PASSWORD."""
    lines = [
        f'  {name}:',
        '    auth:',
        f'      auth_url: {KEYSTONE}',
        '      username: alice',
        f'      password: {PASSWORD}',
        '      project_name: demo',
        '      user_domain_name: Default',
        '      project_domain_name: Default',
        '    identity_api_version: 3',
    ]
    lines += [f'    {key}: {value}' for key, value in settings.items()]
    return '\n'.join(lines) + '\n'


class TerminalIO(io.StringIO):
    """A captured stream that says it is a terminal."""

    def isatty(self):
        return True


class ShellTestCase(
    results.ResultAssertions, leaks.LeakCheck, testtools.TestCase
):
    """Each test runs ``openstack ...`` as a user would, minus the process.

    The environment holds no OS_* variable and no clouds.yaml but the
    test's own; every answer comes from requests-mock.
    """

    secrets = (TOKEN, PASSWORD)

    def setUp(self):
        super().setUp()
        for name in list(os.environ):
            if name.startswith('OS_'):
                self.useFixture(fixtures.EnvironmentVariable(name))
        self.home = self.useFixture(fixtures.TempHomeDir()).path
        self.clouds_yaml = os.path.join(self.home, 'clouds.yaml')
        self.useFixture(
            fixtures.EnvironmentVariable(
                'OS_CLIENT_CONFIG_FILE', self.clouds_yaml
            )
        )
        self.requests = self.useFixture(requests_mock_fixture.Fixture())
        # osc-lib keeps the first client made for the whole process.
        self.useFixture(
            fixtures.MockPatch(
                'osc_lib.clientmanager.ClientCache.__get__',
                lambda cache, instance, owner: cache.factory(instance),
            )
        )
        # No image has the new image's name (duplicates.look), unless a
        # test says otherwise.
        self.same_named = self.requests.get(
            ENDPOINT + '/v2/images', json={'images': []}
        )

    def serve_task_schema(self, schema=None):
        """The cloud's task schema: Rackspace's unless given (whose
        dialect takes <container>/<object> sources)."""
        from tests.unit import fakes

        self.requests.get(
            ENDPOINT + fakes.SCHEMA_URL,
            json=schema or fakes.RACKSPACE_TASK_SCHEMA,
        )

    def open_tasks_api(self):
        """The tasks API lets this user in (an admin of Glance): the
        cheap request that tells it before an import."""
        return self.requests.get(TASKS_URL + '?limit=1', json={'tasks': []})

    def use_catalog(self, profiles, endpoints):
        """Write ``profiles`` to clouds.yaml; Keystone's catalog lists
        ``endpoints``, (service type, interface, URL, region) each."""
        with open(self.clouds_yaml, 'w') as clouds:
            clouds.write('clouds:\n' + ''.join(profiles))
        token = ks_fixture.V3Token(project_name='demo', project_id=PROJECT_ID)
        services = {}
        for service_type, interface, url, region in endpoints:
            if service_type not in services:
                services[service_type] = token.add_service(service_type)
            services[service_type].add_endpoint(interface, url, region)
        self.requests.get(KEYSTONE, json=ks_fixture.V3Discovery(KEYSTONE))
        self.requests.post(
            KEYSTONE + '/auth/tokens',
            json=token,
            headers={'X-Subject-Token': TOKEN},
            status_code=201,
        )

    def openstack(
        self,
        *args,
        auth=('--os-token', TOKEN, '--os-endpoint', ENDPOINT),
        tty=False,
    ):
        """Run the shell; return its exit code, stdout and stderr."""
        from openstackclient import shell

        stdout = io.StringIO()
        stderr = TerminalIO() if tty else io.StringIO()
        root = logging.getLogger()
        handlers, level = root.handlers[:], root.level
        saved_streams = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = stdout, stderr
        # cliff names the program after argv[0] when it is first imported.
        self.useFixture(
            fixtures.MonkeyPatch('cliff.app.App.NAME', 'openstack')
        )
        try:
            exit_code = shell.main(list(auth) + list(args))
        except SystemExit as exc:
            exit_code = exc.code
        finally:
            # Our commands freeze the collector's objects for a fast exit;
            # this process goes on.
            gc.unfreeze()
            root.handlers[:] = handlers
            root.setLevel(level)
            sys.stdout, sys.stderr = saved_streams
        result = results.Result(
            exit_code, stdout.getvalue(), stderr.getvalue()
        )
        self.assertLeaksNoSecret(result)
        return result

    def serve_image(self, url, data):
        """Answer ranged GETs of ``url`` as a web server holding ``data``
        does; returns the requests-mock matcher."""

        def answer(request, context):
            first, _, last = request.headers['Range'][6:].partition('-')
            start = len(data) - int(last) if not first else int(first)
            end = len(data) if not first or not last else int(last) + 1
            context.status_code = 206
            context.headers['Content-Range'] = (
                f'bytes {start}-{min(end, len(data)) - 1}/{len(data)}'
            )
            return data[start:end]

        return self.requests.get(url, content=answer)

    def read_stage(self, url):
        """Answer PUTs of ``url`` as Glance's stage does, reading the
        body while the request is made; returns the requests-mock matcher
        and the list of bodies received."""
        received = []

        def stage(request, context):
            body = request.body
            if hasattr(body, 'read'):
                body = iter(lambda: request.body.read(65536), b'')
            # Else chunks of a body of no size known (chunked).
            received.append(b''.join(body))
            context.status_code = 204
            return ''

        return self.requests.put(url, text=stage), received

    def sent_json(self, index=-1):
        return self.requests.request_history[index].json()


class FakeClock(fixtures.Fixture):
    """Time that passes only when the code under test sleeps."""

    def _setUp(self):
        self.now = 0.0
        self.sleeps = []
        self.useFixture(fixtures.MockPatch('imageplugin.waiting.time', self))

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

# SPDX-License-Identifier: Apache-2.0
import json

import requests

from tests.unit import base
from tests.unit import fakes
from tests.unit import images

SHOW_URL = base.TASKS_URL + '/' + base.TASK_ID


class TestErrors(base.ShellTestCase):
    """Every failure is one line on stderr, exit 1, no traceback."""

    def show(self):
        return self.openstack('image', 'task', 'show', base.TASK_ID)

    def test_forbidden_by_glance_policy(self):
        self.requests.get(
            SHOW_URL,
            status_code=403,
            json={
                'message': 'You are not authorized to complete '
                'tasks_api_access action.<br /><br />\n',
                'code': '403 Forbidden',
                'title': 'Forbidden',
            },
        )
        self.assertFailsWith(
            self.show(),
            f'Cannot show task {base.TASK_ID}: You are not authorized to '
            'complete tasks_api_access action. The tasks API of this Glance '
            'is admin-only (policy tasks_api_access): use a profile with the '
            'admin role. (HTTP 403) The tasks of your own images: openstack '
            f'image task show {base.TASK_ID} --image <image>',
        )

    def test_html_error_body(self):
        self.requests.get(
            SHOW_URL,
            status_code=400,
            headers={'Content-Type': 'text/html'},
            text=(
                '<html>\n <head>\n  <title>400 Bad Request</title>\n </head>\n'
                ' <body>\n  <h1>400 Bad Request</h1>\n  Invalid status value'
                '<br /><br />\n\n\n\n </body>\n</html>'
            ),
        )
        # Not JSON: the root is read, and is Glance's.
        root = self.requests.get(
            base.ENDPOINT + '/', status_code=300, json=fakes.GLANCE_VERSIONS
        )
        self.assertFailsWith(
            self.show(),
            f'Cannot show task {base.TASK_ID}: Invalid status value '
            '(HTTP 400)',
        )
        self.assertNotIn('X-Auth-Token', root.last_request.headers)

    def test_front_end_page(self):
        # nginx's own 503 page says it only in its title; its signature
        # is not the reason.
        self.requests.get(
            SHOW_URL,
            status_code=503,
            headers={'Content-Type': 'text/html', 'Retry-After': '3'},
            text=(
                '<html>\r\n<head><title>503 Service Temporarily Unavailable'
                '</title></head>\r\n<body>\r\n<center><h1>503 Service '
                'Temporarily Unavailable</h1></center>\r\n<hr><center>'
                'nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n'
            ),
        )
        self.assertFailsWith(
            self.show(),
            f'Cannot show task {base.TASK_ID}: Service '
            'Temporarily Unavailable (HTTP 503)',
        )

    def test_front_end_page_with_a_reason(self):
        self.requests.get(
            SHOW_URL,
            status_code=503,
            text=(
                '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML '
                '2.0//EN">\n<html><head>'
                '\n<title>503 Service Unavailable</title>\n</head><body>\n<h1>'
                'Service Unavailable</h1>\n<p>The server is temporarily '
                'unable '
                'to service your\nrequest due to maintenance downtime.</p>\n'
                '<hr>\n<address>Apache/2.4.62 (Debian) Server at 127.0.0.1 '
                'Port 80</address>\n</body></html>\n'
            ),
        )
        self.assertFailsWith(
            self.show(),
            f'Cannot show task {base.TASK_ID}: The server is '
            'temporarily unable to service your request due to maintenance '
            'downtime. (HTTP 503)',
        )

    def test_schema_dump_is_cut(self):
        self.serve_task_schema()
        self.requests.post(
            base.TASKS_URL,
            status_code=400,
            json={
                'message': "Provided object does not match schema 'task': "
                "'bogus' is not one of ['import']\n\nFailed "
                "validating 'enum' in schema['properties']: {...}"
            },
        )
        result = self.openstack(
            'image', 'task', 'import', '--import-from', 'exports/a.vhd'
        )
        self.assertFailsWith(
            result,
            'Cannot create the import task: Provided object does not'
            " match schema 'task': 'bogus' is not one of ['import'] "
            '(HTTP 400)',
        )

    def test_quoted_signature_is_blotted_out(self):
        self.open_tasks_api()
        self.requests.post(
            base.TASKS_URL,
            status_code=400,
            json={
                'message': 'URI for legacy import task does not pass '
                'filtering: http://127.1:8080/v1/AUTH_a/images/d.qcow2?'
                'temp_url_sig=0a1b2c3d&temp_url_expires=1'
            },
        )
        self.serve_image('http://127.0.0.1/a.qcow2', images.qcow2())
        result = self.openstack(
            'image',
            'task',
            'import',
            '--import-from',
            'http://127.0.0.1/a.qcow2',
        )
        self.assertFailsWith(
            result,
            'Cannot create the import task: URI for legacy import '
            'task does not pass filtering: http://127.1:8080/v1/AUTH_a/'
            'images/d.qcow2?temp_url_sig=<redacted>&temp_url_expires=1 '
            '(HTTP 400)',
        )

    def test_server_error_without_body(self):
        self.requests.get(
            SHOW_URL, status_code=503, reason='Service Unavailable', text=''
        )
        self.assertFailsWith(
            self.show(),
            f'Cannot show task {base.TASK_ID}: Service Unavailable (HTTP 503)',
        )

    def test_long_message_is_shortened(self):
        self.requests.get(SHOW_URL, status_code=500, text='x' * 1000)
        result = self.show()
        self.assertEqual(1, result.exit_code)
        self.assertEqual(1, result.stderr.count('\n'))
        self.assertIn('x...', result.stderr)

    def test_rejected_token(self):
        # Glance's 401 with a token and --os-endpoint: an expired,
        # revoked or made-up token (its text speaks of browsers).
        self.requests.get(
            SHOW_URL,
            status_code=401,
            headers={'Content-Type': 'text/html'},
            text=(
                '<html>\n <head>\n  <title>401 Unauthorized</title>\n '
                '</head>\n'
                ' <body>\n  <h1>401 Unauthorized</h1>\n  This server could '
                'not '
                'verify that you are authorized to access the document you '
                'requested. Either you supplied the wrong credentials (e.g., '
                'bad '
                'password), or your browser does not understand how to supply '
                'the credentials required.<br /><br />\n\n\n\n </body>\n'
                '</html>'
            ),
        )
        result = self.show()
        self.assertEqual(
            (
                1,
                '',
                f'Cannot show task {base.TASK_ID}: the image service '
                'refused the token: it is expired, revoked or invalid; get a '
                'new '
                'one with "openstack token issue" (with a profile that logs '
                'in '
                'with a password) (HTTP 401)\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )

    def test_connection_refused(self):
        self.requests.get(
            SHOW_URL,
            exc=requests.exceptions.ConnectionError(
                'Max retries exceeded: Connection refused'
            ),
        )
        self.assertFailsWith(
            self.show(),
            f'Cannot show task {base.TASK_ID}: cannot reach the '
            f'image service at {SHOW_URL}: connection refused',
        )

    def test_timeout(self):
        self.requests.get(SHOW_URL, exc=requests.exceptions.ReadTimeout)
        self.assertFailsWith(
            self.show(),
            f'Cannot show task {base.TASK_ID}: cannot reach the '
            f'image service at {SHOW_URL}: timed out',
        )

    def test_tls_verification(self):
        self.requests.get(
            SHOW_URL,
            exc=requests.exceptions.SSLError(
                '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed'
            ),
        )
        self.assertFailsWith(
            self.show(),
            f'Cannot show task {base.TASK_ID}: cannot reach the '
            f'image service at {SHOW_URL}: TLS certificate verification '
            'failed (give the CA bundle with --os-cacert, or use --insecure)',
        )

    def test_success_without_json(self):
        self.requests.get(SHOW_URL, text='<html>maintenance</html>')
        self.assertFailsWith(
            self.show(),
            f'Cannot show task {base.TASK_ID}: the image '
            f'service at {base.ENDPOINT}/v2 answered HTTP 200 with a body '
            'that is not JSON',
        )

    def test_truncated_json(self):
        self.requests.get(SHOW_URL, text='{"id": "fc29a67c-ad76')
        self.assertFailsWith(
            self.show(),
            f'Cannot show task {base.TASK_ID}: the image '
            f'service at {base.ENDPOINT}/v2 answered HTTP 200 with a body '
            'that is not JSON',
        )


class TestVerification(base.ShellTestCase):
    def setUp(self):
        super().setUp()
        # requests would take a bundle from these instead of True.
        for name in ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'):
            self.useFixture(base.fixtures.EnvironmentVariable(name))
        self.requests.get(
            SHOW_URL, json={'id': base.TASK_ID, 'status': 'success'}
        )

    def verify_sent(self, *args):
        self.assertSucceeds(
            self.openstack(*args, 'image', 'task', 'show', base.TASK_ID)
        )
        return self.requests.last_request.verify

    def test_certificates_are_verified_by_default(self):
        self.assertIs(True, self.verify_sent())

    def test_insecure(self):
        self.assertIs(False, self.verify_sent('--insecure'))

    def test_cacert(self):
        bundle = self.home + '/ca.pem'
        with open(bundle, 'w') as pem:
            pem.write('-----BEGIN CERTIFICATE-----\n')
        self.assertEqual(bundle, self.verify_sent('--os-cacert', bundle))


class TestDebugLogs(base.ShellTestCase):
    secrets = (base.TOKEN, '5ec2e75167a7')

    def test_signatures_stay_out_of_debug_logs(self):
        task = {
            'id': base.TASK_ID,
            'status': 'success',
            'input': {
                'import_from': 'http://127.0.0.1:8080/v1/AUTH_a/images/d.raw?'
                'temp_url_sig=5ec2e75167a7&temp_url_expires=1'
            },
        }
        self.requests.get(
            SHOW_URL, json=task, headers={'Content-Type': 'application/json'}
        )
        # The token is given as --os-token: osc-lib's --debug line of the
        # command line shows it masked (the plugin module sees to it).
        result = self.openstack(
            '--debug', 'image', 'task', 'show', base.TASK_ID, '-f', 'json'
        )
        self.assertIn(
            'START with options: --os-token *** --os-endpoint', result.stderr
        )
        self.assertEqual(0, result.exit_code)
        self.assertIn('temp_url_sig=<redacted>', result.stdout)
        self.assertIn('RESP BODY', result.stderr)
        self.assertIn('temp_url_sig=<redacted>', result.stderr)

    def test_passwords_in_urls_stay_out_of_output_and_logs(self):
        # Any task's URL, the tasks API's or an interoperable import's.
        task = {
            'id': base.TASK_ID,
            'status': 'success',
            'input': {
                'import_req': {
                    'method': {
                        'name': 'web-download',
                        'uri': 'http://bob:5ec2e75167a7@127.0.0.1:8000/d.raw',
                    }
                }
            },
        }
        self.requests.get(
            SHOW_URL, json=task, headers={'Content-Type': 'application/json'}
        )
        result = self.openstack(
            '--debug', 'image', 'task', 'show', base.TASK_ID, '-f', 'json'
        )
        self.assertEqual(0, result.exit_code)
        shown = json.loads(result.stdout)
        self.assertEqual(
            'http://bob:<redacted>@127.0.0.1:8000/d.raw',
            shown['input']['import_req']['method']['uri'],
        )
        self.assertIn('RESP BODY', result.stderr)
        self.assertIn('bob:<redacted>@', result.stderr)


class TestWrongService(base.ShellTestCase):
    """An endpoint of another service says so, told by its answers."""

    KEYSTONE_ROOT = {
        'versions': {
            'values': [
                {
                    'id': 'v3.14',
                    'status': 'stable',
                    'links': [
                        {'rel': 'self', 'href': 'http://127.0.0.1:9292/v3/'}
                    ],
                    'media-types': [
                        {
                            'base': 'application/json',
                            'type': (
                                'application/vnd.openstack.identity-v3+json'
                            ),
                        }
                    ],
                }
            ]
        }
    }
    ADVICE = (
        "; give the image service's URL (--os-endpoint, "
        "image_endpoint_override, or the catalog's image endpoint)"
    )

    def list_tasks(self):
        return self.openstack('image', 'task', 'list')

    def test_identity_service(self):
        # Keystone (Flask) answers the image API's paths with a web page.
        self.requests.get(
            base.TASKS_URL,
            status_code=404,
            headers={'Content-Type': 'text/html'},
            text='<!doctype html><title>404 '
            'Not Found</title><h1>Not Found</h1><p>The requested URL was not '
            'found on the server.</p>',
        )
        self.requests.get(
            base.ENDPOINT + '/', status_code=300, json=self.KEYSTONE_ROOT
        )
        result = self.list_tasks()
        self.assertEqual(
            (
                1,
                '',
                f'Cannot list tasks: {base.ENDPOINT} does not answer as '
                'an image service: it is the identity service (Keystone), '
                'whose '
                'version document lists identity API versions'
                f'{self.ADVICE} (HTTP 404)\n',
            ),
            (result.exit_code, result.stdout, result.stderr),
        )

    def test_object_storage(self):
        self.requests.get(
            base.ENDPOINT + '/v1/v2/tasks/' + base.TASK_ID,
            status_code=403,
            headers={'Content-Type': 'text/html'},
            text='<html><h1>Forbidden</h1><p>'
            'Access was denied to this resource.</p></html>',
        )
        self.requests.get(
            base.ENDPOINT + '/v1/', status_code=412, text='Bad URL'
        )
        info = self.requests.get(
            base.ENDPOINT + '/info',
            json={'swift': {'version': '2.38.3'}, 'tempurl': {}},
        )
        result = self.openstack(
            '--os-token',
            base.TOKEN,
            '--os-endpoint',
            base.ENDPOINT + '/v1',
            'image',
            'task',
            'show',
            base.TASK_ID,
            auth=(),
        )
        self.assertFailsWith(
            result,
            f'Cannot show task {base.TASK_ID}: {base.ENDPOINT}/v1 '
            'does not answer as an image service: it is the object storage '
            '(Swift 2.38.3), which answers /info with its capabilities'
            f'{self.ADVICE} (HTTP 403)',
        )
        self.assertNotIn('X-Auth-Token', info.last_request.headers)

    def test_web_server(self):
        self.requests.get(base.TASKS_URL, status_code=404, text='Not found')
        self.requests.get(
            base.ENDPOINT + '/',
            headers={'Content-Type': 'text/html'},
            text='<html>Index of /</html>',
        )
        self.requests.get(base.ENDPOINT + '/info', status_code=404)
        self.assertFailsWith(
            self.list_tasks(),
            f'Cannot list tasks: {base.ENDPOINT} does not '
            'answer as an image service: its root answers a web page '
            '(text/html), not the version document of an image service'
            f'{self.ADVICE} (HTTP 404)',
        )

    def test_image_service_root_with_a_wrong_path(self):
        # Glance answers a path it does not serve with its version list
        # (HTTP 300): not an empty list of tasks, nor a task of None.
        versions = {
            'versions': [
                {
                    'id': 'v2.18',
                    'status': 'CURRENT',
                    'links': [{'rel': 'self', 'href': base.ENDPOINT + '/v2/'}],
                }
            ]
        }
        wrong = base.ENDPOINT + '/v1'
        self.requests.get(wrong + '/v2/tasks', status_code=300, json=versions)
        for path in (f'tasks/{base.TASK_ID}', 'schemas/task'):
            self.requests.get(
                f'{wrong}/v2/{path}', status_code=300, json=versions
            )
        said = (
            f'{wrong}/v2 is not the image API: the image service answers '
            'there with its list of API versions, the first at '
            f'{base.ENDPOINT}/v2/{self.ADVICE}, such as {base.ENDPOINT} '
            '(HTTP 300)'
        )
        for command, action in (
            (('list',), 'Cannot list tasks'),
            (
                ('show', base.TASK_ID, '--wait'),
                f'Cannot show task {base.TASK_ID}',
            ),
        ):
            self.assertFailsWith(
                self.openstack(
                    '--os-token',
                    base.TOKEN,
                    '--os-endpoint',
                    wrong,
                    'image',
                    'task',
                    *command,
                    auth=(),
                ),
                f'{action}: {said}',
            )

    def test_unknown_answers_leave_the_error_as_it_was(self):
        self.requests.get(base.TASKS_URL, status_code=404, text='Not found')
        self.requests.get(base.ENDPOINT + '/', status_code=404)
        self.requests.get(base.ENDPOINT + '/info', status_code=404)
        self.assertFailsWith(
            self.list_tasks(), 'Cannot list tasks: Not found (HTTP 404)'
        )

    def test_image_service_errors_send_nothing_more(self):
        self.requests.get(
            base.TASKS_URL,
            status_code=400,
            json={'message': 'Sort key supplied was not valid.'},
        )
        self.assertFailsWith(
            self.openstack('image', 'task', 'list', '--sort-key', 'x'),
            'Cannot list tasks: Sort key supplied was not valid. (HTTP 400)',
        )
        self.assertEqual(1, len(self.requests.request_history))

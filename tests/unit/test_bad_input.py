# SPDX-License-Identifier: Apache-2.0
"""Bad input, table-driven: one line on stderr, the exit code, nothing made.

Each case runs the real shell. Where the server must refuse something, the
answer is one Glance (or Keystone) really gives; no case may leave a task
behind, so a POST is allowed only where the server refuses it.
"""

import requests

from tests.unit import base
from tests.unit import fakes
from tests.unit import images

SHOW = ('image', 'task', 'show', base.TASK_ID)
IMPORT_URL = (
    'image',
    'task',
    'import',
    '--import-from',
    'http://127.0.0.1:8000/a.qcow2',
)
EXPORT = (
    'image',
    'task',
    'export',
    '7d1b6f4e-0c3a-4f7e-9a51-2b8e6c0d4f11',
    '--container',
)
SHOW_URL = base.TASKS_URL + '/' + base.TASK_ID
# The start of the image at IMPORT_URL, as its web server answers.
QCOW2_SERVED = {
    ('GET', IMPORT_URL[-1]): {
        'status_code': 206,
        'content': images.qcow2(),
        'headers': {'Content-Range': 'bytes 0-65535/65536'},
    }
}
SCHEMA_URL = base.ENDPOINT + '/v2/schemas/task'
USAGE = 2


def empty_refused(command, option):
    return (
        f'openstack image task {command}: error: argument {option}: it '
        f'must not be empty (see openstack image task {command} --help)'
    )


def glance_error(status, message):
    return {
        'status_code': status,
        'json': {
            'message': message + '<br /><br />\n',
            'code': str(status),
            'title': 'Error',
        },
    }


# (name, argv, mocks {(method, url): response}, exit code, stderr line)
CASES = [
    (
        'import without a source',
        ('image', 'task', 'import'),
        {},
        USAGE,
        'openstack image task import: error: one of the arguments '
        '--import-from --file --image is required (see openstack image task '
        'import --help)',
    ),
    (
        'import from a URL and a file',
        IMPORT_URL + ('--file', 'a.qcow2'),
        {},
        USAGE,
        'openstack image task import: error: argument --file: not '
        'allowed with argument --import-from (see openstack image task import '
        '--help)',
    ),
    (
        'property without =',
        IMPORT_URL + ('--property', 'os_distro'),
        {},
        USAGE,
        'openstack image task import: error: argument --property: '
        "Expected 'key=value' type, but got: os_distro (see openstack image "
        'task import --help)',
    ),
    (
        'property without key',
        IMPORT_URL + ('--property', '=x'),
        {},
        USAGE,
        'openstack image task import: error: argument --property: Property '
        'key must be specified: =x (see openstack image task import --help)',
    ),
    (
        'invalid JSON input',
        IMPORT_URL + ('--input', '{x}'),
        {},
        1,
        '--input is not valid JSON: Expecting property name enclosed in double'
        ' quotes: line 1 column 2 (char 1)',
    ),
    (
        'input not an object',
        IMPORT_URL + ('--input', '"x"'),
        {},
        1,
        '--input must be a JSON object such as \'{"key": "value"}\'',
    ),
    (
        'file URL',
        ('image', 'task', 'import', '--import-from', 'file:///etc/passwd'),
        {},
        1,
        '--import-from must be <container>/<object> or an http(s) URL, not a '
        'file:// address',
    ),
    # A property given twice, two ways: which one the user meant is not
    # for us to guess.
    (
        'property contradicting its option',
        IMPORT_URL + ('--property', 'min_disk=5', '--min-disk', '2'),
        {},
        1,
        '--property min_disk=5 contradicts --min-disk 2: give one of them',
    ),
    (
        'protected contradicting --unprotected',
        IMPORT_URL + ('--property', 'protected=true', '--unprotected'),
        {},
        1,
        '--property protected=true contradicts --unprotected: give one of '
        'them',
    ),
    (
        'format as a property',
        IMPORT_URL + ('--property', 'disk_format=raw'),
        {},
        1,
        '--property disk_format=raw: give the format as --disk-format raw',
    ),
    (
        'URL without a host',
        ('image', 'task', 'import', '--import-from', 'http://'),
        {},
        1,
        "--import-from 'http://' is not a valid URL: it names no host",
    ),
    (
        'URL of a broken IPv6 address',
        ('image', 'task', 'import', '--import-from', 'http://[::1'),
        {},
        1,
        "--import-from 'http://[::1' is not a valid URL: Invalid IPv6 URL",
    ),
    (
        'object without container',
        ('image', 'task', 'import', '--import-from', 'a.vhd'),
        {},
        1,
        "--import-from 'a.vhd' must be <container>/<object> (an object in the "
        "cloud's object storage) or an http(s) URL",
    ),
    (
        'URL without a readable format',
        (
            'image',
            'task',
            'import',
            '--import-from',
            'http://127.0.0.1:8000/get?sig=s',
        ),
        {
            ('GET', 'http://127.0.0.1:8000/get'): {
                'status_code': 401,
                'reason': 'Unauthorized',
            }
        },
        1,
        'Cannot tell the disk format of http://127.0.0.1:8000/get: it answers '
        'HTTP 401 (Unauthorized), and its name does not tell for sure; give '
        '--disk-format (e.g. qcow2 or raw)',
    ),
    (
        'URL of nothing',
        IMPORT_URL,
        {('GET', IMPORT_URL[-1]): {'status_code': 404, 'reason': 'Not Found'}},
        1,
        'Cannot import http://127.0.0.1:8000/a.qcow2: it answers HTTP 404 '
        '(Not Found): there is no image there to import',
    ),
    # Neither the password in the URL nor its query is ever shown.
    (
        'URL with a password',
        (
            'image',
            'task',
            'import',
            '--import-from',
            'http://bob:s3cret@127.0.0.1:8000/a.qcow2?s=1',
        ),
        {
            ('GET', 'http://bob:s3cret@127.0.0.1:8000/a.qcow2?s=1'): {
                'status_code': 404,
                'reason': 'Not Found',
            }
        },
        1,
        'Cannot import http://bob:<redacted>@127.0.0.1:8000/a.qcow2: it '
        'answers HTTP 404 '
        '(Not Found): there is no image there to import',
    ),
    (
        'URL of an unsafe image',
        IMPORT_URL,
        {
            ('GET', IMPORT_URL[-1]): {
                'status_code': 200,
                'content': images.qcow2(backing_file=True),
            }
        },
        1,
        'Cannot import http://127.0.0.1:8000/a.qcow2: it is a qcow2 image '
        'with a backing file: the image service would read a file of its own '
        'host into your image (flatten it first: qemu-img convert -f qcow2 '
        '-O qcow2 <in> <out>)',
    ),
    (
        'URL of a login page without its content type',
        IMPORT_URL,
        {
            ('GET', IMPORT_URL[-1]): {
                'status_code': 200,
                'content': b'<html><body>Please log in</body></html>',
                'headers': {'Content-Type': 'application/octet-stream'},
            }
        },
        1,
        'Cannot import http://127.0.0.1:8000/a.qcow2: it is an HTML page, '
        'not a disk image (its first bytes are text); check that it is the '
        'image you meant',
    ),
    (
        'disk format against the content',
        IMPORT_URL + ('--disk-format', 'raw'),
        QCOW2_SERVED,
        1,
        'Cannot import http://127.0.0.1:8000/a.qcow2: --disk-format raw '
        'contradicts its content, which is qcow2; give --disk-format qcow2 or '
        'leave the option out',
    ),
    (
        'unknown disk format',
        IMPORT_URL + ('--disk-format', 'qcow3'),
        {},
        USAGE,
        'openstack image task import: error: argument --disk-format: '
        "invalid choice: 'qcow3' (choose from 'ami', 'ari', 'aki', 'vhd', "
        "'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop') (see "
        'openstack '
        'image task import --help)',
    ),
    (
        'name too long',
        IMPORT_URL + ('--name', 'n' * 256),
        {},
        1,
        '--name ' + 'n' * 37 + '...: image names have at most 255 characters '
        '(this one has 256)',
    ),
    (
        'untyped min_disk',
        IMPORT_URL + ('--property', 'min_disk=one'),
        {},
        1,
        '--property min_disk=one: min_disk must be a whole number',
    ),
    (
        'segment size too small',
        ('image', 'task', 'import', '--file', 'f', '--segment-size', '1K'),
        {},
        USAGE,
        "openstack image task import: error: argument --segment-size: '1K' is "
        'not a segment size from 1M to 5G (see openstack image task import '
        '--help)',
    ),
    (
        'upload concurrency too high',
        (
            'image',
            'task',
            'import',
            '--file',
            'f',
            '--upload-concurrency',
            '11',
        ),
        {},
        USAGE,
        'openstack image task import: error: argument '
        "--upload-concurrency: '11' is not a count of segments from 1 to 10 "
        '(see openstack image task import --help)',
    ),
    (
        'negative min disk',
        IMPORT_URL + ('--min-disk', '-1'),
        {},
        USAGE,
        "openstack image task import: error: argument --min-disk: '-1' is "
        'negative: give a whole number, 0 or more (see openstack image task '
        'import --help)',
    ),
    (
        'min RAM with a unit',
        IMPORT_URL + ('--min-ram', '2G'),
        {},
        USAGE,
        "openstack image task import: error: argument --min-ram: '2G' is not "
        'a whole number (such as 0 or 20) (see openstack image task import '
        '--help)',
    ),
    (
        'negative upload concurrency',
        (
            'image',
            'task',
            'import',
            '--file',
            'f',
            '--upload-concurrency',
            '-1',
        ),
        {},
        USAGE,
        'openstack image task import: error: argument '
        "--upload-concurrency: '-1' is not a count of segments from 1 to 10 "
        '(see openstack image task import --help)',
    ),
    (
        'property for Rackspace',
        (
            'image',
            'task',
            'import',
            '--import-from',
            'c/a.vhd',
            '--disk-format',
            'vhd',
        ),
        {('GET', SCHEMA_URL): {'json': fakes.RACKSPACE_TASK_SCHEMA}},
        1,
        'An import from <container>/<object> (Rackspace Cloud Images) accepts '
        'no image property but --name; --disk-format would make the task '
        'fail',
    ),
    (
        'property in --input for Rackspace',
        (
            'image',
            'task',
            'import',
            '--import-from',
            'c/a.vhd',
            '--input',
            '{"image_properties": {"min_disk": 3, "name": "a"}}',
        ),
        {('GET', SCHEMA_URL): {'json': fakes.RACKSPACE_TASK_SCHEMA}},
        1,
        'An import from <container>/<object> (Rackspace Cloud Images) accepts '
        'no image property but --name; --input image_properties.min_disk '
        'would make the task fail',
    ),
    (
        'object on Glance',
        (
            'image',
            'task',
            'import',
            '--import-from',
            'c/a.vhd',
            '--disk-format',
            'vhd',
        ),
        {('GET', SCHEMA_URL): {'json': fakes.GLANCE_TASK_SCHEMA}},
        1,
        "'c/a.vhd' is not an http(s) URL, and this cloud's image service "
        "(Glance) imports from URLs only (<container>/<object> is Rackspace's "
        'form): give an http(s) URL, or --file for a local file',
    ),
    (
        'task ID not a UUID',
        ('image', 'task', 'show', '42'),
        {},
        1,
        "'42' is not a task ID: task IDs are UUIDs such as "
        'fc29a67c-ad76-49bc-a317-a5f38dcb44c0',
    ),
    (
        'unknown task',
        SHOW,
        {
            ('GET', SHOW_URL): glance_error(
                404, f'Could not find task {base.TASK_ID}'
            )
        },
        1,
        f'No task with ID {base.TASK_ID} at {base.ENDPOINT}/v2 (HTTP 404)',
    ),
    (
        'bad status',
        ('image', 'task', 'list', '--status', 'ok'),
        {},
        USAGE,
        'openstack image task list: error: argument --status: invalid choice: '
        "'ok' (choose from 'pending', 'processing', 'success', 'failure') "
        '(see openstack image task list --help)',
    ),
    (
        'bad type',
        ('image', 'task', 'list', '--type', 'bogus'),
        {
            ('GET', base.TASKS_URL): glance_error(
                400, 'Invalid type value: bogus'
            ),
            ('GET', SCHEMA_URL): {'json': fakes.GLANCE_TASK_SCHEMA},
        },
        1,
        '--type bogus: this cloud has no task of that type (its task types: '
        'import, api_image_import, location_import)',
    ),
    (
        'bad type where the schema is hidden',
        ('image', 'task', 'list', '--type', 'bogus'),
        {
            ('GET', base.TASKS_URL): glance_error(
                400, 'Invalid type value: bogus'
            ),
            ('GET', SCHEMA_URL): glance_error(404, 'Not Found'),
        },
        1,
        'Cannot list tasks: Invalid type value: bogus (HTTP 400)',
    ),
    (
        'bad sort key',
        ('image', 'task', 'list', '--sort-key', 'name'),
        {
            ('GET', base.TASKS_URL): glance_error(
                400, 'Sort key supplied was not valid.'
            )
        },
        1,
        'Cannot list tasks: Sort key supplied was not valid. (HTTP 400)',
    ),
    (
        'bad sort direction',
        ('image', 'task', 'list', '--sort-dir', 'up'),
        {},
        USAGE,
        'openstack image task list: error: argument --sort-dir: invalid '
        "choice: 'up' (choose from 'asc', 'desc') (see openstack image task "
        'list --help)',
    ),
    (
        'bad marker',
        ('image', 'task', 'list', '--marker', 'nope'),
        {},
        1,
        "'nope' is not a task ID: task IDs are UUIDs such as "
        'fc29a67c-ad76-49bc-a317-a5f38dcb44c0',
    ),
    (
        'zero limit',
        ('image', 'task', 'list', '--limit', '0'),
        {},
        USAGE,
        "openstack image task list: error: argument --limit: '0' is not a "
        'positive whole number (see openstack image task list --help)',
    ),
    (
        'negative limit',
        ('image', 'task', 'list', '--limit', '-5'),
        {},
        USAGE,
        "openstack image task list: error: argument --limit: '-5' is "
        'not a positive whole number (see openstack image task list --help)',
    ),
    (
        'zero max items',
        ('image', 'task', 'list', '--max-items', '0'),
        {},
        USAGE,
        "openstack image task list: error: argument --max-items: '0' is"
        ' not a positive whole number (see openstack image task list --help)',
    ),
    (
        'zero timeout',
        SHOW + ('--wait', '--timeout', '0'),
        {},
        USAGE,
        "openstack image task show: error: argument --timeout: '0' is not a "
        'positive number (see openstack image task show --help)',
    ),
    (
        'negative timeout',
        SHOW + ('--wait', '--timeout', '-1'),
        {},
        USAGE,
        "openstack image task show: error: argument --timeout: '-1' is not a "
        'positive number (see openstack image task show --help)',
    ),
    (
        'timeout without wait',
        SHOW + ('--timeout', '5'),
        {('GET', SHOW_URL): {'json': fakes.GLANCE_SUCCESS}},
        1,
        '--timeout needs --wait',
    ),
    (
        'import with timeout but no wait',
        IMPORT_URL + ('--timeout', '5'),
        {},
        1,
        '--timeout needs --wait',
    ),
    (
        'stall timeout without wait',
        SHOW + ('--stall-timeout', '60'),
        {('GET', SHOW_URL): {'json': fakes.GLANCE_SUCCESS}},
        1,
        '--stall-timeout needs --wait',
    ),
    (
        'zero stall timeout',
        SHOW + ('--wait', '--stall-timeout', '0'),
        {},
        USAGE,
        'openstack image task show: error: argument --stall-timeout: '
        "'0' is not a positive number (see openstack image task show --help)",
    ),
    (
        'container with a dot',
        EXPORT + ('a.b',),
        {},
        1,
        "Invalid container name 'a.b': an export container's name may not be "
        "empty or hold '/', '?' or '.'",
    ),
    (
        'container with a slash',
        EXPORT + ('a/b',),
        {},
        1,
        "Invalid container name 'a/b': an export container's name may not be "
        "empty or hold '/', '?' or '.'",
    ),
    (
        'export on upstream Glance',
        EXPORT + ('exports',),
        {
            ('GET', SCHEMA_URL): {
                'json': {
                    'properties': {
                        'type': {
                            'enum': [
                                'import',
                                'api_image_import',
                                'location_import',
                            ]
                        }
                    }
                }
            }
        },
        1,
        'This cloud offers no export task (its task types: import, '
        'api_image_import, location_import); exporting is a Rackspace Cloud '
        'Images feature',
    ),
    (
        'unknown profile',
        ('--os-cloud', 'nowhere') + SHOW,
        {},
        1,
        'Cloud nowhere was not found.',
    ),
    (
        'glance unreachable',
        SHOW,
        {
            ('GET', SHOW_URL): {
                'exc': requests.exceptions.ConnectionError(
                    'Connection refused'
                )
            }
        },
        1,
        f'Cannot show task {base.TASK_ID}: cannot reach the image service '
        f'at {SHOW_URL}: connection refused',
    ),
    (
        'server slower than the timeout',
        SHOW,
        {
            ('GET', SHOW_URL): {
                'exc': requests.exceptions.ReadTimeout('read timed out')
            }
        },
        1,
        f'Cannot show task {base.TASK_ID}: cannot reach the image service at '
        f'{SHOW_URL}: timed out',
    ),
    (
        'connection reset',
        SHOW,
        {
            ('GET', SHOW_URL): {
                'exc': requests.exceptions.ConnectionError(
                    'Connection aborted: Connection reset by peer'
                )
            }
        },
        1,
        f'Cannot show task {base.TASK_ID}: cannot reach the image service at '
        f'{SHOW_URL}: connection reset',
    ),
    (
        'self-signed certificate',
        SHOW,
        {
            ('GET', SHOW_URL): {
                'exc': requests.exceptions.SSLError(
                    'certificate verify failed: self-signed certificate '
                    '(_ssl.c:1006) CERTIFICATE_VERIFY_FAILED'
                )
            }
        },
        1,
        f'Cannot show task {base.TASK_ID}: cannot reach the image service at '
        f'{SHOW_URL}: TLS certificate verification failed (give the CA bundle '
        'with --os-cacert, or use --insecure)',
    ),
    (
        'HTML error body',
        SHOW,
        {
            ('GET', SHOW_URL): {
                'status_code': 500,
                'text': '<html><head><title>500 Internal '
                'Server Error</title></head><body><h1>500 Internal Server '
                'Error'
                '</h1>The server has either erred or is incapable of '
                'performing the '
                'requested operation.<br /><br /></body></html>',
            }
        },
        1,
        f'Cannot show task {base.TASK_ID}: The server has either erred or is '
        'incapable of performing the requested operation. (HTTP 500)',
    ),
    (
        '200 with a body that is not JSON',
        SHOW,
        {('GET', SHOW_URL): {'text': 'OK'}},
        1,
        f'Cannot show task {base.TASK_ID}: the image service at '
        f'{base.ENDPOINT}/v2 answered HTTP 200 with a body that is not JSON',
    ),
    (
        '200 with truncated JSON',
        SHOW,
        {('GET', SHOW_URL): {'text': '{"id": "fc29a67c'}},
        1,
        f'Cannot show task {base.TASK_ID}: the image service at '
        f'{base.ENDPOINT}/v2 answered HTTP 200 with a body that is not JSON',
    ),
    (
        '413 answer',
        IMPORT_URL,
        {
            **QCOW2_SERVED,
            ('POST', base.TASKS_URL): glance_error(
                413, 'Request Entity Too Large'
            ),
        },
        1,
        'Cannot create the import task: Request Entity Too Large (HTTP 413)',
    ),
    (
        '415 answer',
        IMPORT_URL,
        {
            **QCOW2_SERVED,
            ('POST', base.TASKS_URL): glance_error(
                415, 'Unsupported Content-Type'
            ),
        },
        1,
        'Cannot create the import task: Unsupported Content-Type (HTTP 415)',
    ),
    (
        'host refused by Glance',
        IMPORT_URL,
        {
            **QCOW2_SERVED,
            ('POST', base.TASKS_URL): glance_error(
                400,
                'URI for legacy import task does not pass filtering: '
                'http://127.0.0.1:8000/a.qcow2',
            ),
        },
        1,
        'Cannot create the import task: URI for legacy import task does not '
        'pass filtering: http://127.0.0.1:8000/a.qcow2 (HTTP 400)',
    ),
    # An unset shell variable: refused, not taken as "no option".
    (
        'empty file',
        ('image', 'task', 'import', '--file', ''),
        {},
        USAGE,
        empty_refused('import', '--file'),
    ),
    (
        'blank URL',
        ('image', 'task', 'import', '--import-from', ' '),
        {},
        USAGE,
        empty_refused('import', '--import-from'),
    ),
    (
        'empty name',
        IMPORT_URL + ('--name', ''),
        {},
        USAGE,
        empty_refused('import', '--name'),
    ),
    (
        'empty store',
        IMPORT_URL + ('--store', ''),
        {},
        USAGE,
        empty_refused('import', '--store'),
    ),
    (
        'list of an empty image',
        ('image', 'task', 'list', '--image', ''),
        {},
        USAGE,
        empty_refused('list', '--image'),
    ),
    (
        'show through an empty image',
        SHOW + ('--image', ''),
        {},
        USAGE,
        empty_refused('show', '--image'),
    ),
    # requests would resolve the dot parts: the object would land in
    # another container than the one signed or said.
    (
        'object name leaving its container',
        (
            'image',
            'task',
            'import',
            '--file',
            'a.raw',
            '--object-name',
            '../other/a.raw',
        ),
        {},
        USAGE,
        'openstack image task import: error: argument --object-name: '
        "'../other/a.raw' is not an object name this command can use: it may "
        "not start with '/' or hold a '.' or '..' part (see openstack image "
        'task import --help)',
    ),
    (
        'container with a slash',
        ('image', 'task', 'import', '--file', 'a.raw', '--container', 'a/b'),
        {},
        USAGE,
        "openstack image task import: error: argument --container: 'a/b' is "
        "not a container name: it may not hold '/' (see openstack image task "
        'import --help)',
    ),
]


class TestBadInput(base.ShellTestCase):
    def test_there_are_enough_cases(self):
        self.assertGreaterEqual(len(CASES), 30)


def _case_test(argv, mocks, exit_code, message):
    def test(self):
        self.open_tasks_api()
        for (method, url), response in mocks.items():
            self.requests.register_uri(method, url, **response)
        result = self.openstack(*argv)
        self.assertEqual(
            (exit_code, '', message + '\n'),
            (result.exit_code, result.stdout, result.stderr),
        )
        posts = [
            r for r in self.requests.request_history if r.method == 'POST'
        ]
        if ('POST', base.TASKS_URL) not in mocks:
            self.assertEqual([], posts)

    return test


for _name, *_case in CASES:
    setattr(
        TestBadInput,
        'test_' + _name.replace(' ', '_').replace('-', '_'),
        _case_test(*_case),
    )

# SPDX-License-Identifier: Apache-2.0
"""plan.decide, driven from a table: every combination of dialect, role,
source, --method, stores and content that the command accepts."""

import itertools

from osc_lib import exceptions
import testtools

from imageplugin import plan
from imageplugin import planfacts
from imageplugin import request as request_module

ADMIN = ''
DENIED = (
    'Cannot use the tasks API: You are not authorized to complete '
    'tasks_api_access action. (HTTP 403)'
)
ALL_METHODS = (
    'glance-direct',
    'web-download',
    'copy-image',
    'glance-download',
)
SOURCES = {
    'url': {'import_from': 'http://127.0.0.1/disk'},
    'file': {'file': 'images/disk'},
    'object': {'import_from': 'exports/disk.vhd'},
    'image': {'image': 'cirros'},
}
CONTENTS = {
    'plain': (None, 'qcow2'),
    'dynamic': ('dynamic', 'vhd'),
    'fixed': ('fixed', 'vhd'),
    'iso': (None, 'iso'),
}
ROLES = {'admin': ADMIN, 'member': DENIED}
METHODS = (None, 'task', 'web-download', 'glance-direct', 'copy-image')
STORES = {'none': (), 'named': ('cheap',)}

# (dialect, role, source, method, stores, content) -> the route, or
# 'refused: <part of the one line>'. '*' matches anything; the first row
# that matches a combination is its expectation.
TABLE = (
    # What no cloud takes: refused before the cloud is asked anything.
    (
        '*',
        '*',
        '*',
        'task',
        'named',
        '*',
        'refused: --store and --all-stores choose stores of interoperable '
        'import; the tasks API cannot',
    ),
    (
        '*',
        '*',
        'image',
        'web-download',
        '*',
        '*',
        'refused: --image is copied into more stores by copy-image, not by '
        'web-download',
    ),
    (
        '*',
        '*',
        'image',
        'glance-direct',
        '*',
        '*',
        'refused: --image is copied into more stores by copy-image, not by '
        'glance-direct',
    ),
    (
        '*',
        '*',
        'image',
        'task',
        '*',
        '*',
        'refused: --image is copied into more stores by copy-image, not by '
        'task',
    ),
    (
        '*',
        '*',
        'image',
        '*',
        'none',
        '*',
        'refused: --image needs the stores to copy it into',
    ),
    ('*', '*', 'image', '*', 'named', '*', 'copy-image'),
    (
        '*',
        '*',
        '*',
        'copy-image',
        '*',
        '*',
        'refused: --method copy-image copies an --image into more stores',
    ),
    (
        '*',
        '*',
        'url',
        'glance-direct',
        '*',
        '*',
        'refused: --method glance-direct imports a --file',
    ),
    (
        '*',
        '*',
        'object',
        'glance-direct',
        '*',
        '*',
        'refused: --method glance-direct imports a --file',
    ),
    (
        'glance',
        '*',
        'file',
        'web-download',
        '*',
        '*',
        'refused: --method web-download sends a --file through the object '
        'storage, which cannot take it: it was not asked',
    ),
    (
        '*',
        '*',
        'object',
        'web-download',
        '*',
        '*',
        'refused: --method web-download imports a URL or a --file',
    ),
    # Stores ask for interoperable import: of a URL, web-download.
    (
        '*',
        '*',
        'object',
        None,
        'named',
        '*',
        'refused: --method web-download imports a URL or a --file',
    ),
    # Rackspace: its tasks API, from an object or an uploaded file.
    ('rackspace', '*', 'object', '*', '*', '*', 'task'),
    (
        'rackspace',
        '*',
        '*',
        None,
        'named',
        '*',
        'refused: --store asks for interoperable import, which Rackspace '
        'Cloud Images does not have',
    ),
    (
        'rackspace',
        '*',
        '*',
        'web-download',
        '*',
        '*',
        'refused: --method web-download asks for interoperable import',
    ),
    (
        'rackspace',
        '*',
        '*',
        'glance-direct',
        '*',
        '*',
        'refused: --method glance-direct asks for interoperable import',
    ),
    ('rackspace', '*', 'url', '*', '*', '*', 'task'),
    ('rackspace', '*', 'file', '*', '*', '*', 'task-upload'),
    # Glance reads no <container>/<object>.
    (
        'glance',
        '*',
        'object',
        '*',
        '*',
        '*',
        "refused: 'exports/disk.vhd' is not an http(s) URL",
    ),
    # A member may not use the tasks API.
    (
        'glance',
        'member',
        '*',
        'task',
        '*',
        '*',
        'refused: Cannot use the tasks API',
    ),
    # Interoperable import fails a fixed VHD, whatever asked for it.
    (
        'glance',
        '*',
        'url',
        'web-download',
        '*',
        'fixed',
        'refused: Cannot import http://127.0.0.1/disk by web-download '
        '(--method web-download',
    ),
    (
        'glance',
        '*',
        'url',
        None,
        'named',
        'fixed',
        'refused: Cannot import http://127.0.0.1/disk by web-download '
        '(--store)',
    ),
    (
        'glance',
        '*',
        'file',
        'glance-direct',
        '*',
        'fixed',
        'refused: Cannot import images/disk by glance-direct (--method '
        'glance-direct',
    ),
    (
        'glance',
        '*',
        'file',
        None,
        'named',
        'fixed',
        'refused: Cannot import images/disk by glance-direct (--store)',
    ),
    (
        'glance',
        'member',
        'url',
        '*',
        '*',
        'fixed',
        'refused: Cannot import http://127.0.0.1/disk: it is a fixed VHD',
    ),
    (
        'glance',
        'member',
        'file',
        '*',
        '*',
        'fixed',
        'refused: Cannot import images/disk: it is a fixed VHD',
    ),
    # The tasks API of Glance stores a fixed VHD as raw, and interoperable
    # import fails it: refused for an admin too, before anything moves.
    (
        'glance',
        'admin',
        '*',
        'task',
        '*',
        'fixed',
        'refused: by the tasks API (--method task): it is a fixed VHD',
    ),
    (
        'glance',
        'admin',
        '*',
        None,
        'none',
        'fixed',
        'refused: it is a fixed VHD, which the tasks API of Glance stores as '
        'raw',
    ),
    # The tasks API of Glance fails a dynamic VHD.
    (
        'glance',
        'admin',
        '*',
        'task',
        '*',
        'dynamic',
        'refused: by the tasks API (--method task): it is a dynamic VHD',
    ),
    # ... and stores an ISO as raw.
    (
        'glance',
        'admin',
        '*',
        'task',
        '*',
        'iso',
        'refused: by the tasks API (--method task): it is an ISO image',
    ),
    ('glance', 'admin', 'url', None, 'none', 'iso', 'web-download'),
    ('glance', 'admin', 'file', None, 'none', 'iso', 'glance-direct'),
    # What is left goes where the role and the method say.
    ('glance', 'admin', 'url', 'task', '*', '*', 'task'),
    ('glance', 'admin', 'file', 'task', '*', '*', 'task-upload'),
    ('glance', 'admin', 'url', None, 'none', 'dynamic', 'web-download'),
    ('glance', 'admin', 'file', None, 'none', 'dynamic', 'glance-direct'),
    ('glance', 'admin', 'url', None, 'none', '*', 'task'),
    ('glance', 'admin', 'file', None, 'none', '*', 'task-upload'),
    ('glance', '*', 'url', '*', '*', '*', 'web-download'),
    ('glance', '*', 'file', '*', '*', '*', 'glance-direct'),
)


def expected(combination):
    for *pattern, outcome in TABLE:
        if all(
            want == '*' or want == have
            for want, have in zip(pattern, combination, strict=True)
        ):
            return outcome
    raise AssertionError(f'No row of the table for {combination}')


def request_and_facts(dialect, role, source, method, stores, content):
    vhd, disk_format = CONTENTS[content]
    request = request_module.ImportRequest(
        method=method, stores=STORES[stores], **SOURCES[source]
    )
    facts = planfacts.Facts(
        dialect=dialect,
        tasks_refusal=ROLES[role],
        methods=ALL_METHODS,
        stores=('fast', 'cheap'),
        vhd=vhd,
        disk_format=disk_format,
    )
    return request, facts


def outcome(request, facts):
    try:
        plan.check_request(request)
        return plan.decide(request, facts).route
    except exceptions.CommandError as exc:
        return f'refused: {exc}'


class TestDecideFromTheTable(testtools.TestCase):
    def test_every_combination(self):
        combinations = list(
            itertools.product(
                ('rackspace', 'glance'),
                ROLES,
                SOURCES,
                METHODS,
                STORES,
                CONTENTS,
            )
        )
        self.assertEqual(640, len(combinations))
        for combination in combinations:
            want = expected(combination)
            got = outcome(*request_and_facts(*combination))
            if want.startswith('refused: '):
                self.assertStartsWith(got, 'refused: ', combination)
                self.assertIn(want[len('refused: ') :], got, combination)
            else:
                self.assertEqual(want, got, combination)

    def assertStartsWith(self, text, start, combination):
        self.assertTrue(text.startswith(start), f'{combination}: {text}')

    def test_every_row_is_used(self):
        used = {
            expected(combination)
            for combination in itertools.product(
                ('rackspace', 'glance'),
                ROLES,
                SOURCES,
                METHODS,
                STORES,
                CONTENTS,
            )
        }
        self.assertEqual({row[-1] for row in TABLE}, used)


# A --file of Glance by interoperable import: through the object storage
# (web-download from a TempURL) where the survey found it writable and
# Glance offers web-download, else glance-direct.
# (role, method, object storage, Glance's methods) -> route or refusal.
STORAGE = {
    'writable': '',
    'refused': 'Cannot use the object storage account: Forbidden (HTTP 403)',
    'unasked': None,
}
OFFERED = {'all': ALL_METHODS, 'direct-only': ('glance-direct',)}
FILE_TABLE = (
    ('*', 'glance-direct', '*', '*', 'glance-direct'),
    ('*', 'web-download', 'writable', 'all', 'web-download-upload'),
    (
        '*',
        'web-download',
        '*',
        'all',
        'refused: --method web-download sends a --file through the object '
        'storage, which cannot take it: ',
    ),
    (
        '*',
        'web-download',
        '*',
        'direct-only',
        'refused: This Glance offers no web-download import',
    ),
    ('admin', 'task', '*', '*', 'task-upload'),
    ('member', 'task', '*', '*', 'refused: Cannot use the tasks API'),
    ('member', None, 'writable', 'all', 'web-download-upload'),
    ('member', None, '*', '*', 'glance-direct'),
    ('admin', None, '*', '*', 'task-upload'),
)


def expected_for_file(combination):
    for *pattern, outcome in FILE_TABLE:
        if all(
            want == '*' or want == have
            for want, have in zip(pattern, combination, strict=True)
        ):
            return outcome
    raise AssertionError(f'No row of the file table for {combination}')


class TestFileThroughObjectStorage(testtools.TestCase):
    def combinations(self):
        return list(
            itertools.product(
                ROLES,
                (None, 'task', 'web-download', 'glance-direct'),
                STORAGE,
                OFFERED,
            )
        )

    def test_every_combination(self):
        for combination in self.combinations():
            role, method, storage, offered = combination
            request = request_module.ImportRequest(
                method=method, file='images/disk'
            )
            facts = planfacts.Facts(
                dialect='glance',
                tasks_refusal=ROLES[role],
                methods=OFFERED[offered],
                upload_refusal=STORAGE[storage],
                disk_format='qcow2',
            )
            want = expected_for_file(combination)
            got = outcome(request, facts)
            if want.startswith('refused: '):
                self.assertIn(want[len('refused: ') :], got, combination)
            else:
                self.assertEqual(want, got, combination)

    def test_every_row_is_used(self):
        used = {expected_for_file(c) for c in self.combinations()}
        self.assertEqual({row[-1] for row in FILE_TABLE}, used)

    def test_refusal_says_why_and_what_to_use(self):
        request = request_module.ImportRequest(
            method='web-download', file='images/disk'
        )
        facts = planfacts.Facts(
            dialect='glance',
            tasks_refusal=DENIED,
            methods=ALL_METHODS,
            upload_refusal=STORAGE['refused'],
        )
        self.assertEqual(
            'refused: --method web-download sends a --file through the '
            'object storage, which cannot take it: Cannot use the object '
            'storage account: Forbidden (HTTP 403); use --method '
            'glance-direct',
            outcome(request, facts),
        )

    def test_the_plan_uploads_then_imports_and_cleans_up(self):
        request = request_module.ImportRequest(
            file='images/disk', container='up', wait=True
        )
        facts = planfacts.Facts(
            dialect='glance',
            tasks_refusal=DENIED,
            methods=ALL_METHODS,
            upload_refusal='',
        )
        decided = plan.decide(request, facts)
        self.assertEqual('web-download', decided.method)
        self.assertEqual(
            (
                'upload images/disk to up/<object named after the file> in '
                'the object storage (resumable, segments in parallel), '
                'hashing it: this user may write there and Glance offers '
                'web-download',
                'create an image, then import up/<object named after the '
                'file> into it by web-download from a TempURL',
                'if Glance refuses the TempURL (its import filtering): '
                'delete up/<object named after the file>, then send '
                "images/disk to the image's staging area and import it by "
                'glance-direct',
                'wait for the import to end',
                'compare the image that landed with what was meant',
            ),
            decided.steps,
        )
        self.assertEqual(
            'up/<object named after the file> and its segments, once the '
            'import has ended',
            decided.deletes[0],
        )
        self.assertEqual((), decided.notes)

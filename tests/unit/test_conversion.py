# SPDX-License-Identifier: Apache-2.0
"""--convert-to, --no-convert and a raw profile, through the shell.

qemu-img is a Debian package the unit tests do not install: its process
is replaced here at the subprocess boundary by ``FakeQemuImg``, which
answers ``measure`` and writes a ``convert``'s output; the functional
tests (tests/functional/test_convert.py) run the real one.
"""

import hashlib
import json
import lzma
import os

import fixtures
from osc_lib import exceptions
import testtools

from imageplugin import conversion
from imageplugin import plan
from imageplugin import planfacts
from imageplugin.request import ImportRequest
from tests.support import files
from tests.unit import base
from tests.unit import fakes
from tests.unit import images
from tests.unit import test_interop
from tests.unit import test_uploadimport
from tests.unit.test_interop import IMAGE_ID
from tests.unit.test_interop import IMAGE_URL
from tests.unit.test_interop import image

# What the fake qemu-img writes as the raw disk of any image.
RAW = b'\xeb\x63\x90' + bytes(509) + b'\x55\xaa' + bytes(4096 - 514)
URL = 'http://127.0.0.1:8000/cirros.qcow2'


def said_converting(where):
    return (
        f"Converting {where} from qcow2 to raw, as the cloud profile's "
        'image_format is raw (--no-convert imports it as it is)'
    )


class FakeQemuImg(fixtures.Fixture):
    """qemu-img at the subprocess boundary: the commands it was given."""

    def __init__(self, required=4096, fails=None, found=True):
        self.required, self.fails, self.found = required, fails, found
        # What a conversion writes, whatever its target.
        self.written = RAW
        self.commands = []
        self.outputs = []

    def _setUp(self):
        self.useFixture(
            fixtures.MockPatch(
                'imageplugin.conversion.shutil.which',
                lambda name: f'/usr/bin/{name}' if self.found else None,
            )
        )
        self.useFixture(
            fixtures.MockPatch(
                'imageplugin.conversion.subprocess.run', self.run
            )
        )

    def run(self, argv, **kwargs):
        self.commands.append(argv[1:])
        if argv[1] == 'measure':
            answer = {'required': self.required, 'fully-allocated': 1}
            return _Completed(0, json.dumps(answer), '')
        if self.fails:
            return _Completed(1, '', f'qemu-img: {self.fails}\n')
        output = argv[-1]
        self.outputs.append(output)
        with open(output, 'wb') as file:
            file.write(self.written)
        return _Completed(0, None, '')


class _Completed:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


class ConversionTestCase(test_interop.InteropTestCase):
    def setUp(self):
        super().setUp()
        self.qemu = self.useFixture(FakeQemuImg())
        self.staged, self.received = self.read_stage(IMAGE_URL + '/stage')
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.useFixture(fixtures.EnvironmentVariable('TMPDIR', self.tmp))
        # tempfile caches the directory it found first.
        self.useFixture(fixtures.MonkeyPatch('tempfile.tempdir', None))
        self.path = files.write_file(
            self.home, 'cirros.img', images.qcow2(virtual_size=len(RAW))
        )

    def raw_profile(self, image_format='raw'):
        self.use_catalog(
            [base.password_profile('ceph', image_format=image_format)],
            [('image', 'public', base.ENDPOINT, 'RegionOne')],
        )

    def run_import(self, *args, profile=None, source=('--file',)):
        auth = ('--os-cloud', profile) if profile else None
        what = source + ((self.path,) if source == ('--file',) else ())
        kwargs = {'auth': auth} if auth else {}
        return self.openstack(
            'image', 'task', 'import', *what, *args, **kwargs
        )

    def landed_raw(self):
        md5 = hashlib.md5(RAW, usedforsecurity=False).hexdigest()
        self.images_seen(
            image('uploading', disk_format='raw'),
            image('active', lock=False, checksum=md5, disk_format='raw'),
        )

    def assertTempClean(self):
        self.assertEqual([], os.listdir(self.tmp))


class TestConvertTo(ConversionTestCase):
    def test_a_qcow2_file_is_sent_as_raw(self):
        self.landed_raw()
        result = self.run_import(
            '--convert-to', 'raw', '--wait', '-f', 'value', '-c', 'status'
        )
        self.assertEqual(
            (0, 'success\n'), (result.exit_code, result.stdout), result
        )
        # The temporary file is gone: the line names what the user gave.
        self.assertIn(
            f'Verified image {IMAGE_ID}: its md5 (checksum) matches the '
            f'{len(RAW)} bytes read from {self.path}, converted to raw; '
            'disk format raw',
            result.stderr,
        )
        self.assertEqual([RAW], self.received)
        self.assertEqual(
            {
                'name': 'cirros',
                'disk_format': 'raw',
                'container_format': 'bare',
            },
            self.created.last_request.json(),
        )
        convert = self.qemu.commands[-1]
        self.assertEqual(
            ['convert', '-f', 'qcow2', '-O', 'raw', self.path],
            convert[:-1],
        )
        self.assertTrue(convert[-1].startswith(self.tmp + '/'))
        self.assertTempClean()

    def test_vhd_is_written_dynamic_with_its_exact_size(self):
        self.run_import('--convert-to', 'vhd', '--dry-run')
        result = self.run_import('--convert-to', 'vhd')
        self.assertEqual(0, result.exit_code, result)
        self.assertEqual(
            [
                'convert',
                '-f',
                'qcow2',
                '-O',
                'vpc',
                '-o',
                'subformat=dynamic,force_size=on',
                self.path,
            ],
            self.qemu.commands[-1][:-1],
        )
        self.assertTrue(self.qemu.commands[-1][-1].endswith('/cirros.vhd'))
        self.assertTempClean()

    def test_a_fixed_vhd_asked_to_be_a_vhd_is_written_dynamic(self):
        # Glance imports no fixed VHD as a vhd (vhdroute): the formats
        # agree, and it is converted all the same.
        self.path = files.write_file(
            self.home,
            'fixed.vhd',
            bytes(4096) + images.vhd_footer(4096),
        )
        result = self.run_import('--convert-to', 'vhd')
        self.assertEqual(0, result.exit_code, result)
        self.assertEqual(
            ['convert', '-f', 'vpc', '-O', 'vpc'],
            self.qemu.commands[-1][:5],
        )
        self.assertTempClean()

    def test_the_dry_run_shows_the_conversion(self):
        result = self.run_import(
            '--convert-to', 'raw', '--dry-run', '-f', 'json'
        )
        self.assertEqual((0, ''), (result.exit_code, result.stderr), result)
        shown = json.loads(result.stdout)
        self.assertEqual(
            [
                f'convert {self.path} from qcow2 to raw with qemu-img (a '
                f'temporary file in {self.tmp}, removed on every way out)',
                'create an image',
                'read the converted cirros.raw once, hashing it, and send it '
                "to the image's staging area",
                'import it by glance-direct',
                'show the import task (not waited for)',
            ],
            shown['steps'],
        )
        self.assertEqual(
            ('raw', 'raw'), (shown['disk_format'], shown['source_format'])
        )
        self.assertIn(f'a temporary file in {self.tmp}', shown['creates'])
        # measured, not converted
        self.assertEqual(['measure'], [c[0] for c in self.qemu.commands])
        self.assertFalse(self.created.called)
        self.assertTempClean()

    def test_raw_content_is_not_converted(self):
        raw = files.write_file(self.home, 'disk.raw', RAW)
        result = self.openstack(
            'image',
            'task',
            'import',
            '--file',
            raw,
            '--convert-to',
            'raw',
            '--dry-run',
            '-f',
            'json',
        )
        self.assertEqual(0, result.exit_code, result)
        self.assertNotIn('qemu-img', result.stdout)
        self.assertEqual([], self.qemu.commands)

    def test_a_failed_conversion_is_one_line_and_leaves_nothing(self):
        self.qemu.fails = 'error while reading sector 128: Input/output error'
        result = self.run_import('--convert-to', 'raw')
        self.assertFailsWith(
            result,
            f'Cannot convert {self.path} to raw: qemu-img failed: error '
            'while reading sector 128: Input/output error',
        )
        self.assertFalse(self.created.called)
        self.assertTempClean()

    def test_ctrl_c_while_converting_leaves_no_temporary_file(self):
        def interrupted(argv, **kwargs):
            if argv[1] == 'measure':
                return FakeQemuImg.run(self.qemu, argv)
            with open(argv[-1], 'wb') as file:
                file.write(RAW[:100])
            raise KeyboardInterrupt

        self.useFixture(
            fixtures.MockPatch(
                'imageplugin.conversion.subprocess.run', interrupted
            )
        )
        result = self.run_import('--convert-to', 'raw')
        self.assertNotEqual(0, result.exit_code)
        self.assertFalse(self.created.called)
        self.assertTempClean()

    def test_a_failed_upload_leaves_no_temporary_file(self):
        self.requests.put(IMAGE_URL + '/stage', status_code=500)
        result = self.run_import('--convert-to', 'raw')
        self.assertEqual(1, result.exit_code, result)
        self.assertEqual(1, len(self.qemu.outputs))
        self.assertTempClean()


class TestCompressedSource(ConversionTestCase):
    """A compressed image is read (decompressed) into a file first, and
    that file is what qemu-img converts."""

    def setUp(self):
        super().setUp()
        with open(self.path, 'rb') as qcow2:
            packed = lzma.compress(qcow2.read())
        self.path = files.write_file(self.home, 'cirros.qcow2.xz', packed)

    def test_the_dry_run_reads_then_converts(self):
        result = self.run_import(
            '--convert-to', 'raw', '--dry-run', '-f', 'json'
        )
        self.assertEqual((0, ''), (result.exit_code, result.stderr), result)
        steps = json.loads(result.stdout)['steps']
        self.assertEqual(
            [
                f'read {self.path} once, decompressing xz while it streams, '
                f'into a temporary file in {self.tmp}',
                f'convert {self.path} from qcow2 to raw with qemu-img (a '
                f'temporary file in {self.tmp}, removed on every way out)',
                'create an image',
            ],
            steps[:3],
        )
        # The compressed file cannot be measured: nothing ran.
        self.assertEqual([], self.qemu.commands)

    def test_the_decompressed_file_is_converted_and_sent(self):
        self.landed_raw()
        result = self.run_import(
            '--convert-to', 'raw', '--wait', '-f', 'value', '-c', 'status'
        )
        self.assertEqual(
            (0, 'success\n'), (result.exit_code, result.stdout), result
        )
        measure, convert = self.qemu.commands
        self.assertEqual(['measure', 'convert'], [measure[0], convert[0]])
        # qemu-img reads the decompressed file, not the .xz.
        self.assertEqual(['-f', 'qcow2', '-O', 'raw'], convert[1:5])
        self.assertNotEqual(self.path, convert[5])
        self.assertTrue(convert[5].startswith(self.tmp + '/'))
        self.assertEqual([RAW], self.received)
        self.assertIn(
            f'{len(RAW)} bytes read from {self.path}, converted to raw;',
            result.stderr,
        )
        self.assertTempClean()


class TestRefusals(ConversionTestCase):
    def assertRefused(self, line, *args, **kwargs):
        result = self.run_import(*args, **kwargs)
        self.assertFailsWith(result, line)
        self.assertFalse(self.created.called)
        self.assertEqual(
            [], [c for c in self.qemu.commands if c[0] == 'convert']
        )

    def test_qemu_img_missing(self):
        self.qemu.found = False
        self.assertRefused(
            f'Cannot convert {self.path} to raw: qemu-img is needed and not '
            'found on PATH (install the package qemu-utils)',
            '--convert-to',
            'raw',
        )

    def test_qemu_img_missing_on_a_raw_profile(self):
        self.raw_profile()
        self.qemu.found = False
        self.assertRefused(
            f'Cannot convert {self.path} to raw: qemu-img is needed and not '
            'found on PATH (install the package qemu-utils), or give '
            '--no-convert to import it as qcow2',
            profile='ceph',
        )

    def test_not_enough_room_in_the_temporary_directory(self):
        self.qemu.required = 3 * 1024**3
        statvfs = self.useFixture(
            fixtures.MockPatch('imageplugin.conversion.os.statvfs')
        ).mock
        statvfs.return_value.f_bavail = 512
        statvfs.return_value.f_frsize = 1024**2
        self.assertRefused(
            f'Cannot convert {self.path} to raw: it needs about 3.0 GiB in '
            f'{self.tmp}, which has 512.0 MiB free; set TMPDIR to a '
            'directory with more room',
            '--convert-to',
            'raw',
        )

    def test_not_enough_room_is_refused_by_a_dry_run_too(self):
        self.qemu.required = 1 << 60
        result = self.run_import('--convert-to', 'raw', '--dry-run')
        self.assertEqual(1, result.exit_code)
        self.assertIn(
            'set TMPDIR to a directory with more room', result.stderr
        )

    def test_disk_format_does_not_go_with_convert_to(self):
        self.assertRefused(
            '--convert-to raw sets the disk format of the new image; leave '
            '--disk-format out (the source format is read from its content)',
            '--convert-to',
            'raw',
            '--disk-format',
            'qcow2',
        )

    def test_convert_to_and_no_convert_exclude_each_other(self):
        result = self.run_import('--convert-to', 'raw', '--no-convert')
        self.assertEqual(2, result.exit_code)
        self.assertIn('not allowed with argument', result.stderr)

    def test_web_download_cannot_convert(self):
        self.assertRefused(
            '--convert-to needs this client to read the URL and send the '
            'converted image; web-download has Glance read it: leave '
            '--method out',
            '--convert-to',
            'raw',
            '--method',
            'web-download',
            source=('--import-from', URL),
        )

    def test_an_image_is_not_converted(self):
        self.assertRefused(
            '--convert-to converts a --file or an http(s) URL; a --image is '
            'not read by this client',
            '--convert-to',
            'raw',
            '--all-stores',
            source=('--image', 'cirros'),
        )

    def test_rackspace_takes_vhd_only(self):
        self.assertRefused(
            f'Cannot convert {self.path} to raw: Rackspace Cloud Images '
            'imports VHD only (give --convert-to vhd)',
            '--convert-to',
            'raw',
            '--dialect',
            'rackspace',
        )


class TestRawProfile(ConversionTestCase):
    def setUp(self):
        super().setUp()
        self.raw_profile()

    def test_a_qcow2_file_is_converted_and_said(self):
        self.landed_raw()
        result = self.run_import(
            '--wait', '-f', 'value', '-c', 'status', profile='ceph'
        )
        self.assertEqual(
            (0, 'success\n'), (result.exit_code, result.stdout), result
        )
        self.assertEqual(
            f'Converting {self.path} from qcow2 to raw, as the cloud '
            "profile's image_format is raw (--no-convert imports it as it "
            'is)',
            result.stderr.splitlines()[0],
        )
        self.assertEqual([RAW], self.received)
        self.assertEqual(
            'raw', self.created.last_request.json()['disk_format']
        )
        self.assertTempClean()

    def test_the_dry_run_says_the_profile_asks(self):
        result = self.run_import('--dry-run', '-f', 'json', profile='ceph')
        self.assertEqual((0, ''), (result.exit_code, result.stderr), result)
        self.assertTrue(
            json.loads(result.stdout)['steps'][0].endswith(
                ", as the cloud profile's image_format asks"
            )
        )

    def test_no_convert_keeps_qcow2(self):
        result = self.run_import(
            '--no-convert', '--dry-run', '-f', 'json', profile='ceph'
        )
        self.assertEqual(0, result.exit_code, result)
        shown = json.loads(result.stdout)
        self.assertEqual('qcow2', shown['disk_format'])
        self.assertNotIn('qemu-img', json.dumps(shown))
        self.assertEqual([], self.qemu.commands)

    def test_a_disk_format_given_is_kept(self):
        result = self.run_import(
            '--disk-format', 'qcow2', '--dry-run', '-f', 'json', profile='ceph'
        )
        self.assertEqual(0, result.exit_code, result)
        self.assertEqual('qcow2', json.loads(result.stdout)['disk_format'])
        self.assertEqual([], self.qemu.commands)

    def test_a_vendor_profile_that_says_raw_converts(self):
        # openstacksdk's vendor profile of Catalyst Cloud says raw.
        self.use_catalog(
            [
                base.password_profile(
                    'catalyst', profile='catalyst', region_name='RegionOne'
                )
            ],
            [('image', 'public', base.ENDPOINT, 'RegionOne')],
        )
        result = self.run_import('--dry-run', '-f', 'json', profile='catalyst')
        self.assertEqual(0, result.exit_code, result)
        shown = json.loads(result.stdout)
        self.assertEqual('raw', shown['disk_format'])
        self.assertIn('qemu-img', shown['steps'][0])

    def test_a_qcow2_profile_converts_nothing(self):
        self.raw_profile('qcow2')
        result = self.run_import('--dry-run', '-f', 'json', profile='ceph')
        self.assertEqual(0, result.exit_code, result)
        self.assertEqual('qcow2', json.loads(result.stdout)['disk_format'])
        self.assertEqual([], self.qemu.commands)

    def test_a_url_is_downloaded_converted_and_sent(self):
        self.landed_raw()
        qcow2 = images.qcow2(virtual_size=len(RAW))
        ranged = self.serve_image(URL, qcow2)
        # The download asks for the whole image, without a Range.
        self.requests.get(
            URL,
            request_headers={},
            additional_matcher=lambda request: 'Range' not in request.headers,
            content=qcow2,
        )
        result = self.run_import(
            '--name',
            'cirros',
            '--wait',
            '-f',
            'value',
            '-c',
            'status',
            profile='ceph',
            source=('--import-from', URL),
        )
        self.assertEqual(
            (0, 'success\n'), (result.exit_code, result.stdout), result
        )
        self.assertEqual([RAW], self.received)
        self.assertEqual(
            ['measure', 'convert'], [c[0] for c in self.qemu.commands]
        )
        self.assertTrue(self.qemu.commands[-1][-2].endswith('/download'))
        self.assertTrue(ranged.called)
        self.assertTempClean()

    def serve_for_download(self, **answer):
        """The URL's first bytes for the inspector (ranged), and
        ``answer`` to the download (no Range)."""
        qcow2 = images.qcow2(virtual_size=len(RAW))
        ranged = self.serve_image(URL, qcow2)
        self.requests.get(
            URL,
            additional_matcher=lambda request: 'Range' not in request.headers,
            **(
                answer
                or {
                    'content': qcow2,
                    'headers': {'Content-Length': str(len(qcow2))},
                }
            ),
        )
        return ranged

    def test_a_url_that_fails_its_download_is_one_line(self):
        self.serve_for_download(status_code=503, reason='Service Unavailable')
        result = self.run_import(profile='ceph', source=('--import-from', URL))
        self.assertFailsWith(
            result,
            f'{said_converting(URL)}\nCannot download {URL}: it answers '
            'HTTP 503 (Service Unavailable)',
        )
        self.assertFalse(self.created.called)
        self.assertTempClean()

    def test_a_url_too_large_for_the_room_is_refused_before_its_body(self):
        self.serve_for_download()
        self.useFixture(
            fixtures.MockPatch(
                'imageplugin.conversion.free_space', return_value=1000
            )
        )
        result = self.run_import(profile='ceph', source=('--import-from', URL))
        self.assertFailsWith(
            result,
            f'{said_converting(URL)}\nCannot convert {URL} to raw: it needs '
            'about '
            f'{conversion.progress.human_size(len(images.qcow2(len(RAW))))} '
            f'in {self.tmp}, which has 1000 B free; set TMPDIR to a directory '
            'with more room, or give --no-convert to import it as qcow2',
        )
        # Refused from its Content-Length: neither written nor measured.
        self.assertEqual([], self.qemu.commands)
        self.assertTempClean()


def conversion_found(target='raw', **fields):
    """What ``conversion.survey`` finds for a qcow2 on a roomy machine."""
    found = dict(
        source_format='qcow2',
        target=target,
        automatic=False,
        qemu_img='/usr/bin/qemu-img',
        directory='/scratch',
        free=10 * 1024**3,
        needed=1024**3,
        fetch=False,
    )
    found.update(fields)
    return conversion.Conversion(**found)


class TestPlanned(testtools.TestCase):
    """plan.decide with a conversion among its facts: the converted file
    decided on as a --file, after the conversion's steps."""

    def decide(self, found, dialect='glance', tasks_refusal='', **asked):
        asked.setdefault('file', 'images/disk.qcow2')
        request = ImportRequest(**asked)
        facts = planfacts.Facts(
            dialect=dialect,
            tasks_refusal=tasks_refusal,
            methods=('glance-direct', 'web-download'),
            disk_format='qcow2',
            conversion=found,
        )
        return plan.decide(request, facts)

    def test_an_admin_file_goes_through_the_object_storage(self):
        decided = self.decide(conversion_found())
        self.assertEqual('task-upload', decided.route)
        self.assertEqual(
            'convert images/disk.qcow2 from qcow2 to raw with qemu-img (a '
            'temporary file in /scratch, removed on every way out)',
            decided.steps[0],
        )
        self.assertIn(
            'upload the converted disk.raw to images/<object named after '
            'the file> in the object storage (resumable), hashing it',
            decided.steps,
        )
        self.assertEqual('images/disk.qcow2', decided.source)
        self.assertEqual(
            'the temporary file in /scratch, whatever happens',
            decided.deletes[-1],
        )

    def test_a_member_url_is_downloaded_then_sent_by_glance_direct(self):
        url = 'http://127.0.0.1/disk.qcow2'
        decided = self.decide(
            conversion_found(fetch=True, automatic=True),
            tasks_refusal='refused',
            file=None,
            import_from=url,
        )
        self.assertEqual('glance-direct', decided.route)
        self.assertEqual(
            (
                f'download {url} to a temporary file in /scratch',
                f'convert {url} from qcow2 to raw with qemu-img (a temporary '
                'file in /scratch, removed on every way out), as the cloud '
                "profile's image_format asks",
                'create an image',
            ),
            decided.steps[:3],
        )
        self.assertEqual(url, decided.source)

    def test_a_dynamic_vhd_leaves_the_tasks_api_of_glance(self):
        decided = self.decide(conversion_found('vhd'))
        self.assertEqual('glance-direct', decided.route)
        self.assertIn(
            'the converted disk.vhd is a dynamic VHD', decided.notes[0]
        )

    def test_rackspace_takes_a_vhd_by_its_tasks_api(self):
        decided = self.decide(conversion_found('vhd'), dialect='rackspace')
        self.assertEqual(
            ('task-upload', 'rackspace'), (decided.route, decided.dialect)
        )

    def test_refusals(self):
        for found, dialect, line in (
            (
                conversion_found('qcow2'),
                'rackspace',
                'Cannot convert images/disk.qcow2 to qcow2: Rackspace Cloud '
                'Images imports VHD only (give --convert-to vhd)',
            ),
            (
                conversion_found(qemu_img=None, automatic=True),
                'glance',
                'Cannot convert images/disk.qcow2 to raw: qemu-img is needed '
                'and not found on PATH (install the package qemu-utils), or '
                'give --no-convert to import it as qcow2',
            ),
            (
                conversion_found(free=512 * 1024**2),
                'glance',
                'Cannot convert images/disk.qcow2 to raw: it needs about 1.0 '
                'GiB in /scratch, which has 512.0 MiB free; set TMPDIR to a '
                'directory with more room',
            ),
            (
                conversion_found(source_format=None, fetch=True),
                'glance',
                'Cannot convert images/disk.qcow2: its content could not be '
                'read, and its format is told to qemu-img from its content',
            ),
        ):
            error = self.assertRaises(
                exceptions.CommandError, self.decide, found, dialect
            )
            self.assertEqual(line, str(error))


class TestRackspace(test_uploadimport.UploadImportTestCase):
    """Rackspace Cloud Images imports VHDs: a qcow2 converted to one goes
    up to Cloud Files and is imported by its tasks API."""

    def setUp(self):
        super().setUp()
        self.offer('import', 'export')
        self.qemu = self.useFixture(FakeQemuImg())
        self.qemu.written = images.dynamic_vhd(64 * 1024**2)
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.useFixture(fixtures.EnvironmentVariable('TMPDIR', self.tmp))
        self.useFixture(fixtures.MonkeyPatch('tempfile.tempdir', None))
        self.path = self.file('disk.qcow2', images.qcow2(64 * 1024**2))
        self.requests.post(
            base.TASKS_URL, status_code=201, json=fakes.RACKSPACE_PENDING
        )

    def test_a_qcow2_goes_up_as_a_dynamic_vhd(self):
        result = self.run_import(
            '--file', self.path, '--convert-to', 'vhd', '--container', 'c'
        )
        self.assertEqual(0, result.exit_code, result)
        self.assertEqual('vpc', self.qemu.commands[-1][4])
        posted = self.task_posts()[0]['input']
        self.assertEqual({'name': 'disk'}, posted['image_properties'])
        self.assertTrue(posted['import_from'].startswith('c/disk-'))
        self.assertTrue(posted['import_from'].endswith('.vhd'))
        self.assertEqual([], os.listdir(self.tmp))

    def test_raw_is_refused(self):
        self.assertFailsWith(
            self.run_import('--file', self.path, '--convert-to', 'raw'),
            f'Cannot convert {self.path} to raw: Rackspace Cloud Images '
            'imports VHD only (give --convert-to vhd)',
        )
        self.assertEqual([], self.swift.puts())

# SPDX-License-Identifier: Apache-2.0
"""The format the cloud wants: an image converted with ``qemu-img``.

``--convert-to <format>`` asks for it; without the option, a cloud
profile whose ``image_format`` is ``raw`` (clouds.yaml, or the
openstacksdk vendor profile it names: Ceph-backed clouds) has a non-raw
image converted to raw, and ``--no-convert`` keeps it as it is.

The source format is the one its content showed (``inspection``), told
to qemu-img with ``-f``: guessing, qemu-img reads a fixed VHD as raw.
``survey`` finds what a conversion needs before anything is done
(qemu-img, room in the temporary directory); ``planned`` turns it into
the plan's steps or one refusal; ``converted`` carries it out, in a
temporary directory removed on every way out, Ctrl-C included. The
converted file then goes the way a ``--file`` goes, and the image is
compared with the converted bytes.
"""

import collections
import contextlib
import dataclasses
import json
import os
import shutil
import subprocess
import tempfile
import urllib.parse

from osc_lib import exceptions

from imageplugin import formats
from imageplugin import http
from imageplugin import imagefile
from imageplugin import importing
from imageplugin import inspection
from imageplugin import largeobject
from imageplugin import localfile
from imageplugin import preflight
from imageplugin import progress
from imageplugin import sourcework
from imageplugin import urlread
from imageplugin import vhdroute

# Glance's disk formats qemu-img writes (Glance's names).
TARGETS = ('raw', 'qcow2', 'vmdk', 'vhd', 'vhdx', 'vdi')
# Content a raw profile has converted: what qemu-img reads that is not
# raw already (an ISO or a GPT disk is raw to it).
CONVERTIBLE = ('qcow2', 'vmdk', 'vhd', 'vhdx', 'vdi')
PACKAGE = 'qemu-utils'
# qemu-img's options of each output format. A VHD is written dynamic:
# Glance's interoperable import fails a fixed one (its inspector reads it
# as raw) and its tasks API stores a fixed one as raw; Rackspace takes
# both, and a dynamic one is as small as its data. force_size keeps the
# virtual size: else qemu-img rounds it up to a CHS geometry.
OUTPUT_OPTIONS = {'vhd': ('-o', 'subformat=dynamic,force_size=on')}
# Room kept free besides the estimate: the formats qemu-img cannot
# measure allocate in blocks of up to 32 MiB (VHDX), and the file system
# needs room for its own bookkeeping.
MARGIN = 64 * 1024**2
CHUNK_SIZE = 1024**2
DOWNLOAD_TIMEOUT = 60.0
ASKED = "the cloud profile's image_format"


class Conversion(
    collections.namedtuple(
        'Conversion',
        'source_format target automatic qemu_img directory free needed fetch',
    )
):
    """What ``survey`` found for a conversion: the content's format
    (Glance's name, None where unread) and the ``target``, whether the
    profile asked for it (``automatic``), qemu-img's path (None where
    missing), the temporary ``directory``, its ``free`` bytes and the
    bytes the conversion ``needed`` (an estimate), and whether the source
    is a URL to ``fetch`` first."""

    __slots__ = ()


class Converting(
    collections.namedtuple(
        'Converting', 'request facts where steps conversion'
    )
):
    """What ``planned`` gives ``plan.decide``: the request, facts and
    ``where`` of the converted file to decide on (its first three), the
    steps before its plan's, and the ``Conversion``."""

    __slots__ = ()


def check_request(request):
    """Refuse, before anything is asked, options that do not go with a
    conversion."""
    if not request.convert_to:
        return
    if request.kind not in ('file', 'url'):
        raise exceptions.CommandError(
            '--convert-to converts a --file or an http(s) URL; a '
            f'{"--image" if request.kind == "image" else "container/object"}'
            ' is not read by this client'
        )
    for option, value in (
        ('--disk-format', request.disk_format),
        ('--import-from-format', request.import_from_format),
    ):
        if value:
            raise exceptions.CommandError(
                f'--convert-to {request.convert_to} sets the disk format of '
                f'the new image; leave {option} out (the source format is '
                'read from its content)'
            )
    if request.method == 'web-download':
        raise exceptions.CommandError(
            '--convert-to needs this client to read the URL and send the '
            'converted image; web-download has Glance read it: leave '
            '--method out'
        )


def profile_image_format(instance):
    """The cloud profile's ``image_format`` (clouds.yaml, else its vendor
    profile's, else openstacksdk's default), as osc-lib's client manager
    ``instance`` holds the profile."""
    try:
        return instance.get_configuration().get('image_format')
    except AttributeError:
        return None  # no profile: the options alone


def survey(instance, request, content, path=None):
    """The ``Conversion`` this import asks for, or None: the content's
    format (``content``, an ``inspection.Content`` or None) against
    --convert-to or the profile's image_format; qemu-img and the room
    for it are looked up here, before anything is done. ``path`` is a
    --file's path (measured with ``qemu-img measure``)."""
    if request.no_convert or request.kind not in ('file', 'url'):
        return None
    found = content.disk_format if content else None
    target, automatic = request.convert_to, False
    if target is None:
        if (
            request.disk_format
            or request.import_from_format
            or found not in CONVERTIBLE
            or profile_image_format(instance) != 'raw'
        ):
            return None
        target, automatic = 'raw', True
    if found and formats.agrees(found, target) and not _fixed_vhd(content):
        return None  # already what is asked for
    qemu_img = shutil.which('qemu-img')
    directory = tempfile.gettempdir()
    needed = None
    if qemu_img and found and path:
        needed = measure(qemu_img, path, content.detected, target)
    # A URL's size is checked when its answer tells it (Content-Length),
    # the conversion's once it is downloaded and can be measured.
    return Conversion(
        found,
        target,
        automatic,
        qemu_img,
        directory,
        free_space(directory),
        needed,
        request.kind == 'url',
    )


def _fixed_vhd(content):
    # A fixed VHD asked to be a vhd is written dynamic: Glance imports
    # no fixed VHD as one (vhdroute).
    return vhdroute.kind(content) == 'fixed'


def free_space(directory):
    status = os.statvfs(directory)
    return status.f_bavail * status.f_frsize


def measure(qemu_img, path, detected, target):
    """The bytes the conversion of ``path`` to ``target`` needs, by
    ``qemu-img measure`` (None where it cannot tell).

    qemu-img measures raw output as fully allocated, but writes it
    sparse (it skips zeros), as qcow2 keeps only the data: qcow2's
    figure is the estimate of the formats it cannot measure too.
    """
    completed = subprocess.run(
        [
            qemu_img,
            'measure',
            '--output=json',
            '-f',
            formats.qemu_name(detected),
            '-O',
            'qcow2',
            path,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        required = int(json.loads(completed.stdout)['required'])
    except (ValueError, KeyError, TypeError):
        return None
    return required if target in ('raw', 'qcow2') else required + MARGIN


def planned(request, facts, where):
    """The ``Converting`` of ``facts.conversion`` (None where there is
    none): the converted content is decided on as a --file is; or a
    one-line refusal."""
    conversion = facts.conversion
    if conversion is None:
        return None
    check(conversion, where, facts.dialect)
    steps = ()
    name = os.path.basename(where)
    if facts.published:
        # Read (verified, decompressed) into the file that is converted.
        steps += (sourcework.spool_step(facts.published, where),)
    elif conversion.fetch:
        steps += (
            f'download {where} to a temporary file in {conversion.directory}',
        )
    if conversion.fetch:
        name = _url_file_name(request.import_from)
        request = dataclasses.replace(request, import_from=None, file=where)
    asked = f', as {ASKED} asks' if conversion.automatic else ''
    steps += (
        f'convert {where} from {conversion.source_format} to '
        f'{conversion.target} with qemu-img (a temporary file in '
        f'{conversion.directory}, removed on every way out){asked}',
    )
    facts = dataclasses.replace(
        facts,
        disk_format=conversion.target,
        vhd='dynamic' if conversion.target == 'vhd' else None,
        conversion=None,
        published=None,
    )
    sent = f'the converted {os.path.splitext(name)[0]}.{conversion.target}'
    return Converting(request, facts, sent, steps, conversion)


def with_steps(plan, converting):
    """``plan`` (decided for the converted file) after the conversion's
    steps (``planned``'s), carrying the conversion out."""
    conversion = converting.conversion
    return dataclasses.replace(
        plan,
        source=converting.request.file,
        steps=converting.steps + plan.steps,
        creates=(f'a temporary file in {conversion.directory}',)
        + plan.creates,
        deletes=plan.deletes
        + (f'the temporary file in {conversion.directory}, whatever happens',),
        conversion=conversion,
    )


def check(conversion, where, dialect):
    """Refuse a conversion that cannot be made here, in one line."""
    if dialect == 'rackspace' and conversion.target != 'vhd':
        raise exceptions.CommandError(
            f'Cannot convert {where} to {conversion.target}: Rackspace '
            'Cloud Images imports VHD only (give --convert-to vhd)'
        )
    if conversion.source_format is None:
        raise exceptions.CommandError(
            f'Cannot convert {where}: its content could not be read, and '
            'its format is told to qemu-img from its content'
        )
    if not conversion.qemu_img:
        raise exceptions.CommandError(
            f'Cannot convert {where} to {conversion.target}: qemu-img is '
            f'needed and not found on PATH (install the package {PACKAGE}'
            f'){_keep_advice(conversion)}'
        )
    check_room(conversion, where, conversion.needed)


def check_room(conversion, where, needed):
    if needed is None or needed <= conversion.free:
        return
    raise exceptions.CommandError(
        f'Cannot convert {where} to {conversion.target}: it needs about '
        f'{progress.human_size(needed)} in {conversion.directory}, which '
        f'has {progress.human_size(conversion.free)} free; set TMPDIR to a '
        f'directory with more room{_keep_advice(conversion)}'
    )


def _keep_advice(conversion):
    if conversion.automatic:
        kept = conversion.source_format
        return f', or give --no-convert to import it as {kept}'
    return ''


def formats_sent(plan, found):
    """The ``formats.Formats`` of what ``plan`` sends: the content's
    (``found``), or the conversion's target."""
    if plan.conversion is None or found is None:
        return found
    target = plan.conversion.target
    return found._replace(source=target, disk=target)


def automatic_line(conversion, where):
    """The line that says the profile had the image converted."""
    return (
        f'Converting {where} from {conversion.source_format} to raw, as '
        f'{ASKED} is raw (--no-convert imports it as it is)'
    )


@contextlib.contextmanager
def converted(plan, request, source, console, verify=True):
    """``source`` (an ``importroute.Source``) as the converted file it
    becomes by ``plan.conversion``, for as long as the ``with`` block
    runs; the temporary directory is removed on every way out."""
    conversion = plan.conversion
    if conversion is None:
        yield source
        return
    where = source.where
    directory = tempfile.mkdtemp(
        prefix='imageplugin-convert-', dir=conversion.directory
    )
    try:
        if conversion.automatic:
            console.say(automatic_line(conversion, where))
        # A --file, or the file a published source was read into.
        path = source.local.image.path if source.local else None
        name = os.path.basename(source.where)
        if conversion.fetch:
            name = _url_file_name(request.import_from)
        if path is None:
            path = os.path.join(directory, 'download')
            download(conversion, request.import_from, path, console, verify)
        if conversion.needed is None:
            check_room(
                conversion._replace(free=free_space(directory)),
                where,
                measure(
                    conversion.qemu_img,
                    path,
                    source.content.detected,
                    conversion.target,
                ),
            )
        stem = os.path.splitext(name)[0]
        output = os.path.join(directory, f'{stem}.{conversion.target}')
        console.status(f'Converting {where} to {conversion.target}')
        run_qemu_img(conversion, source.content.detected, path, output, where)
        console.clear()
        local = _converted_file(conversion, request, source, output, stem)
        if plan.dialect == 'rackspace':
            localfile.check_rackspace(local, request)
        yield source._replace(
            formats=local.image.formats,
            content=local.image.content,
            local=local,
        )
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def run_qemu_img(conversion, detected, path, output, where):
    """``qemu-img convert`` of ``path`` (content ``detected``) into
    ``output``; its error in one line. Interrupted, the child is killed
    (``subprocess.run`` does that) before the directory goes."""
    target = formats.qemu_name(conversion.target)
    completed = subprocess.run(
        [
            conversion.qemu_img,
            'convert',
            '-f',
            formats.qemu_name(detected),
            '-O',
            target,
            *OUTPUT_OPTIONS.get(conversion.target, ()),
            path,
            output,
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    if completed.returncode:
        lines = completed.stderr.strip().splitlines() or [
            f'exit code {completed.returncode}'
        ]
        raise exceptions.CommandError(
            f'Cannot convert {where} to {conversion.target}: qemu-img '
            f'failed: {lines[-1].removeprefix("qemu-img: ")}'
        )


def download(conversion, url, path, console, verify=True):
    """Fetch ``url`` into the file ``path``, streaming, once its size
    (where its answer tells it) is known to fit."""
    shown = http.shown_url(url)
    action = f'Cannot download {shown}'
    try:
        with urlread.opened(url, action, verify, DOWNLOAD_TIMEOUT) as (
            body,
            total,
        ):
            room = conversion._replace(free=free_space(os.path.dirname(path)))
            check_room(room, shown, total)
            written(body, path, console.stream, total or 0, shown)
    except OSError as exc:
        # Writing the file: most likely a full disk.
        raise exceptions.CommandError(
            f'Cannot download {shown} into {conversion.directory}: '
            f'{exc.strerror or exc}; set TMPDIR to a directory with more room'
        ) from None


def written(stream, path, bar_stream=None, total=0, label=''):
    """Copy the readable ``stream`` into the new file ``path``; where
    the bytes come from is the caller's (a URL, a decompressing
    reader)."""
    with (
        open(path, 'wb') as file,
        progress.ProgressBar(bar_stream, total, f'Downloading {label}') as bar,
    ):
        done = 0
        for chunk in iter(lambda: stream.read(CHUNK_SIZE), b''):
            file.write(chunk)
            done += len(chunk)
            bar(done)
    return done


def _url_file_name(url):
    name = os.path.basename(urllib.parse.urlsplit(url).path)
    return name or 'image'


def _converted_file(conversion, request, source, output, stem):
    """The converted ``output`` as the ``localfile.LocalFile`` a --file
    of it would be: the image's properties (and default name) are the
    source's."""
    # What qemu-img wrote is the target, whatever its first bytes look
    # like (the source's content was checked).
    target = formats.Formats(
        conversion.target,
        conversion.target,
        request.container_format or 'bare',
    )
    image = imagefile.ImageFile(
        output,
        os.path.getsize(output),
        target,
        inspection.inspect_file(output),
        origin=f'{source.where}, converted to {conversion.target}',
    )
    if source.local is not None:
        properties, given = source.local.properties, source.local.given
    else:
        properties, given = dict(request.image_properties), request.given
        if 'name' not in properties and not importing.input_name(
            request.extra_input
        ):
            properties['name'] = preflight.checked_default_name(
                stem, '--import-from'
            )
    # The upload checks the file against this identity as it reads it.
    # A new conversion is a new file: segments an interrupted upload left
    # are not resumed (they are said, with where they are).
    identity = largeobject.file_identity(os.stat(output))
    name = request.object_name or largeobject.default_object_name(
        os.path.basename(output), identity
    )
    return localfile.LocalFile(
        image, properties, given, name, identity, temporary=True
    )

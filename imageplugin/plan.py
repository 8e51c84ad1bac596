# SPDX-License-Identifier: Apache-2.0
"""The plan of ``image task import``, decided before anything is done.

``request.ImportRequest`` is what the command line asks for; ``Facts``
is what the cloud and the content said (``importroute.survey`` asks
them); ``decide(request, facts)`` turns the two into a ``Plan`` (the
route, its steps, what it creates, uploads and deletes, the lines to say)
or raises one refusal. ``decide`` makes no request: the same request and
facts always give the same plan, on every route, and ``--dry-run``
prints it instead of carrying it out.
"""

from osc_lib import exceptions

from imageplugin import conversion as conversions
from imageplugin import importing
from imageplugin import sourcework
from imageplugin import uploadplan
from imageplugin import vhdroute
from imageplugin.planfacts import COPY_IMAGE
from imageplugin.planfacts import GLANCE_DIRECT
from imageplugin.planfacts import INTEROP_METHODS
from imageplugin.planfacts import TASK
from imageplugin.planfacts import TASK_FROM_UPLOAD
from imageplugin.planfacts import WEB_DOWNLOAD
from imageplugin.planfacts import Plan

# (attribute, option, default) of the options of one route only.
UPLOAD_OPTIONS = (
    ('container', '--container', 'images'),
    ('object_name', '--object-name', None),
    ('segment_size', '--segment-size', None),
    ('upload_concurrency', '--upload-concurrency', None),
    ('keep_upload', '--keep-upload', False),
)
INTEROP_OPTIONS = (('keep_image', '--keep-image', False),)
_TASKS_API = (
    'the tasks API creates the image, and Glance deletes it when '
    'the import fails'
)


def refused(text):
    return exceptions.CommandError(text)


def check_request(request):
    """Refuse, before the cloud is asked anything, what no cloud takes: a
    method that cannot import this source, options that do not go together."""
    method = _asked_method(request, request.kind)
    if request.kind == 'image':
        _check_copy_request(request, method)


def decide(request, facts, where=None):
    """The ``Plan`` of ``request`` given ``facts``, or a CommandError.

    ``where`` is the source as it may be shown (a URL without secrets).
    """
    where = where or request.import_from or request.file or request.image
    if facts.duplicate is not None:
        _asked_method(request, request.kind)  # a refusal comes first
        return facts.duplicate.plan(where)  # nothing to do
    if converting := conversions.planned(request, facts, where):
        return conversions.with_steps(decide(*converting[:3]), converting)
    kind = sourcework.planned_kind(request, facts.published, where)
    method = _asked_method(request, kind)
    if kind == 'image':
        return _copy_plan(request, facts, method, where)
    if kind == 'object':
        return _object_plan(request, facts, method, where)
    if facts.dialect == 'rackspace' and method in INTEROP_METHODS:
        asked = (
            f'--method {method}'
            if request.method
            else '--store'
            if request.stores
            else '--all-stores'
        )
        raise refused(
            f'{asked} asks for interoperable import, which '
            'Rackspace Cloud Images does not have: leave it out '
            'to import by its tasks API'
        )
    interop = WEB_DOWNLOAD if kind == 'url' else GLANCE_DIRECT
    if method in (None, TASK):
        method = _tasks_or_interop(request, facts, method, interop, where)
    if method in (None, TASK):
        method, note = _vhd_reroute(request, facts, method, interop, where)
    else:
        note = None
    if kind == 'file' and method in (GLANCE_DIRECT, WEB_DOWNLOAD):
        method = uploadplan.file_method(request, facts)
    if method in (interop, WEB_DOWNLOAD):
        _check_interop(request, facts, method, where)
        plan = _interop_plan(request, facts, method, where, note)
        plan = uploadplan.through_storage(plan, request, facts)
    elif kind == 'file':
        plan = _upload_plan(request, facts, where)
    else:
        return _task_plan(request, facts, where)
    return sourcework.planned(plan, facts.published, where)


def _asked_method(request, kind):
    """The --method asked for, with the stores it implies; refusals of a
    method that cannot import this kind of source."""
    method = request.method
    stores = request.stores or request.all_stores
    if stores and method == TASK:
        raise refused(
            '--store and --all-stores choose stores of '
            'interoperable import; the tasks API cannot'
        )
    if stores and method is None and kind != 'image':
        method = GLANCE_DIRECT if kind == 'file' else WEB_DOWNLOAD
    if kind == 'image':
        return method
    if method == COPY_IMAGE:
        raise refused('--method copy-image copies an --image into more stores')
    if method == GLANCE_DIRECT and kind != 'file':
        raise refused('--method glance-direct imports a --file')
    if method == WEB_DOWNLOAD and kind not in ('url', 'file'):
        raise refused('--method web-download imports a URL or a --file')
    return method


def _tasks_or_interop(request, facts, method, interop, where):
    """``method`` (None or 'task'), or ``interop`` where the tasks API is
    refused to this user; a refusal where neither can be had."""
    if facts.dialect == 'rackspace' or not facts.tasks_refusal:
        return method
    if method == TASK:
        raise refused(facts.tasks_refusal)
    if vhdroute.fails_by_interop(facts.vhd, facts.disk_format):
        raise vhdroute.interop_refused(where, interop, None, False)
    if interop not in (facts.methods or ()):
        raise refused(
            f'{facts.tasks_refusal} This Glance offers no {interop} import '
            'either' + _offered(facts.methods)
        )
    return interop


def _vhd_reroute(request, facts, method, interop, where):
    """Content the tasks API of Glance fails or rewrites (a dynamic VHD,
    an ISO) leaves it for ``interop``: the method and the line that says
    so, or a refusal (a fixed VHD, which neither route takes as a vhd)."""
    if facts.dialect == 'rackspace':
        return method, None
    if vhdroute.fails_by_interop(facts.vhd, facts.disk_format):
        # Neither route of Glance imports it as a vhd.
        raise vhdroute.fixed_refused(where, method == TASK)
    problem = vhdroute.tasks_api_fails(facts.vhd, facts.disk_format)
    if problem is None:
        return method, None
    if method == TASK:
        raise vhdroute.task_refused(where, interop, True, None, problem)
    if interop not in (facts.methods or ()):
        raise vhdroute.task_refused(
            where, interop, False, facts.methods or None, problem
        )
    return interop, vhdroute.rerouted(where, interop, problem)


def _check_interop(request, facts, method, where):
    """Refuse what interoperable import by ``method`` would fail."""
    if vhdroute.fails_by_interop(facts.vhd, facts.disk_format):
        why = ' and '.join(
            option
            for option, given in (
                (f'--method {method}', request.method),
                ('--store', request.stores),
                ('--all-stores', request.all_stores),
            )
            if given
        )
        raise vhdroute.interop_refused(
            where, method, why or None, facts.tasks_refusal == ''
        )
    if request.extra_input is not None:
        raise refused(
            '--input is task input of the tasks API, which this import '
            'does not use (interoperable import takes none): give image '
            'properties with --property'
        )
    if facts.methods is not None and method not in facts.methods:
        raise refused(
            f'This Glance offers no {method} import' + _offered(facts.methods)
        )
    _check_stores(request, facts)


def _check_stores(request, facts):
    """Refuse stores this Glance does not have."""
    if not (request.stores or request.all_stores):
        return
    if not facts.stores:
        raise refused(
            'This Glance has a single store: --store and '
            '--all-stores need one with several (enabled_backends)'
        )
    unknown = [store for store in request.stores if store not in facts.stores]
    if unknown:
        raise refused(
            f'This Glance has no store {unknown[0]} (its stores: '
            f'{", ".join(facts.stores)})'
        )


def _offered(methods):
    return f' (its methods: {", ".join(methods)})' if methods else ''


def _protect_after(request, facts):
    return (
        request.wait
        and facts.dialect != 'rackspace'
        and request.asks_protected
    )


def _keep_image_unused(request):
    # With --wait, it keeps an image that the aftercare refuses.
    if request.wait:
        return ()
    return _said_unused(request, INTEROP_OPTIONS, _TASKS_API)


def _said_unused(request, options, why):
    given = request.unused(options)
    if not given:
        return ()
    verb = 'has' if len(given) == 1 else 'have'
    return (f'{", ".join(given)} {verb} no effect here: {why}',)


def _interop_plan(request, facts, method, where, note):
    if method == GLANCE_DIRECT:
        why = (
            'glance-direct sends the file to Glance, not to the object storage'
        )
    else:
        why = 'there is no --file to upload'
    notes = (
        ((note,) if note else ())
        + tuple(facts.content_notes)
        + _said_unused(request, UPLOAD_OPTIONS, why)
    )
    if method == GLANCE_DIRECT:
        steps = [
            'create an image',
            f'read {where} once, hashing it, and send it to '
            "the image's staging area",
            'import it by glance-direct',
        ]
    else:
        steps = [f'create an image, then import {where} into it by {method}']
    return Plan(
        route=method,
        method=method,
        source=where,
        steps=tuple(steps) + _after_steps(request, facts, method),
        creates=('an image',),
        uploads=_staged(method, where),
        deletes=_interop_deletes(request),
        notes=notes,
        protect_after=_protect_after(request, facts),
    )


def _interop_deletes(request):
    # Deleted if its import cannot start, --keep-image or not: no data.
    more = (
        ', fails, or lands other than meant' if _refused_image(request) else ''
    )
    return (f'the new image, if its import cannot start{more}',)


def _refused_image(request):
    """What the aftercare deletes (with --wait, unless --keep-image)."""
    wanted = request.wait and not request.keep_image
    return ('the image, if it lands other than meant',) if wanted else ()


def _staged(method, where):
    if method == GLANCE_DIRECT:
        return (f"{where} to the image's staging area",)
    return ()


def _after_steps(request, facts, method):
    """The steps after the import has started: the wait, the check of
    what landed, --protected."""
    if not request.wait:
        return ('show the import task (not waited for)',)
    steps = [
        'wait for the import to end',
        'compare the image that landed with what was meant',
    ]
    if _protect_after(request, facts):
        steps.append('protect the image')
    return tuple(steps)


def _task_plan(request, facts, where):
    notes = (
        tuple(facts.content_notes)
        + _said_unused(request, UPLOAD_OPTIONS, 'there is no --file to upload')
        + _keep_image_unused(request)
    )
    return Plan(
        route=TASK,
        method=TASK,
        source=where,
        steps=(f'create an import task of {where}',)
        + _after_steps(request, facts, TASK),
        creates=('an import task', 'an image (by the task)'),
        deletes=('nothing of a failed task: Glance deletes its image',)
        + _refused_image(request),
        notes=notes,
        protect_after=_protect_after(request, facts),
    )


def _upload_plan(request, facts, where):
    target = f'{request.container}/<object named after the file>'
    if request.object_name:
        target = f'{request.container}/{request.object_name}'
    notes = ()
    if facts.dialect != 'rackspace':
        notes = _keep_image_unused(request)
    steps = (
        f'upload {where} to {target} in the object storage '
        '(resumable), hashing it',
        f'create an import task of {target}'
        + ('' if facts.dialect == 'rackspace' else ' (a TempURL)'),
    )
    deletes = (
        ()
        if request.keep_upload
        else (f'{target} and its segments, once the task has ended',)
    ) + _refused_image(request)
    return Plan(
        route=TASK_FROM_UPLOAD,
        method=TASK,
        source=where,
        steps=steps + _after_steps(request, facts, TASK),
        creates=(
            f'container {request.container}, if missing',
            'an import task',
            'an image (by the task)',
        ),
        uploads=(f'{where} to {target}',),
        deletes=deletes,
        notes=notes,
        protect_after=_protect_after(request, facts),
        dialect=facts.dialect or 'glance',
    )


def _object_plan(request, facts, method, where):
    """A ``container/object`` source: Rackspace's tasks API only."""
    if facts.dialect == 'glance':
        raise refused(
            f"{where!r} is not an http(s) URL, and this cloud's image "
            'service (Glance) imports from URLs only (<container>/<object> '
            "is Rackspace's form): give an http(s) URL, or --file for a "
            'local file'
        )
    if method not in (None, TASK):
        raise refused(
            f'--method {method} is interoperable import of '
            'Glance; a <container>/<object> is imported by '
            "Rackspace's tasks API"
        )
    check_rackspace_input(
        request, where, ('--disk-format', '--container-format')
    )
    return _task_plan(request, facts, where)


def check_rackspace_input(request, where, format_options=()):
    """Refuse what Rackspace would fail the task for (its input accepts
    no image property but the name)."""
    given = list(request.given) + [
        option
        for option in format_options
        if getattr(request, option[2:].replace('-', '_'))
    ]
    importing.rackspace_input(
        where,
        request.image_properties,
        given,
        request.import_from_format,
        request.extra_input,
    )


def _check_copy_request(request, method):
    if method not in (None, COPY_IMAGE):
        raise refused(
            f'--image is copied into more stores by copy-image, '
            f'not by {method}'
        )
    given = _new_image_options(request)
    if given:
        raise refused(
            f'{given[0]} describes a new image; --image copies '
            'an existing one into more stores'
        )
    if not (request.stores or request.all_stores):
        raise refused(
            '--image needs the stores to copy it into: --store '
            '<store> (repeat for more) or --all-stores'
        )


def _copy_plan(request, facts, method, where):
    """copy-image: an existing image into more stores."""
    _check_copy_request(request, method)
    _check_stores(request, facts)
    if facts.methods is not None and COPY_IMAGE not in facts.methods:
        raise refused(
            'This Glance offers no copy-image import' + _offered(facts.methods)
        )
    stores = ', '.join(request.stores) or 'every store'
    notes = _said_unused(
        request, UPLOAD_OPTIONS, 'there is no --file to upload'
    )
    return Plan(
        route=COPY_IMAGE,
        method=COPY_IMAGE,
        source=where,
        steps=(f'import image {where} into {stores} by copy-image',)
        + (
            ('wait for the copy to end',)
            if request.wait
            else ('show the import task (not waited for)',)
        ),
        creates=(f'copies of the data in {stores}',),
        notes=notes,
    )


def _new_image_options(request):
    return list(request.given) + [
        option
        for option, value in (
            ('--name', request.name),
            ('--input', request.extra_input),
            ('--disk-format', request.disk_format),
            ('--container-format', request.container_format),
            ('--import-from-format', request.import_from_format),
        )
        if value is not None
    ]

# SPDX-License-Identifier: Apache-2.0
"""How ``image task import`` goes: read the source, ask the cloud, decide
the plan (``plan.decide``), then carry it out or, with ``--dry-run``,
show it.

Imported only when an import runs: ``imageplugin.taskimport``, which OSC
imports for every command, keeps the parser.
"""

import collections
import dataclasses

from imageplugin import aftercare
from imageplugin import api
from imageplugin import http
from imageplugin import importing
from imageplugin import interop
from imageplugin import localfile
from imageplugin import objectstore
from imageplugin import plan as plans
from imageplugin import planview
from imageplugin import uploadimport
from imageplugin import uploadplan
from imageplugin import vhdroute
from imageplugin import webupload


class Source(collections.namedtuple('Source', 'where formats content local')):
    """What the source is, read before logging in: where it is as it may
    be shown, its ``formats.Formats`` and ``inspection.Content`` (None
    where unread), and the checked ``localfile.LocalFile`` of a --file.
    """

    __slots__ = ()


class Cloud(collections.namedtuple('Cloud', 'client instance')):
    """The image service's ``api.TaskAPI`` and osc-lib's client manager
    (for the object storage's endpoint)."""

    __slots__ = ()


def read_source(request, verify=True):
    """The ``Source`` of ``request`` and the note of what could not be
    read of it: its content is read before the cloud is asked anything,
    so that a bad file or URL is refused first."""
    kind = request.kind
    if kind == 'url':
        where = http.shown_url(request.import_from)
        formats, note, content = importing.url_formats(
            request.import_from, request, verify=verify
        )
        return Source(where, formats, content, None), note
    if kind == 'file':
        local = localfile.checked_file(request)
        if request.dialect == 'rackspace':
            localfile.check_rackspace(local, request)
        image = local.image
        return Source(image.path, image.formats, image.content, local), None
    return Source(request.import_from or request.image, None, None, None), None


def survey(cloud, request, source, note=None):
    """The ``plan.Facts`` of this import: what the cloud says (dialect,
    the tasks API's access, import methods, stores), asked only where the
    plan depends on it, and what the content is."""
    client = cloud.client
    kind = request.kind
    vhd = vhdroute.kind(source.content)
    disk_format = source.formats.disk if source.formats else None
    dialect = request.dialect
    if dialect is None and kind == 'object':
        dialect = client.dialect()
    stores = request.stores or request.all_stores
    tasks_refusal = None
    if (
        dialect != 'rackspace'
        and kind in ('url', 'file')
        and (
            (request.method in (None, plans.TASK) and not stores)
            or vhd == 'fixed'
        )
    ):
        tasks_refusal = _tasks_refusal(client)
    if dialect is None and kind == 'file':
        # Only Glance refuses its tasks API; glance-direct is Glance's.
        dialect = (
            'glance'
            if tasks_refusal
            or stores
            or request.method in plans.INTEROP_METHODS
            else client.dialect()
        )
    notes = (note,) if note else ()
    if dialect == 'rackspace':
        notes += _check_rackspace_content(cloud, request, source)
    glance = dialect != 'rackspace'
    methods = None
    if glance and (
        (tasks_refusal and request.method != plans.TASK)
        or vhdroute.tasks_api_fails(vhd, disk_format)
        or (
            kind != 'image'
            and (
                stores
                or request.method in (plans.WEB_DOWNLOAD, plans.GLANCE_DIRECT)
            )
        )
    ):
        methods = tuple(client.import_methods() or ())
    store_ids = None
    if glance and stores:
        store_ids = tuple(client.stores() or ())
    if kind == 'image' and glance:
        _check_copied_image(client, request)
    upload_refusal = None
    if glance and webupload.worth_asking(request, tasks_refusal, methods):
        upload_refusal = webupload.store_refusal(cloud.instance)
    return plans.Facts(
        dialect=dialect,
        tasks_refusal=tasks_refusal,
        methods=methods,
        stores=store_ids,
        vhd=vhd,
        content_notes=notes,
        disk_format=disk_format,
        upload_refusal=upload_refusal,
    )


def _check_copied_image(client, request):
    """Refuse what Glance's copy-image would refuse once called, the same
    with and without --dry-run: an image not found, not active, or
    already in a store named."""
    image = client.get_image(client.find_image_id(request.image))
    shown = f'image {request.image}'
    if image.get('status') != 'active':
        raise plans.refused(
            f'Image {request.image} is {image.get("status")}: only an '
            'active image can be copied into more stores'
        )
    held = (image.get('stores') or '').split(',')
    present = [store for store in request.stores if store in held]
    if present:
        raise plans.refused(
            f'Cannot copy {shown} into {", ".join(present)}: it is '
            f'already there (its stores: {image.get("stores")}); name '
            'only stores it is not in'
        )


def _tasks_refusal(client):
    """'' if this user may use the tasks API, else Glance's refusal
    (admin-only), in one line: one cheap request before any long work."""
    try:
        client.check_access()
    except http.HTTPError as exc:
        if not api.admin_only(exc):
            raise
        return str(exc)
    return ''


def _check_rackspace_content(cloud, request, source):
    """Refuse what Rackspace Cloud Images would fail the task for, from
    the content: a --file's, or the object's in the object storage.
    Returns the lines that say what could not be checked."""
    if source.local is not None and request.dialect is None:
        # Checked in read_source where the dialect was given.
        localfile.check_rackspace(source.local, request)
    elif request.kind == 'object':
        unchecked = importing.check_object(cloud.instance, request.import_from)
        if unchecked:
            return (unchecked,)
    return ()


def with_upload_target(cloud, request, plan, local):
    """``plan``, its object storage checked where it uploads: the
    endpoint found (else one line refuses before any byte moves), whether
    the container must be created, and that the object is not another
    file's (``local``, the ``localfile.LocalFile``)."""
    if plan.route not in (plans.TASK_FROM_UPLOAD, uploadplan.ROUTE):
        return plan

    store = objectstore.ObjectStore.from_client_manager(cloud.instance)
    if store.exists(request.container):
        uploadimport.check_object(store, request.container, local)
        creates = tuple(
            item for item in plan.creates if not item.startswith('container ')
        )
        return dataclasses.replace(plan, creates=creates)
    return plan


def outcome_of(cloud, console, follow, request, source, plan):
    """Carry out ``plan``; return the import's ``waiting.Outcome``.

    ``console`` (a ``progress.Console``) says lines and draws progress;
    ``follow`` (a ``waiting.Follower``) follows a task to its end when
    asked.
    """
    if plan.route == uploadplan.ROUTE:
        note = '\n'.join(plan.notes) or None
        return webupload.outcome(cloud, console, follow, request, source, note)
    route = (
        _interop_outcome
        if plan.interoperable
        else _upload_outcome
        if plan.route == plans.TASK_FROM_UPLOAD
        else _task_outcome
    )
    return route(cloud, console, follow, request, source, plan)


def _say_notes(console, plan):
    # Said once the import has started: a refusal stays one line.
    for note in plan.notes:
        console.say(note)


def _task_outcome(cloud, console, follow, request, source, plan):
    """The tasks API imports a URL (Glance) or an object (Rackspace)."""
    client = cloud.client
    properties, extra = request.image_properties, request.extra_input
    if plan.protect_after:
        properties = importing.unprotected(properties)
        extra = importing.unprotected_input(extra)
    if request.kind == 'url':
        task_input = importing.glance_input(
            request.import_from, source.formats, properties, extra
        )
    else:
        task_input = importing.rackspace_input(
            request.import_from,
            properties,
            request.given,
            request.import_from_format,
            extra,
        )
    task = client.create_task('import', task_input)
    _say_notes(console, plan)
    waited = follow(
        task, recreate=lambda: client.create_task('import', task_input)
    )
    if request.kind == 'url' and waited.status == 'success' and request.wait:
        # Glance read the URL itself: its formats are what can be
        # compared (its tasks API rewrites some).
        waited = aftercare.verified(
            client,
            waited,
            aftercare.Meant(source.formats, instead=plans.WEB_DOWNLOAD),
            console.say,
            request.keep_image,
        )
    return _protected(client, waited, plan)


def _protected(client, waited, plan):
    """Protect the image of a successful import whose --protected was
    held back from its start (``plan.protect_after``)."""
    if (
        plan.protect_after
        and waited.status == 'success'
        and not waited.exit_code
    ):
        # Not an image the aftercare refused (and deleted).
        client.set_protected(api.task_image_id(waited.task))
    return waited


def _upload_outcome(cloud, console, follow, request, source, plan):
    """A --file through the object storage, then the tasks API."""
    local, extra = source.local, request.extra_input
    if plan.protect_after:
        local = local._replace(
            properties=importing.unprotected(local.properties)
        )
        extra = importing.unprotected_input(extra)
    store = objectstore.ObjectStore.from_client_manager(cloud.instance)
    upload = uploadimport.UploadImport(
        local, store, plan.dialect == 'rackspace', request
    )
    _say_notes(console, plan)
    waited = upload.run(
        cloud.client,
        extra,
        follow,
        console.say,
        stream=console.stream,
    )
    return _protected(cloud.client, waited, plan)


def _interop_outcome(cloud, console, follow, request, source, plan):
    """Interoperable import: web-download, glance-direct, copy-image."""
    client = cloud.client
    stores = {'stores': request.stores, 'all_stores': request.all_stores}
    if plan.method == plans.COPY_IMAGE:
        started = interop.Import(
            client,
            plan.method,
            image_id=client.find_image_id(request.image),
            **stores,
        )
        properties = formats = None
    elif plan.method == plans.GLANCE_DIRECT:
        started = interop.Import(
            client, plan.method, data=source.local.image, **stores
        )
        properties, formats = source.local.properties, source.formats
    else:
        started = interop.Import(
            client, plan.method, url=request.import_from, **stores
        )
        properties, formats = request.image_properties, source.formats
    return started.run(
        properties,
        formats,
        follow,
        console.say,
        stream=console.stream,
        keep_image=request.keep_image,
        note='\n'.join(plan.notes) or None,
        wait=request.wait,
    )


def plan_columns(request, source, plan):
    """(columns, values) of ``plan`` for ``--dry-run``."""
    formats = source.formats
    properties = (
        source.local.properties if source.local else request.image_properties
    )
    # The tasks API's input takes --input's image properties, under the
    # options' (interoperable import refuses them).
    given = (request.extra_input or {}).get('image_properties')
    if plan.method == plans.TASK and given:
        properties = dict(given, **(properties or {}))
    return planview.columns(
        plan,
        disk_format=formats.disk if formats else None,
        container_format=formats.container if formats else None,
        source_format=formats.source if formats else None,
        image_properties=dict(properties or {}),
    )

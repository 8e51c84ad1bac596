"""How ``image task import`` goes: the route that the source, the options
and the cloud's own answers choose (the tasks API or interoperable
import, a URL, a file or an existing image), and what each route needs.

Imported only when an import runs: ``imageplugin.task``, which OSC
imports for every command, keeps the parser.
"""

from osc_lib import exceptions

from imageplugin import importing
from imageplugin.task import _admin_only
from imageplugin.task import parsed_json_object

# (dest, option, default) of the options of one route only.
_UPLOAD_OPTIONS = (('container', '--container', 'images'),
                   ('object_name', '--object-name', None),
                   ('segment_size', '--segment-size', None),
                   ('upload_concurrency', '--upload-concurrency', None),
                   ('keep_upload', '--keep-upload', False))
_INTEROP_OPTIONS = (('keep_image', '--keep-image', False),)
_TASKS_API = ('the tasks API creates the image, and Glance deletes it when '
              'the import fails')


def say_unused(command, parsed_args, options, why):
    """Say which of ``options`` (dest, name, default) were given for
    nothing on this route, and ``why``."""
    given = [name for dest, name, default in options
             if getattr(parsed_args, dest, default) not in (default, None)]
    if given:
        command.say(f'{", ".join(given)} '
                    + ('has' if len(given) == 1 else 'have')
                    + f' no effect here: {why}')


def _interop_method(client, refusal, method, content=None, formats=None,
                    where=None):
    """``method`` if the cloud offers it, for a user the tasks API refused;
    else that refusal, with what is missing. ``content`` (with its
    ``formats``, at ``where``) is refused if ``method`` would fail it."""
    from imageplugin import interop
    from imageplugin import vhdroute

    if vhdroute.fails_by_interop(content, formats):
        raise vhdroute.interop_refused(where, method, None, False)

    methods = client.import_methods()
    if methods and method in methods:
        interop.LOG.debug('The tasks API is admin-only here: importing by '
                          '%s', method)
        return method
    raise exceptions.CommandError(
        f'{refusal} This Glance offers no {method} import either'
        + (f' (its methods: {", ".join(methods)})' if methods else ''))


def _store_method(parsed_args):
    """The --method asked for; with stores named, interoperable import
    (the tasks API cannot choose stores)."""
    method = parsed_args.method
    if not (parsed_args.stores or parsed_args.all_stores):
        return method
    if method == 'task':
        raise exceptions.CommandError(
            '--store and --all-stores choose stores of interoperable '
            'import; the tasks API cannot')
    if method is None and not parsed_args.image:
        return 'glance-direct' if parsed_args.file else 'web-download'
    return method


def _stores(parsed_args):
    return {'stores': parsed_args.stores or (),
            'all_stores': parsed_args.all_stores}


def outcome_of(command, parsed_args):
    extra = None
    if parsed_args.extra_input is not None:
        extra = parsed_json_object(parsed_args.extra_input, '--input')
    method = _store_method(parsed_args)
    if parsed_args.image:
        return copy_outcome(command, parsed_args, method, extra)
    if method == 'copy-image':
        raise exceptions.CommandError(
            '--method copy-image copies an --image into more stores')
    if parsed_args.file:
        return file_outcome(command, parsed_args, method, extra)
    import_from = parsed_args.import_from
    from_url = importing.is_url(import_from)
    if method == 'glance-direct' or (
            method == 'web-download' and not from_url):
        raise exceptions.CommandError(
            f'--method {method} imports '
            + ('a --file' if method == 'glance-direct' else
               'an http(s) URL'))
    properties, given = importing.image_properties(parsed_args)
    note = content = None
    if from_url:
        formats, note, content = importing.url_formats(
            import_from, parsed_args,
            verify=command.app.client_manager.verify)
        task_input = importing.glance_input(
            import_from, formats,
            (importing.unprotected(properties) if parsed_args.wait
             else properties),
            extra)
    else:
        given += [option for option, value in (
            ('--disk-format', parsed_args.disk_format),
            ('--container-format', parsed_args.container_format))
            if value]
        try:
            task_input = importing.rackspace_input(
                import_from, properties, given,
                parsed_args.import_from_format, extra)
        except exceptions.CommandError:
            # Rackspace's rules are no news to a user of Glance.
            refuse_unless_rackspace(command, import_from, parsed_args)
            raise
        refuse_unless_rackspace(command, import_from, parsed_args)
    client = command.client
    if not from_url:
        importing.check_object(command.app.client_manager, import_from)
    else:
        from imageplugin import http
        from imageplugin import vhdroute

        where = http.shown_url(import_from)
        if method is None and vhdroute.fails_by_task(content):
            refusal = tasks_refusal(command, client)
            if refusal is not None:
                method = _interop_method(client, refusal, 'web-download')
        method = vhd_method(command, client, parsed_args, method, content,
                            formats, where, 'web-download')
    if method in (None, 'task'):
        from imageplugin import http

        try:
            task = client.create_task('import', task_input)
        except http.HTTPError as exc:
            if method or not _admin_only(exc):
                raise
            method = _interop_method(
                client, exc, 'web-download', content, formats,
                http.shown_url(import_from))
        else:
            if note:
                # Said once the task exists: a refusal stays one line.
                command.say(note)
            say_unused(command, parsed_args, _UPLOAD_OPTIONS,
                       'there is no --file to upload')
            if not parsed_args.wait:  # else the aftercare may use it
                say_unused(command, parsed_args, _INTEROP_OPTIONS,
                           _TASKS_API)
            waited = command.followed(
                task, parsed_args,
                recreate=lambda: client.create_task('import', task_input))
            if from_url and parsed_args.wait and waited.status == 'success':
                # Aftercare (issue 22, item 4): the image's formats are
                # compared with the ones meant, which this API may rewrite.
                from imageplugin import aftercare

                waited = aftercare.verified(
                    client, waited,
                    aftercare.Meant(formats, instead='web-download'),
                    command.say, parsed_args.keep_image)
            return protected_if_asked(
                command, waited,
                parsed_args.wait and properties.get('protected') is True)
    from imageplugin import interop

    started = interop.Import(client, method, url=import_from,
                             **_stores(parsed_args))
    return interop_outcome(command, started, properties, formats,
                           parsed_args, note)


def protected_if_asked(command, waited, held_back):
    """Protect the image of a successful import (``waited``, its
    ``Outcome``) whose --protected was ``held_back`` from the task (see
    ``importing.unprotected``)."""
    from imageplugin import api

    if held_back and waited.status == 'success' and not waited.exit_code:
        command.client.set_protected(api.task_image_id(waited.task))
    return waited


def refuse_unless_rackspace(command, import_from, parsed_args):
    """Refuse a <container>/<object> source on a Glance cloud."""
    if (parsed_args.dialect or command.client.dialect()) == 'glance':
        raise exceptions.CommandError(
            f'{import_from!r} is not an http(s) URL, and this cloud\'s '
            'image service (Glance) imports from URLs only '
            '(<container>/<object> is Rackspace\'s form): give an '
            'http(s) URL, or --file for a local file')


def tasks_refusal(command, client):
    """None if this user may use the tasks API, else Glance's refusal
    (admin-only). Asked once per command; other errors raise."""
    if not hasattr(command, '_tasks_refusal'):
        from imageplugin import http

        try:
            client.check_access()
        except http.HTTPError as exc:
            if not _admin_only(exc):
                raise
            command._tasks_refusal = exc
        else:
            command._tasks_refusal = None
    return command._tasks_refusal


def vhd_method(command, client, parsed_args, method, content, formats,
               where, interop):
    """The method that imports ``content`` (a VHD) at ``where``, or a
    one-line refusal (``vhdroute``).

    ``method`` is the one chosen so far (None or 'task': the tasks
    API); ``interop`` the interoperable method for this source. A
    dynamic VHD leaves Glance's tasks API for ``interop``; a fixed VHD
    is refused by ``interop``. Rackspace is left as it is.
    """
    from imageplugin import vhdroute

    if method in (None, 'task') and vhdroute.fails_by_task(content):
        if (parsed_args.dialect or client.dialect()) == 'rackspace':
            return method
        if method == 'task':
            raise vhdroute.task_refused(where, interop, True, None)
        offered = client.import_methods()
        if not offered or interop not in offered:
            raise vhdroute.task_refused(where, interop, False, offered)
        command.say(vhdroute.rerouted(where, interop))
        return interop
    if method == interop and vhdroute.fails_by_interop(content, formats):
        why = ' and '.join(option for option, given in (
            (f'--method {method}', parsed_args.method),
            ('--store', parsed_args.stores),
            ('--all-stores', parsed_args.all_stores)) if given)
        raise vhdroute.interop_refused(
            where, method, why, tasks_refusal(command, client) is None)
    return method


def copy_outcome(command, parsed_args, method, extra):
    """copy-image: an existing image into more stores."""
    from imageplugin import interop

    if method not in (None, 'copy-image'):
        raise exceptions.CommandError(
            f'--image is copied into more stores by copy-image, not by '
            f'{method}')
    _, given = importing.image_properties(parsed_args)
    given += [option for option, value in (
        ('--name', parsed_args.name), ('--input', extra),
        ('--disk-format', parsed_args.disk_format),
        ('--container-format', parsed_args.container_format),
        ('--import-from-format', parsed_args.import_from_format))
        if value is not None]
    if given:
        raise exceptions.CommandError(
            f'{given[0]} describes a new image; --image copies an '
            'existing one into more stores')
    if not (parsed_args.stores or parsed_args.all_stores):
        raise exceptions.CommandError(
            '--image needs the stores to copy it into: --store <store> '
            '(repeat for more) or --all-stores')
    client = command.client
    started = interop.Import(
        client, 'copy-image',
        image_id=client.find_image_id(parsed_args.image),
        **_stores(parsed_args))
    return interop_outcome(command, started, None, None, parsed_args)


def interop_outcome(command, started, properties, formats, parsed_args,
                    note=None):
    if parsed_args.extra_input is not None:
        # Nothing exists yet: better no image than another one.
        raise exceptions.CommandError(
            '--input is task input of the tasks API, which this import '
            'does not use (interoperable import takes none): give image '
            'properties with --property')
    say_unused(command, parsed_args, _UPLOAD_OPTIONS,
               'glance-direct sends the file to Glance, not to the object '
               'storage' if parsed_args.file else
               'there is no --file to upload')
    return started.run(
        properties, formats,
        lambda task, **kwargs: command.followed(task, parsed_args,
                                                **kwargs),
        command.say, stream=command.progress_stream,
        keep_image=parsed_args.keep_image, note=note,
        wait=parsed_args.wait)


def file_outcome(command, parsed_args, method, extra):
    from imageplugin import fileimport

    # The file and the options are checked before logging in.
    local = fileimport.checked_file(parsed_args)
    client = command.client
    if method == 'web-download':
        raise exceptions.CommandError(
            '--method web-download imports an http(s) URL; a --file goes '
            'by glance-direct or by the tasks API')
    image = local.image
    if method in (None, 'task'):
        # A cheap request now rather than a refused task after the
        # upload.
        refusal = tasks_refusal(command, client)
        if refusal is not None:
            if method:
                raise refusal
            method = _interop_method(client, refusal, 'glance-direct',
                                     image.content, image.formats,
                                     image.path)
    method = vhd_method(command, client, parsed_args, method,
                        image.content, image.formats, image.path,
                        'glance-direct')
    if method == 'glance-direct':
        from imageplugin import interop

        started = interop.Import(client, method, data=local.image,
                                 **_stores(parsed_args))
        return interop_outcome(command, started, local.properties,
                               local.image.formats, parsed_args)
    from imageplugin import objectstore

    rackspace = (parsed_args.dialect or client.dialect()) == 'rackspace'
    store = objectstore.ObjectStore.from_client_manager(
        command.app.client_manager)
    if not parsed_args.wait:  # else the aftercare may use it
        say_unused(command, parsed_args, _INTEROP_OPTIONS, _TASKS_API)
    held_back = (parsed_args.wait and not rackspace
                 and local.properties.get('protected') is True)
    if held_back:
        local = local._replace(
            properties=importing.unprotected(local.properties))
    upload = fileimport.FileImport(local, store, rackspace, parsed_args)
    waited = upload.run(
        client, extra,
        lambda task, **kwargs: command.followed(task, parsed_args,
                                                **kwargs),
        command.say, stream=command.progress_stream)
    return protected_if_asked(command, waited, held_back)

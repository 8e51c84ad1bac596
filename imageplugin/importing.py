# SPDX-License-Identifier: Apache-2.0
"""The input of an import task, in the dialect the source calls for.

Rackspace Cloud Images imports a ``container/object`` of Cloud Files and
accepts no image property but ``name``. Upstream Glance imports an http(s)
URL and requires the source format and the image's disk and container
formats, which the content of the source decides (``formats``).
"""

import logging
import os.path
import re
import urllib.parse

from osc_lib import exceptions

from imageplugin import compression
from imageplugin import formats
from imageplugin import http
from imageplugin import inspection
from imageplugin import limits
from imageplugin import objectstore
from imageplugin import preflight

LOG = logging.getLogger(__name__)
_SCHEME = re.compile(r'^([a-zA-Z][a-zA-Z0-9+.-]*)://')
# Glance's image properties that are not strings (images schema): a
# property given as text is sent as the type Glance stores.
_INTEGER_PROPERTIES = ('min_disk', 'min_ram')
_BOOLEAN_PROPERTIES = ('protected', 'os_hidden')
_BOOLEANS = {
    'true': True,
    'yes': True,
    '1': True,
    'false': False,
    'no': False,
    '0': False,
}


def is_url(import_from):
    """Whether ``import_from`` is an http(s) URL (else container/object).

    Anything else is a one-line CommandError.
    """
    scheme = _SCHEME.match(import_from)
    if scheme is None:
        container, _, obj = import_from.partition('/')
        if not container or not obj:
            raise exceptions.CommandError(
                f'--import-from {import_from!r} must be <container>/<object> '
                "(an object in the cloud's object storage) or an http(s) "
                'URL'
            )
        return False
    if scheme.group(1).lower() not in ('http', 'https'):
        raise exceptions.CommandError(
            f'--import-from must be <container>/<object> or an http(s) URL, '
            f'not a {scheme.group(1)}:// address'
        )
    try:
        host = urllib.parse.urlsplit(import_from).hostname
    except ValueError as exc:  # e.g. "Invalid IPv6 URL"
        host, why = None, f': {exc}'
    else:
        why = ': it names no host'
    if not host:
        raise exceptions.CommandError(
            f'--import-from {http.shown_url(import_from)!r} is not a valid '
            f'URL{why}'
        )
    return True


def image_properties(args):
    """The image properties the options in ``args`` set, typed.

    Returns them and the options that set them, for a dialect that
    accepts none but the name.
    """
    raw = args.properties or {}
    for key in ('disk_format', 'container_format'):
        if key in raw:
            # The formats are checked against the content; this one
            # would not be.
            option = '--' + key.replace('_', '-')
            raise exceptions.CommandError(
                f'--property {key}={raw[key]}: give the format as {option} '
                f'{raw[key]}'
            )
    properties = {key: _typed(key, value) for key, value in raw.items()}
    given = ['--property'] if raw else []
    options = {}
    for option, key in (
        ('--min-disk', 'min_disk'),
        ('--min-ram', 'min_ram'),
        ('--visibility', 'visibility'),
        ('--protected', 'protected'),
    ):
        value = getattr(args, key)
        if value is not None:
            if key in properties and properties[key] != value:
                shown = {
                    'visibility': f'--{value}',
                    'protected': ('--protected' if value else '--unprotected'),
                }.get(key, f'{option} {value}')
                raise exceptions.CommandError(
                    f'--property {key}={raw[key]} contradicts {shown}: give '
                    'one of them'
                )
            properties[key] = value
            given.append(option)
            options[key] = option
    if args.tags:
        properties['tags'] = list(dict.fromkeys(args.tags))
        given.append('--tag')
        options['tags'] = '--tag'
    name = args.name
    if name is not None:
        if properties.get('name', name) != name:
            raise exceptions.CommandError(
                f'--property name={raw["name"]} contradicts --name {name}: '
                'give one of them'
            )
        properties['name'] = name
        options['name'] = '--name'
    # Refused here, the same on every route, before anything exists.
    preflight.check_properties(properties, options)
    return properties, given


def unprotected(properties):
    """The properties without protected=True, set once the import has
    succeeded instead: Glance cannot delete a protected image whose
    import failed, and leaves it behind."""
    return {
        key: value
        for key, value in properties.items()
        if not (key == 'protected' and value is True)
    }


def unprotected_input(extra):
    """``--input`` without its image properties' protected=True (see
    ``unprotected``)."""
    given = (extra or {}).get('image_properties')
    if not isinstance(given, dict):
        return extra
    return dict(extra, image_properties=unprotected(given))


def _typed(key, value, option='--property'):
    """A property given as text, as Glance's schema types it."""
    if key in _INTEGER_PROPERTIES:
        if not value.isdigit():
            raise exceptions.CommandError(
                f'{option} {key}={value}: {key} must be a whole number'
            )
        return int(value)
    if key in _BOOLEAN_PROPERTIES:
        if value.lower() not in _BOOLEANS:
            raise exceptions.CommandError(
                f'{option} {key}={value}: {key} must be true or false'
            )
        return _BOOLEANS[value.lower()]
    return value


def typed_input(extra):
    """``--input`` with the text values of its image properties typed."""
    given = extra.get('image_properties')
    if not isinstance(given, dict):
        return extra
    option = '--input image_properties'
    typed = {
        key: (_typed(key, value, option) if isinstance(value, str) else value)
        for key, value in given.items()
    }
    preflight.check_properties(typed, default=option)
    return dict(extra, image_properties=typed)


def rackspace_input(
    import_from, properties, refused=(), import_from_format=None, extra=None
):
    """The input of a Rackspace import of ``container/object``.

    ``properties`` must hold only a name (default: the object's name
    without its extension, as pyrax names it); ``refused`` lists the
    options given that Rackspace would fail the task for. ``extra``,
    ``--input``, is held to the same rule as the options.
    """
    refused = [option for option in refused if option != '--name']
    refused += _refused_input(extra)
    if refused:
        raise exceptions.CommandError(
            'An import from <container>/<object> (Rackspace Cloud Images) '
            f'accepts no image property but --name; {", ".join(refused)} '
            'would make the task fail'
        )
    name = properties.get('name') or input_name(extra)
    if name is None:
        name = os.path.splitext(os.path.basename(import_from))[0]
    task_input = {
        'import_from': import_from,
        'image_properties': {'name': name},
    }
    if import_from_format:
        task_input['import_from_format'] = import_from_format
    return _merged(extra or {}, task_input)


def input_name(extra):
    """The image name that ``--input`` gives, or None: it outranks the
    default name (the options' outrank it)."""
    given = (extra or {}).get('image_properties')
    return given.get('name') if isinstance(given, dict) else None


def _refused_input(extra):
    """The image properties of ``--input`` but the name, as given."""
    given = (extra or {}).get('image_properties')
    if not isinstance(given, dict):
        return []
    return [
        f'--input image_properties.{key}' for key in given if key != 'name'
    ]


def glance_input(url, formats, properties, extra=None):
    """The input of a Glance import of an http(s) URL in ``formats``."""
    image_properties = dict(
        properties,
        disk_format=formats.disk,
        container_format=formats.container,
    )
    return _merged(
        typed_input(extra or {}),
        {
            'import_from': url,
            'import_from_format': formats.source,
            'image_properties': image_properties,
        },
    )


def url_formats(url, args, verify=True):
    """The ``Formats`` of the image at ``url``, read from its first bytes.

    ``args`` holds the user's format options. Returns them, a note for
    the user when the content could not be read and the options (or a
    certain name) had to do, else None, the ``inspection.Content``
    read (None if unread; of the decompressed start of a compressed
    image), and the compression (None if none).
    """
    where = http.shown_url(url)
    path = urllib.parse.urlsplit(url).path
    # The content decides; a VHD said by the name or an option only has
    # its footer looked for where that costs more reading.
    expect_vhd = 'vhd' in (
        (formats.formats_from_name(path) or (None,))[0],
        args.disk_format,
        args.import_from_format,
    )
    compressed = None
    try:
        content = inspection.inspect_url(url, verify, expect_vhd)
        unread = None
    except inspection.Unreadable as exc:
        content, unread = None, str(exc)
    if content is not None and content.packed in compression.KINDS:
        compressed = content.packed
        content = compression.content_of_url(url, compressed, verify)
    decided = formats.decided(
        where,
        path,
        content,
        unread,
        disk_format=args.disk_format,
        import_from_format=args.import_from_format,
        container_format=args.container_format,
    )
    note = None
    if unread:
        note = (
            f'Could not read the start of {where} ({unread}): importing '
            f'it as {decided.source}, unchecked'
        )
    return decided, note, content, compressed


def check_object(client_manager, import_from):
    """Refuse an object that Rackspace Cloud Images would fail to import.

    Reads its first MiB and its last 512 bytes from the cloud's object
    storage. Where that storage is unknown or will not let us read, the
    task decides alone: returns the line that says so, else None.
    """
    container, _, name = import_from.partition('/')
    try:
        store = objectstore.ObjectStore.from_client_manager(client_manager)
        content, size = inspection.inspect_object(store, container, name)
    except http.HTTPError as exc:
        if exc.http_status == 404:
            raise exceptions.CommandError(
                f'Cannot import {import_from}: the object storage of this '
                'region has no such object (HTTP 404); check the container '
                'and object names, and --os-region-name'
            ) from None
        return _unchecked(import_from, exc)
    except exceptions.CommandError as exc:
        return _unchecked(import_from, exc)
    limits.check_rackspace_image(import_from, content, size)
    return None


def _unchecked(import_from, exc):
    LOG.debug('Not checked before the import: %s', exc)
    reason = str(exc).rstrip('.')
    return (
        f'Did not check {import_from} before the import ({reason}): '
        'the task checks it.'
    )


def _merged(base, overrides):
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            value = _merged(merged[key], value)
        merged[key] = value
    return merged

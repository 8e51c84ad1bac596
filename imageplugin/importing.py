"""The input of an import task, in the dialect the source calls for.

Rackspace Cloud Images imports a ``container/object`` of Cloud Files and
accepts no image property but ``name``. Upstream Glance imports an http(s)
URL and requires the source format and the image's disk and container
formats.
"""

import os.path
import re
import urllib.parse

from osc_lib import exceptions

# File extension: (disk_format, container_format) as Glance names them.
FORMATS_BY_EXTENSION = {
    '.qcow2': ('qcow2', 'bare'),
    '.qcow': ('qcow2', 'bare'),
    '.raw': ('raw', 'bare'),
    '.img': ('raw', 'bare'),
    '.vhd': ('vhd', 'bare'),
    '.vhdx': ('vhdx', 'bare'),
    '.vmdk': ('vmdk', 'bare'),
    '.vdi': ('vdi', 'bare'),
    '.iso': ('iso', 'bare'),
    '.ploop': ('ploop', 'bare'),
    '.aki': ('aki', 'aki'),
    '.ari': ('ari', 'ari'),
    '.ami': ('ami', 'ami'),
}

_SCHEME = re.compile(r'^([a-zA-Z][a-zA-Z0-9+.-]*)://')


def formats_from_name(name):
    """(disk_format, container_format) told by a file name, or None."""
    extension = os.path.splitext(name.lower())[1]
    return FORMATS_BY_EXTENSION.get(extension)


def is_url(import_from):
    return bool(_SCHEME.match(import_from))


def import_input(import_from, name=None, import_from_format=None,
                 disk_format=None, container_format=None, properties=None,
                 extra=None):
    """Return the ``input`` of an import task.

    ``extra`` holds input keys we do not model (``--input``); the typed
    arguments win over it.
    """
    scheme = _SCHEME.match(import_from)
    if scheme is None:
        typed = _rackspace_input(import_from, name, import_from_format,
                                 disk_format, container_format, properties)
    elif scheme.group(1).lower() in ('http', 'https'):
        typed = _glance_input(import_from, name, import_from_format,
                              disk_format, container_format, properties)
    else:
        raise exceptions.CommandError(
            f'--import-from must be <container>/<object> or an http(s) URL, '
            f'not a {scheme.group(1)}:// address')
    return _merged(extra or {}, typed)


def _rackspace_input(import_from, name, import_from_format, disk_format,
                     container_format, properties):
    container, _, obj = import_from.partition('/')
    if not container or not obj:
        raise exceptions.CommandError(
            f'--import-from {import_from!r} must be <container>/<object> '
            '(an object in the cloud\'s object storage) or an http(s) URL')
    refused = [option for option, value in (
        ('--disk-format', disk_format),
        ('--container-format', container_format),
        ('--property', properties)) if value]
    if refused:
        raise exceptions.CommandError(
            'An import from <container>/<object> (Rackspace Cloud Images) '
            f'accepts no image property but --name; {", ".join(refused)} '
            'would make the task fail')
    task_input = {'import_from': import_from}
    if import_from_format:
        task_input['import_from_format'] = import_from_format
    if name is not None:
        task_input['image_properties'] = {'name': name}
    return task_input


def _glance_input(url, name, import_from_format, disk_format,
                  container_format, properties):
    guessed = formats_from_name(urllib.parse.urlsplit(url).path)
    guessed_disk, guessed_container = guessed or (None, None)
    source_format = import_from_format or disk_format or guessed_disk
    disk_format = disk_format or import_from_format or guessed_disk
    if not source_format:
        raise exceptions.CommandError(
            f'Cannot tell the image format from {_shown(url)}: give '
            '--disk-format (and --import-from-format when the source is in '
            'another format), e.g. --disk-format qcow2')
    image_properties = dict(properties or {})
    image_properties['disk_format'] = disk_format
    image_properties['container_format'] = (
        container_format or guessed_container or 'bare')
    if name is not None:
        image_properties['name'] = name
    return {'import_from': url,
            'import_from_format': source_format,
            'image_properties': image_properties}


def _shown(url):
    # A TempURL's query is a signature: never print it.
    return repr(url.split('?', 1)[0])


def _merged(base, overrides):
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            value = _merged(merged[key], value)
        merged[key] = value
    return merged

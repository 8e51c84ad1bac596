# SPDX-License-Identifier: Apache-2.0
"""The image properties of an import or a copy, checked before it starts.

Every route (Rackspace's tasks API, Glance's tasks API from a URL or
through object storage, interoperable import, copy-image, ``image task
copy``) makes its image from the same properties, and Glance refuses the
same ones whichever way they come; but its images API says why at once
(HTTP 400 or 403), while its tasks API accepts the task and fails it
later with "Task failed due to Internal Error", or stores what the images
API refuses. So the properties are checked here, once, before anything is
created, with one line that names the option, the value and the rule.

The rules are what Glance 33 answers (measured on a real one, as admin
and as member, through both APIs; doc/source/user/errors.rst):

- names and tags have at most 255 characters (the images schema's
  ``maxLength``); property names too ("Custom property should not be
  greater than 255 characters");
- no character outside the Basic Multilingual Plane (4 bytes in UTF-8)
  in a name, tag, property name or value: Glance's database layer refuses
  them whatever its database ("Name can't contain 4 byte unicode
  characters"), as MySQL's utf8 cannot store them;
- ``min_disk`` and ``min_ram`` from 0 to 2**31 - 1 (its database's
  integers), ``protected`` and ``os_hidden`` booleans, ``visibility`` one
  of four words;
- properties Glance sets itself are read-only (403), and ``os_glance_*``,
  ``locations``, ``deleted`` and ``deleted_at`` are reserved (403);
- an empty tag is stored as it is, but is almost always an unset shell
  variable, refused as ``--name ''`` is.
"""

import re
import shlex

from osc_lib import exceptions

# Glance's images API limit on names (and Rackspace's), tags and
# property names.
MAX_LENGTH = 255
MAX_INTEGER = 2**31 - 1
_UNITS = {'min_disk': 'GiB', 'min_ram': 'MiB'}
_BOOLEANS = ('protected', 'os_hidden')
VISIBILITIES = ('public', 'private', 'community', 'shared')
_OUTSIDE_BMP = re.compile('[\U00010000-\U0010ffff]')
READ_ONLY = frozenset(
    (
        'status',
        'checksum',
        'os_hash_algo',
        'os_hash_value',
        'size',
        'virtual_size',
        'created_at',
        'updated_at',
        'direct_url',
        'self',
        'file',
        'schema',
        'stores',
    )
)
_RESERVED = frozenset(('locations', 'deleted', 'deleted_at'))
# Values longer than this are shown cut, with their length.
_SHOWN = 40


def checked_name(name, option='--name'):
    """``name`` if the image service takes it as an image name."""
    if name is not None:
        _check_text(_given(option, 'name', name), name, 'image names')
    return name


def checked_default_name(name, source):
    """``name``, taken from ``source`` (an option's value) for want of
    ``--name``, if the image service takes it; else a refusal that asks
    for ``--name``."""
    try:
        _check_text(
            f'the image name {_quoted(name)} taken from {source}',
            name,
            'image names',
        )
    except exceptions.CommandError as exc:
        raise exceptions.CommandError(f'{exc}; give --name') from None
    return name


def check_properties(properties, options=(), default='--property'):
    """Refuse the first of ``properties`` (typed, as sent) that Glance
    would refuse or fail the import for.

    ``options`` maps a property to the option that gave it, if not
    ``default``.
    """
    options = dict(options)
    for key, value in properties.items():
        option = options.get(key, default)
        if key == 'tags':
            _check_tags(option, value)
        elif key == 'name':
            if value is not None:
                _check_text(_given(option, key, value), value, 'image names')
        else:
            _check_property(option, key, value)


def _check_tags(option, tags):
    if not isinstance(tags, list):
        _refuse(
            _given(option, 'tags', tags),
            'tags are a list: give each with --tag',
        )
    for tag in tags:
        given = (
            f'--tag {_quoted(tag)}'
            if option == '--tag'
            else _given(option, 'tags', tag)
        )
        if tag == '':
            _refuse(given, 'tags must not be empty')
        _check_text(given, tag, 'tags')


def _check_property(option, key, value):
    given = _given(option, key, value)
    if key in READ_ONLY:
        _refuse(given, f'{key} is set by the image service (read-only)')
    if key in _RESERVED or key.startswith('os_glance_'):
        _refuse(given, f"{key} is reserved for the image service's own use")
    if len(key) > MAX_LENGTH:
        _refuse(
            given,
            f'property names have at most {MAX_LENGTH} '
            f'characters (this one has {len(key)})',
        )
    _check_characters(given, key, 'property names')
    if key in _UNITS:
        _check_integer(given, value, _UNITS[key])
    elif key in _BOOLEANS:
        if not isinstance(value, bool):
            _refuse(given, f'{key} must be true or false')
    elif key == 'visibility' and value not in VISIBILITIES:
        _refuse(given, f'visibility is one of {", ".join(VISIBILITIES)}')
    elif isinstance(value, str):
        _check_characters(given, value, 'property values')


def _check_integer(given, value, unit):
    if isinstance(value, bool) or not isinstance(value, int):
        _refuse(given, 'must be a whole number')
    if value < 0:
        _refuse(given, 'must not be negative')
    if value > MAX_INTEGER:
        _refuse(given, f'at most {MAX_INTEGER} ({unit})')


def _check_text(given, text, what):
    if not isinstance(text, str):
        _refuse(given, f'{what} are text')
    if len(text) > MAX_LENGTH:
        _refuse(
            given,
            f'{what} have at most {MAX_LENGTH} characters (this '
            f'one has {len(text)})',
        )
    _check_characters(given, text, what)


def _check_characters(given, text, what):
    outside = _OUTSIDE_BMP.search(text)
    if outside:
        _refuse(
            given,
            f'{what} can hold no character outside the Basic '
            f'Multilingual Plane (here U+{ord(outside.group()):04X}), '
            'which Glance refuses to store',
        )


def _given(option, key, value):
    """How the user gave ``key``: ``--min-ram 5``, ``--property k=v``."""
    if option.startswith('--property') or option.startswith('--input'):
        return f'{option} {_quoted(f"{key}={_text(value)}")}'
    if isinstance(value, bool):
        return option
    return f'{option} {_quoted(_text(value))}'


def _text(value):
    # As JSON writes it: --input gives true, not True.
    return str(value).lower() if isinstance(value, bool) else str(value)


def _quoted(text):
    if len(text) > _SHOWN:
        text = text[: _SHOWN - 3] + '...'
    return shlex.quote(text)


def _refuse(given, rule):
    raise exceptions.CommandError(f'{given}: {rule}')

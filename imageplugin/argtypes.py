# SPDX-License-Identifier: Apache-2.0
"""The value types of our commands' options (argparse ``type=``).

Each takes the text given on the command line and returns the value, or
raises ``argparse.ArgumentTypeError`` with the reason, which argparse
shows after the option's name on one line. The commands import this
module in ``get_parser``, when one of ours runs.
"""

import argparse
import re

from imageplugin import objectstore

_BYTE_UNITS = {'': 1, 'K': 1024, 'M': 1024**2, 'G': 1024**3}
# An integer as the shell passes it: ASCII digits, perhaps a minus sign.
_INTEGER = re.compile(r'-?[0-9]+')


def not_empty(text):
    """Any text but an empty one (an unset shell variable, say)."""
    if not text.strip():
        raise argparse.ArgumentTypeError('it must not be empty')
    return text


def container_name(text):
    """A name the object storage takes for a container."""
    not_empty(text)
    if '/' in text:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a container name: it may not hold '/'"
        )
    return text


def object_name(text):
    """An object name that stays in its container as it is sent."""
    not_empty(text)
    if text.startswith('/') or {'.', '..'} & set(text.split('/')):
        raise argparse.ArgumentTypeError(
            f'{text!r} is not an object name this command can use: it may '
            "not start with '/' or hold a '.' or '..' part"
        )
    return text


def positive_number(text):
    """A number of seconds, more than 0 (fractions allowed)."""
    try:
        value = float(text)
    except ValueError:
        value = 0
    if not value > 0:
        raise argparse.ArgumentTypeError(f'{text!r} is not a positive number')
    return value


def byte_size(text):
    """A size such as 104857600, 100M or 5G (binary units)."""
    match = re.fullmatch(r'(\d+)([KMG]?)i?B?', text.strip(), re.I | re.A)
    if not match or int(match.group(1)) == 0:
        raise argparse.ArgumentTypeError(
            f'{text!r} is not a size such as 100M or 2G'
        )
    return int(match.group(1)) * _BYTE_UNITS[match.group(2).upper()]


def _integer(text):
    """The integer ``text`` spells, or None."""
    return int(text) if _INTEGER.fullmatch(text) else None


def positive_integer(text):
    """A count of 1 or more."""
    value = _integer(text)
    if value is None or value < 1:
        raise argparse.ArgumentTypeError(
            f'{text!r} is not a positive whole number'
        )
    return value


def whole_number(text):
    """A count of 0 or more (``--min-disk``, ``--min-ram``)."""
    value = _integer(text)
    if value is None:
        raise argparse.ArgumentTypeError(
            f'{text!r} is not a whole number (such as 0 or 20)'
        )
    if value < 0:
        raise argparse.ArgumentTypeError(
            f'{text!r} is negative: give a whole number, 0 or more'
        )
    return value


def segment_size(text):
    """A segment size the object storage takes (1 MiB to 5 GiB)."""
    size = byte_size(text)
    if not (
        objectstore.MIN_SEGMENT_SIZE <= size <= objectstore.MAX_OBJECT_SIZE
    ):
        raise argparse.ArgumentTypeError(
            f'{text!r} is not a segment size from 1M to 5G'
        )
    return size


def upload_concurrency(text):
    """How many segments go up at once (1 to objectstore's maximum)."""
    count = _integer(text)
    if count is None or not 1 <= count <= objectstore.MAX_CONCURRENCY:
        raise argparse.ArgumentTypeError(
            f'{text!r} is not a count of segments from 1 to '
            f'{objectstore.MAX_CONCURRENCY}'
        )
    return count

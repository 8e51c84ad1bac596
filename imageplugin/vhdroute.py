# SPDX-License-Identifier: Apache-2.0
"""Which of Glance's two import routes a VHD survives, told by its footer.

Measured on Glance 33 (doc/source/user/index.rst, "VHD images"):

- its tasks API fails every dynamic VHD ("Image disk_format vpc does not
  match stream data vhd": the task names the source format as qemu-img
  does, and the format inspector calls the stream vhd), while
  interoperable import takes it;
- its interoperable import (web-download, glance-direct) fails every
  fixed VHD ("Image disk_format vhd does not match stream data raw": a
  fixed VHD has no header but its last 512 bytes, and the inspector reads
  it as raw), while the tasks API completes its import but stores it as
  raw (its introspection), which ``aftercare`` refuses.

Rackspace Cloud Images imports VHDs through its own tasks API: none of
this applies to it.
"""

from osc_lib import exceptions

TASKS_ERROR = 'Image disk_format vpc does not match stream data vhd'
INTEROP_ERROR = 'Image disk_format vhd does not match stream data raw'
# --convert-to has qemu-img read it as a VHD (-f vpc): guessing, it
# reads a fixed VHD as raw and copies its footer into the disk. A fixed
# VHD is no way out on Glance: its tasks API stores it as raw.
QCOW2 = '--convert-to qcow2'
CONVERT = (
    'give --convert-to vhd to send it as a dynamic VHD, or --convert-to '
    'qcow2 (qemu-img converts it here)'
)


def kind(content):
    """'fixed', 'dynamic' or None: the VHD ``content`` (an
    ``inspection.Content``, or None) is, as its footer says."""
    if content is None or content.disk_format != 'vhd' or not content.vhd:
        return None
    return content.vhd.disk_type


def fails_by_interop(vhd, disk_format):
    """Whether Glance's interoperable import would fail a VHD of kind
    ``vhd`` (``kind``) imported as an image of ``disk_format``: it reads a
    fixed VHD as raw, and refuses it as the vhd image it is declared to
    be."""
    return vhd == 'fixed' and disk_format == 'vhd'


# An ISO comes out of Glance 33's tasks API as raw: its introspection
# rewrites the format (measured), where interoperable import keeps it.
ISO = (
    'an ISO image, which the tasks API of Glance stores as raw (its '
    'introspection rewrites the format)'
)
DYNAMIC = 'a dynamic VHD, which the tasks API of Glance fails to import'


def tasks_api_fails(vhd, disk_format):
    """What the content is, said as why Glance's tasks API would not
    import it as meant (it would fail or rewrite it), or None."""
    if vhd == 'dynamic':
        return DYNAMIC
    if disk_format == 'iso':
        return ISO
    return None


def rerouted(where, method, problem=DYNAMIC):
    """The line said when content that is ``problem`` for the tasks API
    goes by ``method`` instead."""
    return (
        f'{where} is {problem}: importing it by {method} (interoperable '
        'import) instead.'
    )


def _quoted(problem):
    """``problem`` with Glance's own error, where it fails."""
    return f'{problem} ("{TASKS_ERROR}")' if problem == DYNAMIC else problem


def task_refused(where, method, forced, offered, problem=DYNAMIC):
    """The refusal of content that is ``problem`` for the tasks API:
    ``forced`` when the user asked for that API, else ``offered``, the
    import methods of the cloud (None: none), lacks ``method``."""
    convert = f'give {QCOW2}' if problem == DYNAMIC else ''
    if forced:
        return exceptions.CommandError(
            f'Cannot import {where} by the tasks API (--method task): it is '
            f'{_quoted(problem)}; leave --method out to import it by '
            f'{method} (interoperable import)'
            + (f', or {convert}' if convert else '')
        )
    return exceptions.CommandError(
        f'Cannot import {where}: it is {_quoted(problem)}, and this Glance '
        f'offers no {method} import'
        + (f' (its methods: {", ".join(offered)})' if offered else '')
        + (f'; {convert}' if convert else '')
    )


def fixed_refused(where, forced):
    """The refusal of a fixed VHD that an admin would import by the tasks
    API of Glance (``forced``: --method task), which stores it as raw,
    while interoperable import fails it: before any byte moves."""
    how = ' by the tasks API (--method task)' if forced else ''
    return exceptions.CommandError(
        f'Cannot import {where}{how}: it is a fixed VHD, which the tasks '
        'API of Glance stores as raw (its introspection rewrites the '
        "format) and Glance's interoperable import fails "
        f'("{INTEROP_ERROR}"); {CONVERT}'
    )


def interop_refused(where, method, why, tasks_usable):
    """The refusal of a fixed VHD by interoperable import (``method``).

    ``why`` says why the import would go that way (the options that ask
    for it; None: the tasks API is admin-only here); ``tasks_usable``
    whether this user may use the tasks API, which imports it.
    """
    reason = (
        f"it is a fixed VHD, which Glance's interoperable import "
        f'({method}) takes for raw data and fails ("{INTEROP_ERROR}")'
    )
    if why is None:
        return exceptions.CommandError(
            f'Cannot import {where}: {reason}, and the tasks API, which '
            f'imports it, is admin-only here; {CONVERT}'
        )
    # The tasks API completes its import but stores it as raw, which the
    # aftercare refuses: it is no way out.
    remedy = (
        "Glance's tasks API would store it as raw (its "
        'introspection rewrites the format): '
        if tasks_usable
        else 'the tasks API, which imports it, is admin-only here: '
    )
    return exceptions.CommandError(
        f'Cannot import {where} by {method} ({why}): {reason}; {remedy}'
        f'{CONVERT}'
    )

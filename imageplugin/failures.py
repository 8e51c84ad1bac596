# SPDX-License-Identifier: Apache-2.0
"""Why tasks fail: Rackspace's numbered error codes, and which to retry."""

import re

# Meanings of the codes Rackspace Cloud Images puts in a failed task's
# message, with what the user can do about them.
RACKSPACE_CODES = {
    # qemu-img cannot check VHD (vpc) files, so no "qemu-img check" here.
    '111': "the VHD failed Rackspace's validation checks, for no reason "
    'given: create it again as a fixed or dynamic VHD (e.g. '
    '"qemu-img convert -f vpc -O vpc -o subformat=dynamic") and '
    'import that',
    '396': 'the file is not a valid VHD; Rackspace also returns this code '
    'intermittently, so retrying can help',
    # Rackspace: "must not expand to a system disk larger than 160 GB".
    '413': 'the virtual size of the disk (what it expands to, not the '
    "file's size) is over the limit of the cloud (Rackspace: a "
    'system disk of 160 GB): shrink the virtual disk',
    '523': 'only fixed or dynamic VHDs can be imported, not differencing ones',
    '609': 'the physical size of the disk (the size of the VHD file) is '
    'over the limit of the cloud (Rackspace: 160 GB)',
    '614': "the VHD's UUID is all zeros: give it a UUID, e.g. by "
    'converting it again with qemu-img',
    '721': 'the VHD has a parent: flatten it into a standalone VHD, e.g. '
    'with "qemu-img convert -f vpc -O vpc"',
}
_CODE = re.compile(r"Error code: '?(\d+)'?")
# The exact text on which Rackspace's intermittent failure is retried.
INTERMITTENT = "Image cannot be imported. Error code: '396'"


def explained(message):
    """The task's failure message, with the meaning of a known code."""
    message = (message or '').strip()
    if message in ('', 'None'):
        return 'the server gave no reason'
    if 'Image not found for import' in message:
        return (
            message + ' (check that the container/object exists in '
            'the object storage of the same region)'
        )
    match = _CODE.search(message)
    if match and match.group(1) in RACKSPACE_CODES:
        return f'{message} ({RACKSPACE_CODES[match.group(1)]})'
    return message


def is_intermittent(task):
    return task.get('status') == 'failure' and INTERMITTENT in (
        task.get('message') or ''
    )

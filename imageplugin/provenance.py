# SPDX-License-Identifier: Apache-2.0
"""What an image records of the bytes it was made from, as openstacksdk
records it (``owner_specified.openstack.*``), so that openstacksdk and
Ansible recognise an image this plugin imported.

openstacksdk 4.22 (``image/v2/_proxy.py`` ``create_image``) records the
MD5 and SHA-256 of the file it uploads, as hex, and the object it went up
as (``<container>/<name>``; ``''`` for a hash it did not compute). It
skips an upload whose name has an image with the same MD5 or SHA-256
there. Here a hash is recorded only where the plugin computed it while
reading the bytes that went into the image, and the object only where
one was uploaded: openstacksdk deletes the object an image names when it
deletes the image (``image_api_use_tasks``), and an object named after an
image that never went through the object storage may be someone else's.
"""

MD5 = 'owner_specified.openstack.md5'
SHA256 = 'owner_specified.openstack.sha256'
OBJECT = 'owner_specified.openstack.object'
# The hashes openstacksdk records.
ALGORITHMS = ('md5', 'sha256')
# Glance's default os_hash_algo ([DEFAULT] hashing_algorithm), which the
# proof compares (aftercare; a Glance with another falls back to its MD5
# "checksum").
GLANCE_HASH = 'sha512'
# What is computed of every file sent to Glance, in the one read that
# sends it, one after the other: 80-250 MiB/s of one core for the three
# (MD5 alone 250-650) on a shared test machine, where the client's CPU
# time for 256 MiB went from 1.4-1.9 s to 1.9-2.1 s and Glance and Swift
# took 10-27 s to import it on loopback.
HASHED = ALGORITHMS + (GLANCE_HASH,)
_KEYS = (('md5', MD5), ('sha256', SHA256))


def properties(digests, where=None):
    """The ``owner_specified`` properties of an image whose bytes hash to
    ``digests`` (hex by algorithm), uploaded as ``where``
    (``container/object``; None where no object was uploaded)."""
    found = {key: digests[name] for name, key in _KEYS if digests.get(name)}
    if where:
        found[OBJECT] = where
    return found


def patch(recorded):
    """The JSON patch that records ``recorded`` (``properties``) on an
    image."""
    return [
        {'op': 'add', 'path': f'/{key}', 'value': value}
        for key, value in sorted(recorded.items())
    ]


def recorded_hashes(image):
    """{algorithm: hex} of what ``image`` shows of its bytes: Glance's own
    hashes, else openstacksdk's properties ('' where it computed none)."""
    found = {
        name: str(image[key]).lower() for name, key in _KEYS if image.get(key)
    }
    if image.get('checksum'):
        found['md5'] = str(image['checksum']).lower()
    algorithm, value = image.get('os_hash_algo'), image.get('os_hash_value')
    if algorithm and value:
        found[algorithm] = str(value).lower()
    return found

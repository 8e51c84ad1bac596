# SPDX-License-Identifier: Apache-2.0
"""An image copied from one region's image service to another's.

Upstream Glance: the target region pulls the image itself by interoperable
import's ``glance-download`` where it offers that method; otherwise the
data streams through this client from the source's ``/file`` into the
target's staging area (``glance-direct``), never touching the local disk.
glance-download carries only the formats and a few properties (``hw_*``,
``os_distro``...), so the copy is created with everything a user set on
the source: name, formats, min_disk/min_ram, tags, properties,
visibility. Either way the copy's hash is compared with the source's.
"""

import logging
import shlex

from osc_lib import exceptions

from imageplugin import api
from imageplugin import http
from imageplugin import interop

LOG = logging.getLogger(__name__)
# What the image service sets or keeps for itself: never sent to it.
_SERVICE_FIELDS = frozenset(
    (
        'id',
        'status',
        'checksum',
        'size',
        'virtual_size',
        'os_hash_algo',
        'os_hash_value',
        'created_at',
        'updated_at',
        'owner',
        'locations',
        'direct_url',
        'file',
        'schema',
        'self',
        'stores',
        'protected',
    )
)


def copied_properties(image, name=None):
    """The body of ``POST /v2/images`` for a copy of ``image`` named
    ``name`` (default: the source's name).

    Everything a user set on it, not what the service keeps for itself
    (``os_glance_*`` included).
    """
    body = {
        key: value
        for key, value in image.items()
        if key not in _SERVICE_FIELDS
        and value is not None
        and not key.startswith('os_glance')
    }
    if name:
        body['name'] = name
    return body


def same_bytes(source, copy, source_region, target_region):
    """Whether ``copy`` holds the bytes of ``source`` by their hashes:
    (verdict, line to say), as ``aftercare.compared`` takes it."""
    for algorithm_field, field in (
        ('os_hash_algo', 'os_hash_value'),
        (None, 'checksum'),
    ):
        algorithm = source.get(algorithm_field) if algorithm_field else 'md5'
        if algorithm_field and algorithm != copy.get(algorithm_field):
            continue
        theirs, ours = copy.get(field), source.get(field)
        if not theirs or not ours:
            continue
        if theirs == ours:
            return True, (
                f'Verified image {copy["id"]} in {target_region}:'
                f' its {algorithm} ({field}) matched image '
                f'{source["id"]} in {source_region}.'
            )
        return False, (
            f'Image {copy["id"]} in {target_region} does not hold the bytes '
            f'of image {source["id"]} in {source_region}: its {algorithm} '
            f"({field}) is {theirs}, the source's is {ours}"
        )
    return None, (
        f'Cannot verify image {copy.get("id")} in '
        f'{target_region}: it and the source share no hash.'
    )


def region_of(instance, endpoint):
    """The region of the profile, else the one whose image service is at
    ``endpoint`` in the catalog."""
    if instance.region_name:
        return instance.region_name
    for region, url in http.catalog_regions(instance, 'image').items():
        if url and api.versioned(url) == endpoint:
            return region
    raise exceptions.CommandError(
        'Cannot tell which region the image is in: name it with '
        '--os-region-name'
    )


def check_regions(source_region, target_region):
    """Refuse a copy into the region it comes from."""
    if source_region.lower() == target_region.lower():
        raise exceptions.CommandError(
            f'The image is in {source_region} already: --to-region names '
            'another region'
        )


class StreamedImage:
    """The data of an image of another region, as glance-direct sends it:
    read from the source's ``/file`` while it is sent."""

    content = None

    def __init__(self, client, image, region):
        self.client = client
        self.image_id = image['id']
        self.size = image.get('size') or 0
        self.label = (
            f'image {image.get("name") or self.image_id} from {region}'
        )

    def open(self):
        return _Body(
            self.client.image_data(self.image_id), self.size, self.label
        )


class _Body:
    """A streamed response read as a file; a short body is an error, not
    a truncated copy."""

    def __init__(self, response, size, label):
        self.response = response
        self.size = size
        self.label = label
        self.done = 0

    def read(self, size=-1):
        chunk = self.response.raw.read(
            size if size > 0 else None, decode_content=True
        )
        self.done += len(chunk)
        if not chunk and self.done < self.size:
            raise exceptions.CommandError(
                f'The {self.label} ended after {self.done} of {self.size} '
                'bytes'
            )
        return chunk

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.response.close()


class RegionCopy:
    """One image of the ``source`` region's ``TaskAPI`` copied into the
    ``target``'s, by ``method`` (glance-download or glance-direct; None:
    glance-download where the target offers it)."""

    def __init__(
        self,
        source,
        source_region,
        target,
        target_region,
        image_id,
        interface,
        say,
    ):
        self.source = source
        self.source_region = source_region
        self.target = target
        self.target_region = target_region
        self.interface = interface
        self.say = say
        if source.endpoint == target.endpoint:
            raise exceptions.CommandError(
                f'{source_region} and {target_region} share one image '
                f'service ({source.endpoint}): the copy would be the image '
                'itself'
            )
        self.image = self._checked_source(image_id)

    def _checked_source(self, image_id):
        """The source image, refused unless it can be copied."""
        image = self.source.get_image(image_id)
        if image.get('status') != 'active':
            raise exceptions.CommandError(
                f'Image {image_id} is {image.get("status")} in '
                f'{self.source_region}: only an active image can be copied'
            )
        return image

    def chosen_method(self, method, offered):
        """The import method the copy takes among those ``offered`` by
        the target (None: it has no interoperable import), refused where
        the target cannot."""
        if offered is None:
            raise exceptions.CommandError(
                f'The image service of {self.target_region} has no '
                'interoperable import: it cannot take a copy'
            )
        wanted = [method] if method else ['glance-download', 'glance-direct']
        for name in wanted:
            if name in offered:
                LOG.debug(
                    'Copying by %s: %s offers %s',
                    name,
                    self.target_region,
                    ', '.join(offered),
                )
                return name
        raise exceptions.CommandError(
            f'The image service of {self.target_region} offers no '
            + ' or '.join(wanted)
            + (f' (its methods: {", ".join(offered)})' if offered else '')
        )

    def importer(self, method):
        """The ``interop.Import`` that makes the copy."""

        def compare(copy, digests):
            return same_bytes(
                self.image, copy, self.source_region, self.target_region
            )

        if method == 'glance-download':
            source = {
                'remote': {
                    'glance_image_id': self.image['id'],
                    'glance_region': self.source_region,
                    'glance_service_interface': self.interface,
                }
            }
        else:
            source = {
                'data': StreamedImage(
                    self.source, self.image, self.source_region
                )
            }
        started = interop.Import(
            self.target, method, compare=compare, create=self.create, **source
        )
        # Its hints name the region the copy is in.
        started.openstack = self.target_command
        return started

    @property
    def target_command(self):
        """``openstack`` in the copy's region, as the hints name it."""
        return f'openstack --os-region-name {shlex.quote(self.target_region)}'

    def run(
        self, method, name, follow, stream=None, keep_image=False, wait=False
    ):
        """Make the copy by ``method`` (``chosen_method``'s); return its
        import's ``waiting.Outcome``.

        ``follow`` is as ``interop.Import.run`` takes it. A copy whose
        bytes differ from the image's is deleted unless ``keep_image``.
        """
        started = self.importer(method)
        protected = self.image.get('protected')

        def followed(task, **how):
            # A wait cut short (--timeout, Ctrl-C) leaves the aftercare
            # to the user: the resume command only waits.
            try:
                outcome = follow(task, **how)
            except KeyboardInterrupt:
                self.say(self.left_to_do(started.image_id, keep_image))
                raise
            if wait and outcome.status not in ('success', 'failure'):
                self.say(self.left_to_do(started.image_id, keep_image))
            return outcome

        outcome = started.run(
            copied_properties(self.image, name),
            None,
            followed,
            self.say,
            stream=stream,
            keep_image=keep_image,
        )
        if protected and not wait:
            self.say(
                f'Image {self.image["id"]} is protected; protect its '
                f'copy once it is active: {self.target_command} image set '
                f'--protected {started.image_id}'
            )
        if outcome.status != 'success':
            return outcome
        if outcome.exit_code:
            # Its bytes differ from the image's (said already).
            self.say(
                f'Image {started.image_id} is kept (--keep-image).'
                if keep_image
                else started.discard()
            )
        elif protected:
            self.target.set_protected(started.image_id)
            LOG.debug('Protected image %s, as its source', started.image_id)
        return outcome

    def left_to_do(self, copy_id, keep_image):
        """What the copy still needs once its import has ended, that a
        wait cut short did not do."""
        where = f'{self.target_command} image'
        steps = [
            f"compare its hash with image {self.image['id']}'s in "
            f'{self.source_region} (os_hash_value, "openstack image show" '
            'in both regions)'
        ]
        if not keep_image:
            steps.append(
                f'delete it if its import fails ({where} delete {copy_id})'
            )
        if self.image.get('protected'):
            steps.append(
                f'protect it as its source ({where} set --protected {copy_id})'
            )
        *first, last = steps
        todo = f'{", ".join(first)} and {last}' if first else last
        return (
            f'Image {copy_id} in {self.target_region} is not checked: once '
            f'its import has ended, {todo}.'
        )

    def create(self, body):
        """Create the copy with ``body``; where the target refuses a
        public image to this user, a copy that is not public, said."""
        try:
            return self.target.create_image(body)
        except http.HTTPError as exc:
            if not (
                body.get('visibility') == 'public'
                and exc.http_status == 403
                and 'publicize_image' in str(exc)
            ):
                raise
        self.say(
            f'Image {self.image["id"]} is public in '
            f'{self.source_region}; its copy is not: making an image '
            'public takes the admin role.'
        )
        return self.target.create_image(
            {k: v for k, v in body.items() if k != 'visibility'}
        )

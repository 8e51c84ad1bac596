# SPDX-License-Identifier: Apache-2.0
"""What ``image task import`` was asked: the command line read once.

``ImportRequest.from_args`` is the only reader of argparse's namespace
below the command: it types and checks the input (the image's
properties, ``--input``) before the cloud is asked anything, and the plan
(``plan.decide``) and the routes read the request, never the namespace.
"""

import dataclasses
import json

from osc_lib import exceptions

from imageplugin import conversion
from imageplugin import importing


@dataclasses.dataclass(frozen=True)
class ImportRequest:
    """What ``image task import`` was asked, as typed values.

    The attribute names are the options' (``disk_format``...), so that the
    checks of the content and of the file read a request as they would
    the command line.
    """

    import_from: str = None
    file: str = None
    image: str = None
    name: str = None
    properties: dict = None
    min_disk: int = None
    min_ram: int = None
    tags: tuple = ()
    visibility: str = None
    protected: bool = None
    extra_input: dict = None
    disk_format: str = None
    container_format: str = None
    import_from_format: str = None
    method: str = None
    stores: tuple = ()
    all_stores: bool = False
    container: str = 'images'
    object_name: str = None
    segment_size: int = None
    upload_concurrency: int = None
    keep_upload: bool = False
    keep_image: bool = False
    dialect: str = None
    # checksums.Checksum (--checksum) and --checksum-from's file or URL.
    checksum: object = None
    checksum_from: str = None
    wait: bool = False
    dry_run: bool = False
    convert_to: str = None
    no_convert: bool = False
    allow_duplicates: bool = False
    # The new image's properties, typed (importing.image_properties), and
    # the options that set them.
    image_properties: dict = dataclasses.field(default_factory=dict)
    given: tuple = ()

    @classmethod
    def from_args(cls, args):
        """The request of argparse's namespace ``args``: its input is
        checked here, before the cloud is asked anything."""
        fields = {
            field.name: getattr(args, field.name, field.default)
            for field in dataclasses.fields(cls)
        }
        fields['tags'] = tuple(args.tags or ())
        fields['stores'] = tuple(args.stores or ())
        if args.extra_input is not None:
            # Its image properties are held to the options' rules, before
            # anything exists (some routes merge it after an upload).
            fields['extra_input'] = importing.typed_input(
                parsed_json_object(args.extra_input, '--input')
            )
        properties, given = importing.image_properties(args)
        fields.update(image_properties=properties, given=tuple(given))
        request = cls(**fields)
        conversion.check_request(request)
        return request

    @property
    def kind(self):
        """'file', 'image', 'url' or 'object' (``container/object``)."""
        if self.file:
            return 'file'
        if self.image:
            return 'image'
        return 'url' if importing.is_url(self.import_from) else 'object'

    @property
    def asks_protected(self):
        """Whether the image is to be protected: by the options, else by
        --input's image properties."""
        protected = self.image_properties.get('protected')
        given = (self.extra_input or {}).get('image_properties')
        if protected is None and isinstance(given, dict):
            protected = given.get('protected')
        return protected is True

    def unused(self, options):
        """The options of ``options`` given, as (attribute, option,
        default) each (``plan.UPLOAD_OPTIONS``)."""
        return tuple(
            name
            for attribute, name, default in options
            if getattr(self, attribute) not in (default, None)
        )


def parsed_json_object(text, option):
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise exceptions.CommandError(
            f'{option} is not valid JSON: {exc}'
        ) from None
    if not isinstance(value, dict):
        raise exceptions.CommandError(
            f'{option} must be a JSON object such as \'{{"key": "value"}}\''
        )
    return value

# SPDX-License-Identifier: Apache-2.0
"""What a plan of ``image task import`` is made of: its routes, the
``Facts`` it is decided from and the ``Plan`` it gives (``plan.decide``).

Apart from ``plan`` so that the modules that add steps to a plan
(``sourcework``, ``uploadplan``, ``conversion``) name the routes as the
plan does without importing it.
"""

import dataclasses

# Routes: how the bytes reach the image.
TASK = 'task'  # the tasks API imports a URL or object
TASK_FROM_UPLOAD = 'task-upload'  # a --file via object storage, then task
WEB_DOWNLOAD = 'web-download'  # interoperable import of a URL
GLANCE_DIRECT = 'glance-direct'  # interoperable import of a sent file
COPY_IMAGE = 'copy-image'  # an existing image into more stores
INTEROP_METHODS = (WEB_DOWNLOAD, GLANCE_DIRECT, COPY_IMAGE)
# A --file through the object storage, then web-download (uploadplan).
WEB_DOWNLOAD_UPLOAD = 'web-download-upload'


@dataclasses.dataclass(frozen=True)
class Facts:
    """What the cloud and the content said; None where not asked.

    ``dialect``: 'rackspace' or 'glance'. ``tasks_refusal``: Glance's
    refusal of the tasks API to this user (its one line), '' where the
    tasks API is open to them. ``methods``: the import methods offered
    (() where the cloud has no interoperable import). ``stores``: the
    stores of a multi-store Glance (() where it has a single one).
    ``vhd``: 'fixed' or 'dynamic' where the content is such a VHD.
    ``disk_format``: the new image's disk format, as decided from the
    content and the options. ``upload_refusal``: why a --file cannot go
    through the object storage ('' where it can: ``uploadplan``).
    """

    dialect: str = None
    tasks_refusal: str = None
    methods: tuple = None
    stores: tuple = None
    vhd: str = None
    disk_format: str = None
    upload_refusal: str = None
    # What could not be read or checked of the content, to say.
    content_notes: tuple = ()
    conversion: object = None  # a conversion.Conversion, or None
    published: object = None  # sourcework.Published: work of ours
    duplicate: object = None  # duplicates.Existing: already there


@dataclasses.dataclass(frozen=True)
class Plan:
    """What an import will do, in order, and what it leaves."""

    route: str
    method: str
    source: str
    steps: tuple = ()
    creates: tuple = ()
    uploads: tuple = ()
    deletes: tuple = ()
    notes: tuple = ()
    # --protected is set once imported (importing.unprotected): Glance
    # cannot delete a protected image whose import failed.
    protect_after: bool = False
    # 'rackspace' or 'glance' where the route depends on it.
    dialect: str = None
    conversion: object = None  # a conversion.Conversion, or None

    @property
    def interoperable(self):
        return self.route in INTEROP_METHODS

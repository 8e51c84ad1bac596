# SPDX-License-Identifier: Apache-2.0
"""``openstack image task import``.

OSC imports this module on every run of any command while it registers
commands: its module-level imports are what OSC has already loaded, and
our other modules are imported where the command uses them.
"""

from osc_lib.cli import parseractions

from imageplugin.task import TaskCommand
from imageplugin.task import task_columns


class ImportTask(TaskCommand):
    """Create a task that imports an image into the image service.

    Rackspace Cloud Images imports an object of Cloud Files, named as
    container/object, and accepts only a name for the image. Upstream
    Glance imports an http(s) URL; the formats follow from the image's
    content unless given.
    """

    def get_parser(self, prog_name):
        from imageplugin import argtypes
        from imageplugin import formats

        parser = super().get_parser(prog_name)
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument(
            '--import-from',
            metavar='<container/object|URL>',
            type=argtypes.not_empty,
            help="Image to import: <container>/<object> in the cloud's "
            'object storage (Rackspace) or an http(s) URL (Glance)',
        )
        source.add_argument(
            '--file',
            metavar='<path>',
            type=argtypes.not_empty,
            help="Local image file to upload to the cloud's object "
            'storage and import from there',
        )
        source.add_argument(
            '--image',
            metavar='<image>',
            type=argtypes.not_empty,
            help='Existing image (name or ID) to copy into more stores of '
            "a multi-store Glance (copy-image, an admin's method by "
            'default); with --store or --all-stores',
        )
        parser.add_argument(
            '--import-from-format',
            metavar='<format>',
            choices=formats.DISK_FORMATS,
            help='Format of the source image, when it differs from the '
            'disk format and the cloud converts it (default: its '
            "content's)",
        )
        parser.add_argument(
            '--name',
            metavar='<name>',
            type=argtypes.not_empty,
            help='Name of the new image (default for --file and '
            'Rackspace: the file or object name without extension)',
        )
        parser.add_argument(
            '--disk-format',
            metavar='<format>',
            choices=formats.DISK_FORMATS,
            help='Disk format of the new image: '
            f'{", ".join(formats.DISK_FORMATS)} (default: read from '
            "the image's content, which it must agree with)",
        )
        parser.add_argument(
            '--container-format',
            metavar='<format>',
            choices=formats.CONTAINER_FORMATS,
            help='Container format of the new image: '
            f'{", ".join(formats.CONTAINER_FORMATS)} (default: bare)',
        )
        parser.add_argument(
            '--property',
            metavar='<key=value>',
            dest='properties',
            action=parseractions.KeyValueAction,
            help='Property of the new image (repeat for more); Glance '
            'only. min_disk, min_ram, protected and os_hidden are '
            'sent as numbers and booleans',
        )
        parser.add_argument(
            '--min-disk',
            metavar='<disk-gb>',
            type=argtypes.whole_number,
            help='Minimum disk size needed to boot the image, in GiB '
            '(Glance only)',
        )
        parser.add_argument(
            '--min-ram',
            metavar='<ram-mb>',
            type=argtypes.whole_number,
            help='Minimum RAM size needed to boot the image, in MiB '
            '(Glance only)',
        )
        parser.add_argument(
            '--tag',
            metavar='<tag>',
            dest='tags',
            action='append',
            help='Tag of the new image (repeat for more; Glance only)',
        )
        visibility = parser.add_mutually_exclusive_group()
        for value in ('public', 'private', 'community', 'shared'):
            visibility.add_argument(
                f'--{value}',
                dest='visibility',
                action='store_const',
                const=value,
                help=f'Make the image {value} (Glance only)',
            )
        protection = parser.add_mutually_exclusive_group()
        protection.add_argument(
            '--protected',
            dest='protected',
            action='store_const',
            const=True,
            help='Protect the image from deletion (Glance only)',
        )
        protection.add_argument(
            '--unprotected',
            dest='protected',
            action='store_const',
            const=False,
            help='Allow the image to be deleted (Glance only)',
        )
        parser.add_argument(
            '--input',
            metavar='<json>',
            dest='extra_input',
            help='JSON object of further task input keys; the options '
            'above take precedence over it',
        )
        upload = parser.add_argument_group('upload of a --file')
        upload.add_argument(
            '--container',
            metavar='<container>',
            default='images',
            type=argtypes.container_name,
            help='Container to upload into, created if missing '
            '(default: %(default)s)',
        )
        upload.add_argument(
            '--object-name',
            metavar='<name>',
            type=argtypes.object_name,
            help='Name of the uploaded object (default: the file name with '
            "the file's identity, e.g. disk-3f9c0a1b2d4e.raw); an "
            'object of another file is never written over',
        )
        upload.add_argument(
            '--segment-size',
            metavar='<size>',
            type=argtypes.segment_size,
            help='Files larger than this are uploaded in segments of this '
            'size, and an interrupted upload resumes (default: the '
            'file in 8 segments of 8M to 256M)',
        )
        upload.add_argument(
            '--upload-concurrency',
            metavar='<count>',
            type=argtypes.upload_concurrency,
            help='Segments uploaded at once, from 1 to 10: more help over '
            'a network with a long round-trip time (default: 8)',
        )
        upload.add_argument(
            '--keep-upload',
            action='store_true',
            help='Keep the uploaded object after the task has ended',
        )
        upload.add_argument(
            '--dialect',
            choices=('rackspace', 'glance'),
            help='Import as Rackspace Cloud Images does (container/object) '
            'or as Glance does (a TempURL); default: told by the '
            "cloud's task schema",
        )
        parser.add_argument(
            '--method',
            choices=('task', 'web-download', 'glance-direct', 'copy-image'),
            help='How Glance imports: "task" by its tasks API (admins), '
            '"web-download" a URL and "glance-direct" a --file by '
            'interoperable image import (any user), "copy-image" an '
            '--image; default: the tasks API where your role may use '
            'it and no store is named, else interoperable import',
        )
        stores = parser.add_mutually_exclusive_group()
        stores.add_argument(
            '--store',
            metavar='<store>',
            dest='stores',
            action='append',
            type=argtypes.not_empty,
            help='Store of a multi-store Glance to import into (repeat for '
            'more; interoperable import)',
        )
        stores.add_argument(
            '--all-stores',
            action='store_true',
            help='Import into every store of a multi-store Glance '
            '(interoperable import)',
        )
        parser.add_argument(
            '--keep-image',
            action='store_true',
            help='With interoperable import, keep the new image when its '
            'import fails (default: delete it)',
        )
        parser.add_argument(
            '--dry-run',
            action='store_true',
            help="Make every read-only check (login, the source's "
            "content, the cloud's methods and stores), then show the "
            'plan (route, steps, what would be created, uploaded and '
            'deleted) instead of carrying it out',
        )
        self.add_wait_options(parser)
        return parser

    def take_action(self, parsed_args):
        # The plan of an import, imported only when one runs.
        from imageplugin import importroute
        from imageplugin import plan as plans
        from imageplugin import request as requests
        from imageplugin import waiting

        request = requests.ImportRequest.from_args(parsed_args)
        plans.check_request(request)
        instance = self.app.client_manager
        source, note = importroute.read_source(request, instance.verify)
        cloud = importroute.Cloud(self.client, instance)
        facts = importroute.survey(cloud, request, source, note)
        plan = plans.decide(request, facts, source.where)
        if request.dry_run:
            plan = importroute.with_upload_target(
                cloud, request, plan, source.local
            )
            self.outcome = waiting.Outcome(None, 0)
            return importroute.plan_columns(request, source, plan)
        self.outcome = importroute.outcome_of(
            cloud, self.console, self.follower, request, source, plan
        )
        return task_columns(self.outcome.task)

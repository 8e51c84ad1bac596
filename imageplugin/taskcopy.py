# SPDX-License-Identifier: Apache-2.0
"""``openstack image task copy``.

OSC imports this module on every run of any command while it registers
commands: its module-level imports are what OSC has already loaded, and
our other modules are imported where the command uses them.
"""

import shlex

from osc_lib import exceptions

from imageplugin.task import TaskCommand
from imageplugin.task import check_container


class CopyTask(TaskCommand):
    """Copy an image into another region of the cloud.

    Upstream Glance: the other region's Glance pulls the image itself
    (glance-download) where it offers that, else the data streams through
    this client (glance-direct). Rackspace: an export task, the VHD
    streamed between the regions' Cloud Files, an import task. The copy
    has the image's name and properties; its checksum is compared with
    the image's.
    """

    def get_parser(self, prog_name):
        from imageplugin import argtypes

        parser = super().get_parser(prog_name)
        parser.add_argument(
            'image',
            metavar='<image>',
            help='Image to copy (name or ID), in the '
            "profile's region (--os-region-name)",
        )
        parser.add_argument(
            '--to-region',
            metavar='<region>',
            required=True,
            type=argtypes.not_empty,
            help='Region to copy the image into',
        )
        parser.add_argument(
            '--name',
            metavar='<name>',
            type=argtypes.not_empty,
            help="Name of the copy (default: the image's)",
        )
        parser.add_argument(
            '--method',
            choices=('glance-download', 'glance-direct'),
            help='Glance: "glance-download", the target region reads the '
            'image itself; "glance-direct", the data streams through '
            'this client (no local disk used); default: '
            'glance-download where the target offers it',
        )
        parser.add_argument(
            '--keep-image',
            action='store_true',
            help='Keep the copy when its import fails or its bytes differ '
            "from the image's (default: delete it)",
        )
        rackspace = parser.add_argument_group(
            'Rackspace (export, transfer, import)'
        )
        rackspace.add_argument(
            '--container',
            metavar='<container>',
            default='images',
            help="Container of both regions' object storage that the "
            'exported VHD goes through, created if missing (default: '
            '%(default)s)',
        )
        rackspace.add_argument(
            '--keep-upload',
            action='store_true',
            help='Keep the exported VHD in both regions once the import '
            'has ended (default: delete it)',
        )
        rackspace.add_argument(
            '--segment-size',
            metavar='<size>',
            type=argtypes.segment_size,
            help='Size of the segments the VHD is copied in between the '
            'regions; an interrupted copy resumes (default: the VHD in '
            '8 segments of 8M to 256M)',
        )
        rackspace.add_argument(
            '--upload-concurrency',
            metavar='<count>',
            type=argtypes.upload_concurrency,
            help='Segments of the VHD copied at once between the regions '
            '(default: 8)',
        )
        parser.add_argument(
            '--allow-duplicates',
            action='store_true',
            help='Copy even where the target region has an image of the '
            'same name and bytes (default: say it is already there and '
            'create nothing)',
        )
        parser.add_argument(
            '--dry-run',
            action='store_true',
            help='Make every read-only check (login, both regions, the '
            'image, the methods the target offers), then show the plan '
            'instead of carrying it out',
        )
        self.add_wait_options(parser)
        return parser

    def outcome_of(self, parsed_args):
        from imageplugin import api
        from imageplugin import copyplan
        from imageplugin import duplicates
        from imageplugin import preflight
        from imageplugin import regioncopy

        preflight.checked_name(parsed_args.name)
        check_container(parsed_args.container)
        source = self.client
        instance = self.app.client_manager
        target_region = parsed_args.to_region
        source_region = regioncopy.region_of(instance, source.endpoint)
        regioncopy.check_regions(source_region, target_region)
        target = api.TaskAPI.from_client_manager(instance, target_region)
        image_id = source.find_image_id(parsed_args.image)
        # Rackspace has no interoperable import, and only its task schema
        # offers exports.
        offered = target.import_methods()
        if offered is None and source.dialect() == 'rackspace':
            return self.exported_copy(
                parsed_args,
                source,
                source_region,
                target,
                target_region,
                image_id,
            )
        given = [
            option
            for option, value in (
                ('--container', parsed_args.container != 'images'),
                ('--keep-upload', parsed_args.keep_upload),
                ('--segment-size', parsed_args.segment_size),
                ('--upload-concurrency', parsed_args.upload_concurrency),
            )
            if value
        ]
        if given:
            raise exceptions.CommandError(
                f'{given[0]} is for Rackspace, whose copies go through its '
                'object storage; Glance copies by interoperable import'
            )
        copy = regioncopy.RegionCopy(
            source,
            source_region,
            target,
            target_region,
            image_id,
            instance.interface or 'public',
            self.console.say,
        )
        method = copy.chosen_method(parsed_args.method, offered)
        plan = copyplan.decide(
            copy,
            method,
            parsed_args.name,
            parsed_args.allow_duplicates,
            keep_image=parsed_args.keep_image,
            wait=parsed_args.wait,
        )
        if parsed_args.dry_run:
            return self.planned(plan)
        if isinstance(plan, duplicates.AlreadyThere):
            return self.nothing_copied(plan, target, target_region)
        return copy.run(
            method,
            parsed_args.name,
            self.follower.variant(region=target_region),
            stream=self.console.stream,
            keep_image=parsed_args.keep_image,
            wait=parsed_args.wait,
        )

    def nothing_copied(self, plan, target, target_region):
        """The ``Outcome`` of a copy already there: its image's task."""
        from imageplugin import duplicates

        region = shlex.quote(target_region)
        return duplicates.outcome(
            target,
            self.console.say,
            plan,
            f'openstack --os-region-name {region}',
        )

    def exported_copy(
        self,
        parsed_args,
        source,
        source_region,
        target,
        target_region,
        image_id,
    ):
        """Rackspace: export, transfer, import (``rackspacecopy``)."""
        from imageplugin import copyplan
        from imageplugin import duplicates
        from imageplugin import objectstore
        from imageplugin import rackspacecopy
        from imageplugin import waiting

        if parsed_args.method:
            raise exceptions.CommandError(
                '--method is for Glance; Rackspace copies by an export '
                'task, a transfer and an import task'
            )
        instance = self.app.client_manager
        copy = rackspacecopy.RackspaceCopy(
            source,
            objectstore.ObjectStore.from_client_manager(instance),
            source_region,
            target,
            objectstore.ObjectStore.from_client_manager(
                instance, target_region
            ),
            target_region,
            image_id,
            parsed_args.container,
            self.console.say,
        )
        plan = copyplan.export_decide(
            copy,
            parsed_args.name,
            parsed_args.allow_duplicates,
            keep_upload=parsed_args.keep_upload,
            wait=parsed_args.wait,
        )
        if parsed_args.dry_run:
            return self.planned(plan)
        if isinstance(plan, duplicates.AlreadyThere):
            return self.nothing_copied(plan, target, target_region)
        # --timeout bounds the whole copy, not each wait.
        follower = self.follower.sharing_deadline().variant(
            floor=waiting.RACKSPACE_MIN_INTERVAL
        )
        return copy.run(
            parsed_args.name,
            # The export is always waited for: the transfer needs it.
            follower.variant(
                wait=True,
                look=source.get_task,
                resume_command=lambda *_: self.copy_again(parsed_args),
            ),
            follower.variant(look=target.get_task, region=target_region),
            stream=self.console.stream,
            keep_upload=parsed_args.keep_upload,
            keep_image=parsed_args.keep_image,
            wait=parsed_args.wait,
            segment_size=parsed_args.segment_size,
            concurrency=parsed_args.upload_concurrency,
        )

    def copy_again(self, parsed_args):
        """This copy's command, which goes on from the step it reached."""
        words = ['openstack']
        options = self.app.options
        if getattr(options, 'cloud', None):
            words += ['--os-cloud', options.cloud]
        if getattr(options, 'region_name', None):
            words += ['--os-region-name', options.region_name]
        words += [
            'image',
            'task',
            'copy',
            parsed_args.image,
            '--to-region',
            parsed_args.to_region,
            '--container',
            parsed_args.container,
        ]
        for option, value in (
            ('--name', parsed_args.name),
            ('--segment-size', parsed_args.segment_size),
            ('--upload-concurrency', parsed_args.upload_concurrency),
        ):
            if value:
                words += [option, str(value)]
        words += [
            flag
            for flag, on in (
                ('--keep-upload', parsed_args.keep_upload),
                ('--keep-image', parsed_args.keep_image),
            )
            if on
        ]
        return ' '.join(shlex.quote(word) for word in words + ['--wait'])

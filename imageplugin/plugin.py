# SPDX-License-Identifier: Apache-2.0
"""OpenStackClient plugin for the Image v2 tasks API.

``openstack`` imports this module on every run, so it imports nothing but
the standard library; the client is built only when a command needs it,
and ``osc_hooks`` is imported only when a record reaches its log filters.
"""

import logging
import os

DEFAULT_API_VERSION = '2'
API_VERSION_OPTION = 'os_image_tasks_api_version'
API_NAME = 'image_tasks'
API_VERSIONS = ('2',)

# OSC's own parser, as given to build_option_parser (osc_hooks reads it).
_app_parser = None


def _hook(name):
    """The log filter ``osc_hooks.<name>``, imported on first use."""

    def log_filter(record):
        from imageplugin import osc_hooks

        return getattr(osc_hooks, name)(record)

    return log_filter


# Hooks 1 and 2 of osc_hooks: in place before OSC loads commands and logs.
logging.getLogger('cliff.commandmanager').addFilter(
    _hook('without_own_overrides')
)
logging.getLogger('osc_lib.shell').addFilter(_hook('with_secrets_masked'))


def make_client(instance):
    """Return the tasks API client for osc-lib's ClientManager."""
    from imageplugin import api

    return api.TaskAPI.from_client_manager(instance)


def build_option_parser(parser):
    """Add the global option that selects our API version."""
    parser.add_argument(
        '--os-image-tasks-api-version',
        metavar='<image-tasks-api-version>',
        default=os.environ.get('OS_IMAGE_TASKS_API_VERSION'),
        help=f'Image tasks API version, default={DEFAULT_API_VERSION} '
        '(Env: OS_IMAGE_TASKS_API_VERSION)',
    )
    # Kept, read only: the secrets filter parses a command line with it
    # to tell whether the command is ours.
    global _app_parser
    _app_parser = parser
    return parser


def app_parser():
    """The parser OSC gave ``build_option_parser`` last, or None."""
    return _app_parser

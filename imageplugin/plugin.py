"""OpenStackClient plugin for the Image v2 tasks API.

``openstack`` imports this module on every run, so it imports nothing but
the standard library and ``osc_hooks`` (which imports only the standard
library); the client is built only when a command needs it.
"""

import os

from imageplugin import osc_hooks

DEFAULT_API_VERSION = '2'
API_VERSION_OPTION = 'os_image_tasks_api_version'
API_NAME = 'image_tasks'
API_VERSIONS = ('2',)

osc_hooks.install_log_filters()


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
    return parser

"""OpenStackClient plugin for the Image v2 tasks API.

``openstack`` imports this module on every run, so it imports nothing but
the standard library; the client is built only when a command needs it,
and ``osc_hooks`` is imported only when a record reaches its log filters
or when the command line names one of our commands.
"""

import logging
import os
import sys

DEFAULT_API_VERSION = '2'
API_VERSION_OPTION = 'os_image_tasks_api_version'
API_NAME = 'image_tasks'
API_VERSIONS = ('2',)

# Our commands, ``image task <word>`` (setup.cfg's entry points).
COMMAND_WORDS = ('copy', 'export', 'import', 'list', 'show')


def _hook(name):
    """The log filter ``osc_hooks.<name>``, imported on first use."""
    def log_filter(record):
        from imageplugin import osc_hooks

        return getattr(osc_hooks, name)(record)
    return log_filter


# Hooks 1 and 2 of osc_hooks: in place before OSC loads commands and logs.
logging.getLogger('cliff.commandmanager').addFilter(
    _hook('without_own_overrides'))
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
    _watch_command_line(parser)
    return parser


def _watch_command_line(parser):
    """Hook 6 of osc_hooks: see the command line that cliff parses with
    this parser, once; when it names one of our commands, let
    ``osc_hooks`` read the command groups without importing them.
    Any other command line goes on as if we had never looked."""
    shadowed = vars(parser).get('parse_known_args')

    def parse_known_args(*args, **kwargs):
        # Once only: the parser is as it was before.
        if shadowed is None:
            del parser.parse_known_args
        else:
            parser.parse_known_args = shadowed
        result = parser.parse_known_args(*args, **kwargs)
        remainder = result[1]
        if (remainder[:2] == ['image', 'task'] and len(remainder) > 2
                and remainder[2] in COMMAND_WORDS):
            from imageplugin import osc_hooks

            osc_hooks.load_commands_unimported(
                sys._getframe(1), parser, result[0],
                ' '.join(remainder[:3]))
        return result

    parser.parse_known_args = parse_known_args

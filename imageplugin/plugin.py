# SPDX-License-Identifier: Apache-2.0
"""OpenStackClient plugin for the Image v2 tasks API.

``openstack`` imports this module on every run, so it imports nothing but
the standard library; the client is built only when a command needs it,
and ``osc_hooks`` only for a command line that may hold a secret.
"""

import logging
import os
import sys

DEFAULT_API_VERSION = '2'
API_VERSION_OPTION = 'os_image_tasks_api_version'
API_NAME = 'image_tasks'
API_VERSIONS = ('2',)

# OSC's own parser, as given to build_option_parser (osc_hooks reads it).
_app_parser = None


# What a secret option's name holds ("--os-password", "--os-token"...),
# or what osc-lib's masking leaves of one.
_MAYBE_SECRET = ('pass', 'tok', 'secret', 'totp', '***')


def with_secrets_masked(record):
    """Hook 2 of osc_hooks, a filter of ``osc_lib.shell``. Every run logs
    its command line: osc_hooks is imported only when it may hold a
    secret option."""
    if not (
        isinstance(record.args, tuple)
        and record.args
        and str(record.msg).startswith('START with options')
    ):
        return True
    text = ' '.join([str(record.args[0]), *sys.argv[1:]])
    if not any(word in text for word in _MAYBE_SECRET):
        return True
    from imageplugin import osc_hooks

    return osc_hooks.with_secrets_masked(record)


# The commands of ours that replace core's, and cliff's warning of them.
OVERRIDDEN = ('image task list', 'image task show')
DUPLICATE_WARNING = 'found duplicate implementations of the %(name)r command'


def without_own_overrides(record):
    """Hook 1 of osc_hooks, a filter of ``cliff.commandmanager``: drop
    cliff's duplicate warning when the command is one we replace and ours
    is the one filed. Here, not in osc_hooks: every command run logs that
    warning, and osc_hooks would be imported for it."""
    args = record.args if isinstance(record.args, dict) else {}
    modules = str(args.get('modules', '')).split(', ')
    return not (
        str(record.msg).startswith(DUPLICATE_WARNING)
        and args.get('name') in OVERRIDDEN
        and modules[-1].startswith('imageplugin.')
    )


# Hooks 1 and 2 of osc_hooks: in place before OSC loads commands and logs.
logging.getLogger('cliff.commandmanager').addFilter(without_own_overrides)
logging.getLogger('osc_lib.shell').addFilter(with_secrets_masked)


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

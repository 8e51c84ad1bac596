"""OpenStackClient plugin for the Image v2 tasks API.

``openstack`` imports this module on every run, so it imports nothing but
the standard library; the client is built only when a command needs it.
"""

import logging
import os
import re
import sys

DEFAULT_API_VERSION = '2'
API_VERSION_OPTION = 'os_image_tasks_api_version'
API_NAME = 'image_tasks'
API_VERSIONS = ('2',)


class _OwnOverrides(logging.Filter):
    """Silence cliff's duplicate warning for commands we replace on purpose.

    Our ``image task show`` and ``image task list`` supersede core OSC's.
    """

    def filter(self, record):
        return 'imageplugin.' not in record.getMessage()


logging.getLogger('cliff.commandmanager').addFilter(_OwnOverrides())


# Options that carry a secret, and argparse's abbreviations of them (a
# pattern, compiled on first use: this module is imported on every run).
_MASKED_OPTION = r'--os-[\w-]*(?:pass|tok|secret|totp)[\w-]*'


def masked_command_line(line):
    """``line``, osc-lib's log of a command line, with secrets masked."""
    from oslo_utils import strutils  # osc-lib's, loaded already

    # osc-lib logs our command line through mask_password, which mangles
    # some words ("--os-auth-type token --os-token X" -> "... --os*** X"):
    # start again from the words, which also keep a value with spaces whole.
    words = sys.argv[1:]
    if strutils.mask_password(' '.join(words)) != line:
        words = line.split()
    masked, secret_follows = [], False
    for word in words:
        name, equals, _ = word.partition('=')
        if secret_follows:
            word, secret_follows = '***', False
        elif re.fullmatch(_MASKED_OPTION, name):
            if equals:
                word = name + '=***'
            else:
                secret_follows = True
        masked.append(word)
    return ' '.join(masked)


class _SecretOptions(logging.Filter):
    """Mask ``--os-password X``, ``--os-token X`` in osc-lib's --debug.

    osc-lib logs the command line ("START with options: ...") through
    oslo's mask_password, which misses secrets given as options. OSC
    imports this module before that line: it is masked for every command.
    """

    def filter(self, record):
        if record.msg == 'START with options: %s' and record.args:
            record.args = (masked_command_line(str(record.args[0])),)
        return True


logging.getLogger('osc_lib.shell').addFilter(_SecretOptions())


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

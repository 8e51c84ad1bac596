# SPDX-License-Identifier: Apache-2.0
"""Where the plugin relies on how cliff and osc-lib behave.

Each is a documented extension point of theirs (a logging filter, a
``Command`` method a subclass overrides, an attribute of ``App``), used
for our commands only: none reads a stack frame or replaces anything in
their modules, and a command that is not ours runs as if the plugin were
not installed. ``tests/unit/test_osc_hooks.py`` checks each against the
installed releases, so that a release changing one fails a test, loudly,
not a user's command.

1. cliff warns of a command defined twice (``cliff.commandmanager``); ours
   replace core's ``image task show`` and ``list`` on purpose: that
   warning, for those two, is dropped.
2. osc-lib logs the command line ("START with options: ...",
   ``osc_lib.shell``) through a masking that misses secrets given as
   options (``--os-password X``): they are masked here when the command
   line is one of ours, which never logs a secret, ``--debug`` included.
   Other command lines are logged as osc-lib logs them.
3. osc-lib logs in before a command whose ``auth_required`` is true, in
   ``prepare_to_run_command``: ours say False and call it when they first
   need the cloud, after checking their input, with one-line errors.
4. cliff builds each command's parser with argparse: ours report a wrong
   command line in one line.
5. cliff calls ``Command.run``: ours freeze the garbage collector's
   objects there, which spares its walk at interpreter exit; not in
   OSC's interactive mode (``openstack`` with no command), where the
   process goes on to the next command.
6. cliff's ``Command.get_parser`` makes the epilog of the help ("This
   command is provided by the imageplugin plugin.") when it builds the
   parser, which maps every installed distribution to its packages
   (about 30 ms): ours make it when the help is shown.

``plugin.py`` installs hooks 1 and 2 (they must be in place before OSC
logs) as filters that import this module only when a record reaches them;
``task.py`` uses the rest. Module-level imports are the standard
library's.
"""

import gc
import logging
import re
import sys

# Options that carry a secret, and argparse's abbreviations of them (a
# pattern, compiled on first use).
_MASKED_OPTION = r'--os-[\w-]*(?:pass|tok|secret|totp)[\w-]*'
START_MESSAGE = 'START with options: %s'


# The commands of ours that replace core's, and the words of ours.
OVERRIDDEN = ('image task list', 'image task show')
DUPLICATE_WARNING = 'found duplicate implementations of the %(name)r command'
COMMAND_WORDS = (
    ('image',),
    ('task',),
    ('copy', 'export', 'import', 'list', 'show'),
)


def without_own_overrides(record):
    """Hook 1, a filter of ``cliff.commandmanager``: drop cliff's duplicate
    warning when the command is one we replace and ours is the one filed."""
    args = record.args if isinstance(record.args, dict) else {}
    modules = str(args.get('modules', '')).split(', ')
    return not (
        str(record.msg).startswith(DUPLICATE_WARNING)
        and args.get('name') in OVERRIDDEN
        and modules[-1].startswith('imageplugin.')
    )


def with_secrets_masked(record):
    """Hook 2, a filter of ``osc_lib.shell``: mask ``--os-password X``,
    ``--os-token X`` in the command line osc-lib logs, when the command is
    ours."""
    if record.msg != START_MESSAGE or not record.args:
        return True
    words = _command_line(str(record.args[0]))
    # Parsed only when there is something to mask.
    if any(
        re.fullmatch(_MASKED_OPTION, word.partition('=')[0]) for word in words
    ) and is_ours(words):
        record.args = (' '.join(_masked(words)),)
    return True


def is_ours(words):
    """Whether cliff finds one of our commands for the command line
    ``words``, as parsed by OSC's parser: the words left by its options
    are ours, or unique abbreviations of ours as cliff takes them."""
    from imageplugin import plugin

    parser = plugin.app_parser()
    if parser is None:
        return False
    try:
        _, remainder = parser.parse_known_args(words)
    except SystemExit:
        # Not a command line OSC took: cliff stopped before logging it.
        return False
    command = remainder[: len(COMMAND_WORDS)]
    return len(command) == len(COMMAND_WORDS) and all(
        any(ours.startswith(word) for ours in choices)
        for word, choices in zip(command, COMMAND_WORDS, strict=True)
    )


def masked_command_line(line):
    """``line``, osc-lib's log of a command line, with secrets masked."""
    return ' '.join(_masked(_command_line(line)))


def _command_line(line):
    """The words of ``line``, osc-lib's log of the command line."""
    from oslo_utils import strutils  # osc-lib's, loaded already

    # osc-lib logs the command line through mask_password, which mangles
    # some words ("--os-auth-type token --os-token X" -> "... --os*** X"):
    # start again from the words, which also keep a value with spaces whole.
    words = sys.argv[1:]
    if strutils.mask_password(' '.join(words)) != line:
        words = line.split()
    return words


def _masked(words):
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
    return masked


class _DiscoveryWarning(logging.Filter):
    def filter(self, record):
        return not record.getMessage().startswith(
            'Failed to discover available identity versions'
        )


def log_in(app, command):
    """Hook 3: log in as osc-lib does before a command, with one-line
    errors (``Cannot log in: ...``)."""
    from keystoneauth1 import exceptions as ks_exc  # osc-lib's, loaded

    from imageplugin import http

    # keystoneauth warns when version discovery fails, before it tries
    # the URL as given: the error already tells the user.
    logger = logging.getLogger('keystoneauth.identity.generic.base')
    quiet = _DiscoveryWarning()
    logger.addFilter(quiet)
    try:
        with http.translated_errors('Cannot log in', 'the identity service'):
            command.auth_required = True
            try:
                app.prepare_to_run_command(command)
            except (ks_exc.Unauthorized, ks_exc.NotFound) as exc:
                # Keystone answers a token it does not know (expired,
                # revoked, made up) with 404, or 401.
                if not _logs_in_with_token(app):
                    raise
                raise http.token_refused('Cannot log in', exc) from None
    finally:
        logger.removeFilter(quiet)


def _logs_in_with_token(app):
    """Whether the login is a token's (``--os-auth-type token``)."""
    name = getattr(app.client_manager, 'auth_plugin_name', None) or ''
    return name in ('token', 'v2token', 'v3token')


class PluginCommand:
    """Hooks 3 to 6 for our commands (a mixin before cliff's class)."""

    # osc-lib logs in before a command runs unless this is False.
    auth_required = False

    def run(self, parsed_args):
        # The process ends after this command: objects frozen now are never
        # walked again by the garbage collector, which spares about 250 ms
        # of its work at interpreter exit (see benchmarks/README.rst). Not
        # in interactive mode, where the process runs more commands: what
        # this one leaves behind must stay collectable.
        if not getattr(self.app, 'interactive_mode', False):
            gc.freeze()
        return super().run(parsed_args)

    def log_in(self):
        """Log in unless done already."""
        if not self.auth_required:
            log_in(self.app, self)

    _epilog_later = False

    def get_epilog(self):
        return None if self._epilog_later else super().get_epilog()

    def get_parser(self, prog_name):
        """A parser that reports a wrong command line in one line, and
        makes its epilog when it shows the help (hook 6)."""
        # Not for the sphinx extension (no app), which reads the epilog.
        self._epilog_later = self.app is not None
        try:
            parser = super().get_parser(prog_name)
        finally:
            self._epilog_later = False

        def error(message):
            parser.exit(
                2,
                f'{parser.prog}: error: {message} (see '
                f'{parser.prog} --help)\n',
            )

        parser.error = error
        if self.app is not None:

            def format_help():
                del parser.format_help
                parser.epilog = self.get_epilog()
                return parser.format_help()

            parser.format_help = format_help
        return parser

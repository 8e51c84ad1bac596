"""Where the plugin relies on how cliff and osc-lib work inside.

None of these is their API: each is a behaviour of theirs that
``tests/unit/test_osc_hooks.py`` checks against the installed releases, so
that a release changing one fails a test, loudly, not a user's command.

1. cliff warns of a command defined twice (``cliff.commandmanager``); ours
   replace core's ``image task show`` and ``list`` on purpose: the warning
   for those is dropped.
2. osc-lib logs the command line ("START with options: ...",
   ``osc_lib.shell``) through a masking that misses secrets given as
   options: they are masked here, for every command.
3. osc-lib logs in before a command whose ``auth_required`` is true, in
   ``prepare_to_run_command``: ours say False and call it when they first
   need the cloud, after checking their input, with one-line errors.
4. cliff builds each command's parser with argparse: ours report a wrong
   command line in one line.
5. cliff calls ``Command.run``: ours freeze the garbage collector's
   objects there, which spares its walk at interpreter exit.
6. cliff's ``App.run`` parses the command line with the parser that
   OSC gave our ``build_option_parser``, then loads every command group
   through stevedore, which imports the module of each of about 850
   commands only to file it under its name. When the command line names
   one of ours, the groups of that run are read by cliff's own code with
   a stevedore manager that skips the imports; a command that would
   replace ours after ours is filed, or that cliff would find first on
   that command line, is still imported (one that fails to import is
   left out, as before), and the command cliff finds is imported when
   found.
7. cliff's ``Command.get_parser`` makes the epilog of the help ("This
   command is provided by the imageplugin plugin.") when it builds the
   parser, which maps every installed distribution to its packages
   (about 30 ms): ours make it when the help is shown.

``plugin.py`` installs hooks 1 and 2 (they must be in place before OSC
logs) as filters that import this module only when a record reaches them,
and hook 6 on the parser, which imports this module only for our command
lines; ``task.py`` uses the rest. Module-level imports are the standard
library's.
"""

import functools
import gc
import logging
import re
import sys
import types

# Options that carry a secret, and argparse's abbreviations of them (a
# pattern, compiled on first use).
_MASKED_OPTION = r'--os-[\w-]*(?:pass|tok|secret|totp)[\w-]*'
START_MESSAGE = 'START with options: %s'


def without_own_overrides(record):
    """Hook 1, a filter of ``cliff.commandmanager``: drop cliff's duplicate
    warning for the commands we replace."""
    return 'imageplugin.' not in record.getMessage()


def with_secrets_masked(record):
    """Hook 2, a filter of ``osc_lib.shell``: mask ``--os-password X``,
    ``--os-token X`` in the command line osc-lib logs."""
    if record.msg == START_MESSAGE and record.args:
        record.args = (masked_command_line(str(record.args[0])),)
    return True


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


class _DiscoveryWarning(logging.Filter):
    def filter(self, record):
        return not record.getMessage().startswith(
            'Failed to discover available identity versions')


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
    """Hooks 3 to 5 and 7 for our commands (a mixin before cliff's
    class)."""

    # osc-lib logs in before a command runs unless this is False.
    auth_required = False

    def run(self, parsed_args):
        # The process ends after one command: objects frozen now are never
        # walked again by the garbage collector, which spares about 250 ms
        # of its work at interpreter exit (see benchmarks/README.rst).
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
        makes its epilog when it shows the help (hook 7)."""
        # Not for the sphinx extension (no app), which reads the epilog.
        self._epilog_later = self.app is not None
        try:
            parser = super().get_parser(prog_name)
        finally:
            self._epilog_later = False

        def error(message):
            parser.exit(2, f'{parser.prog}: error: {message} (see '
                           f'{parser.prog} --help)\n')

        parser.error = error
        if self.app is not None:
            def format_help():
                del parser.format_help
                parser.epilog = self.get_epilog()
                return parser.format_help()

            parser.format_help = format_help
        return parser


def load_commands_unimported(caller, parser, options, command_name):
    """Hook 6: ``caller``, the frame that parsed the command line with
    ``parser``, is cliff's ``App.run``; from now on its command manager
    loads groups without importing their modules, for ``command_name``
    (``image task show``...). Help goes on as before."""
    app = caller.f_locals.get('self')
    manager = getattr(app, 'command_manager', None)
    if (getattr(app, 'parser', None) is not parser or manager is None
            or getattr(options, 'deferred_help', False)):
        return
    manager.load_commands = functools.partial(
        _load_unimported, manager, command_name)


def _load_unimported(manager, command_name, namespace):
    """cliff's own ``CommandManager.load_commands``, with a stevedore
    manager that imports only the commands that could stand for
    ``command_name``."""
    # cliff's and stevedore's, loaded already.
    from cliff import commandmanager
    import stevedore
    from stevedore import extension

    def cmd_name(name):
        return name.replace('_', ' ') if manager.convert_underscores else name

    filed = getattr(manager.commands.get(command_name), 'value', '')
    ours_filed = filed.startswith(__name__.partition('.')[0] + '.')

    class Unimported(stevedore.ExtensionManager):
        def _load_one_plugin(self, ep, *args, **kwargs):
            # Imported as before: a command that would replace ours, and
            # one with a longer name that cliff would look for first. One
            # that fails to import is left out, as before.
            name = cmd_name(ep.name)
            if ((name == command_name and ours_filed)
                    or name.startswith(command_name + ' ')):
                return super()._load_one_plugin(ep, *args, **kwargs)
            return extension.Extension(ep.name, ep, None, None)

    # cliff makes its manager with stevedore.ExtensionManager(namespace),
    # and files each extension's name and entry point.
    cliffs = commandmanager.stevedore
    commandmanager.stevedore = types.SimpleNamespace(
        ExtensionManager=Unimported)
    try:
        type(manager).load_commands(manager, namespace)
    finally:
        commandmanager.stevedore = cliffs

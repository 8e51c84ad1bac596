# SPDX-License-Identifier: Apache-2.0
"""The ``openstack image task`` commands, as cliff finds them.

cliff (through stevedore) imports the module of every command of every
loaded group on every ``openstack`` run, whichever command runs. So the
entry points name these small factories, the only command module every
run imports: cliff calls a factory with ``(app, app_args, cmd_name)`` to
make the command it runs or describes, and only then is that command's
module imported. Module level: the standard library only.
"""


class _Factory:
    """The arguments cliff makes a command with (it reads their names)."""

    def __init__(self, app, app_args, cmd_name=None):
        """Never runs: ``__new__`` returns the command itself."""


class ShowTask(_Factory):
    def __new__(cls, app, app_args, cmd_name=None):
        from imageplugin import task

        return task.ShowTask(app, app_args, cmd_name=cmd_name)


class ListTask(_Factory):
    def __new__(cls, app, app_args, cmd_name=None):
        from imageplugin import tasklist

        return tasklist.ListTask(app, app_args, cmd_name=cmd_name)


class ImportTask(_Factory):
    def __new__(cls, app, app_args, cmd_name=None):
        from imageplugin import taskimport

        return taskimport.ImportTask(app, app_args, cmd_name=cmd_name)


class CopyTask(_Factory):
    def __new__(cls, app, app_args, cmd_name=None):
        from imageplugin import taskcopy

        return taskcopy.CopyTask(app, app_args, cmd_name=cmd_name)


class ExportTask(_Factory):
    def __new__(cls, app, app_args, cmd_name=None):
        from imageplugin import taskexport

        return taskexport.ExportTask(app, app_args, cmd_name=cmd_name)

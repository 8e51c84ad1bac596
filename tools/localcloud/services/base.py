# SPDX-License-Identifier: Apache-2.0
"""The interface every service of the local cloud implements.

A service is one row of the table in ``localcloud.services``.  It runs
one or more processes; each process has a port of the same name, a PID
record ``run/NAME.pid`` and a log ``logs/NAME.log``.  Stopping is the same
for all (by PID record, the whole session at once, see
``localcloud.processes``), so it is not part of the interface.
"""

import contextlib
import sqlite3

from localcloud import processes
from localcloud.files import write_file
from localcloud.install import venv_bin
from localcloud.net import http_ok
from localcloud.settings import HOST


class Service:
    name = ''  # what the commands call the whole service
    processes = ()  # its processes in start order
    extra_ports = ()  # more ports its processes listen on
    https_ports = ()  # which of its ports speak HTTPS

    def files(self, cloud):
        """{path: text} of its rendered configuration files."""
        return {}

    def configure(self, cloud):
        """Write the configuration: cheap, done again at each start so that
        new ports or settings apply."""
        for path, text in self.files(cloud).items():
            write_file(path, text)

    def prepare(self, cloud):
        """Configuration plus one-time setup (databases, keys, rings...).

        Idempotent; ``up`` runs the services' prepare side by side.
        """
        self.configure(cloud)

    def start(self, cloud, process):
        """Spawn one of its processes; returns the ``Popen``."""
        raise NotImplementedError

    def health(self, cloud, process):
        """Whether the process answers."""
        return http_ok(cloud.url(process) + '/healthcheck')

    def url(self, cloud, process):
        """Where the process answers, for ``status`` and error messages."""
        return cloud.url(process)

    def catalog(self, cloud):
        """Its Keystone catalog entries: (type, name, url, region)."""
        return []


def start_gunicorn(cloud, process, venv, app_dir, env):
    """Serve ``application`` of APP_DIR/VENV_wsgi.py (our wrapper module)
    under the venv's gunicorn."""
    # --no-control-socket: else gunicorn writes a socket under ~/.gunicorn.
    argv = [
        venv_bin(venv, 'gunicorn'),
        '--no-control-socket',
        '-k',
        'gthread',
        '--workers',
        '1',
        '--threads',
        '4',
        '--bind',
        f'{HOST}:{cloud.ports[process]}',
        '--timeout',
        '300',
        '--graceful-timeout',
        '5',
        '--access-logfile',
        '-',
        '--pythonpath',
        app_dir,
        f'{venv}_wsgi:application',
    ]
    return processes.start(cloud, process, argv, env=env)


def use_wal(db):
    # WAL lets readers and one writer share the sqlite file: fewer
    # "database is locked" errors with a threaded server.
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute('PRAGMA journal_mode=WAL')

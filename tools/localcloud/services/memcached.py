# SPDX-License-Identifier: Apache-2.0
"""memcached: Swift's token and info cache."""

import os
import shutil

from localcloud import processes
from localcloud.net import memcached_ok
from localcloud.services.base import Service
from localcloud.settings import HOST


class Memcached(Service):
    name = 'memcached'
    processes = ('memcached',)

    def start(self, cloud, process):
        argv = [
            shutil.which('memcached') or '/usr/bin/memcached',
            '-l',
            HOST,
            '-p',
            str(cloud.ports[process]),
            '-U',
            '0',
            '-m',
            '64',
            '-v',
        ]
        if os.geteuid() == 0:
            argv += ['-u', 'root']  # memcached refuses root without -u
        return processes.start(cloud, process, argv)

    def health(self, cloud, process):
        return memcached_ok(cloud.ports[process])

    def url(self, cloud, process):
        return f'{HOST}:{cloud.ports[process]}'

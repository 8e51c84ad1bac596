# SPDX-License-Identifier: Apache-2.0
"""The sample images and the HTTP server (tools/sample-server) that
serves them for URL imports."""

import contextlib
import os

from localcloud import processes
from localcloud.common import run
from localcloud.install import venv_bin
from localcloud.net import http_ok
from localcloud.services.base import Service
from localcloud.settings import SAMPLE_SERVER

# File name -> qemu-img format (Glance calls vpc "vhd").
SAMPLES = {'sample.raw': 'raw', 'sample.qcow2': 'qcow2', 'sample.vhd': 'vpc'}


def disk_format(name):
    """Glance's disk_format of a sample."""
    return {'vpc': 'vhd'}.get(SAMPLES[name], SAMPLES[name])


class Samples(Service):
    name = 'samples'
    processes = ('samples',)

    def prepare(self, cloud):
        d = cloud.samples_dir
        os.makedirs(d, exist_ok=True)
        raw = os.path.join(d, 'sample.raw')
        logfile = cloud.logfile('samples-setup')
        if not os.path.exists(raw):
            with open(raw + '.new', 'wb') as f:
                f.write(os.urandom(4 * 1024 * 1024))
            os.replace(raw + '.new', raw)
        for name, fmt in SAMPLES.items():
            target = os.path.join(d, name)
            if fmt != 'raw' and not os.path.exists(target):
                run(
                    [
                        'qemu-img',
                        'convert',
                        '-f',
                        'raw',
                        '-O',
                        fmt,
                        raw,
                        target + '.new',
                    ],
                    logfile,
                )
                os.replace(target + '.new', target)
        # missing.qcow2 is the URL that must answer 404.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(d, 'missing.qcow2'))

    def start(self, cloud, process):
        # The venv's python is a real binary (the pyenv shim would fork).
        argv = [
            venv_bin('swift', 'python'),
            SAMPLE_SERVER,
            cloud.samples_dir,
            str(cloud.ports[process]),
        ]
        return processes.start(cloud, process, argv)

    def health(self, cloud, process):
        return http_ok(cloud.url(process) + '/sample.raw')

    def url(self, cloud, process):
        return cloud.url(process) + '/'

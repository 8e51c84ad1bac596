# SPDX-License-Identifier: Apache-2.0
"""glance-front: nginx before Glance, as a real deployment's load
balancer is, for the faults a front end brings (HTTPS with a self-signed
certificate, a 503 maintenance page)."""

import contextlib
import os
import shutil

from localcloud import processes
from localcloud import templates
from localcloud.common import run
from localcloud.services.base import Service
from localcloud.settings import HOST

# While this file exists in run/, glance-front answers 503 with
# Retry-After: RETRY_AFTER, as a load balancer in maintenance does.
UNAVAILABLE_FLAG = 'glance-unavailable'
RETRY_AFTER = 3


class GlanceFront(Service):
    """nginx on two ports: its own (plain HTTP) and a TLS one."""

    def __init__(
        self,
        name='glance-front',
        tls_port='glance-tls',
        upstream='glance',
        conf_dir='nginx',
    ):
        self.name = name
        self.processes = (name,)
        self.extra_ports = self.https_ports = (tls_port,)
        self.upstream = upstream
        self.conf_subdir = conf_dir

    def conf_dir(self, cloud):
        return cloud.path(self.conf_subdir)

    def certificate(self, cloud):
        """(certificate, key) paths of its TLS port."""
        tdir = cloud.path('tls')
        return (
            os.path.join(tdir, self.name + '.crt'),
            os.path.join(tdir, self.name + '.key'),
        )

    def files(self, cloud):
        ndir = self.conf_dir(cloud)
        cert, key = self.certificate(cloud)
        # Run as root, nginx would hand requests to "nobody", who may not
        # reach the state directory.
        user = 'user root;\n' if os.geteuid() == 0 else ''
        return {
            os.path.join(ndir, 'nginx.conf'): templates.render(
                'nginx.conf.in',
                user=user,
                dir=ndir,
                host=HOST,
                error_log=cloud.logfile(self.name),
                access_log=cloud.logfile(self.name + '-access'),
                port=cloud.ports[self.name],
                tls_port=cloud.ports[self.extra_ports[0]],
                cert=cert,
                key=key,
                unavailable_flag=os.path.join(cloud.run_dir, UNAVAILABLE_FLAG),
                retry_after=RETRY_AFTER,
                upstream=cloud.url(self.upstream),
            )
        }

    def configure(self, cloud):
        ndir = self.conf_dir(cloud)
        for sub in ('temp', 'logs'):
            os.makedirs(os.path.join(ndir, sub), exist_ok=True)
        self.make_certificate(cloud)
        super().configure(cloud)

    def make_certificate(self, cloud):
        """A self-signed certificate for 127.0.0.1, made once per state
        dir."""
        cert, key = self.certificate(cloud)
        if os.path.exists(cert) and os.path.exists(key):
            return
        os.makedirs(os.path.dirname(cert), exist_ok=True)
        run(
            [
                'openssl',
                'req',
                '-x509',
                '-newkey',
                'rsa:2048',
                '-nodes',
                '-days',
                '3650',
                '-subj',
                f'/CN={HOST}',
                '-addext',
                f'subjectAltName=IP:{HOST}',
                '-keyout',
                key + '.new',
                '-out',
                cert + '.new',
            ],
            cloud.logfile('tls-setup'),
        )
        os.replace(key + '.new', key)
        os.replace(cert + '.new', cert)

    def start(self, cloud, process):
        self.configure(cloud)
        # A new front end starts available.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(cloud.run_dir, UNAVAILABLE_FLAG))
        nginx = (
            shutil.which(
                'nginx',
                path='/usr/sbin:/usr/bin:' + os.environ.get('PATH', ''),
            )
            or 'nginx'
        )
        argv = [
            nginx,
            '-p',
            self.conf_dir(cloud),
            '-c',
            os.path.join(self.conf_dir(cloud), 'nginx.conf'),
        ]
        return processes.start(cloud, process, argv)

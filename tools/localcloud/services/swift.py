# SPDX-License-Identifier: Apache-2.0
"""Swift all in one: the proxy (Keystone auth, TempURL, SLO/DLO, bulk)
and the account, container and object servers, one device, one replica."""

import concurrent.futures
import os
import pwd

from localcloud import processes
from localcloud import templates
from localcloud.common import run
from localcloud.files import read_json
from localcloud.files import write_json
from localcloud.install import venv_bin
from localcloud.services.base import Service
from localcloud.services.keystone import authtoken
from localcloud.settings import HOST
from localcloud.settings import REGION
from localcloud.settings import REGIONS

STORAGE_SERVERS = ('account', 'container', 'object')


class Swift(Service):
    name = 'swift'
    # The proxy last: it needs the others to answer.
    processes = tuple('swift-' + s for s in STORAGE_SERVERS) + ('swift-proxy',)

    def conf_dir(self, cloud):
        return cloud.path('swift')

    def files(self, cloud):
        sdir = self.conf_dir(cloud)
        # recon_cache_path in DEFAULT, or servers write under
        # /var/cache/swift.
        default = templates.fragment(
            'swift-default.in',
            host=HOST,
            dir=sdir,
            user=pwd.getpwuid(os.getuid()).pw_name,
        )
        out = {
            os.path.join(sdir, 'swift.conf'): templates.render(
                'swift.conf.in',
                hash_prefix=cloud.secrets['swift_hash_prefix'],
                hash_suffix=cloud.secrets['swift_hash_suffix'],
            )
        }
        for server in STORAGE_SERVERS:
            out[os.path.join(sdir, server + '-server.conf')] = (
                templates.render(
                    'swift-storage-server.conf.in',
                    default=default,
                    server=server,
                    port=cloud.ports['swift-' + server],
                )
            )
        out[os.path.join(sdir, 'proxy-server.conf')] = templates.render(
            'swift-proxy-server.conf.in',
            default=default,
            port=cloud.ports['swift-proxy'],
            authtoken=authtoken(cloud, 'swift', REGION),
            memcached=f'{HOST}:{cloud.ports["memcached"]}',
        )
        return out

    def configure(self, cloud):
        sdir = self.conf_dir(cloud)
        os.makedirs(os.path.join(sdir, 'devices', 'd1'), exist_ok=True)
        os.makedirs(os.path.join(sdir, 'recon'), exist_ok=True)
        super().configure(cloud)

    def prepare(self, cloud):
        """Write the configs; (re)build the rings when missing or ports
        moved."""
        self.configure(cloud)
        sdir = self.conf_dir(cloud)
        stamp = os.path.join(sdir, 'rings.json')
        want = {s: cloud.ports['swift-' + s] for s in STORAGE_SERVERS}
        if read_json(stamp) == want and all(
            os.path.exists(os.path.join(sdir, s + '.ring.gz'))
            for s in STORAGE_SERVERS
        ):
            return
        builder = venv_bin('swift', 'swift-ring-builder')
        logfile = cloud.logfile('swift-setup')

        def build(server):
            # One device and one replica: every partition lives on d1, so
            # data stays reachable when a rebuild only changes the port.
            path = os.path.join(sdir, server + '.builder')
            for f in (path, os.path.join(sdir, server + '.ring.gz')):
                if os.path.exists(f):
                    os.unlink(f)
            run([builder, path, 'create', '10', '1', '1'], logfile)
            run(
                [builder, path, 'add', f'r1z1-{HOST}:{want[server]}/d1', '1'],
                logfile,
            )
            run([builder, path, 'rebalance'], logfile)

        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            for job in [pool.submit(build, s) for s in STORAGE_SERVERS]:
                job.result()
        write_json(stamp, want)

    def start(self, cloud, process):
        self.configure(cloud)
        server = process.split('-', 1)[1]
        # -v logs to stdout: with no /dev/log Swift's syslog output is lost.
        argv = [
            venv_bin('swift', f'swift-{server}-server'),
            cloud.path('swift', server + '-server.conf'),
            '-v',
        ]
        return processes.start(cloud, process, argv)

    def url(self, cloud, process):
        if process == 'swift-proxy':
            return cloud.url(process) + '/v1'
        return cloud.url(process)

    def catalog(self, cloud):
        # One Swift serves every region (same accounts, same data).
        return [
            ('object-store', 'swift', cloud.swift_url_template, region)
            for region in REGIONS
        ]

# SPDX-License-Identifier: Apache-2.0
"""Keystone under gunicorn, with a sqlite database and fernet tokens."""

import concurrent.futures
import grp
import os
import pwd

from localcloud import templates
from localcloud.common import run
from localcloud.common import token_expiration
from localcloud.install import venv_bin
from localcloud.net import http_ok
from localcloud.services.base import Service
from localcloud.services.base import start_gunicorn
from localcloud.services.base import use_wal
from localcloud.settings import REGION
from localcloud.settings import REGIONS


class Keystone(Service):
    name = 'keystone'
    processes = ('keystone',)

    def conf_dir(self, cloud):
        return cloud.path('keystone')

    def files(self, cloud):
        kdir = self.conf_dir(cloud)
        return {
            os.path.join(kdir, 'keystone.conf'): templates.render(
                'keystone.conf.in',
                dir=kdir,
                token_expiration=token_expiration(),
            ),
            # Keystone's config loader parses gunicorn's flags otherwise.
            os.path.join(kdir, 'keystone_wsgi.py'): templates.render(
                'keystone_wsgi.py.in'
            ),
        }

    def prepare(self, cloud):
        """Create the database, keys and the admin (once per state dir)."""
        self.configure(cloud)
        kdir = self.conf_dir(cloud)
        stamp = os.path.join(kdir, '.initialised')
        if os.path.exists(stamp):
            return
        manage = [
            venv_bin('keystone', 'keystone-manage'),
            '--config-file',
            os.path.join(kdir, 'keystone.conf'),
        ]
        owner = [
            '--keystone-user',
            pwd.getpwuid(os.getuid()).pw_name,
            '--keystone-group',
            grp.getgrgid(os.getgid()).gr_name,
        ]
        # The key repositories do not need the database: make all three at
        # once (each keystone-manage run spends ~2 s importing keystone).
        steps = {
            'db_sync': [],
            'fernet_setup': owner,
            'credential_setup': owner,
        }
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            jobs = [
                pool.submit(
                    run,
                    manage + [step] + extra,
                    cloud.logfile('keystone-' + step),
                )
                for step, extra in steps.items()
            ]
            for job in jobs:
                job.result()
        use_wal(os.path.join(kdir, 'keystone.sqlite'))
        url = cloud.auth_url + '/'
        run(
            manage
            + [
                'bootstrap',
                '--bootstrap-password',
                cloud.secrets['admin'],
                '--bootstrap-username',
                'admin',
                '--bootstrap-project-name',
                'admin',
                '--bootstrap-role-name',
                'admin',
                '--bootstrap-service-name',
                'keystone',
                '--bootstrap-region-id',
                REGION,
                '--bootstrap-admin-url',
                url,
                '--bootstrap-internal-url',
                url,
                '--bootstrap-public-url',
                url,
            ],
            cloud.logfile('keystone-bootstrap'),
        )
        open(stamp, 'w').close()

    def start(self, cloud, process):
        # keystone.conf again: IMAGEPLUGIN_TOKEN_EXPIRATION may have changed.
        self.configure(cloud)
        kdir = self.conf_dir(cloud)
        return start_gunicorn(
            cloud,
            process,
            'keystone',
            kdir,
            env={'OS_KEYSTONE_CONFIG_DIR': kdir},
        )

    def health(self, cloud, process):
        return http_ok(cloud.auth_url)

    def url(self, cloud, process):
        return cloud.auth_url

    def catalog(self, cloud):
        # In every region: a keystonemiddleware whose region has no
        # identity endpoint answers 500 to everything.
        return [
            ('identity', 'keystone', cloud.auth_url + '/', region)
            for region in REGIONS
        ]


def authtoken(cloud, user, region):
    """keystonemiddleware's settings for a service user, to embed in the
    [keystone_authtoken] or [filter:authtoken] section of a config file."""
    return templates.fragment(
        'authtoken.in',
        auth_url=cloud.auth_url,
        user=user,
        password=cloud.secrets[user],
        region=region,
    )

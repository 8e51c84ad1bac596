# SPDX-License-Identifier: Apache-2.0
"""Glance: its WSGI app under gunicorn (Glance 33 has no glance-api
server), Keystone auth, the taskflow executor, one file store or
several (multi-store)."""

import os
import shutil

from localcloud import templates
from localcloud.common import run
from localcloud.install import venv_bin
from localcloud.install import venv_dir
from localcloud.services.base import Service
from localcloud.services.base import start_gunicorn
from localcloud.services.base import use_wal
from localcloud.services.keystone import authtoken
from localcloud.settings import REGION

# enabled_import_methods: upstream's default plus glance-download.
IMPORT_METHODS = (
    'glance-direct',
    'web-download',
    'copy-image',
    'glance-download',
)
# [glance_download_properties] extra_properties: upstream's default.
DOWNLOAD_PROPERTIES = (
    'hw_',
    'trait:',
    'os_distro',
    'os_secure_boot',
    'os_type',
)


class Glance(Service):
    """One Glance API server: process, port and directory share its name.

    A second region is one more row in the table, e.g.
    ``Glance('glance-two', region='RegionTwo', stores=('fast', 'cheap'))``.
    ``stores``: none for one file store (``images/``, staging in
    ``staging/``), or the names of file backends of a multi-store Glance
    (the first is the default; data in ``stores/NAME/``).
    """

    def __init__(
        self,
        name='glance',
        region=REGION,
        stores=(),
        template='glance-api.conf.in',
        refuses_object_storage=False,
    ):
        self.name = name
        # Its import filtering refuses the object storage's port, as a
        # cloud that keeps web-download off its own Swift does.
        self.refuses_object_storage = refuses_object_storage
        self.processes = (name,)
        self.region = region
        self.stores = tuple(stores)
        self.template = template

    def conf_dir(self, cloud):
        return cloud.path(self.name)

    def store_dirs(self, cloud):
        """{backend name: its data directory}; single-store: {'file': ...}."""
        if not self.stores:
            return {'file': cloud.path(self.name, 'images')}
        return {
            store: cloud.path(self.name, 'stores', store)
            for store in self.stores
        }

    def store_config(self, cloud):
        """Its [DEFAULT] store option and its store sections."""
        gdir = self.conf_dir(cloud)
        if not self.stores:
            return (
                f'node_staging_uri = file://{gdir}/staging',
                templates.fragment('glance-single-store.in', dir=gdir),
            )
        backends = '\n\n'.join(
            templates.fragment(
                'glance-file-backend.in', store=store, datadir=datadir
            )
            for store, datadir in self.store_dirs(cloud).items()
        )
        option = 'enabled_backends = ' + ', '.join(
            f'{store}:file' for store in self.stores
        )
        return option, templates.fragment(
            'glance-multi-store.in',
            dir=gdir,
            backends=backends,
            default_backend=self.stores[0],
        )

    def files(self, cloud):
        gdir = self.conf_dir(cloud)
        store_option, stores = self.store_config(cloud)
        return {
            os.path.join(gdir, 'glance_wsgi.py'): templates.render(
                'glance_wsgi.py.in'
            ),
            os.path.join(gdir, 'glance-api.conf'): templates.render(
                self.template,
                dir=gdir,
                import_methods=','.join(IMPORT_METHODS),
                download_properties=','.join(DOWNLOAD_PROPERTIES),
                store_option=store_option,
                stores=stores,
                disallowed_ports=(
                    cloud.ports['swift-proxy']
                    if self.refuses_object_storage
                    else ''
                ),
                authtoken=authtoken(cloud, 'glance', self.region),
            ),
        }

    def configure(self, cloud):
        gdir = self.conf_dir(cloud)
        subs = ['staging', 'tasks-work', 'cache', 'locks']
        if self.stores:
            subs.append('tasks')
        for sub in subs:
            os.makedirs(os.path.join(gdir, sub), exist_ok=True)
        for datadir in self.store_dirs(cloud).values():
            os.makedirs(datadir, exist_ok=True)
        # Glance's own paste pipeline, as its package ships it.
        paste = os.path.join(
            venv_dir('glance'), 'etc', 'glance', 'glance-api-paste.ini'
        )
        shutil.copy(paste, os.path.join(gdir, 'glance-api-paste.ini'))
        super().configure(cloud)

    def prepare(self, cloud):
        self.configure(cloud)
        gdir = self.conf_dir(cloud)
        stamp = os.path.join(gdir, '.initialised')
        if os.path.exists(stamp):
            return
        run(
            [
                venv_bin('glance', 'glance-manage'),
                '--config-file',
                os.path.join(gdir, 'glance-api.conf'),
                'db_sync',
            ],
            cloud.logfile(self.name + '-setup'),
        )
        use_wal(os.path.join(gdir, 'glance.sqlite'))
        open(stamp, 'w').close()

    def start(self, cloud, process):
        self.configure(cloud)
        gdir = self.conf_dir(cloud)
        # glance.wsgi.api:application, through the sqlite-locking wrapper.
        return start_gunicorn(
            cloud, process, 'glance', gdir, env={'OS_GLANCE_CONFIG_DIR': gdir}
        )

    def catalog(self, cloud):
        return [('image', 'glance', cloud.url(self.name), self.region)]

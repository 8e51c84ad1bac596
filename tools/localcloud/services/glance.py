"""Glance: its WSGI app under gunicorn (Glance 33 has no glance-api
server), Keystone auth, the taskflow executor, a file store."""

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


class Glance(Service):
    """One Glance API server: process, port and directory share its name.

    A second region is one more row in the table, e.g.
    ``Glance('glance-two', region='RegionTwo')``.
    """

    def __init__(self, name='glance', region=REGION,
                 template='glance-api.conf.in'):
        self.name = name
        self.processes = (name,)
        self.region = region
        self.template = template

    def conf_dir(self, cloud):
        return cloud.path(self.name)

    def files(self, cloud):
        gdir = self.conf_dir(cloud)
        return {
            os.path.join(gdir, 'glance_wsgi.py'): templates.render(
                'glance_wsgi.py.in'),
            os.path.join(gdir, 'glance-api.conf'): templates.render(
                self.template, dir=gdir,
                authtoken=authtoken(cloud, 'glance', self.region)),
        }

    def configure(self, cloud):
        gdir = self.conf_dir(cloud)
        for sub in ('images', 'staging', 'tasks-work', 'cache', 'locks'):
            os.makedirs(os.path.join(gdir, sub), exist_ok=True)
        # Glance's own paste pipeline, as its package ships it.
        paste = os.path.join(venv_dir('glance'), 'etc', 'glance',
                             'glance-api-paste.ini')
        shutil.copy(paste, os.path.join(gdir, 'glance-api-paste.ini'))
        super().configure(cloud)

    def prepare(self, cloud):
        self.configure(cloud)
        gdir = self.conf_dir(cloud)
        stamp = os.path.join(gdir, '.initialised')
        if os.path.exists(stamp):
            return
        run([venv_bin('glance', 'glance-manage'), '--config-file',
             os.path.join(gdir, 'glance-api.conf'), 'db_sync'],
            cloud.logfile(self.name + '-setup'))
        use_wal(os.path.join(gdir, 'glance.sqlite'))
        open(stamp, 'w').close()

    def start(self, cloud, process):
        self.configure(cloud)
        gdir = self.conf_dir(cloud)
        # glance.wsgi.api:application, through the sqlite-locking wrapper.
        return start_gunicorn(cloud, process, 'glance', gdir,
                              env={'OS_GLANCE_CONFIG_DIR': gdir})

    def catalog(self, cloud):
        return [('image', 'glance', cloud.url(self.name), self.region)]

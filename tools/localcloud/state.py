# SPDX-License-Identifier: Apache-2.0
"""One local cloud as its state directory describes it: paths, ports,
secrets and URLs."""

import os
import secrets

from localcloud import ports
from localcloud import services
from localcloud.files import read_json
from localcloud.files import write_json
from localcloud.settings import HOST
from localcloud.settings import STATE_DIR
from localcloud.settings import STATE_MARKER

# Generated once per state dir; the databases keep them.
SECRET_NAMES = (
    'admin',
    'demo',
    'glance',
    'swift',
    'swift_hash_prefix',
    'swift_hash_suffix',
)


class Cloud:
    """Paths and settings of one local cloud (one state directory)."""

    def __init__(self, state_dir=STATE_DIR):
        self.dir = state_dir
        self.run_dir = os.path.join(state_dir, 'run')
        self.log_dir = os.path.join(state_dir, 'logs')
        self.samples_dir = os.path.join(state_dir, 'samples')
        self.ports = read_json(os.path.join(self.run_dir, 'ports.json'), {})
        self.secrets = read_json(os.path.join(self.run_dir, 'secrets.json'))

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def logfile(self, name):
        return os.path.join(self.log_dir, name + '.log')

    def create(self):
        for d in (self.run_dir, self.log_dir, self.samples_dir):
            os.makedirs(d, exist_ok=True)
        open(self.path(STATE_MARKER), 'a').close()
        if self.secrets is None:
            self.secrets = {
                name: secrets.token_hex(12) for name in SECRET_NAMES
            }
            write_json(
                os.path.join(self.run_dir, 'secrets.json'),
                self.secrets,
                mode=0o600,
            )

    def choose_ports(self, names):
        """Reuse the last ports when free (URLs stay stable), else pick new.

        Returns whether any port changed.
        """
        old = dict(self.ports)
        self.ports = ports.choose(names, old)
        write_json(os.path.join(self.run_dir, 'ports.json'), self.ports)
        return self.ports != old

    # URLs ----------------------------------------------------------------
    def url(self, name):
        scheme = 'https' if name in services.HTTPS_PORTS else 'http'
        return f'{scheme}://{HOST}:{self.ports[name]}'

    @property
    def auth_url(self):
        return self.url('keystone') + '/v3'

    @property
    def swift_url_template(self):
        return self.url('swift-proxy') + '/v1/AUTH_%(project_id)s'

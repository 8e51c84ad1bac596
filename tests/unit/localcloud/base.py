# SPDX-License-Identifier: Apache-2.0
"""A local cloud's state directory in a temporary folder, with fixed
ports and secrets."""

import fixtures
import testtools

from localcloud.services import PORTS
from localcloud.state import SECRET_NAMES
from localcloud.state import Cloud

# Fixed, distinct ports: a test can tell which one landed where.
PORT_BASE = 40100


class CloudTestCase(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.state_dir = self.useFixture(fixtures.TempDir()).path
        self.useFixture(
            fixtures.EnvironmentVariable(
                'IMAGEPLUGIN_TOKEN_EXPIRATION', '3600'
            )
        )
        self.cloud = Cloud(self.state_dir)
        self.cloud.ports = {
            name: PORT_BASE + i for i, name in enumerate(PORTS)
        }
        self.cloud.secrets = {
            name: f'secret-of-{name}' for name in SECRET_NAMES
        }

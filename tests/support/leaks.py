# SPDX-License-Identifier: Apache-2.0
"""The leak check: no secret of the test's cloud in a command's output."""


class LeakCheck:
    """For a ``testtools.TestCase`` whose ``secrets`` are the passwords
    and tokens its commands use; each suite runs this on every command.
    """

    secrets = ()

    def assertLeaksNoSecret(self, result):
        for secret in self.secrets:
            self.assertNotIn(secret, result.stdout + result.stderr)

# SPDX-License-Identifier: Apache-2.0
"""What every suite asserts about a command: its exit code and output.

The unit suite runs the shell in-process, the functional and fault suites
run the installed ``openstack``; both end in a ``Result``, checked by the
same assertions.
"""

import json


class Result:
    """The exit code, stdout and stderr of one ``openstack`` run."""

    def __init__(self, exit_code, stdout, stderr):
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    def json(self):
        return json.loads(self.stdout)

    def __repr__(self):
        return (
            f'Result(exit_code={self.exit_code!r}, '
            f'stdout={self.stdout!r}, stderr={self.stderr!r})'
        )


class ResultAssertions:
    """Assertions on a ``Result``, for a ``testtools.TestCase``."""

    def assertSucceeds(self, result, said=''):
        """Exit 0 with nothing on stderr but ``said``; return stdout."""
        self.assertEqual((0, said), (result.exit_code, result.stderr), result)
        return result.stdout

    def assertFailsWith(self, result, message, exit_code=1):
        """The one-line error a user sees: exactly ``message``."""
        self.assertEqual(
            (exit_code, '', message + '\n'),
            (result.exit_code, result.stdout, result.stderr),
        )

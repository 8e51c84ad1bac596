# SPDX-License-Identifier: Apache-2.0
"""Unit tests of the local cloud's package (tools/localcloud).

Only its pure parts: ports, rendered configuration, process records.
No server starts here; ``tox -e functional`` runs the real cloud.
"""

import os
import sys

# The package lives in tools/, which is not installed: the same path
# tools/local-cloud puts first.
TOOLS = os.path.join(
    os.path.dirname(
        os.path.dirname(
            os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        )
    ),
    'tools',
)
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)

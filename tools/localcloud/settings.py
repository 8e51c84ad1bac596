# SPDX-License-Identifier: Apache-2.0
"""Where things live and the settings read from the environment."""

import os
import sys

TOOLS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(TOOLS_DIR)
CONSTRAINTS_DIR = os.path.join(TOOLS_DIR, 'constraints')
SAMPLE_SERVER = os.path.join(TOOLS_DIR, 'sample-server')

CACHE_DIR = os.path.abspath(
    os.path.expanduser(
        os.environ.get('IMAGEPLUGIN_CACHE') or '~/.cache/imageplugin'
    )
)
STATE_DIR = os.path.abspath(
    os.path.expanduser(
        os.environ.get('IMAGEPLUGIN_CLOUD_DIR')
        or os.path.join(REPO, '.local-cloud')
    )
)
BASE_PYTHON = os.environ.get('IMAGEPLUGIN_PYTHON') or sys.executable
START_TIMEOUT = float(os.environ.get('IMAGEPLUGIN_START_TIMEOUT') or 90)

HOST = '127.0.0.1'
REGION = 'RegionOne'
# A second region: its own Glance; Keystone and Swift serve both.
REGION_TWO = 'RegionTwo'
REGIONS = (REGION, REGION_TWO)
STATE_MARKER = '.imageplugin-local-cloud'  # proves a directory is ours

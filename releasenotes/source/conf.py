# SPDX-License-Identifier: Apache-2.0
"""Sphinx configuration of the release notes alone (tox -e releasenotes).

The documentation (doc/source) has the same page among the others.
"""

import os
import sys

sys.path.insert(
    0,
    os.path.join(
        os.path.dirname(os.path.abspath(__file__)),
        '..',
        '..',
        'doc',
        'source',
        '_ext',
    ),
)
from notes_by_release import declared_version  # noqa: E402

project = 'imageplugin'
copyright = '2026, imageplugin developers'
release = version = declared_version()
extensions = ['notes_by_release']
master_doc = 'index'
html_theme = 'alabaster'

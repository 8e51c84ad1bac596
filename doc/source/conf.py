# SPDX-License-Identifier: Apache-2.0
"""Sphinx configuration for imageplugin's documentation."""

import os
import sys

# Our own extension (the release notes page), beside this file.
sys.path.insert(
    0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '_ext')
)
from notes_by_release import declared_version  # noqa: E402

project = 'imageplugin'
copyright = '2026, imageplugin developers'
release = version = declared_version()
extensions = [
    'cliff.sphinxext',
    'notes_by_release',
    'sphinx.ext.graphviz',
]
graphviz_output_format = 'svg'
# The CLI reference is generated from the command parsers.
autoprogram_cliff_application = 'openstack'
master_doc = 'index'
exclude_patterns = ['build']
html_theme = 'alabaster'
pygments_style = 'sphinx'

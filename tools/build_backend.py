# SPDX-License-Identifier: Apache-2.0
"""setuptools' build backend, with reno to build an sdist in a git checkout.

setup.py writes reno's cache of the release notes into an sdist made from
a git checkout: that build needs reno. Nothing else does, so a wheel, an
editable install or an sdist made from an sdist do not download it.
"""

import os

from setuptools import build_meta
from setuptools.build_meta import *  # noqa: F403 (the other hooks as they are)

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def get_requires_for_build_sdist(config_settings=None):
    requires = build_meta.get_requires_for_build_sdist(config_settings)
    if os.path.exists(os.path.join(TOP, '.git')):
        requires.append('reno>=4.0.0')
    return requires

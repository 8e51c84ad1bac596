# SPDX-License-Identifier: Apache-2.0
"""Run a small real OpenStack cloud (Keystone, Glance, Swift) on 127.0.0.1.

The cloud backs the functional tests and the demo of the imageplugin
project.  Everything it writes lives in one state directory; the server
virtualenvs are cached between runs.  ``tools/local-cloud`` is the entry
point (``tools/local-cloud --help``); tools/README.rst maps the modules.

The package uses the standard library only: it runs before any
virtualenv exists.
"""

# SPDX-License-Identifier: Apache-2.0
"""Plain setuptools (metadata in setup.cfg), and release notes in the sdist.

reno finds which release each note belongs to in git, which an unpacked
sdist does not have. An sdist made in a git checkout therefore carries
reno's cache of the notes (releasenotes/notes/reno.cache), which reno reads
instead of git, so that the documentation builds from the sdist alone.
tools/build_backend.py gives this command reno to import.
"""

import os

import setuptools
from setuptools.command.sdist import sdist

TOP = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join('releasenotes', 'notes', 'reno.cache')


class SdistWithNotes(sdist):
    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        if not os.path.exists(os.path.join(TOP, '.git')):
            return  # an sdist made from an sdist: its cache came along
        from reno import cache
        from reno import config

        target = os.path.join(base_dir, CACHE)
        # The release tree is made of hard links: a file left in the
        # checkout must not be written through.
        if os.path.exists(target):
            os.unlink(target)
        cache.write_cache_db(
            config.Config(TOP, 'releasenotes'), [], outfilename=target
        )


setuptools.setup(cmdclass={'sdist': SdistWithNotes})

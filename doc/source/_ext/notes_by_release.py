# SPDX-License-Identifier: Apache-2.0
"""The release notes page: reno's notes, the unreleased ones under a name.

reno puts each note under the release whose git tag first holds it, and
names the notes of no release yet after the last tag and the commits since
("1.0.0-12"), or "0.0.0" in a repository with no tag at all, as a clone is:
it carries commits, not tags. This extension puts those notes under the
version that setup.cfg declares, the release they are part of (unless a tag
of that version exists already). Tagged releases keep reno's names.

In an unpacked sdist, which has no git, reno reads the cache of the notes
that setup.py wrote into it (``releasenotes/notes/reno.cache``).

Usage: ``.. notes-by-release::`` in a page; ``declared_version()`` for
conf.py's ``release``.
"""

import configparser
import os
import re

from docutils import nodes
from docutils import statemachine
from reno import config
from reno import formatter
from reno import loader
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

TOP = os.path.dirname(
    os.path.dirname(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    )
)
# reno's names for notes of no release yet: "0.0.0" with no tag at all,
# else "<last tag>-<commits since>".
UNRELEASED = re.compile(r'0\.0\.0|.+-[0-9]+')


def declared_version(top=TOP):
    """The version in setup.cfg, the one the package is built with."""
    parser = configparser.ConfigParser()
    parser.read(os.path.join(top, 'setup.cfg'))
    return parser['metadata']['version']


class NamedNotes:
    """A reno loader seen with its unreleased notes under ``version``."""

    def __init__(self, notes, version):
        self._notes = notes
        self._version = version
        unreleased = [
            name for name in notes.versions if UNRELEASED.fullmatch(name)
        ]
        self._renamed = (
            unreleased[0]
            if unreleased and version not in notes.versions
            else None
        )

    @property
    def versions(self):
        return [
            self._version if name == self._renamed else name
            for name in self._notes.versions
        ]

    def _reno_name(self, version):
        if self._renamed and version == self._version:
            return self._renamed
        return version

    def __getitem__(self, version):
        return self._notes[self._reno_name(version)]

    def get_version_date(self, version):
        return self._notes.get_version_date(self._reno_name(version))

    def parse_note_file(self, filename, sha):
        return self._notes.parse_note_file(filename, sha)


class NotesByRelease(SphinxDirective):
    """Every release note, grouped by release, newest first."""

    def run(self):
        # New or changed notes are not Sphinx sources: read them again on
        # every build rather than trust an incremental one.
        self.env.note_reread()
        conf = config.Config(TOP, 'releasenotes')
        with loader.Loader(conf) as notes:
            named = NamedNotes(notes, declared_version())
            text = formatter.format_report(named, conf, named.versions)
        lines = statemachine.StringList(text.splitlines(), 'release notes')
        section = nodes.section()
        section.document = self.state.document
        nested_parse_with_titles(self.state, lines, section)
        return section.children


def setup(app):
    app.add_directive('notes-by-release', NotesByRelease)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}

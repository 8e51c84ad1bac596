"""The release notes page: reno's notes, the unreleased ones under a name.

reno puts each note under the release whose git tag first holds it, and
names the history of a repository with no tag at all "0.0.0". A clone
carries commits, not tags: there this extension puts those notes under the
version that setup.cfg declares, the release they are part of. Tagged
releases keep reno's names.

In an unpacked sdist, which has no git, reno reads the cache of the notes
that setup.py wrote into it (``releasenotes/notes/reno.cache``).

Usage: ``.. notes-by-release::`` in a page; ``declared_version()`` for
conf.py's ``release``.
"""

import configparser
import os

from docutils import nodes
from docutils import statemachine
from reno import config
from reno import formatter
from reno import loader
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
# reno's name for a history that no tag marks.
UNTAGGED = '0.0.0'


def declared_version(top=TOP):
    """The version in setup.cfg, the one the package is built with."""
    parser = configparser.ConfigParser()
    parser.read(os.path.join(top, 'setup.cfg'))
    return parser['metadata']['version']


class NamedNotes:
    """A reno loader seen with its untagged notes under ``version``."""

    def __init__(self, notes, version):
        self._notes = notes
        self._version = version
        self._renamed = UNTAGGED in notes.versions

    @property
    def versions(self):
        if not self._renamed:
            return self._notes.versions
        return [self._version if name == UNTAGGED else name
                for name in self._notes.versions]

    def _reno_name(self, version):
        if self._renamed and version == self._version:
            return UNTAGGED
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

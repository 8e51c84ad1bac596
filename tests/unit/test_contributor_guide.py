"""The contributor guide's module map matches the code."""

import os
import re

import testtools

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
GUIDE = os.path.join(TOP, 'doc', 'source', 'contributor', 'index.rst')
PACKAGE = os.path.join(TOP, 'imageplugin')


def architecture():
    with open(GUIDE) as guide:
        text = guide.read()
    return text[text.index('Architecture'):text.index('The local cloud')]


def modules():
    return {name[:-3] for name in os.listdir(PACKAGE)
            if name.endswith('.py') and name != '__init__.py'}


class TestModuleMap(testtools.TestCase):

    def test_every_module_is_described_and_no_other(self):
        described = set(re.findall(r'``(\w+)\.py``', architecture()))
        self.assertEqual(modules(), described)

    def test_the_graph_has_every_module_and_no_other(self):
        graph = architecture().split('.. graphviz::')[1].split('\n\n')[1]
        drawn = set(re.findall(r'\b(\w+) -> (\w+)', graph))
        self.assertEqual(modules(), {name for edge in drawn for name in edge})

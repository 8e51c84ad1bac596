# SPDX-License-Identifier: Apache-2.0
"""The contributor guide's module map matches the code: every module is
described, and the graph draws exactly the imports between them (dashed:
made inside a function, when first needed)."""

import ast
import os
import re

import testtools

TOP = os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
)
GUIDE = os.path.join(TOP, 'doc', 'source', 'contributor', 'index.rst')
PACKAGE = os.path.join(TOP, 'imageplugin')


def architecture():
    with open(GUIDE) as guide:
        text = guide.read()
    return text[text.index('Architecture') : text.index('The local cloud')]


def modules():
    return {
        name[:-3]
        for name in os.listdir(PACKAGE)
        if name.endswith('.py') and name != '__init__.py'
    }


def imports(module, ours):
    """{(imported module, at module level)} of ``module``."""
    with open(os.path.join(PACKAGE, module + '.py')) as source:
        tree = ast.parse(source.read())
    top = set(tree.body)
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.module == 'imageplugin':
            names = [alias.name for alias in node.names]
        elif (node.module or '').startswith('imageplugin.'):
            names = [node.module.split('.')[1]]
        else:
            continue
        found |= {(name, node in top) for name in names if name in ours}
    return found


def edges():
    """The graph's lines, as the code imports."""
    ours = modules()
    lines = set()
    for module in sorted(ours):
        levels = {}
        for name, at_top in imports(module, ours):
            levels[name] = levels.get(name, False) or at_top
        lines |= {
            f'{module} -> {name}' + ('' if at_top else ' [style=dashed]')
            for name, at_top in levels.items()
        }
    return lines


def drawn():
    graph = architecture().split('.. graphviz::')[1].split('\n\n')[1]
    return {
        line.strip().rstrip(';') for line in graph.splitlines() if '->' in line
    }


# Imported by OSC on every run: what they import waits until needed.
BOUNDARIES = {
    'plugin',
    'osc_hooks',
    'task',
    'taskcopy',
    'taskexport',
    'taskimport',
    'tasklist',
}


class TestShape(testtools.TestCase):
    def test_imports_are_at_module_level_but_at_the_boundaries(self):
        ours = modules()
        late = sorted(
            f'{module} imports {name} in a function'
            for module in ours - BOUNDARIES
            for name, at_top in imports(module, ours)
            if not at_top
        )
        self.assertEqual([], late)

    def test_no_import_cycle(self):
        ours = modules()
        graph = {
            module: {name for name, at_top in imports(module, ours) if at_top}
            for module in ours
        }

        def reaches(start, goal, seen):
            for name in graph[start] - seen:
                if name == goal or reaches(name, goal, seen | {name}):
                    return True
            return False

        self.assertEqual(
            [],
            sorted(
                module for module in ours if reaches(module, module, set())
            ),
        )

    def test_every_module_has_its_unit_tests(self):
        missing = sorted(
            module
            for module in modules()
            if not os.path.exists(
                os.path.join(TOP, 'tests', 'unit', f'test_{module}.py')
            )
        )
        self.assertEqual([], missing)

    def test_no_module_over_500_lines(self):
        sizes = {}
        for module in modules():
            with open(os.path.join(PACKAGE, module + '.py')) as source:
                sizes[module] = len(source.readlines())
        self.assertEqual(
            {}, {module: size for module, size in sizes.items() if size > 500}
        )


class TestModuleMap(testtools.TestCase):
    def test_every_module_is_described_and_no_other(self):
        described = set(re.findall(r'``(\w+)\.py``', architecture()))
        self.assertEqual(sorted(modules()), sorted(described))

    def test_the_graph_draws_the_imports(self):
        expected = edges()
        self.assertEqual(
            sorted(expected),
            sorted(drawn()),
            'the graph, one edge a line:\n'
            + ''.join(f'       {line};\n' for line in sorted(expected)),
        )

# SPDX-License-Identifier: Apache-2.0
"""Config files and WSGI wrappers from templates/*.in.

Templates use ``string.Template``: ``${name}`` is a value, ``$$`` a
literal ``$`` (nginx variables).  A missing value is an error, never an
empty string in a config file.
"""

import os
import string

TEMPLATES_DIR = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), 'templates'
)


def source(name):
    with open(os.path.join(TEMPLATES_DIR, name)) as f:
        return f.read()


def render(name, **values):
    """The text of templates/NAME with every ``${placeholder}`` filled."""
    return string.Template(source(name)).substitute(values)


def fragment(name, **values):
    """A rendered part of a file, without its final newline, for embedding
    in another template on a line of its own."""
    return render(name, **values).rstrip('\n')

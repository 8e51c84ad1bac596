# SPDX-License-Identifier: Apache-2.0
"""A ``planfacts.Plan`` as a command shows it (``--dry-run``): its columns for
cliff's ShowOne, lists kept in order (one item a line in a table, a list
in JSON and YAML)."""

from cliff import columns as cliff_columns
from osc_lib.cli import format_columns


def columns(plan, **fields):
    """(columns, values) of ``plan`` and ``fields`` for a ShowOne."""
    info = {
        'route': plan.route,
        'method': plan.method,
        'source': plan.source,
        'steps': _lines_column(plan.steps, numbered=True),
    }
    for name in ('creates', 'uploads', 'deletes', 'notes'):
        info[name] = _lines_column(getattr(plan, name))
    for name, value in fields.items():
        info[name] = (
            format_columns.DictColumn(value)
            if isinstance(value, dict)
            else value
        )
    names = tuple(sorted(info))
    return names, tuple(info[name] for name in names)


def _lines_column(items, numbered=False):
    """A list column that keeps its order: one item a line in a table
    (numbered for steps), a list in JSON and YAML."""

    class Lines(cliff_columns.FormattableColumn):
        def human_readable(self):
            return '\n'.join(
                f'{index}. {item}' if numbered else item
                for index, item in enumerate(self._value, 1)
            )

        def machine_readable(self):
            return list(self._value)

    return Lines(tuple(items))

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Draw the wall times of a ``run.py --json`` file as an SVG bar chart.

Usage: plot.py FIGURES.json OUT.svg (standard library only). Each bar is
a command's median; the thin line across it spans min to max.
"""

import json
import sys
from xml.sax.saxutils import escape

BAR_HEIGHT, GAP, LABEL_WIDTH, CHART_WIDTH = 18, 8, 330, 420
COLOURS = {'ours': '#2a7ab0', 'core': '#b0552a'}


def colour(command):
    for word, value in COLOURS.items():
        if f'({word}' in command:
            return value
    return '#8c8c8c'


def svg(commands):
    longest = max(c['seconds']['high'] for c in commands)
    scale = CHART_WIDTH / longest
    height = len(commands) * (BAR_HEIGHT + GAP) + 40
    width = LABEL_WIDTH + CHART_WIDTH + 120
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" font-family="sans-serif" font-size="12">'
    ]
    for row, command in enumerate(commands):
        y = 10 + row * (BAR_HEIGHT + GAP)
        seconds = command['seconds']
        middle = y + BAR_HEIGHT / 2
        parts += [
            f'<text x="{LABEL_WIDTH - 8}" y="{middle + 4}" '
            f'text-anchor="end">{escape(command["name"])}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y}" height="{BAR_HEIGHT}" '
            f'width="{seconds["median"] * scale:.1f}" '
            f'fill="{colour(command["name"])}"/>',
            f'<line x1="{LABEL_WIDTH + seconds["low"] * scale:.1f}" '
            f'x2="{LABEL_WIDTH + seconds["high"] * scale:.1f}" '
            f'y1="{middle}" y2="{middle}" stroke="black"/>',
            f'<text x="{LABEL_WIDTH + seconds["high"] * scale + 6:.1f}" '
            f'y="{middle + 4}">{seconds["median"] * 1000:.0f} ms</text>',
        ]
    axis_y = height - 22
    parts += [
        f'<line x1="{LABEL_WIDTH}" x2="{LABEL_WIDTH + CHART_WIDTH}" '
        f'y1="{axis_y}" y2="{axis_y}" stroke="black"/>',
        f'<text x="{LABEL_WIDTH + CHART_WIDTH}" y="{axis_y + 16}" '
        f'text-anchor="end">{longest:.1f} s</text>',
        f'<text x="{LABEL_WIDTH}" y="{axis_y + 16}">0</text>',
        '</svg>',
    ]
    return '\n'.join(parts) + '\n'


def plotted(data):
    """The commands drawn: those of show and list, but the RSS runs."""
    return [
        command
        for name in ('show', 'list')
        for command in data['sections'].get(name, {}).get('commands', [])
        if '--max-items' not in command['name']
    ]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print('usage: plot.py FIGURES.json OUT.svg', file=sys.stderr)
        return 2
    with open(argv[0]) as figures:
        commands = plotted(json.load(figures))
    if not commands:
        print(
            f'plot.py: {argv[0]} has no show or list section', file=sys.stderr
        )
        return 1
    with open(argv[1], 'w') as out:
        out.write(svg(commands))
    return 0


if __name__ == '__main__':
    sys.exit(main())

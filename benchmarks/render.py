#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Render the tables of a benchmark run from its figures (JSON).

Usage: ``python benchmarks/render.py FIGURES.json`` re-renders what
``run.py`` printed, from a file written by ``run.py --json``, without
measuring anything.  The targets live here, as data (``TARGETS``); the
sections only measure.  Standard library only.
"""

import dataclasses
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import feeltable  # noqa: E402  (benchmarks/feeltable.py)

MS = 1000.0
KIB_TO_MIB = 1 / 1024


@dataclasses.dataclass(frozen=True)
class Target:
    """One row of the targets table: a figure, its label and its limit.

    ``label`` is formatted with the section's ``params`` (and ``key`` for a
    group of figures).  The figure's numbers are multiplied by ``scale``
    and shown in ``unit`` through ``measured`` (formatted with its
    fields).  ``limit`` is in that unit and applies to the figure's
    ``statistic``; with ``decides`` false the limit is shown but not
    judged (n/a); without a limit the row is information.
    """

    section: str
    figure: str
    label: str
    limit: float | None = None
    unit: str = ''
    scale: float = 1.0
    statistic: str = 'median'
    measured: str = '{median:.2f}{unit} ({low:.2f}-{high:.2f})'
    decides: bool = True

    @property
    def target(self):
        if self.limit is None:
            return 'info'
        return f'<= {self.limit}{self.unit}'


SPREAD_1 = '{median:.1f}{unit} ({low:.1f}-{high:.1f})'
SPREAD_0 = '{median:.0f}{unit} ({low:.0f}-{high:.0f})'

# The targets of issue 7, and the figures shown beside them.
TARGETS = (
    Target(
        'startup',
        'version_with_minus_without',
        'plugin tax: --version with - without ({rounds} pairs)',
        limit=1,
        unit=' ms',
        scale=MS,
        measured=SPREAD_1,
        decides=False,
    ),
    Target(
        'startup',
        'import_plugin',
        'plugin tax, every run: import imageplugin.plugin',
        limit=1,
        unit=' ms',
        scale=MS,
    ),
    Target(
        'startup',
        'import_task',
        "plugin tax, every command: import the entry points' modules",
        limit=1,
        unit=' ms',
        scale=MS,
    ),
    Target(
        'startup',
        'importtime',
        '  same, -X importtime cumulative: {key}',
        unit=' ms',
        scale=MS,
    ),
    # Issue 22: no slower than core's, with no hook into cliff's loading;
    # against --version, a figure for scale (issue 7's 1.0x needed one).
    Target(
        'show', 'ours_over_core', 'task show: ours / core', limit=1.0, unit='x'
    ),
    Target(
        'show',
        'ours_over_version',
        'task show: ours / openstack --version',
        unit='x',
    ),
    Target(
        'list',
        'ours_over_core',
        'task list ({tasks} tasks): ours / core',
        limit=0.75,
        unit='x',
    ),
    Target(
        'list',
        'rss_growth_table',
        'task list -f table: RSS({large}) - RSS({small})',
        limit=1,
        unit=' MiB',
        scale=KIB_TO_MIB,
        statistic='value',
        measured='{value:+.2f}{unit} ({small:.1f} -> {large:.1f})',
    ),
    Target(
        'list',
        'rss_growth_value',
        'task list -f value: RSS({large}) - RSS({small})',
        limit=1,
        unit=' MiB',
        scale=KIB_TO_MIB,
        statistic='value',
        measured='{value:+.2f}{unit} ({small:.1f} -> {large:.1f})',
    ),
    Target(
        'wait',
        'end_to_seen',
        '--wait, {task_seconds:g} s task (real, {runs} runs): end -> seen',
        limit=1,
        unit=' s',
        statistic='high',
    ),
    Target(
        'wait',
        'end_to_exit',
        '--wait, {task_seconds:g} s task (real): end -> exit',
        unit=' s',
    ),
    Target(
        'wait',
        'gets_per_minute',
        '--wait, {task_seconds:g} s task (real): GETs, per minute',
        unit='/min',
        measured='{requests:g}, ' + SPREAD_0,
    ),
    Target(
        'wait',
        'sim_short_end_to_seen',
        '--wait, 2 s task (simulated): end -> seen',
        limit=1,
        unit=' s',
        statistic='high',
        measured='{median:.2f}{unit} (max {high:.2f}{unit})',
    ),
    Target(
        'wait',
        'sim_long_gets_per_minute_after_5min',
        '--wait, 10 min task (simulated): GETs/min after 5 min',
        limit=2,
        unit='/min',
        statistic='value',
        measured='{value:g}{unit}',
    ),
    Target(
        'wait',
        'sim_long_end_to_seen',
        '--wait, 10 min task (simulated): end -> seen',
        unit=' s',
        measured='{median:.1f}{unit} (max {high:.1f}{unit})',
    ),
    Target(
        'wan',
        'ours_over_swift',
        'upload, {key}: ours / swift upload (wall time)',
        limit=1.0,
        unit='x',
        statistic='value',
        measured='{value:.2f}{unit}',
    ),
    Target(
        'wan',
        'ours_over_curl_longest_rtt',
        'upload, proxy at the longest RTT: ours / curl -T (transfer)',
        limit=0.33,
        unit='x',
        statistic='value',
        measured='{value:.2f}{unit}',
    ),
    Target(
        'wan',
        'ours_over_curl',
        '  same, {key}',
        unit='x',
        statistic='value',
        measured='{value:.2f}{unit}',
    ),
    Target(
        'wan',
        'one_object_over_curl',
        'upload without proxy: ours as one object / curl -T (transfer)',
        limit=1.11,
        unit='x',
        statistic='value',
        measured='{value:.2f}{unit}',
    ),
    # Issue 25: what users feel, file to active image (feel.py).
    Target(
        'feel',
        'member_upload_long',
        'member upload, {key}: ours / image create --file',
        limit=0.33,
        unit='x',
        statistic='value',
        measured='{value:.2f}{unit}',
    ),
    Target(
        'feel',
        'member_upload_rtt0',
        # "Never slower", within the byte counters' 2 % resolution.
        'member upload, {key}: ours / image create --file',
        limit=1.02,
        unit='x',
        statistic='value',
        measured='{value:.2f}{unit}',
    ),
    Target(
        'feel',
        'member_upload_other',
        'member upload, {key}: ours / image create --file',
        unit='x',
        statistic='value',
        measured='{value:.2f}{unit}',
    ),
    Target(
        'feel',
        'member_to_active_over_core',
        'member to active, {key}: ours / image create --file',
        unit='x',
        statistic='value',
        measured='{value:.2f}{unit}',
    ),
    Target(
        'feel',
        'member_to_active_over_hand_made',
        'member to active, {key}: ours / hand-made web-download',
        unit='x',
        statistic='value',
        measured='{value:.2f}{unit}',
    ),
    Target(
        'feel',
        'to_active_over_upload_and_import',
        "to active, {key}: ours / (our upload + Glance's import)",
        limit=1.2,
        unit='x',
        statistic='value',
        measured='{value:.2f}{unit}',
    ),
)


def table(headers, rows):
    widths = [
        max(len(str(x)) for x in column)
        for column in zip(headers, *rows, strict=False)
    ]
    sep = '+' + '+'.join('-' * (w + 2) for w in widths) + '+'
    lines = [
        sep,
        '| '
        + ' | '.join(
            str(h).ljust(w) for h, w in zip(headers, widths, strict=True)
        )
        + ' |',
        sep,
    ]
    for row in rows:
        lines.append(
            '| '
            + ' | '.join(
                str(c).ljust(w) for c, w in zip(row, widths, strict=True)
            )
            + ' |'
        )
    lines.append(sep)
    return '\n'.join(lines)


def _scaled(figure, scale):
    return {
        key: value * scale
        if isinstance(value, (int, float)) and key != 'n'
        else value
        for key, value in figure.items()
    }


def _is_figure(value):
    return 'unit' in value


def with_ratios(sections):
    """The sections, feel's ratios made from its tools' figures."""
    if 'feel' not in sections:
        return sections
    feel = sections['feel']
    tools = feel['figures']['tools']
    return dict(
        sections,
        feel=dict(feel, figures=dict(feeltable.ratios(tools), tools=tools)),
    )


def target_rows(sections):
    """(what, target, measured, met) for every target whose section ran."""
    sections = with_ratios(sections)
    rows = []
    for t in TARGETS:
        section = sections.get(t.section)
        if section is None or t.figure not in section['figures']:
            continue
        found = section['figures'][t.figure]
        group = (
            {None: found} if _is_figure(found) else dict(sorted(found.items()))
        )
        for key, figure in group.items():
            shown = _scaled(figure, t.scale)
            met = None
            if t.limit is not None and t.decides:
                met = shown[t.statistic] <= t.limit
            rows.append(
                (
                    t.label.format(key=key, **section['params']),
                    t.target,
                    t.measured.format(**dict(shown, unit=t.unit)),
                    met,
                )
            )
    return rows


def yes(met):
    return {True: 'yes', False: 'NO', None: 'n/a'}[met]


def command_rows(sections):
    return [
        (
            name,
            command['name'],
            SPREAD_0.format(
                **dict(_scaled(command['seconds'], MS), unit=' ms')
            ),
            SPREAD_1.format(
                **dict(_scaled(command['maxrss_kib'], KIB_TO_MIB), unit=' MiB')
            ),
        )
        for name, section in sections.items()
        for command in section.get('commands', [])
    ]


def phases_table(section):
    runs = section['params']['runs']
    medians = section['figures']['phases']
    facts = section['figures']['facts']
    rows = [
        [phase]
        + [
            f'{medians[run][phase] * MS:.1f}' if phase in medians[run] else '-'
            for run in runs
        ]
        for phase in section['params']['phases']
    ]
    for key, label in (
        ('modules_at_exit', 'modules at exit'),
        (
            'gc_tracked_objects_at_exit',
            'gc-tracked objects at exit (not frozen)',
        ),
        ('gc_collections', 'gc collections (gen 0/1/2)'),
    ):
        rows.append([label] + [str(facts[run][key]) for run in runs])
    rows.append(
        ['modules imported by take_action']
        + [
            str(len(facts[run]['modules_imported_by_take_action']))
            for run in runs
        ]
    )
    return table(['phase (median ms)', *runs], rows)


def upload_table(section):
    def number(value, digits):
        return '-' if value is None else f'{value:.{digits}f}'

    params = section['params']
    rows = [
        (
            tool['name'],
            number(tool['seconds'], 2),
            number(tool['mb_per_s'], 0),
            number(tool['transfer_mb_per_s'], 0),
            number(tool['cpu_seconds'], 2),
            f'{tool["peak_rss_mib"]:.0f} MiB',
        )
        for tool in section['figures']['tools']
    ]
    return (
        f'upload of {params["size"] / 1e6:.0f} MB, median of '
        f'{params["rounds"]} rounds (peak RSS: max)\n'
        + table(
            ('tool', 'seconds', 'MB/s', 'transfer MB/s', 'CPU s', 'peak RSS'),
            rows,
        )
    )


def wan_table(section):
    def number(value, digits):
        return '-' if value is None else f'{value:.{digits}f}'

    params = section['params']
    size = params['size']
    rows = [
        (
            tool['setting'],
            tool['name'],
            number(tool['seconds'], 2),
            number(size / tool['seconds'] / 1e6, 1),
            number(tool.get('transfer_seconds'), 2),
            number(tool['cpu_seconds'], 2),
            f'{tool["peak_rss_mib"]:.0f} MiB',
        )
        for tool in section['figures']['tools']
    ]
    cap = f'{params["rate"] / 1e6:g} MB/s per connection'
    if params.get('total_rate'):
        cap += f', {params["total_rate"] / 1e6:g} MB/s in all'
    return (
        f'upload of {size / 1e6:.0f} MB in segments of '
        f'{params["segment_size"] / 2**20:.0f} MiB through '
        f'wanproxy ({cap}), median of {params["rounds"]} rounds\n'
        + table(
            (
                'network',
                'tool',
                'seconds',
                'MB/s',
                'transfer s',
                'CPU s',
                'peak RSS',
            ),
            rows,
        )
    )


# --------------------------------------------------------------------------
# Notes: what the figures mean, for the reader of the tables
# --------------------------------------------------------------------------


def _counts(figure):
    return ', '.join(f'{k} {v}' for k, v in figure['counts'].items())


def startup_notes(section):
    yield (
        'the end-to-end --version difference is for scale only: its '
        'spread is far larger than 1 ms; the in-process rows below '
        'decide the target'
    )


def show_notes(section):
    yield (
        'HTTP requests per `task show`: '
        + _counts(section['figures']['requests'])
    )


def list_notes(section):
    yield (
        'HTTP requests per listing of all tasks: '
        + _counts(section['figures']['requests'])
    )


def wait_notes(section):
    interval = section['figures']['poll_interval']
    yield (
        f'--wait: the poll interval is an eighth of the time waited, '
        f'between {interval["low"]:g} s and {interval["high"]:g} s, so '
        f'a long task is seen up to {interval["high"]:g} s late: <= 1 s '
        'applies to short tasks, <= 2/min to long ones; "end" of a real '
        'task is when a 20 Hz observer saw it change (+-25 ms), "seen" '
        'when our client got the answer through a counting proxy'
    )


def phases_notes(section):
    facts = section['figures']['facts']
    groups = section['figures']['command_groups']
    yield (
        'phases: "freeze" = gc.freeze() as our take_action starts; '
        '"atexit freeze" = atexit.register(gc.freeze) there; "os._exit" '
        "= flush, then os._exit(rc) after cliff's clean_up (phases.py "
        'applies them from outside: prototypes, not in the plugin)'
    )
    yield (
        'phases: time in gc collections during one run (last run): '
        f'ours {facts["ours"]["gc_pauses_s"] * MS:.0f} ms, --version '
        f'{facts["--version"]["gc_pauses_s"] * MS:.0f} ms (shut-down not '
        'included)'
    )
    imported = facts['ours']['modules_imported_by_take_action']
    ours = groups['ours']
    yield (
        'phases: cliff loads (imports) every command of every group: '
        f'{groups["commands"]} commands, {groups["modules"]} modules on '
        "core's `image task show`"
        + (
            f'; on ours: {groups["modules_ours"]} modules'
            if 'modules_ours' in groups
            else ''
        )
        + '; our group: '
        + (
            f'{ours["modules"]} modules, {ours["seconds"] * MS:.1f} ms'
            if ours
            else 'not loaded'
        )
        + '; modules our take_action imported: '
        + (', '.join(imported) or 'none')
        + '; sdk image proxy or glanceclient modules imported by it: '
        + (
            ', '.join(
                m
                for m in imported
                if m.startswith(('openstack.', 'glanceclient'))
            )
            or 'none'
        )
    )


NOTES = {
    'startup': startup_notes,
    'show': show_notes,
    'list': list_notes,
    'wait': wait_notes,
    'phases': phases_notes,
}


# --------------------------------------------------------------------------


def header(run):
    machine, load = run['machine'], run['load_average']
    lines = [
        f'imageplugin benchmarks, {machine["date"]}',
        f'machine: {machine["host"]}, {machine["nproc"]} CPUs '
        f'({machine["cpu"]}), Python {machine["python"]}, Linux '
        f'{machine["kernel"]}; load average {load["before"]:.2f} before, '
        f'{load["after"]:.2f} after',
    ]
    if run.get('server'):
        lines.append(f'server: {run["server"]}')
    lines += [
        f'plugin: {run["plugin"]["source"]} (stamp {run["plugin"]["stamp"]})',
        f'versions ({run["pins_source"]}): '
        + ', '.join(f'{k} {v}' for k, v in run['versions'].items() if v),
        f'rounds: {run["rounds"]} (each command once per round, order '
        'rotated every round, one untimed warm-up round); figures are '
        'median (min-max)',
    ]
    return '\n'.join(lines)


def render(data):
    """The text report of a run, from its figures."""
    sections = data['sections']
    parts = [header(data['run'])]
    rows = command_rows(sections)
    if rows:
        parts.append(
            table(('section', 'command', 'wall time', 'peak RSS'), rows)
        )
    if 'phases' in sections:
        parts.append(phases_table(sections['phases']))
    if 'upload' in sections:
        parts.append(upload_table(sections['upload']))
    if 'wan' in sections:
        parts.append(wan_table(sections['wan']))
    if 'feel' in sections:
        parts.append(feeltable.feel_table(sections['feel'], table))
    if 'large' in sections:
        parts.append(feeltable.large_table(sections['large'], table))
    parts.append(
        table(
            ('what', 'target', 'measured', 'met?'),
            [(w, t, m, yes(met)) for w, t, m, met in target_rows(sections)],
        )
    )
    lines = [
        f'note: {note}'
        for name, section in sections.items()
        if name in NOTES
        for note in NOTES[name](section)
    ]
    lines += [
        f'FAILED: {name}: {why}'
        for name, why in data.get('failed', {}).items()
    ]
    return '\n\n'.join(parts) + ('\n' + '\n'.join(lines) if lines else '')


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0].startswith('-'):
        print('usage: render.py FIGURES.json', file=sys.stderr)
        return 2
    try:
        with open(argv[0]) as f:
            data = json.load(f)
    except (OSError, ValueError) as exc:
        print(f'render.py: cannot read {argv[0]}: {exc}', file=sys.stderr)
        return 1
    print(render(data))
    return 0


if __name__ == '__main__':
    sys.exit(main())

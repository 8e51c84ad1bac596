# SPDX-License-Identifier: Apache-2.0
"""The benchmarks' pure parts: pins, targets, tables and chart from JSON.

The measuring itself needs the local cloud and is run by hand
(``tox -e bench``); what is decided from its figures is tested here.
"""

import importlib.util
import json
import os
import sys

import fixtures
import testtools

BENCHMARKS = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), '..', '..', 'benchmarks'
)


def load(name):
    """benchmarks/NAME.py, under a name that shadows nothing."""
    spec = importlib.util.spec_from_file_location(
        f'bench_{name}', os.path.join(BENCHMARKS, f'{name}.py')
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# None imports the others; benchlib imports tests.support.cloud.
benchlib = load('benchlib')
plot = load('plot')
render = load('render')


def spread(unit, *values):
    return benchlib.spread(values, unit)


def command(name, *seconds):
    return {
        'name': name,
        'seconds': spread('s', *seconds),
        'maxrss_kib': spread('KiB', 88064, 88166),
    }


def run_facts():
    return {
        'machine': {
            'date': '2026-11-27 10:00:00 +0000',
            'host': 'h',
            'cpus': 2,
            'nproc': 2,
            'cpu': 'c',
            'python': '3.11',
            'kernel': 'k',
        },
        'load_average': {'before': 0.5, 'after': 1.0},
        'server': None,
        'plugin': {'source': 'work tree', 'stamp': 'abc'},
        'pins_source': 'constraints.txt',
        'versions': {'cliff': '4.17.0', 'osc-lib': None},
        'rounds': 3,
    }


def figures(**sections):
    # Through JSON, as render.py reads a saved run.
    return json.loads(
        json.dumps({'run': run_facts(), 'sections': sections, 'failed': {}})
    )


class ConstraintPinsTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.folder = self.useFixture(fixtures.TempDir()).path
        self.top = os.path.join(self.folder, 'constraints.txt')
        self.bench = os.path.join(self.folder, 'bench-constraints.txt')
        self.useFixture(
            fixtures.MonkeyPatch(
                'bench_benchlib.CONSTRAINTS_FILES', (self.top, self.bench)
            )
        )
        self.useFixture(
            fixtures.MonkeyPatch('bench_benchlib.REPO', self.folder)
        )

    def write(self, path, text):
        with open(path, 'w') as f:
            f.write(text)

    def test_top_level_file_wins_and_only_exact_pins_count(self):
        self.write(self.bench, 'cliff==1.0\n')
        self.write(
            self.top,
            '# CI\n-c other.txt\nosc_lib==4.7.0  # why\n'
            'keystoneauth1===5.18.1\nrequests>=2\n'
            'cliff==4.17.0; python_version >= "3.10"\n'
            'imageplugin==1.0\npip==24.0\nfoo @ file:///x.whl\n',
        )
        pins, source = benchlib.constraint_pins()
        self.assertEqual(
            [
                'cliff==4.17.0; python_version >= "3.10"',
                'keystoneauth1===5.18.1',
                'osc_lib==4.7.0',
            ],
            pins,
        )
        self.assertEqual('constraints.txt', source)
        versions = benchlib.pinned_versions(pins)
        self.assertEqual('4.7.0', versions['osc-lib'])
        self.assertEqual('4.17.0', versions['cliff'])
        self.assertIsNone(versions['openstacksdk'])

    def test_benchmarks_file_without_a_top_level_one(self):
        self.write(self.bench, 'cliff==1.0\n')
        self.assertEqual(
            (['cliff==1.0'], 'bench-constraints.txt'),
            benchlib.constraint_pins(),
        )

    def test_no_file_at_all_is_said(self):
        error = self.assertRaises(RuntimeError, benchlib.constraint_pins)
        self.assertIn(self.bench, str(error))


class RenderTest(testtools.TestCase):
    def test_targets_are_judged_on_their_statistic(self):
        data = figures(
            show={
                'params': {},
                'commands': [],
                'figures': {
                    'ours_over_core': spread('x', 0.9, 1.05, 1.1),
                    'ours_over_version': spread('x', 0.9, 0.95, 1.2),
                },
            },
            wait={
                'params': {'task_seconds': 2.0, 'runs': 3},
                'commands': [],
                'figures': {'end_to_seen': spread('s', 0.2, 0.3, 1.5)},
            },
        )
        rows = {
            what: (target, measured, met)
            for what, target, measured, met in render.target_rows(
                data['sections']
            )
        }
        self.assertEqual(
            ('<= 1.0x', '1.05x (0.90-1.10)', False),
            rows['task show: ours / core'],
        )
        # A figure for scale: no target, so not judged.
        self.assertEqual(
            ('info', '0.95x (0.90-1.20)', None),
            rows['task show: ours / openstack --version'],
        )
        # The limit is on the worst run, not the median.
        self.assertEqual(
            ('<= 1 s', '0.30 s (0.20-1.50)', False),
            rows['--wait, 2 s task (real, 3 runs): end -> seen'],
        )

    def test_groups_scales_and_information_rows(self):
        data = figures(
            startup={
                'params': {'rounds': 9},
                'commands': [],
                'figures': {
                    'version_with_minus_without': spread(
                        's', -0.02, 0.0004, 0.03
                    ),
                    'importtime': {
                        'imageplugin.task': spread('s', 0.0006),
                        'imageplugin.plugin': spread('s', 0.0004),
                    },
                },
            }
        )
        self.assertEqual(
            [
                (
                    'plugin tax: --version with - without (9 pairs)',
                    '<= 1 ms',
                    '0.4 ms (-20.0-30.0)',
                    None,
                ),
                (
                    '  same, -X importtime cumulative: imageplugin.plugin',
                    'info',
                    '0.40 ms (0.40-0.40)',
                    None,
                ),
                (
                    '  same, -X importtime cumulative: imageplugin.task',
                    'info',
                    '0.60 ms (0.60-0.60)',
                    None,
                ),
            ],
            render.target_rows(data['sections']),
        )

    def test_rss_growth_in_mib(self):
        data = figures(
            list={
                'params': {'tasks': 1056, 'small': 100, 'large': 1000},
                'commands': [],
                'figures': {
                    'rss_growth_value': {
                        'value': 1536,
                        'small': 88064,
                        'large': 89600,
                        'unit': 'KiB',
                    }
                },
            }
        )
        self.assertEqual(
            [
                (
                    'task list -f value: RSS(1000) - RSS(100)',
                    '<= 1 MiB',
                    '+1.50 MiB (86.0 -> 87.5)',
                    False,
                )
            ],
            render.target_rows(data['sections']),
        )

    def test_wan_uploads(self):
        tool = {
            'setting': 'proxy, RTT 80 ms',
            'name': 'curl -T (one PUT)',
            'seconds': 11.0,
            'transfer_seconds': 10.5,
            'cpu_seconds': 0.5,
            'peak_rss_mib': 11.0,
        }
        data = figures(
            wan={
                'params': {
                    'size': 256 * 2**20,
                    'segment_size': 32 * 2**20,
                    'rate': 25e6,
                    'total_rate': None,
                    'rtts_ms': [80],
                    'rounds': 1,
                    'default_concurrency': 4,
                },
                'commands': [],
                'figures': {
                    'tools': [tool],
                    'ours_over_swift': {
                        'proxy, RTT 80 ms': {'value': 0.9, 'unit': 'x'}
                    },
                    'ours_over_curl': {
                        'proxy, RTT 80 ms': {'value': 0.3, 'unit': 'x'}
                    },
                    'ours_over_curl_longest_rtt': {'value': 0.3, 'unit': 'x'},
                    'one_object_over_curl': {'value': 1.2, 'unit': 'x'},
                },
            }
        )
        self.assertEqual(
            [
                (
                    'upload, proxy, RTT 80 ms: ours / swift upload (wall '
                    'time)',
                    '<= 1.0x',
                    '0.90x',
                    True,
                ),
                (
                    'upload, proxy at the longest RTT: ours / curl -T '
                    '(transfer)',
                    '<= 0.33x',
                    '0.30x',
                    True,
                ),
                ('  same, proxy, RTT 80 ms', 'info', '0.30x', None),
                (
                    'upload without proxy: ours as one object / curl -T '
                    '(transfer)',
                    '<= 1.11x',
                    '1.20x',
                    False,
                ),
            ],
            render.target_rows(data['sections']),
        )
        text = render.render(data)
        self.assertIn(
            'upload of 268 MB in segments of 32 MiB through '
            'wanproxy (25 MB/s per connection), median of 1 '
            'rounds\n',
            text,
        )
        self.assertIn(
            '| proxy, RTT 80 ms | curl -T (one PUT) | 11.00   | '
            '24.4 | 10.50      | 0.50  | 11 MiB   |',
            text,
        )

    def feel_tool(self, rtt, route, name, seconds, upload, glance=None):
        return {
            'size': 128 * 2**20,
            'rtt_ms': rtt,
            'route': route,
            'name': name,
            'seconds': seconds,
            'upload_seconds': upload,
            'glance_import_seconds': glance,
            'peak_rss_mib': None if glance else 90.0,
            'rounds': 2,
        }

    def test_felt_import_targets_from_the_tools(self):
        ours = 'ours: image task import --file --wait'
        core = 'core OSC: image create --file'
        hand = 'hand-made web-download (swift + curl)'
        # Not the reference of ours, which goes by web-download.
        direct = 'hand-made glance-direct (curl)'
        tools = [
            self.feel_tool(0, 'member', ours, 18.0, 13.0),
            self.feel_tool(0, 'member', core, 18.0, 13.4),
            self.feel_tool(0, 'member', direct, 16.0, 13.4, 0.5),
            self.feel_tool(0, 'member', hand, 16.0, 13.4, 2.0),
            self.feel_tool(80, 'member', ours, 9.0, 3.4),
            self.feel_tool(80, 'member', core, 17.7, 13.4),
            self.feel_tool(80, 'member', direct, 16.2, 13.4, 0.5),
            self.feel_tool(80, 'member', hand, 16.2, 13.4, 2.5),
        ]
        data = figures(
            feel={
                'params': {
                    'rate': 10e6,
                    'segment_size': 32 * 2**20,
                    'poll_seconds': 0.25,
                },
                'commands': [],
                'figures': {'tools': tools},
            }
        )
        rows = {
            w: (t, m, met)
            for w, t, m, met in render.target_rows(data['sections'])
        }
        self.assertEqual(
            ('<= 0.33x', '0.25x', True),
            rows[
                'member upload, 128 MiB, RTT 80 ms: ours / image create --file'
            ],
        )
        self.assertEqual(
            ('<= 1.02x', '0.97x', True),
            rows[
                'member upload, 128 MiB, RTT 0 ms: ours / image create --file'
            ],
        )
        # 9.0 / (3.4 + 2.5) and 18.0 / (13.0 + 2.0)
        self.assertEqual(
            ('<= 1.2x', '1.53x', False),
            rows[
                'to active, member, 128 MiB, RTT 80 ms: ours / (our '
                "upload + Glance's import)"
            ],
        )
        self.assertEqual(
            ('<= 1.2x', '1.20x', True),
            rows[
                'to active, member, 128 MiB, RTT 0 ms: ours / (our '
                "upload + Glance's import)"
            ],
        )
        # 9.0 / 16.2
        self.assertEqual(
            ('info', '0.56x', None),
            rows[
                'member to active, 128 MiB, RTT 80 ms: ours / hand-made '
                'web-download'
            ],
        )
        self.assertIn(
            '| 128 MiB | 80 ms | member | hand-made web-download (swift + '
            'curl) | 16.2      | 13.4   | 2.5             | -        '
            '| 2      |',
            render.render(data),
        )

    def test_large_images_per_gib(self):
        data = figures(
            large={
                'params': {},
                'commands': [],
                'figures': {
                    'rows': [
                        {
                            'kind': 'sparse',
                            'size': 8 * 2**30,
                            'route': 'admin',
                            'seconds': 80.0,
                            'cpu_seconds': 20.0,
                            'peak_rss_mib': 95.0,
                        }
                    ],
                    'skipped': ['random 2 GiB, member: not enough free disk'],
                },
            }
        )
        text = render.render(data)
        self.assertIn(
            '| sparse | 8 GiB | admin | 80.0    | 10.0  | 20.0  | 95 MiB   |',
            text,
        )
        self.assertIn(
            'skipped: random 2 GiB, member: not enough free disk', text
        )

    def show_run(self):
        return figures(
            show={
                'params': {},
                'commands': [command('ours', 0.8, 0.9, 1.0)],
                'figures': {
                    'ours_over_core': spread('x', 0.6),
                    'requests': {
                        'counts': {'ours': 1, 'core': 2},
                        'unit': 'requests',
                    },
                },
            }
        )

    def test_report_text(self):
        data = self.show_run()
        data['failed'] = {'list': 'the cloud went away'}
        text = render.render(data)
        self.assertIn('versions (constraints.txt): cliff 4.17.0\n', text)
        self.assertIn(
            '| show    | ours    | 900 ms (800-1000) | 86.0 MiB (86.0-86.1) |',
            text,
        )
        self.assertIn(
            '| task show: ours / core | <= 1.0x | 0.60x (0.60-0.60) | yes  |',
            text,
        )
        self.assertIn(
            'note: HTTP requests per `task show`: ours 1, core 2\n', text
        )
        self.assertTrue(
            text.endswith('FAILED: list: the cloud went away'), text
        )

    def test_render_command_reads_a_saved_run(self):
        path = os.path.join(
            self.useFixture(fixtures.TempDir()).path, 'figures.json'
        )
        data = self.show_run()
        with open(path, 'w') as f:
            json.dump(data, f)
        stdout = self.useFixture(fixtures.StringStream('stdout')).stream
        self.useFixture(fixtures.MonkeyPatch('sys.stdout', stdout))
        self.assertEqual(0, render.main([path]))
        stdout.seek(0)
        self.assertEqual(render.render(data) + '\n', stdout.read())


class PlotTest(testtools.TestCase):
    def test_bars_of_show_and_list_without_the_rss_runs(self):
        data = figures(
            startup={
                'params': {},
                'commands': [command('--version', 1)],
                'figures': {},
            },
            show={
                'params': {},
                'commands': [
                    command('image task show (ours)', 0.9, 1.0),
                    command('image task show (core)', 1.1),
                ],
                'figures': {},
            },
            list={
                'params': {},
                'commands': [
                    command('image task list (ours)', 1.5),
                    command('ours --max-items 100 -f table', 1.2),
                ],
                'figures': {},
            },
        )
        drawn = plot.plotted(data)
        self.assertEqual(
            [
                'image task show (ours)',
                'image task show (core)',
                'image task list (ours)',
            ],
            [c['name'] for c in drawn],
        )
        svg = plot.svg(drawn)
        self.assertEqual(3, svg.count('<rect '))
        self.assertIn('fill="#2a7ab0"', svg)  # ours
        self.assertIn('fill="#b0552a"', svg)  # core

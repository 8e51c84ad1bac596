#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""File on disk to active image, as users feel it over a long path.

Side by side, on the local cloud, through ``wanproxy.WanProxy`` in front
of Keystone, Glance and Swift (default 10 MB/s per connection, RTT 0, 20
and 80 ms), for each size (default 128M and 1G):

member (the ``demo`` user, no tasks API):
  - ours: ``openstack image task import --file F --wait``;
  - ``openstack image create --file F`` of core OSC (no plugin), the
    command cloud docs tell members to run;
  - a hand-made glance-direct: curl creates the image, stages the file,
    asks for the import, then polls every 0.25 s until it is active;
  - a hand-made web-download (the route ours takes where it can):
    ``swift upload --segment-size S`` into the member's account,
    ``swift tempurl``, curl creates the image and asks for a web-download
    import from that TempURL, then polls every 0.25 s until it is active;
admin:
  - ours: ``openstack image task import --file F --wait``;
  - the seed's manual workflow: ``swift upload --segment-size S``,
    ``swift tempurl``, curl creates an import task from that TempURL, then
    polls every 0.25 s until the task succeeded.

Two figures per run:

- "to active": the wall time from the first process started to the image
  active (the command's exit; the poll that saw it for hand-made ones);
- "upload": the payload's time on the long path, from the proxies' byte
  counters (bytes delivered by the user's connections to the cloud): from
  the moment 0.5 % of the file's size had gone through to the moment the
  whole size had, scaled by 1/0.995.  API requests are a few KB: they do
  not move these marks by more than a millisecond at 10 MB/s.

Glance's own import time is measured in the hand-made workflows (from the
import or task request answered to the poll that saw the end).  Glance's
fetch of a TempURL (a request with ``temp_url_sig``) is relayed without
delay or cap: it stands for a path inside the cloud.  The hand-made
workflows get their token before the clock starts; the ``openstack``
commands authenticate through the proxy, as they would.

Run with the plugin's venv (run.py's ``feel`` section does)::

    benchmarks/feel.py --sizes 128M --rtt 0,20,80 --json out.json
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import upload  # noqa: E402  (benchmarks/upload.py)
import wanproxy  # noqa: E402

POLL = 0.25
CONTAINER = 'imageplugin-benchmark-feel'
START_FRACTION = 0.005
SIGNED = b'temp_url_sig'


def curl(*args, data=None, header_file=None):
    argv = ['curl', '-sS', '-f', '-m', '600']
    if header_file:
        argv += ['-H', '@' + header_file]
    if '-d' in args:
        argv += ['-H', 'Content-Type: application/json']
    argv += list(args)
    out = subprocess.run(
        argv, input=data, capture_output=True, text=True, check=False
    )
    if out.returncode:
        raise RuntimeError(f'curl {args[:3]} failed: {out.stderr.strip()}')
    return out.stdout


class Setting:
    """Proxies for one RTT, and the clouds.yaml profiles through them."""

    def __init__(self, cloud, rtt, rate, folder):
        self.cloud, self.rtt = cloud, rtt
        self.log = wanproxy.ByteLog()
        self.proxies = []
        self.url = {}
        for service in ('keystone', 'glance', 'swift'):
            parts = urllib.parse.urlsplit(cloud[f'{service}_url'])
            proxy = wanproxy.WanProxy(
                (parts.hostname, parts.port),
                rtt / 1000,
                rate,
                byte_log=self.log,
                unshaped=SIGNED,
            ).__enter__()
            self.proxies.append(proxy)
            self.url[service] = f'http://127.0.0.1:{proxy.port}'
        self.clouds_yaml = os.path.join(folder, f'clouds-{rtt:g}.yaml')
        self._write_profiles()

    def _write_profiles(self):
        import yaml

        with open(self.cloud['clouds_yaml']) as f:
            clouds = yaml.safe_load(f)['clouds']
        mine = {}
        for role in ('member', 'admin'):
            profile = json.loads(json.dumps(clouds[f'local-{role}']))
            profile['auth']['auth_url'] = self.url['keystone'] + '/v3'
            profile['region_name'] = self.cloud['region']
            profile.pop('regions', None)
            profile['image_endpoint_override'] = self.url['glance']
            project = self.cloud[role]['project_id']
            profile['object_store_endpoint_override'] = (
                f'{self.url["swift"]}/v1/AUTH_{project}'
            )
            mine[f'wan-{role}'] = profile
        fd = os.open(self.clouds_yaml, os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(fd, 'w') as f:
            yaml.safe_dump({'clouds': mine}, f)

    def close(self):
        for proxy in self.proxies:
            proxy.__exit__(None, None, None)
        os.unlink(self.clouds_yaml)

    def upload_seconds(self, size):
        start = self.log.when(int(size * START_FRACTION))
        end = self.log.when(size)
        if start is None or end is None:
            return None
        return (end - start) / (1 - START_FRACTION)


class Runs:
    """The tools; each returns (to active, Glance's import, RSS MiB)."""

    def __init__(self, args, cloud, folder):
        self.args, self.cloud, self.folder = args, cloud, folder
        self.ours = os.environ['IMAGEPLUGIN_BENCH_OPENSTACK']
        self.core = os.environ['IMAGEPLUGIN_BENCH_CORE_OPENSTACK']
        self.swift = upload.swift_command(argparse.Namespace(swift=None))
        self.count = 0
        self.temp_url_key = 'bench-feel-key'

    def header(self, role):
        """A header file with a fresh token of ``role`` (not on argv)."""
        path = os.path.join(self.folder, f'header-{role}')
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, 'w') as f:
            f.write(f'X-Auth-Token: {self.cloud.token(role)}\n')
        return path

    def name(self, tool):
        self.count += 1
        return f'bench-feel-{tool}-{os.getpid()}-{self.count}'

    def _openstack(self, binary, setting, role, argv):
        env = dict(os.environ, OS_CLIENT_CONFIG_FILE=setting.clouds_yaml)
        for key in [k for k in env if k.startswith('OS_')]:
            del env[key]
        env['OS_CLIENT_CONFIG_FILE'] = setting.clouds_yaml
        seconds, rss, _, _ = upload.measured(
            [binary, '--os-cloud', f'wan-{role}', *argv], env
        )
        return seconds, None, rss

    def ours_run(self, setting, role, path):
        return self._openstack(
            self.ours,
            setting,
            role,
            [
                'image',
                'task',
                'import',
                '--file',
                path,
                '--wait',
                '--name',
                self.name(f'ours-{role}'),
                '-f',
                'json',
            ],
        )

    def core_create(self, setting, role, path):
        return self._openstack(
            self.core,
            setting,
            'member',
            [
                'image',
                'create',
                '--file',
                path,
                '--disk-format',
                'raw',
                '--container-format',
                'bare',
                self.name('core'),
                '-f',
                'json',
            ],
        )

    def _poll(self, url, header, done):
        while True:
            body = json.loads(curl(url, header_file=header))
            if body['status'] in done:
                return body
            if body['status'] in ('failure', 'killed', 'deleted'):
                raise RuntimeError(
                    f'{url}: {body["status"]} {body.get("message")}'
                )
            time.sleep(POLL)

    def _new_image(self, glance, header, name):
        """A raw image made with curl, as the hand-made workflows do."""
        body = {'name': name, 'disk_format': 'raw', 'container_format': 'bare'}
        return json.loads(
            curl(
                '-X',
                'POST',
                f'{glance}/v2/images',
                '-d',
                json.dumps(body),
                header_file=header,
            )
        )

    def glance_direct(self, setting, role, path):
        header, glance = self.header('member'), setting.url['glance']
        started = time.perf_counter()
        image = self._new_image(glance, header, self.name('glance-direct'))
        curl(
            '-X',
            'PUT',
            '-H',
            'Content-Type: application/octet-stream',
            '-T',
            path,
            f'{glance}/v2/images/{image["id"]}/stage',
            '-o',
            '/dev/null',
            header_file=header,
        )
        curl(
            '-X',
            'POST',
            f'{glance}/v2/images/{image["id"]}/import',
            '-d',
            json.dumps({'method': {'name': 'glance-direct'}}),
            header_file=header,
        )
        asked = time.perf_counter()
        self._poll(f'{glance}/v2/images/{image["id"]}', header, ('active',))
        ended = time.perf_counter()
        return ended - started, ended - asked, None

    def _swift_upload(self, setting, role, path, name):
        """``swift upload`` then ``swift tempurl``: (TempURL, RSS, env)."""
        project = self.cloud[role]['project_id']
        storage = f'{setting.url["swift"]}/v1/AUTH_{project}'
        env = dict(
            os.environ,
            OS_STORAGE_URL=storage,
            OS_AUTH_TOKEN=self.cloud.token(role),
        )
        _, rss, _, _ = upload.measured(
            [
                self.swift,
                '-q',
                'upload',
                '--segment-size',
                str(self.args.segment_size),
                '--object-name',
                name,
                CONTAINER,
                path,
            ],
            env,
        )
        signed = subprocess.run(
            [
                self.swift,
                'tempurl',
                'GET',
                '86400',
                f'/v1/AUTH_{project}/{CONTAINER}/{name}',
                self.temp_url_key,
            ],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout.strip()
        return setting.url['swift'] + signed, rss, env

    def web_download(self, setting, role, path):
        header, glance = self.header('member'), setting.url['glance']
        name = self.name('web-download')
        started = time.perf_counter()
        temp_url, rss, env = self._swift_upload(setting, 'member', path, name)
        image = self._new_image(glance, header, name)
        curl(
            '-X',
            'POST',
            f'{glance}/v2/images/{image["id"]}/import',
            '-d',
            json.dumps({'method': {'name': 'web-download', 'uri': temp_url}}),
            header_file=header,
        )
        asked = time.perf_counter()
        self._poll(f'{glance}/v2/images/{image["id"]}', header, ('active',))
        ended = time.perf_counter()
        subprocess.run(
            [self.swift, '-q', 'delete', CONTAINER, name], env=env, check=False
        )
        return ended - started, ended - asked, rss

    def swift_and_task(self, setting, role, path):
        header, glance = self.header('admin'), setting.url['glance']
        name = self.name('swift')
        started = time.perf_counter()
        temp_url, rss, env = self._swift_upload(setting, 'admin', path, name)
        task = json.loads(
            curl(
                '-X',
                'POST',
                f'{glance}/v2/tasks',
                '-d',
                json.dumps(
                    {
                        'type': 'import',
                        'input': {
                            'import_from': temp_url,
                            'import_from_format': 'raw',
                            'image_properties': {
                                'name': name,
                                'disk_format': 'raw',
                                'container_format': 'bare',
                            },
                        },
                    }
                ),
                header_file=header,
            )
        )
        asked = time.perf_counter()
        self._poll(f'{glance}/v2/tasks/{task["id"]}', header, ('success',))
        ended = time.perf_counter()
        subprocess.run(
            [self.swift, '-q', 'delete', CONTAINER, name], env=env, check=False
        )
        return ended - started, ended - asked, rss


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--sizes', default='128M,1G')
    parser.add_argument(
        '--rtt', default='0,20,80', help='ms (default 0,20,80)'
    )
    parser.add_argument(
        '--rate',
        type=wanproxy._rate,
        default='10M',
        help='cap per connection, bytes/s (default 10M)',
    )
    parser.add_argument(
        '--segment-size',
        type=upload.size_argument,
        default='32M',
        help="swift upload's (default 32M)",
    )
    parser.add_argument(
        '--repeat',
        type=int,
        default=int(os.environ.get('IMAGEPLUGIN_BENCH_PAIRS') or 2),
    )
    parser.add_argument(
        '--repeat-large',
        type=int,
        default=1,
        help='rounds for sizes of 512M and more (default 1)',
    )
    parser.add_argument('--routes', default='member,admin')
    parser.add_argument(
        '--only',
        default='',
        help='run only the tools whose label holds this (e.g. ours)',
    )
    parser.add_argument('--dir', default=tempfile.gettempdir())
    parser.add_argument('--json', metavar='PATH')
    args = parser.parse_args()
    upload.with_keystoneauth()
    from tests.support.cloud import LocalCloud

    cloud = LocalCloud()
    sizes = [upload.size_argument(s) for s in args.sizes.split(',') if s]
    rtts = [float(r) for r in args.rtt.split(',') if r.strip()]
    routes = [r for r in args.routes.split(',') if r]
    folder = tempfile.mkdtemp(prefix='bench-feel-')
    runs = Runs(args, cloud, folder)
    accounts = {
        role: cloud['swift_storage_url_template']
        % {'project_id': cloud[role]['project_id']}
        for role in ('member', 'admin')
    }
    for role, account in accounts.items():
        # The manual workflows' own TempURL key (the account's second
        # one): ours keeps its own, the first.
        curl(
            '-X',
            'POST',
            '-H',
            f'X-Account-Meta-Temp-URL-Key-2: {runs.temp_url_key}',
            account,
            header_file=runs.header(role),
        )
        curl(
            '-X',
            'PUT',
            f'{account}/{CONTAINER}',
            header_file=runs.header(role),
        )
    tools = {
        'member': [
            ('ours: image task import --file --wait', runs.ours_run),
            ('core OSC: image create --file', runs.core_create),
            ('hand-made glance-direct (curl)', runs.glance_direct),
            ('hand-made web-download (swift + curl)', runs.web_download),
        ],
        'admin': [
            ('ours: image task import --file --wait', runs.ours_run),
            ('manual: swift upload + task-create + poll', runs.swift_and_task),
        ],
    }
    tools = {
        route: [(label, tool) for label, tool in found if args.only in label]
        for route, found in tools.items()
    }
    results = {}
    for size in sizes:
        path = upload.generated_file(args.dir, size)
        rounds = args.repeat_large if size >= 512 * 1024**2 else args.repeat
        for _ in range(rounds):
            for rtt in rtts:
                setting = Setting(cloud, rtt, args.rate, folder)
                try:
                    for route in routes:
                        for label, tool in tools[route]:
                            row = one_run(setting, tool, route, path, size)
                            key = (size, rtt, route, label)
                            results.setdefault(key, []).append(row)
                            show(key, row)
                            cleanup(cloud, runs)
                finally:
                    setting.close()
        os.unlink(path)
    figures = [summary(key, rows) for key, rows in results.items()]
    data = {
        'sizes': sizes,
        'rtts_ms': rtts,
        'rate': args.rate,
        'segment_size': args.segment_size,
        'poll_seconds': POLL,
        'tools': figures,
    }
    for role, account in accounts.items():
        for container in (CONTAINER, CONTAINER + '_segments'):
            # swift upload leaves its (empty) segments container.
            subprocess.run(
                [
                    'curl',
                    '-sS',
                    '-m',
                    '60',
                    '-X',
                    'DELETE',
                    '-o',
                    '/dev/null',
                    '-H',
                    '@' + runs.header(role),
                    f'{account}/{container}',
                ],
                check=False,
            )
    for name in os.listdir(folder):
        os.unlink(os.path.join(folder, name))
    os.rmdir(folder)
    if args.json:
        with open(args.json, 'w') as out:
            json.dump(data, out, indent=2)
    else:
        print(json.dumps(data, indent=2))
    return 0


def one_run(setting, tool, route, path, size):
    """(to active, upload, Glance's import, peak RSS) of one run."""
    setting.log.clear()
    seconds, glance, rss = tool(setting, route, path)
    return seconds, setting.upload_seconds(size), glance, rss


def show(key, row):
    size, rtt, route, label = key
    seconds, up, glance, _ = row
    print(
        f'{size >> 20:5} MiB RTT {rtt:3g} {route:6} {label:45} '
        f'{seconds:7.2f} s, upload {up or 0:7.2f} s, '
        f'glance {glance or 0:6.2f} s',
        file=sys.stderr,
        flush=True,
    )


def summary(key, rows):
    """Medians over the rounds (peak RSS: the highest)."""
    size, rtt, route, label = key

    def med(i):
        values = [r[i] for r in rows if r[i] is not None]
        return statistics.median(values) if values else None

    return {
        'size': size,
        'rtt_ms': rtt,
        'route': route,
        'name': label,
        'seconds': med(0),
        'upload_seconds': med(1),
        'glance_import_seconds': med(2),
        'peak_rss_mib': max((r[3] for r in rows if r[3]), default=None),
        'rounds': len(rows),
    }


def cleanup(cloud, runs):
    """Delete this run's images (by name; tasks stay), not another's."""
    header = runs.header('admin')
    glance = cloud['glance_url']
    listing = json.loads(
        curl(f'{glance}/v2/images?limit=1000', header_file=header)
    )
    for image in listing['images']:
        if f'-{os.getpid()}-' in (image.get('name') or ''):
            curl(
                '-X',
                'DELETE',
                f'{glance}/v2/images/{image["id"]}',
                header_file=header,
            )


if __name__ == '__main__':
    sys.exit(main())

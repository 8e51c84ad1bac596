# SPDX-License-Identifier: Apache-2.0
"""Config files rendered from the templates: complete, and each value
where it belongs."""

import configparser
import os

import fixtures

from localcloud import templates
from localcloud.services import BY_PROCESS
from localcloud.services import GLANCES
from localcloud.services import GROUPS
from localcloud.services import PORTS
from localcloud.services import PROCESSES
from localcloud.services import SERVICES
from localcloud.services import glance
from localcloud.settings import HOST
from tests.unit.localcloud import base


def parse_ini(text):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    return parser


class TestTemplates(base.CloudTestCase):
    def rendered(self):
        """{path relative to the state dir: text} of every service."""
        out = {}
        for service in SERVICES:
            for path, text in service.files(self.cloud).items():
                out[os.path.relpath(path, self.state_dir)] = text
        return out

    def test_every_template_renders_with_no_placeholder_left(self):
        used = []
        real_source = templates.source

        def recording_source(name):
            used.append(name)
            return real_source(name)

        self.useFixture(
            fixtures.MonkeyPatch(
                'localcloud.templates.source', recording_source
            )
        )
        files = self.rendered()
        self.assertEqual(
            sorted(os.listdir(templates.TEMPLATES_DIR)), sorted(set(used))
        )
        for path, text in files.items():
            self.assertNotIn('${', text, path)
            self.assertTrue(text.endswith('\n'), path)

    def test_a_missing_value_is_an_error(self):
        self.assertRaises(
            KeyError, templates.render, 'swift.conf.in', hash_prefix='p'
        )

    def test_the_wsgi_wrappers_are_python(self):
        files = self.rendered()
        for path in (
            'keystone/keystone_wsgi.py',
            'glance/glance_wsgi.py',
            'glance-two/glance_wsgi.py',
        ):
            compile(files[path], path, 'exec')

    def test_keystone_conf(self):
        self.useFixture(
            fixtures.EnvironmentVariable('IMAGEPLUGIN_TOKEN_EXPIRATION', '77')
        )
        conf = parse_ini(self.rendered()['keystone/keystone.conf'])
        kdir = self.cloud.path('keystone')
        self.assertEqual('77', conf['token']['expiration'])
        self.assertEqual(
            f'sqlite:///{kdir}/keystone.sqlite', conf['database']['connection']
        )
        self.assertEqual(
            f'{kdir}/fernet-keys', conf['fernet_tokens']['key_repository']
        )

    def test_glance_api_conf(self):
        conf = parse_ini(self.rendered()['glance/glance-api.conf'])
        gdir = self.cloud.path('glance')
        auth = conf['keystone_authtoken']
        self.assertEqual('glance', auth['username'])
        self.assertEqual('secret-of-glance', auth['password'])
        self.assertEqual(self.cloud.auth_url, auth['auth_url'])
        self.assertEqual('RegionOne', auth['region_name'])
        self.assertEqual(
            f'{gdir}/glance-api-paste.ini', conf['paste_deploy']['config_file']
        )
        self.assertEqual(
            f'{gdir}/images/', conf['glance_store']['filesystem_store_datadir']
        )
        # The paste section follows the auth settings, not inside them.
        self.assertEqual(
            f'{gdir}/locks', conf['oslo_concurrency']['lock_path']
        )
        # Single store, as the suites of RegionOne expect.
        self.assertEqual(
            f'file://{gdir}/staging', conf['DEFAULT']['node_staging_uri']
        )
        self.assertNotIn('enabled_backends', conf['DEFAULT'])
        self.assertEqual('file', conf['glance_store']['default_store'])
        self.assertImportMethods(conf)

    def assertImportMethods(self, conf):
        self.assertEqual(
            '[glance-direct,web-download,copy-image,glance-download]',
            conf['DEFAULT']['enabled_import_methods'],
        )
        # A bounded list option: oslo.config refuses it without brackets
        # (and every glance-download task then fails).
        self.assertEqual(
            '[hw_,trait:,os_distro,os_secure_boot,os_type]',
            conf['glance_download_properties']['extra_properties'],
        )
        self.assertEqual(
            '[127.0.0.1,localhost]',
            conf['import_filtering_opts']['allowed_hosts'],
        )
        self.assertEqual('[]', conf['import_filtering_opts']['allowed_ports'])

    def test_glance_two_conf(self):
        conf = parse_ini(self.rendered()['glance-two/glance-api.conf'])
        gdir = self.cloud.path('glance-two')
        self.assertEqual(
            'RegionTwo', conf['keystone_authtoken']['region_name']
        )
        self.assertEqual('glance', conf['keystone_authtoken']['username'])
        self.assertEqual(
            f'sqlite:///{gdir}/glance.sqlite', conf['database']['connection']
        )
        self.assertEqual(
            f'{gdir}/glance-api-paste.ini', conf['paste_deploy']['config_file']
        )
        self.assertEqual(f'{gdir}/cache', conf['DEFAULT']['image_cache_dir'])
        self.assertEqual(f'{gdir}/tasks-work', conf['task']['work_dir'])
        # Multi-store: two file backends, the first the default, and the
        # reserved staging and tasks stores (never in enabled_backends).
        self.assertEqual(
            'fast:file, cheap:file', conf['DEFAULT']['enabled_backends']
        )
        self.assertNotIn('node_staging_uri', conf['DEFAULT'])
        self.assertEqual('fast', conf['glance_store']['default_backend'])
        self.assertNotIn('stores', conf['glance_store'])
        for store in ('fast', 'cheap'):
            self.assertEqual(
                f'{gdir}/stores/{store}/',
                conf[store]['filesystem_store_datadir'],
            )
            self.assertEqual(
                f'{store} file store', conf[store]['store_description']
            )
        self.assertEqual(
            f'{gdir}/staging/',
            conf['os_glance_staging_store']['filesystem_store_datadir'],
        )
        self.assertEqual(
            f'{gdir}/tasks/',
            conf['os_glance_tasks_store']['filesystem_store_datadir'],
        )
        self.assertImportMethods(conf)

    def test_store_dirs(self):
        one, two = GLANCES
        self.assertEqual(
            {'file': self.cloud.path('glance', 'images')},
            one.store_dirs(self.cloud),
        )
        self.assertEqual(
            {
                'fast': self.cloud.path('glance-two', 'stores', 'fast'),
                'cheap': self.cloud.path('glance-two', 'stores', 'cheap'),
            },
            two.store_dirs(self.cloud),
        )

    def test_swift_confs(self):
        files = self.rendered()
        ports = self.cloud.ports
        for server in ('account', 'container', 'object'):
            conf = parse_ini(files[f'swift/{server}-server.conf'])
            self.assertEqual(
                str(ports['swift-' + server]), conf['DEFAULT']['bind_port']
            )
            self.assertEqual(
                f'egg:swift#{server}', conf[f'app:{server}-server']['use']
            )
            self.assertEqual(
                self.cloud.path('swift', 'recon'),
                conf['DEFAULT']['recon_cache_path'],
            )
        proxy = parse_ini(files['swift/proxy-server.conf'])
        self.assertEqual(
            str(ports['swift-proxy']), proxy['DEFAULT']['bind_port']
        )
        self.assertEqual(
            f'{HOST}:{ports["memcached"]}',
            proxy['filter:cache']['memcache_servers'],
        )
        auth = proxy['filter:authtoken']
        self.assertEqual('swift', auth['username'])
        self.assertEqual('secret-of-swift', auth['password'])
        self.assertEqual('true', auth['delay_auth_decision'])
        self.assertIn('keystoneauth', proxy['pipeline:main']['pipeline'])
        swift = parse_ini(files['swift/swift.conf'])
        self.assertEqual(
            'secret-of-swift_hash_prefix',
            swift['swift-hash']['swift_hash_path_prefix'],
        )

    def test_nginx_conf(self):
        text = self.rendered()['nginx/nginx.conf']
        ports = self.cloud.ports
        lines = [line.strip() for line in text.splitlines()]
        self.assertIn(f'listen {HOST}:{ports["glance-front"]};', lines)
        self.assertIn(f'listen {HOST}:{ports["glance-tls"]} ssl;', lines)
        self.assertIn(f'proxy_pass http://{HOST}:{ports["glance"]};', lines)
        self.assertIn(
            f'if (-f {self.cloud.run_dir}/glance-unavailable) {{', lines
        )
        self.assertIn('add_header Retry-After 3 always;', lines)
        # nginx's own variables come out with a single "$".
        self.assertIn(
            "log_format timed '$msec $status $request_method $request_uri';",
            lines,
        )
        self.assertIn('proxy_set_header Host $http_host;', lines)


class TestTable(base.CloudTestCase):
    def test_processes_in_start_order(self):
        self.assertEqual(
            [
                'memcached',
                'keystone',
                'swift-account',
                'swift-container',
                'swift-object',
                'swift-proxy',
                'glance',
                'glance-two',
                'glance-front',
                'samples',
            ],
            PROCESSES,
        )
        self.assertEqual(PROCESSES + ['glance-tls'], PORTS)
        self.assertEqual({'swift': PROCESSES[2:6]}, GROUPS)
        self.assertEqual(set(PROCESSES), set(BY_PROCESS))

    def test_a_glance_region_is_a_row_of_its_own(self):
        third = glance.Glance('glance-three', region='RegionThree')
        self.cloud.ports['glance-three'] = 40999
        files = third.files(self.cloud)
        conf = parse_ini(
            files[self.cloud.path('glance-three', 'glance-api.conf')]
        )
        self.assertEqual(
            'RegionThree', conf['keystone_authtoken']['region_name']
        )
        self.assertEqual(
            f'sqlite:///{self.cloud.path("glance-three")}/glance.sqlite',
            conf['database']['connection'],
        )
        self.assertEqual(
            [('image', 'glance', f'http://{HOST}:40999', 'RegionThree')],
            third.catalog(self.cloud),
        )

    def test_glances_of_the_table(self):
        self.assertEqual(
            [
                ('glance', 'RegionOne', ()),
                ('glance-two', 'RegionTwo', ('fast', 'cheap')),
            ],
            [(g.name, g.region, g.stores) for g in GLANCES],
        )
        self.assertIs(GLANCES[1], BY_PROCESS['glance-two'])

    def test_catalog_of_both_regions(self):
        ports = self.cloud.ports
        catalog = sorted(
            entry
            for service in SERVICES
            for entry in service.catalog(self.cloud)
        )
        auth = f'http://{HOST}:{ports["keystone"]}/v3/'
        swift = self.cloud.swift_url_template
        self.assertEqual(
            [
                ('identity', 'keystone', auth, 'RegionOne'),
                ('identity', 'keystone', auth, 'RegionTwo'),
                (
                    'image',
                    'glance',
                    f'http://{HOST}:{ports["glance"]}',
                    'RegionOne',
                ),
                (
                    'image',
                    'glance',
                    f'http://{HOST}:{ports["glance-two"]}',
                    'RegionTwo',
                ),
                ('object-store', 'swift', swift, 'RegionOne'),
                ('object-store', 'swift', swift, 'RegionTwo'),
            ],
            catalog,
        )

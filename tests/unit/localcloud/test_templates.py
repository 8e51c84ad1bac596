"""Config files rendered from the templates: complete, and each value
where it belongs."""

import configparser
import os

import fixtures

from localcloud import templates
from localcloud.services import BY_PROCESS
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

        self.useFixture(fixtures.MonkeyPatch(
            'localcloud.templates.source', recording_source))
        files = self.rendered()
        self.assertEqual(sorted(os.listdir(templates.TEMPLATES_DIR)),
                         sorted(set(used)))
        for path, text in files.items():
            self.assertNotIn('${', text, path)
            self.assertTrue(text.endswith('\n'), path)

    def test_a_missing_value_is_an_error(self):
        self.assertRaises(KeyError, templates.render, 'swift.conf.in',
                          hash_prefix='p')

    def test_the_wsgi_wrappers_are_python(self):
        files = self.rendered()
        for path in ('keystone/keystone_wsgi.py', 'glance/glance_wsgi.py'):
            compile(files[path], path, 'exec')

    def test_keystone_conf(self):
        self.useFixture(fixtures.EnvironmentVariable(
            'IMAGEPLUGIN_TOKEN_EXPIRATION', '77'))
        conf = parse_ini(self.rendered()['keystone/keystone.conf'])
        kdir = self.cloud.path('keystone')
        self.assertEqual('77', conf['token']['expiration'])
        self.assertEqual(f'sqlite:///{kdir}/keystone.sqlite',
                         conf['database']['connection'])
        self.assertEqual(f'{kdir}/fernet-keys',
                         conf['fernet_tokens']['key_repository'])

    def test_glance_api_conf(self):
        conf = parse_ini(self.rendered()['glance/glance-api.conf'])
        gdir = self.cloud.path('glance')
        auth = conf['keystone_authtoken']
        self.assertEqual('glance', auth['username'])
        self.assertEqual('secret-of-glance', auth['password'])
        self.assertEqual(self.cloud.auth_url, auth['auth_url'])
        self.assertEqual('RegionOne', auth['region_name'])
        self.assertEqual(f'{gdir}/glance-api-paste.ini',
                         conf['paste_deploy']['config_file'])
        self.assertEqual(f'{gdir}/images/',
                         conf['glance_store']['filesystem_store_datadir'])
        # The paste section follows the auth settings, not inside them.
        self.assertEqual(f'{gdir}/locks',
                         conf['oslo_concurrency']['lock_path'])

    def test_swift_confs(self):
        files = self.rendered()
        ports = self.cloud.ports
        for server in ('account', 'container', 'object'):
            conf = parse_ini(files[f'swift/{server}-server.conf'])
            self.assertEqual(str(ports['swift-' + server]),
                             conf['DEFAULT']['bind_port'])
            self.assertEqual(f'egg:swift#{server}',
                             conf[f'app:{server}-server']['use'])
            self.assertEqual(self.cloud.path('swift', 'recon'),
                             conf['DEFAULT']['recon_cache_path'])
        proxy = parse_ini(files['swift/proxy-server.conf'])
        self.assertEqual(str(ports['swift-proxy']),
                         proxy['DEFAULT']['bind_port'])
        self.assertEqual(f'{HOST}:{ports["memcached"]}',
                         proxy['filter:cache']['memcache_servers'])
        auth = proxy['filter:authtoken']
        self.assertEqual('swift', auth['username'])
        self.assertEqual('secret-of-swift', auth['password'])
        self.assertEqual('true', auth['delay_auth_decision'])
        self.assertIn('keystoneauth', proxy['pipeline:main']['pipeline'])
        swift = parse_ini(files['swift/swift.conf'])
        self.assertEqual('secret-of-swift_hash_prefix',
                         swift['swift-hash']['swift_hash_path_prefix'])

    def test_nginx_conf(self):
        text = self.rendered()['nginx/nginx.conf']
        ports = self.cloud.ports
        lines = [line.strip() for line in text.splitlines()]
        self.assertIn(f'listen {HOST}:{ports["glance-front"]};', lines)
        self.assertIn(f'listen {HOST}:{ports["glance-tls"]} ssl;', lines)
        self.assertIn(f'proxy_pass http://{HOST}:{ports["glance"]};', lines)
        self.assertIn(f'if (-f {self.cloud.run_dir}/glance-unavailable) {{',
                      lines)
        self.assertIn('add_header Retry-After 3 always;', lines)
        # nginx's own variables come out with a single "$".
        self.assertIn("log_format timed '$msec $status $request_method "
                      "$request_uri';", lines)
        self.assertIn('proxy_set_header Host $http_host;', lines)


class TestTable(base.CloudTestCase):

    def test_processes_in_start_order(self):
        self.assertEqual(
            ['memcached', 'keystone', 'swift-account', 'swift-container',
             'swift-object', 'swift-proxy', 'glance', 'glance-front',
             'samples'], PROCESSES)
        self.assertEqual(PROCESSES + ['glance-tls'], PORTS)
        self.assertEqual({'swift': PROCESSES[2:6]}, GROUPS)
        self.assertEqual(set(PROCESSES), set(BY_PROCESS))

    def test_a_second_glance_region_is_a_row_of_its_own(self):
        second = glance.Glance('glance-two', region='RegionTwo')
        self.cloud.ports['glance-two'] = 40999
        files = second.files(self.cloud)
        conf = parse_ini(files[self.cloud.path('glance-two',
                                               'glance-api.conf')])
        self.assertEqual('RegionTwo',
                         conf['keystone_authtoken']['region_name'])
        self.assertEqual(
            f'sqlite:///{self.cloud.path("glance-two")}/glance.sqlite',
            conf['database']['connection'])
        self.assertEqual(
            [('image', 'glance', f'http://{HOST}:40999', 'RegionTwo')],
            second.catalog(self.cloud))

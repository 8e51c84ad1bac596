# SPDX-License-Identifier: Apache-2.0
"""What ``up`` leaves for its users: clouds.yaml, cloud.json and the
summary it prints."""

import os

from localcloud.common import log
from localcloud.common import token_expiration
from localcloud.files import file_digests
from localcloud.files import read_json
from localcloud.files import write_file
from localcloud.files import write_json
from localcloud.services import BY_PROCESS
from localcloud.services import GLANCES
from localcloud.services import PROCESSES
from localcloud.services import glance
from localcloud.services import glance_front
from localcloud.services import samples as samples_service
from localcloud.settings import REGION
from localcloud.settings import REGION_TWO
from localcloud.settings import REGIONS

# profile: (user, project, image endpoint override or None: the catalog's,
# region)
PROFILES = {
    'local-admin': ('admin', 'admin', None, REGION),
    'local-member': ('demo', 'demo', None, REGION),
    # Glance through glance-front, in plain HTTP and in HTTPS.
    'local-admin-front': ('admin', 'admin', 'glance-front', REGION),
    'local-admin-tls': ('admin', 'admin', 'glance-tls', REGION),
    # The same users in the second region (its own Glance).
    'local-admin-two': ('admin', 'admin', None, REGION_TWO),
    'local-member-two': ('demo', 'demo', None, REGION_TWO),
}


def credentials(cloud, user, project, region=REGION):
    return {
        'auth_url': cloud.auth_url,
        'username': user,
        'password': cloud.secrets[user],
        'project_name': project,
        'user_domain_name': 'Default',
        'project_domain_name': 'Default',
        'region_name': region,
    }


def service_url(cloud, process):
    return BY_PROCESS[process].url(cloud, process)


def clouds_yaml(cloud):
    """The text of clouds.yaml (written by hand: no YAML library here)."""
    lines = [
        '# Written by tools/local-cloud; rewritten by every "up".',
        'clouds:',
    ]
    for profile, (user, project, front, region) in PROFILES.items():
        cred = credentials(cloud, user, project, region)
        lines += [f'  {profile}:', '    auth:']
        for key in (
            'auth_url',
            'username',
            'password',
            'project_name',
            'user_domain_name',
            'project_domain_name',
        ):
            lines.append(f'      {key}: "{cred[key]}"')
        # Every region listed (its own first): openstacksdk refuses an
        # --os-region-name that the profile does not list.
        regions = [region] + [r for r in REGIONS if r != region]
        lines += [
            '    auth_type: password',
            f'    region_name: {region}',
            f'    regions: [{", ".join(regions)}]',
            '    identity_api_version: 3',
            '    image_api_version: 2',
            '    interface: public',
        ]
        if front:
            lines.append(f'    image_endpoint_override: "{cloud.url(front)}"')
    return '\n'.join(lines) + '\n'


def cloud_json(cloud, project_ids):
    """Everything tests need to know about the cloud (cloud.json)."""
    samples = {}
    for name in samples_service.SAMPLES:
        info = file_digests(os.path.join(cloud.samples_dir, name))
        info['url'] = f'{cloud.url("samples")}/{name}'
        info['disk_format'] = samples_service.disk_format(name)
        samples[name] = info
    users = {}
    for key, user, region in (
        ('admin', 'admin', REGION),
        ('member', 'demo', REGION),
        ('admin_two', 'admin', REGION_TWO),
        ('member_two', 'demo', REGION_TWO),
    ):
        users[key] = credentials(cloud, user, user, region)
        users[key]['project_id'] = project_ids[user]
    swift_url = cloud.url('swift-proxy')
    two = next(g for g in GLANCES if g.region == REGION_TWO)
    return {
        'state_dir': cloud.dir,
        'region': REGION,
        'regions': list(REGIONS),
        'region_two': REGION_TWO,
        'ports': cloud.ports,
        'auth_url': cloud.auth_url,
        'keystone_url': cloud.url('keystone'),
        'glance_url': cloud.url('glance'),
        'glance_api_url': cloud.url('glance') + '/v2',
        # The second region's Glance (multi-store: its backends, the first
        # is the default; no glance-front before it).
        'glance_two_url': cloud.url(two.name),
        'glance_two_api_url': cloud.url(two.name) + '/v2',
        'glance_urls': {g.region: cloud.url(g.name) for g in GLANCES},
        'glance_two_stores': list(two.stores),
        'glance_two_default_store': two.stores[0],
        'glance_two_store_dirs': two.store_dirs(cloud),
        # enabled_import_methods of every Glance.
        'import_methods': list(glance.IMPORT_METHODS),
        'glance_download_properties': list(glance.DOWNLOAD_PROPERTIES),
        'swift_url': swift_url,
        'swift_storage_url_template': cloud.swift_url_template,
        'admin_swift_storage_url': (
            f'{swift_url}/v1/AUTH_{project_ids["admin"]}'
        ),
        'memcached': service_url(cloud, 'memcached'),
        'samples_url': cloud.url('samples'),
        'samples_dir': cloud.samples_dir,
        'samples': samples,
        'missing_sample_url': cloud.url('samples') + '/missing.qcow2',
        # Reads well at its start, then breaks: its import task fails.
        'failing_sample_url': cloud.url('samples') + '/broken/sample.qcow2',
        # Sent at 64 KiB/s: its import stays processing for a minute.
        'slow_sample_url': cloud.url('samples') + '/slow/sample.raw',
        **users,
        'token_expiration': token_expiration(),
        'clouds_yaml': cloud.path('clouds.yaml'),
        'clouds': sorted(PROFILES),
        'logs': {name: cloud.logfile(name) for name in PROCESSES},
        'glance_images_dir': cloud.path('glance', 'images'),
        'glance_front_url': cloud.url('glance-front'),
        'glance_tls_url': cloud.url('glance-tls'),
        'glance_tls_ca_file': cloud.path('tls', 'glance-front.crt'),
        'glance_front_access_log': cloud.logfile('glance-front-access'),
        'glance_unavailable_flag': os.path.join(
            cloud.run_dir, glance_front.UNAVAILABLE_FLAG
        ),
        'glance_retry_after': glance_front.RETRY_AFTER,
    }


def write_outputs(cloud, project_ids):
    write_file(cloud.path('clouds.yaml'), clouds_yaml(cloud), mode=0o600)
    write_json(
        cloud.path('cloud.json'), cloud_json(cloud, project_ids), mode=0o600
    )


def refresh_outputs(cloud):
    """Write clouds.yaml and cloud.json again for a running cloud, with
    the project ids its cloud.json holds: what this checkout writes
    (new profiles, new keys) without a restart. False if that file does
    not hold them."""
    data = read_json(cloud.path('cloud.json')) or {}
    try:
        project_ids = {
            'admin': data['admin']['project_id'],
            'demo': data['member']['project_id'],
        }
    except (KeyError, TypeError):
        return False
    write_outputs(cloud, project_ids)
    return True


def update_cloud_json(cloud, **changes):
    data = read_json(cloud.path('cloud.json'))
    if data is not None:
        data.update(changes)
        write_json(cloud.path('cloud.json'), data, mode=0o600)


def summary(cloud):
    rows = [
        ('Keystone', cloud.auth_url),
        *(
            (
                'Glance' if g.region == REGION else 'Glance two',
                f'{cloud.url(g.name)} ({g.region}'
                + (f'; stores {", ".join(g.stores)})' if g.stores else ')'),
            )
            for g in GLANCES
        ),
        (
            'nginx',
            f'{cloud.url("glance-front")} and '
            f'{cloud.url("glance-tls")} before Glance',
        ),
        ('Swift', cloud.url('swift-proxy') + '/v1/AUTH_<project id>'),
        ('memcached', service_url(cloud, 'memcached')),
        (
            'samples',
            cloud.url('samples') + '/ (sample.raw, sample.qcow2, sample.vhd)',
        ),
    ]
    log('')
    for name, url in rows:
        log(f'  {name:<10} {url}')
    log('')
    log(f'  state: {cloud.dir} (cloud.json, clouds.yaml, logs/)')
    log(f'  use:   export OS_CLIENT_CONFIG_FILE={cloud.path("clouds.yaml")}')
    log(
        '         openstack --os-cloud local-admin image list   '
        '# or --os-cloud local-member'
    )
    log('         (local-admin-two, local-member-two: RegionTwo)')

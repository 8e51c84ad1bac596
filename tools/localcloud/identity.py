# SPDX-License-Identifier: Apache-2.0
"""Keystone's data for the local cloud: users, projects, roles and the
catalog, made through the Keystone API (idempotent).

It logs in with its own password-token body rather than the tests'
keystoneauth session (``tests/support/cloud.py``): it runs under the
system Python, standard library only, before any virtualenv exists.
"""

from localcloud.common import CloudError
from localcloud.net import http
from localcloud.settings import REGION


class KeystoneAdmin:
    """Minimal Keystone v3 admin client for idempotent setup."""

    def __init__(self, cloud):
        self.base = cloud.auth_url
        user = {
            'name': 'admin',
            'domain': {'id': 'default'},
            'password': cloud.secrets['admin'],
        }
        scope = {'project': {'name': 'admin', 'domain': {'id': 'default'}}}
        status, headers, body = http(
            'POST',
            self.base + '/auth/tokens',
            {
                'auth': {
                    'identity': {
                        'methods': ['password'],
                        'password': {'user': user},
                    },
                    'scope': scope,
                }
            },
        )
        if status != 201:
            raise CloudError(
                f'Keystone refused the admin login ({status}): {body}'
            )
        self.token = headers['X-Subject-Token']

    def call(self, method, path, body=None):
        status, _, data = http(method, self.base + path, body, self.token)
        if status not in (200, 201, 204):
            raise CloudError(
                f'Keystone {method} {path} answered {status}: {data}'
            )
        return data

    def list(self, kind):
        # Each call costs about 0.1 s: read whole (small) collections once.
        return self.call('GET', '/' + kind)[kind]

    def create(self, kind, body):
        key = kind[:-1]
        return self.call('POST', '/' + kind, {key: body})[key]['id']

    def ensure_named(self, kind, names, body):
        """Map name -> id, creating the missing objects from body(name)."""
        ids = {
            o['name']: o['id']
            for o in self.list(kind)
            if o.get('domain_id') in (None, 'default')
        }
        for name in names:
            if name not in ids:
                ids[name] = self.create(kind, body(name))
        return ids

    def ensure_regions(self, regions):
        """Create the regions Keystone does not know (bootstrap made
        REGION)."""
        wanted = set(regions) - {REGION}
        if wanted:
            have = {r['id'] for r in self.list('regions')}
            for region in sorted(wanted - have):
                self.call('POST', '/regions', {'region': {'id': region}})


def seed(cloud, catalog):
    """Users, projects, roles, services and endpoints (idempotent).

    ``catalog`` lists (type, name, url, region): every service's entries.
    Returns the admin client and the ids of the admin and demo projects.
    """
    ks = KeystoneAdmin(cloud)
    roles = ks.ensure_named(
        'roles',
        ['admin', 'member', 'reader', 'service'],
        lambda name: {'name': name},
    )
    projects = ks.ensure_named(
        'projects',
        ['admin', 'demo', 'service'],
        lambda name: {'name': name, 'domain_id': 'default', 'enabled': True},
    )
    home = {
        'admin': 'admin',
        'demo': 'demo',
        'glance': 'service',
        'swift': 'service',
    }
    users = ks.ensure_named(
        'users',
        list(home),
        lambda name: {
            'name': name,
            'domain_id': 'default',
            'enabled': True,
            'password': cloud.secrets[name],
            'default_project_id': projects[home[name]],
        },
    )

    # demo is a plain member; the service users get admin + service.
    wanted = {('demo', 'demo', 'member')} | {
        ('service', user, role)
        for user in ('glance', 'swift')
        for role in ('admin', 'service')
    }
    have = {
        (
            a['scope'].get('project', {}).get('id'),
            a['user']['id'],
            a['role']['id'],
        )
        for a in ks.list('role_assignments')
        if 'user' in a
    }
    for project, user, role in sorted(wanted):
        ids = (projects[project], users[user], roles[role])
        if ids not in have:
            ks.call('PUT', '/projects/{}/users/{}/roles/{}'.format(*ids))

    ks.ensure_regions(region for _, _, _, region in catalog)
    services = {s['type']: s['id'] for s in ks.list('services')}
    endpoints = {
        (e['service_id'], e['interface'], e.get('region_id')): e
        for e in ks.list('endpoints')
    }
    for stype, name, url, region in catalog:
        if stype not in services:
            services[stype] = ks.create(
                'services', {'type': stype, 'name': name, 'enabled': True}
            )
        for interface in ('public', 'internal', 'admin'):
            found = endpoints.get((services[stype], interface, region))
            if not found:
                ks.create(
                    'endpoints',
                    {
                        'service_id': services[stype],
                        'interface': interface,
                        'region_id': region,
                        'url': url,
                        'enabled': True,
                    },
                )
            elif found['url'] != url:
                # The ports moved since the last run.
                ks.call(
                    'PATCH',
                    '/endpoints/' + found['id'],
                    {'endpoint': {'url': url}},
                )
    return ks, {name: projects[name] for name in ('admin', 'demo')}

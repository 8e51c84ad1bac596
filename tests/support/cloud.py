# SPDX-License-Identifier: Apache-2.0
"""The running local cloud, as its state directory describes it.

``tools/local-cloud up`` starts Keystone, Glance and Swift on 127.0.0.1
and writes ``cloud.json`` into its state directory
(``IMAGEPLUGIN_CLOUD_DIR``, default ``.local-cloud``: this module takes
it from ``tools/localcloud/settings.py``). ``LocalCloud`` reads that
file; its ``session(user)`` is a keystoneauth session logged in as one of
the cloud's users, for what tests and benchmarks ask the servers
themselves.
"""

import json
import os
import sys
import urllib.parse

from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3
import requests

# Where the state directory is, the local cloud's own settings say;
# tools/ is not installed: put it first, as tools/local-cloud does.
TOOLS = os.path.join(
    os.path.dirname(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ),
    'tools',
)
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)

from localcloud import settings  # noqa: E402

TOOL = os.path.join(settings.TOOLS_DIR, 'local-cloud')
STATE_DIR = settings.STATE_DIR
LOOPBACK = ('localhost', '::1')
# Seconds a request may take: a frozen server must fail the test, not
# hang it.
TIMEOUT = 30


def is_loopback(url):
    host = urllib.parse.urlsplit(url).hostname or ''
    return host in LOOPBACK or host.startswith('127.')


class LocalCloud:
    """``cloud.json`` of the running local cloud; ``cloud[key]`` reads it.

    Users are its keys with credentials: ``'admin'`` and ``'member'``.
    """

    def __init__(self, state_dir=STATE_DIR, user_agent=None):
        path = os.path.join(state_dir, 'cloud.json')
        if not os.path.exists(path):
            raise RuntimeError(
                f'{path} is missing: run "tools/local-cloud up"'
            )
        with open(path) as cloud_json:
            self.info = json.load(cloud_json)
        self.user_agent = user_agent
        self._sessions = {}

    def __getitem__(self, key):
        return self.info[key]

    @property
    def secrets(self):
        """The users' passwords, which no command may print."""
        return [self.info[user]['password'] for user in ('admin', 'member')]

    def session(self, user='admin'):
        """A keystoneauth session of ``user``, logged in on first use."""
        if user not in self._sessions:
            self._sessions[user] = self._new_session(self.info[user])
        return self._sessions[user]

    def _new_session(self, credentials):
        auth = v3.Password(
            auth_url=self.info['auth_url'],
            username=credentials['username'],
            password=credentials['password'],
            user_domain_name=credentials['user_domain_name'],
            project_id=credentials['project_id'],
        )
        # The cloud may issue tokens of 20 or 30 seconds: renew once a
        # third of a token's life is gone (keystoneauth's own margin,
        # 120 s, would log in again on every request).
        lifetime = float(self.info.get('token_expiration') or 3600)
        auth.MIN_TOKEN_LIFE_SECONDS = min(
            auth.MIN_TOKEN_LIFE_SECONDS, 2 * lifetime / 3
        )
        # Loopback only: never through a proxy from the environment.
        transport = requests.Session()
        transport.trust_env = False
        # Glance's error bodies are HTML unless JSON is asked for.
        return ks_session.Session(
            auth=auth,
            session=transport,
            user_agent=self.user_agent,
            timeout=TIMEOUT,
            additional_headers={'Accept': 'application/json'},
        )

    def token(self, user='admin'):
        return self.session(user).get_token()

    def access(self, user='admin'):
        """The ``AccessInfo`` of ``user``'s token (its issue, expiry)."""
        session = self.session(user)
        return session.auth.get_access(session)

    def request(self, method, url, user='admin', **kwargs):
        """One request to a server of the cloud as ``user`` (None: no
        token); the ``requests.Response``, error statuses included."""
        if not is_loopback(url):
            raise ValueError(f'not a URL of the local cloud: {url}')
        return self.session(user or 'admin').request(
            url,
            method,
            authenticated=user is not None,
            raise_exc=False,
            **kwargs,
        )

# SPDX-License-Identifier: Apache-2.0
"""What the servers need on the machine: Debian packages and one cached
virtualenv per server."""

import concurrent.futures
import os
import shutil
import subprocess
import sys
import time

from localcloud import settings
from localcloud.common import CloudError
from localcloud.common import log
from localcloud.common import run
from localcloud.files import read_json
from localcloud.files import sha256_of
from localcloud.files import write_json

# Each server gets its own virtualenv: their library pins differ.  The
# versions of everything else come from tools/constraints/NAME.txt.
VENVS = {
    'keystone': ['keystone==30.0.0', 'gunicorn==27.0.1'],
    'glance': [
        'glance==33.0.0',
        'gunicorn==27.0.1',
        'keystonemiddleware==13.0.1',
    ],
    'swift': ['swift==2.38.3', 'keystonemiddleware==13.0.1'],
}

# The Debian packages the local cloud needs, each with the program that
# shows it is installed.  This is the one list of them in the package.


def venvs_root():
    return os.path.join(settings.CACHE_DIR, 'venvs')


def venv_dir(name):
    version = VENVS[name][0].split('==')[1]
    return os.path.join(venvs_root(), f'{name}-{version}')


def venv_bin(name, prog):
    return os.path.join(venv_dir(name), 'bin', prog)


def constraints_file(name):
    return os.path.join(settings.CONSTRAINTS_DIR, name + '.txt')


def venv_wanted(name):
    """What the venv must have been built from (compared to its marker)."""
    constraints = constraints_file(name)
    return {
        'requirements': VENVS[name],
        'constraints_sha256': (
            sha256_of(constraints) if os.path.exists(constraints) else None
        ),
    }


def venv_ready(name):
    marker = read_json(os.path.join(venv_dir(name), '.local-cloud.json'))
    return marker == venv_wanted(name)


def build_venv(name):
    """(Re)build one venv; returns the seconds it took."""
    path = venv_dir(name)
    logfile = os.path.join(venvs_root(), name + '-install.log')
    # A venv without a valid marker is half-built or stale: start over.
    shutil.rmtree(path, ignore_errors=True)
    if os.path.exists(logfile):
        os.unlink(logfile)
    start = time.monotonic()
    run([settings.BASE_PYTHON, '-m', 'venv', path], logfile)
    argv = [
        os.path.join(path, 'bin', 'pip'),
        'install',
        '--disable-pip-version-check',
    ] + VENVS[name]
    constraints = constraints_file(name)
    if os.path.exists(constraints):
        argv += ['-c', constraints]
    run(argv, logfile)
    write_json(os.path.join(path, '.local-cloud.json'), venv_wanted(name))
    return time.monotonic() - start


def install_apt_packages():
    """The Debian packages of bindep.txt's "cloud" profile, if missing.

    bindep.txt is the project's one list of them; tools/system-packages
    reads it and installs what is missing.
    """
    script = os.path.join(settings.REPO, 'tools', 'system-packages')
    if (
        subprocess.call(
            [sys.executable, script, 'cloud'], stdin=subprocess.DEVNULL
        )
        != 0
    ):
        raise CloudError('the Debian packages the cloud needs are missing')


def build_missing_venvs(cloud_running):
    """Build the venvs that are missing or stale.

    ``cloud_running()`` says whether servers run from them now.
    """
    todo = [name for name in VENVS if not venv_ready(name)]
    if not todo:
        return
    if cloud_running():
        # Rebuilding a venv under a running server would break it.
        raise CloudError(
            f'virtualenvs {", ".join(todo)} must be rebuilt: '
            'stop the cloud first (tools/local-cloud down)'
        )
    log(
        f'installing virtualenvs under {venvs_root()}: {", ".join(todo)} '
        '(takes about a minute)'
    )
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(len(todo)) as pool:
        jobs = {name: pool.submit(build_venv, name) for name in todo}
    for name, job in jobs.items():
        log(f'  {name}: {job.result():.0f} s')
    log(f'virtualenvs ready in {time.monotonic() - start:.0f} s')

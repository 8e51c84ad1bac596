# SPDX-License-Identifier: Apache-2.0
"""The services of the local cloud: ONE table, in start order.

Every command goes through ``SERVICES`` (and the lists derived from it)
to prepare, start, probe, stop and describe services: no command picks
what to do from a chain of service names.  The second region is one
more row, ``glance.Glance('glance-two', region=REGION_TWO, stores=...)``
after the first Glance: it gets its own port, directory, database, file
stores, log, PID record, ``*-service`` name and ``image`` endpoints in
its region; Keystone and Swift give endpoints in every region of
``settings.REGIONS`` (tools/README.rst says more).
"""

from localcloud.services import glance
from localcloud.services import glance_front
from localcloud.services import keystone
from localcloud.services import memcached
from localcloud.services import samples
from localcloud.services import swift
from localcloud.settings import REGION_TWO

# RegionTwo's Glance is multi-store (copy-image --stores can be tried
# there); the first backend is its default. Its import filtering refuses
# the object storage's URLs (a member's --file falls back to
# glance-direct there).
REGION_TWO_STORES = ('fast', 'cheap')

SERVICES = (
    memcached.Memcached(),
    keystone.Keystone(),
    swift.Swift(),
    glance.Glance(),
    glance.Glance(
        'glance-two',
        region=REGION_TWO,
        stores=REGION_TWO_STORES,
        refuses_object_storage=True,
    ),
    glance_front.GlanceFront(),
    samples.Samples(),
)

# Every process, in start order; each has a port of its own name.
PROCESSES = [p for s in SERVICES for p in s.processes]
# Ports: one per process, then the extra ones (glance-front's TLS port).
PORTS = PROCESSES + [p for s in SERVICES for p in s.extra_ports]
HTTPS_PORTS = frozenset(p for s in SERVICES for p in s.https_ports)
# Names that stand for several processes ("swift": its four servers).
GROUPS = {
    s.name: list(s.processes)
    for s in SERVICES
    if list(s.processes) != [s.name]
}
BY_PROCESS = {p: s for s in SERVICES for p in s.processes}
# The Glance of each region, in table order.
GLANCES = [s for s in SERVICES if isinstance(s, glance.Glance)]

# SPDX-License-Identifier: Apache-2.0
"""Free ports on 127.0.0.1: pick them once, keep them while they stay free.

Stable ports keep the Keystone catalog, the Swift rings and the URLs in
cloud.json valid from one ``up`` to the next.
"""

import socket

from localcloud.settings import HOST


def port_is_free(port, host=HOST):
    # SO_REUSEADDR like the servers: TIME_WAIT leftovers do not block them.
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def pick_port(taken, host=HOST):
    """A free port the kernel chooses (bind to 0), not one in ``taken``."""
    while True:
        with socket.socket() as s:
            s.bind((host, 0))
            port = s.getsockname()[1]
        if port not in taken:
            return port


def choose(names, old, is_free=port_is_free, pick=pick_port):
    """Map each name to a port: its old one when still free, else a new one.

    ``old`` maps names to the ports of the last run; no two names share a
    port.  The result lists the names in the order given.
    """
    new = {}
    for name in names:
        port = old.get(name)
        if not port or port in new.values() or not is_free(port):
            port = pick(set(new.values()))
        new[name] = port
    return new

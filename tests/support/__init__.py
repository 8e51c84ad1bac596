# SPDX-License-Identifier: Apache-2.0
"""What the unit, functional and fault suites and the benchmarks share.

- ``result``: the ``Result`` of one ``openstack`` run and its assertions;
- ``leaks``: the check every suite makes on every command's output, that
  no secret of its cloud shows in it;
- ``files``: files for the tests to import;
- ``cloud``: the running local cloud, as its state directory describes
  it, and a keystoneauth session per user of it.

Importing this package imports none of them: the benchmarks take
``cloud`` without the test libraries.
"""

# SPDX-License-Identifier: Apache-2.0
"""Ports: chosen once, kept while free, never shared."""

import json
import os
import socket

import testtools

from localcloud import ports
from localcloud.settings import HOST
from localcloud.state import Cloud
from tests.unit.localcloud import base


class FakeKernel:
    """Hands out 50000, 50001, ... and says which ports are taken."""

    def __init__(self, taken=()):
        self.taken = set(taken)
        self.next = 50000
        self.asked = []

    def is_free(self, port):
        return port not in self.taken

    def pick(self, taken):
        self.asked.append(set(taken))
        while self.next in taken:
            self.next += 1
        self.next += 1
        return self.next - 1


class TestChoose(testtools.TestCase):
    def test_new_names_get_picked_ports_in_the_order_given(self):
        kernel = FakeKernel()
        chosen = ports.choose(['b', 'a', 'c'], {}, kernel.is_free, kernel.pick)
        self.assertEqual(['b', 'a', 'c'], list(chosen))
        self.assertEqual({'b': 50000, 'a': 50001, 'c': 50002}, chosen)

    def test_free_old_ports_are_kept(self):
        kernel = FakeKernel()
        old = {'a': 41000, 'b': 41001}
        self.assertEqual(
            old, ports.choose(['a', 'b'], old, kernel.is_free, kernel.pick)
        )
        self.assertEqual([], kernel.asked)

    def test_a_taken_port_is_replaced_and_the_others_kept(self):
        kernel = FakeKernel(taken={41001})
        chosen = ports.choose(
            ['a', 'b', 'c'],
            {'a': 41000, 'b': 41001, 'c': 41002},
            kernel.is_free,
            kernel.pick,
        )
        self.assertEqual({'a': 41000, 'b': 50000, 'c': 41002}, chosen)

    def test_two_names_never_share_a_port(self):
        kernel = FakeKernel()
        kernel.next = 41000
        chosen = ports.choose(
            ['a', 'b', 'c'],
            {'a': 41000, 'b': 41000},
            kernel.is_free,
            kernel.pick,
        )
        self.assertEqual(41000, chosen['a'])
        self.assertEqual(3, len(set(chosen.values())), chosen)
        # The picker is told which ports are already given out.
        self.assertIn(41000, kernel.asked[0])


class TestRealPorts(testtools.TestCase):
    def listening_port(self):
        s = socket.socket()
        self.addCleanup(s.close)
        s.bind((HOST, 0))
        s.listen()
        return s.getsockname()[1]

    def test_a_listening_port_is_not_free(self):
        self.assertFalse(ports.port_is_free(self.listening_port()))

    def test_a_picked_port_is_free_and_not_in_taken(self):
        taken = {self.listening_port()}
        port = ports.pick_port(taken)
        self.assertNotIn(port, taken)
        self.assertTrue(ports.port_is_free(port))


class TestPortsRecord(base.CloudTestCase):
    def test_choose_ports_records_them_and_keeps_them_next_time(self):
        cloud = Cloud(self.state_dir)
        os.makedirs(cloud.run_dir)
        names = ['keystone', 'glance']
        self.assertTrue(cloud.choose_ports(names))
        with open(os.path.join(cloud.run_dir, 'ports.json')) as f:
            self.assertEqual(cloud.ports, json.load(f))
        self.assertEqual(names, list(cloud.ports))
        again = Cloud(self.state_dir)
        self.assertFalse(again.choose_ports(names))
        self.assertEqual(cloud.ports, again.ports)

    def test_urls_follow_the_ports(self):
        ports_ = self.cloud.ports
        self.assertEqual(
            f'http://{HOST}:{ports_["keystone"]}/v3', self.cloud.auth_url
        )
        self.assertEqual(
            f'https://{HOST}:{ports_["glance-tls"]}',
            self.cloud.url('glance-tls'),
        )
        self.assertEqual(
            f'http://{HOST}:{ports_["swift-proxy"]}/v1/AUTH_%(project_id)s',
            self.cloud.swift_url_template,
        )

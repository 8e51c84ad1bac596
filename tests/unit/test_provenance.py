# SPDX-License-Identifier: Apache-2.0
import testtools

from imageplugin import provenance

MD5 = 'f0beff41e916cda0c0eba13b6c8a8a48'
SHA256 = '37e91de63148023b4931955c93863fd04dc4b6589fc14113b9f0232471395a03'


class TestProperties(testtools.TestCase):
    def test_as_openstacksdk_records_them(self):
        self.assertEqual(
            {
                'owner_specified.openstack.md5': MD5,
                'owner_specified.openstack.sha256': SHA256,
                'owner_specified.openstack.object': 'images/disk-1.raw',
            },
            provenance.properties(
                {'md5': MD5, 'sha256': SHA256, 'sha512': 'x'},
                'images/disk-1.raw',
            ),
        )

    def test_no_object_where_none_was_uploaded(self):
        self.assertEqual(
            {'owner_specified.openstack.md5': MD5},
            provenance.properties({'md5': MD5}),
        )

    def test_patch(self):
        self.assertEqual(
            [
                {
                    'op': 'add',
                    'path': '/owner_specified.openstack.md5',
                    'value': MD5,
                }
            ],
            provenance.patch({'owner_specified.openstack.md5': MD5}),
        )


class TestRecordedHashes(testtools.TestCase):
    def test_glance_s_own_outrank_the_owner_s(self):
        self.assertEqual(
            {'md5': MD5, 'sha256': SHA256, 'sha512': 'ab'},
            provenance.recorded_hashes(
                {
                    'checksum': MD5,
                    'os_hash_algo': 'sha512',
                    'os_hash_value': 'AB',
                    'owner_specified.openstack.md5': '0' * 32,
                    'owner_specified.openstack.sha256': SHA256.upper(),
                }
            ),
        )

    def test_openstacksdk_s_empty_hashes_say_nothing(self):
        self.assertEqual(
            {},
            provenance.recorded_hashes(
                {
                    'owner_specified.openstack.md5': '',
                    'owner_specified.openstack.sha256': '',
                    'os_hash_algo': None,
                    'os_hash_value': None,
                }
            ),
        )

from osc_lib import exceptions
import testtools

from imageplugin import importing


class TestFormatsFromName(testtools.TestCase):

    def test_known_extensions(self):
        for name, formats in [('a.qcow2', ('qcow2', 'bare')),
                              ('A.QCOW2', ('qcow2', 'bare')),
                              ('disk.img', ('raw', 'bare')),
                              ('disk.raw', ('raw', 'bare')),
                              ('/x/my.vhd', ('vhd', 'bare')),
                              ('b.vhdx', ('vhdx', 'bare')),
                              ('c.vmdk', ('vmdk', 'bare')),
                              ('d.vdi', ('vdi', 'bare')),
                              ('e.iso', ('iso', 'bare')),
                              ('k.aki', ('aki', 'aki'))]:
            self.assertEqual(formats, importing.formats_from_name(name), name)

    def test_unknown(self):
        for name in ('image', 'image.tar.gz', 'image.qcow2.gz', '.bashrc'):
            self.assertIsNone(importing.formats_from_name(name), name)


class TestImportInput(testtools.TestCase):

    def test_rackspace_without_name(self):
        self.assertEqual({'import_from': 'exports/a.vhd'},
                         importing.import_input('exports/a.vhd'))

    def test_object_names_may_hold_slashes_and_colons(self):
        self.assertEqual(
            {'import_from': 'exports/2024/a:b.vhd',
             'image_properties': {'name': 'n'}},
            importing.import_input('exports/2024/a:b.vhd', name='n'))

    def test_url_query_does_not_decide_the_format(self):
        task_input = importing.import_input(
            'https://127.0.0.1/v1/AUTH_x/images/a.raw?temp_url_sig=s&'
            'temp_url_expires=1')
        self.assertEqual('raw', task_input['import_from_format'])

    def test_disk_format_alone_sets_the_source_format(self):
        task_input = importing.import_input('http://127.0.0.1/download',
                                            disk_format='vmdk')
        self.assertEqual('vmdk', task_input['import_from_format'])
        self.assertEqual('vmdk', task_input['image_properties']['disk_format'])

    def test_source_format_alone_sets_the_disk_format(self):
        task_input = importing.import_input('http://127.0.0.1/download',
                                            import_from_format='qcow2')
        self.assertEqual('qcow2',
                         task_input['image_properties']['disk_format'])

    def test_signature_is_not_shown_in_errors(self):
        error = self.assertRaises(
            exceptions.CommandError, importing.import_input,
            'http://127.0.0.1/x?temp_url_sig=secret')
        self.assertNotIn('secret', str(error))

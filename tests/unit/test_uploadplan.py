# SPDX-License-Identifier: Apache-2.0
"""uploadplan: which method a --file of interoperable import takes (the
whole table of routes is in test_plan)."""

from osc_lib import exceptions
import testtools

from imageplugin import plan
from imageplugin import request as request_module
from imageplugin import uploadplan


def facts(upload_refusal, methods=('glance-direct', 'web-download')):
    return plan.Facts(
        dialect='glance', methods=methods, upload_refusal=upload_refusal
    )


class TestFileMethod(testtools.TestCase):
    def method(self, asked, found):
        request = request_module.ImportRequest(method=asked, file='disk')
        return uploadplan.file_method(request, found)

    def test_through_the_object_storage_where_it_takes_the_file(self):
        self.assertEqual('web-download', self.method(None, facts('')))

    def test_glance_direct_where_it_cannot_or_was_not_asked(self):
        self.assertEqual('glance-direct', self.method(None, facts('403')))
        self.assertEqual('glance-direct', self.method(None, facts(None)))
        self.assertEqual(
            'glance-direct',
            self.method(None, facts('', methods=('glance-direct',))),
        )

    def test_glance_direct_asked_for(self):
        self.assertEqual(
            'glance-direct', self.method('glance-direct', facts(''))
        )

    def test_web_download_asked_for_and_refused(self):
        error = self.assertRaises(
            exceptions.CommandError,
            self.method,
            'web-download',
            facts('No TempURLs.'),
        )
        self.assertEqual(
            '--method web-download sends a --file through the object '
            'storage, which cannot take it: No TempURLs; use --method '
            'glance-direct',
            str(error),
        )


class TestThroughStorage(testtools.TestCase):
    def test_other_plans_are_left_as_they_are(self):
        request = request_module.ImportRequest(import_from='http://x/disk')
        url_plan = plan.Plan(
            route='web-download', method='web-download', source='http://x/disk'
        )
        self.assertIs(
            url_plan, uploadplan.through_storage(url_plan, request, facts(''))
        )

    def test_not_waited_for_the_upload_stays(self):
        request = request_module.ImportRequest(file='disk')
        base = plan.Plan(
            route='web-download',
            method='web-download',
            source='disk',
            steps=('create', 'show'),
            deletes=('the new image, if its import cannot start',),
        )
        shown = uploadplan.through_storage(base, request, facts(''))
        self.assertEqual(
            ('the new image, if its import cannot start',), shown.deletes
        )

    def test_kept_upload_is_not_deleted(self):
        request = request_module.ImportRequest(
            file='disk', keep_upload=True, wait=True
        )
        base = plan.Plan(
            route='web-download',
            method='web-download',
            source='disk',
            steps=('create', 'wait'),
            deletes=('the new image, if its import cannot start',),
        )
        shown = uploadplan.through_storage(base, request, facts(''))
        self.assertEqual('web-download-upload', shown.route)
        self.assertEqual(
            ('the new image, if its import cannot start',), shown.deletes
        )
        self.assertEqual('wait', shown.steps[-1])
        self.assertEqual(
            ('disk to images/<object named after the file>',), shown.uploads
        )

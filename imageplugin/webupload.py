# SPDX-License-Identifier: Apache-2.0
"""A --file uploaded to the object storage, then imported by Glance's
web-download from a TempURL of it (the plan's ``uploadplan.ROUTE``).

The upload is the tasks API route's (``uploadimport.UploadImport``:
parallel, resumable, verified segments); the import is interoperable,
which a member may run. A Glance whose import filtering refuses the
TempURL answers so at once: the upload is deleted and the file goes by
glance-direct instead. The upload is deleted once the import has ended
(``--keep-upload`` keeps it); the image is compared with the file as the
upload read it (``aftercare``).
"""

from osc_lib import exceptions

from imageplugin import aftercare
from imageplugin import interop
from imageplugin import objectstore
from imageplugin import uploadimport
from imageplugin import uploadplan
from imageplugin import waiting

# Glance's answer (HTTP 400) to a URL its [import_filtering_opts] refuse:
# "URI for web-download does not pass filtering: <uri>".
FILTERED = 'does not pass filtering'


def store_refusal(instance):
    """'' if a --file can go up to this cloud's object storage and be read
    back from a TempURL, else why not in one line (no object storage in
    the catalog, a role that may not write there...)."""
    try:
        store = objectstore.ObjectStore.from_client_manager(instance)
    except exceptions.CommandError as exc:
        return str(exc)
    return store.upload_refusal()


def worth_asking(request, tasks_refusal, methods):
    """Whether the plan may choose this route, so that the object storage
    is asked (``store_refusal``): a --file for interoperable import, to a
    Glance that offers web-download."""
    return (
        request.kind == 'file'
        and request.method in (None, uploadplan.WEB_DOWNLOAD)
        and bool(
            request.method
            or tasks_refusal
            or request.stores
            or request.all_stores
        )
        and uploadplan.WEB_DOWNLOAD in (methods or ())
        # Without glance-direct, the plan refuses a member's --file
        # unless web-download is asked for (plan._tasks_or_interop).
        and (
            request.method == uploadplan.WEB_DOWNLOAD
            or uploadplan.GLANCE_DIRECT in methods
        )
    )


def fallback_line(upload):
    """The line that says the TempURL was refused and what follows;
    ``upload`` says what became of the upload."""
    return (
        'Glance refuses to import from the object storage (its import '
        f'filtering refuses the TempURL): {upload} The file goes by '
        'glance-direct instead; --method glance-direct skips the upload '
        'next time.'
    )


class WebUpload:
    """The route, complete once constructed: ``run`` does it all."""

    def __init__(self, client, store, local, request):
        self.client = client
        self.store = store
        self.local = local
        self.request = request
        self.upload = uploadimport.UploadImport(local, store, False, request)

    def imports(self, method, **source):
        request = self.request
        return interop.Import(
            self.client,
            method,
            stores=request.stores,
            all_stores=request.all_stores,
            **source,
        )

    def send(self, say, stream):
        """Upload the file; return its ``aftercare.Read``."""
        path = self.local.image.path
        before = aftercare.file_state(path)
        try:
            uploaded = self.upload.send(stream)
        except KeyboardInterrupt:
            say(f'Upload interrupted. {self.upload.resume_note()}')
            raise
        if uploaded.reused:
            say(
                f'Resumed the upload: {uploaded.reused} of '
                f'{uploaded.segments} segments were already stored.'
            )
        return aftercare.Read(
            self.local.image.shown,
            uploaded.size,
            uploaded.digests,
            before,
            aftercare.file_state(path),
        )

    def run(self, follow, say, stream=None, note=None):
        """Upload, import, clean up; return the import's ``Outcome``."""
        request, upload = self.request, self.upload
        read = self.send(say, stream)
        try:
            url = self.store.temp_url(
                upload.container, upload.name, uploadimport.TEMP_URL_LIFETIME
            )
        except exceptions.CommandError as exc:
            raise exceptions.CommandError(f'{exc}. {self.cleaned()}') from None
        started = self.imports(uploadplan.WEB_DOWNLOAD, url=url)
        started.read = read
        recorded = upload.provenance(read.digests)
        arguments = {
            'properties': dict(self.local.properties, **recorded),
            'formats': self.local.image.formats,
            'follow': follow,
            'say': say,
            'stream': stream,
            'keep_image': request.keep_image,
            'note': note,
            'wait': request.wait,
        }
        try:
            outcome = started.run(**arguments)
        except KeyboardInterrupt:
            say(upload.left_note())
            raise
        except exceptions.CommandError as exc:
            if FILTERED not in str(exc):
                raise exceptions.CommandError(
                    f'{exc} {self.cleaned()}'
                ) from None
            say(fallback_line(self.cleaned()))
            direct = self.imports(
                uploadplan.GLANCE_DIRECT, data=self.local.image
            )
            return direct.run(**dict(arguments, note=None))
        self.finish(outcome, say)
        return outcome

    def cleaned(self):
        """Delete the upload (unless kept); what to say of it."""
        if self.request.keep_upload:
            return self.upload.left_note()
        return self.upload.remove() or 'The upload was deleted.'

    def finish(self, outcome, say):
        """Once the import has ended, delete the upload (unless kept)."""
        if self.request.keep_upload:
            say(f'The uploaded image is kept at {self.upload.where}.')
        elif outcome.status in waiting.FINAL_STATUSES:
            problem = self.upload.remove()
            if problem:
                say(problem)
        else:
            say(self.upload.left_note())


def outcome(cloud, console, follow, request, source, note=None):
    """Carry out the route for ``source`` (a --file's ``Source``);
    ``note`` is said once the import has started."""
    store = objectstore.ObjectStore.from_client_manager(cloud.instance)
    route = WebUpload(cloud.client, store, source.local, request)
    return route.run(follow, console.say, stream=console.stream, note=note)

"""Uploads are held in memory, never written to disk.

Django writes an upload over 2.5 MB to the system's temporary directory, in clear, and a crash mid-import left
one there (names and identity numbers among them). The files sent for import are held in memory instead, up to
the upload limit; past it, the rest of the file is counted but not kept, so that the form can refuse it saying
how large it was. Nothing is ever on disk, so nothing is left behind by a failure or a crash.
"""

from __future__ import annotations

import io

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class InMemoryUpload(FileUploadHandler):
    """Every file of a request in memory, whatever its size, up to MAX_UPLOAD_BYTES of it."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.content = io.BytesIO()

    def receive_data_chunk(self, raw_data, start):
        """Keeps the chunk and passes nothing on (returns None): no other handler, and no disk, sees it."""
        if start + len(raw_data) <= MAX_UPLOAD_BYTES:
            self.content.write(raw_data)
        elif self.content.tell():
            self.content = io.BytesIO()  # too large: what was kept goes now, the size is still counted

    def file_complete(self, file_size):
        self.content.seek(0)
        return InMemoryUploadedFile(
            file=self.content,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )

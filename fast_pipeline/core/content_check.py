"""Does a file look like the format the publisher promised? Checked before anything is archived.

The checks are cheap (magic bytes, a parseable start) and aimed at the failures publishers really produce:
an HTML error or login page served under a .pdf/.csv/.xlsx URL, an empty body, a cut-off download.
"""

from __future__ import annotations

import io
import zipfile

from fast_pipeline.core.errors import ContentCheckError

_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls
# A spreadsheet of a few thousand rows unpacks to a few MB; these bounds stop a zip bomb before any parser
# inflates it, while leaving a hundredfold margin over the largest real publication.
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith(_HTML_STARTS) or (start.startswith(b"<") and b"<html" in start[:2048])


def check_content(data: bytes, file_format: str, *, source_id: str, file_name: str) -> None:
    """Raise ContentCheckError unless `data` plausibly is a complete `file_format` file."""

    def fail(reason: str) -> None:
        raise ContentCheckError(source_id, file_name, reason)

    if not data:
        fail("the file is empty (0 bytes)")
    head = data[:4096]
    fmt = file_format.lower()
    if fmt != "html" and _looks_like_html(head):
        fail(f"expected {fmt.upper()} but received an HTML page (an error or landing page?)")
    if fmt == "pdf":
        if not data.startswith(b"%PDF-"):
            fail("expected a PDF (starting with %PDF-) but the bytes start otherwise")
        if b"%%EOF" not in data[-2048:]:
            fail("the PDF is truncated: no %%EOF marker at its end")
    elif fmt == "xlsx":
        if not data.startswith(b"PK\x03\x04"):
            fail("expected an XLSX (a zip archive) but the bytes are not a zip")
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                infos = zf.infolist()
        except zipfile.BadZipFile as exc:
            fail(f"the XLSX is truncated or corrupt: {exc}")
        names = {i.filename for i in infos}
        unpacked = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
        if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_COMPRESSION_RATIO:
            fail(f"the XLSX would unpack to {unpacked:,} bytes from {packed:,} (a zip bomb?); refused")
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            fail("the zip archive is not an Excel workbook (no xl/ part)")
    elif fmt == "xls":
        if not data.startswith(_OLE2):
            fail("expected a legacy Excel .xls (OLE2) file but the signature does not match")
    elif fmt in ("csv", "txt"):
        if b"\x00" in head:
            fail(f"expected {fmt.upper()} text but found binary (NUL bytes)")
    elif fmt == "xml":
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not start.startswith(b"<"):
            fail("expected XML but the file does not start with a tag")
    elif fmt == "html":
        if not _looks_like_html(head) and b"<table" not in data.lower():
            fail("expected an HTML page but found no HTML markup")
    else:
        fail(f"unknown file format {fmt!r}")

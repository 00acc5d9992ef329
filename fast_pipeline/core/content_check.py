"""Does a file look like the format the publisher promised? Checked before anything is archived.

The checks are cheap (magic bytes, a parseable start) and aimed at the failures publishers really produce:
an HTML error or login page served under a .pdf/.csv/.xlsx URL, an empty body, a cut-off download.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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
    _check(
        _Bytes(data[:4096], data[-2048:], len(data), lambda: io.BytesIO(data), lambda: b"<table" in data.lower()),
        file_format,
        source_id=source_id,
        file_name=file_name,
    )


def check_file(path: Path, file_format: str, *, source_id: str, file_name: str) -> None:
    """`check_content` on a file, reading only its head, its tail and (for a workbook) its zip directory,
    so that a file of any size is checked in bounded memory."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(4096)
        f.seek(max(0, size - 2048))
        tail = f.read()
    _check(
        _Bytes(head, tail, size, lambda: path, lambda: _file_contains(path, b"<table")),
        file_format,
        source_id=source_id,
        file_name=file_name,
    )


def _file_contains(path: Path, needle: bytes) -> bool:
    """Case-insensitive search for `needle`, block by block (blocks overlap so no match is split)."""
    keep = b""
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            window = (keep + block).lower()
            if needle in window:
                return True
            keep = window[-len(needle) :]
    return False


@dataclass(frozen=True)
class _Bytes:
    """What the checks read of a file: its start, its end, its size, a zip source, one text search."""

    head: bytes
    tail: bytes
    size: int
    zip_source: Callable[[], object]
    has_table: Callable[[], bool]


def _check(data: _Bytes, file_format: str, *, source_id: str, file_name: str) -> None:
    def fail(reason: str) -> None:
        raise ContentCheckError(source_id, file_name, reason)

    if not data.size:
        fail("the file is empty (0 bytes)")
    head = data.head
    fmt = file_format.lower()
    if fmt != "html" and _looks_like_html(head):
        fail(f"expected {fmt.upper()} but received an HTML page (an error or landing page?)")
    if fmt == "pdf":
        if not head.startswith(b"%PDF-"):
            fail("expected a PDF (starting with %PDF-) but the bytes start otherwise")
        if b"%%EOF" not in data.tail:
            fail("the PDF is truncated: no %%EOF marker at its end")
    elif fmt == "xlsx":
        if not head.startswith(b"PK\x03\x04"):
            fail("expected an XLSX (a zip archive) but the bytes are not a zip")
        try:
            with zipfile.ZipFile(data.zip_source()) as zf:
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
        if not head.startswith(_OLE2):
            fail("expected a legacy Excel .xls (OLE2) file but the signature does not match")
    elif fmt in ("csv", "txt"):
        if b"\x00" in head:
            fail(f"expected {fmt.upper()} text but found binary (NUL bytes)")
    elif fmt == "xml":
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not start.startswith(b"<"):
            fail("expected XML but the file does not start with a tag")
    elif fmt == "html":
        if not _looks_like_html(head) and not data.has_table():
            fail("expected an HTML page but found no HTML markup")
    else:
        fail(f"unknown file format {fmt!r}")

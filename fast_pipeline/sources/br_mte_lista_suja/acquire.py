"""Where the ministry puts the list (NOTES.md section A) and how a fresh download is labelled.

The landing page holds one `table.plain` inside `#parent-fieldname-text`; each link cell has two <p>:
the first links the lista suja file (stable URL, overwritten in place), the second the CEAC list
(versioned YYYY_NNNN names), which is a different publication and is ignored.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlparse

from bs4 import BeautifulSoup

from fast_pipeline.core.errors import AcquisitionError
from fast_pipeline.core.http import HttpClient
from fast_pipeline.core.source import RemoteFile, SourceFile
from fast_pipeline.sources.br_mte_lista_suja.document import edition_dates
from fast_pipeline.sources.br_mte_lista_suja.parse_delimited import decode_txt

log = logging.getLogger(__name__)

FORMATS = ("pdf", "xlsx", "txt", "csv")
_CEAC_NAME = re.compile(r"^\d{4}_\d{4}\.\w+$")
HEADER_LINES = 15  # the edition line sits in the first rows of the TXT/XLSX and on every PDF page


def discover_files(http: HttpClient, landing_url: str, source_id: str) -> list[RemoteFile]:
    html = http.get_page(landing_url, source_id=source_id)
    return files_on_page(html, landing_url, source_id)


def files_on_page(html: bytes, page_url: str, source_id: str) -> list[RemoteFile]:
    """The lista suja's four files linked from the landing page."""

    def fail(reason: str) -> AcquisitionError:
        return AcquisitionError(source_id, None, f"{page_url}: {reason} (page layout changed?)")

    soup = BeautifulSoup(html, "lxml")
    table = soup.select_one("#parent-fieldname-text table.plain")
    if table is None:
        raise fail("no table.plain inside #parent-fieldname-text")
    found: dict[str, RemoteFile] = {}
    for cell in table.find_all("td"):
        if cell.find("a", href=True) is None:
            continue  # the label cell
        first = cell.find("p")
        link = first.find("a", href=True) if first else None
        if link is None:
            raise fail("a link cell whose first paragraph has no link")
        url = urljoin(page_url, link["href"].strip())
        name = PurePosixPath(urlparse(url).path).name
        fmt = PurePosixPath(name).suffix.lstrip(".").lower()
        if _CEAC_NAME.match(name):
            raise fail(f"the first link of a cell is a CEAC file ({name}), not the lista suja")
        if fmt not in FORMATS:
            raise fail(f"unexpected file type {name!r}")
        if fmt in found:
            raise fail(f"two {fmt.upper()} links ({found[fmt].url}, {url})")
        found[fmt] = RemoteFile(url=url, file_name=name, file_format=fmt)
    if not found:
        raise fail("no lista suja links in the table")
    missing = [f for f in FORMATS if f not in found]
    if missing:
        log.warning("%s: landing page lists no %s file", source_id, ", ".join(missing))
    return [found[f] for f in FORMATS if f in found]


def _header_lines(file: SourceFile) -> list[str]:
    """The first lines of text of a file, cheaply (first PDF page, first sheet rows, first TXT lines)."""
    data = file.read_bytes()
    if file.file_format == "pdf":
        import pdfplumber  # here: PDF and spreadsheet libraries load only when a new file is labelled

        from fast_pipeline.sources.br_mte_lista_suja.pdf_text import read_boxes

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [box.text for box in read_boxes(pdf, pages=1)[0]]
    if file.file_format == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return [
                v
                for ws in book.worksheets
                for row in ws.iter_rows(max_row=HEADER_LINES, values_only=True)
                for v in row
                if isinstance(v, str)
            ]
        finally:
            book.close()
    if file.file_format == "txt":
        return decode_txt(data, file).splitlines()[:HEADER_LINES]
    return []  # the CSV carries no edition date


def edition_label_of(files: list[SourceFile]) -> str | None:
    """The newest 'Cadastro atualizado em' date (ISO) in the files' headers, else the periodic date.

    A file whose header cannot be read is skipped (it is still archived; its parse will fail loudly);
    None when no file names a date (a CSV alone), so the framework labels by retrieval date and hash.
    """
    updated, periodic = [], []
    for file in files:
        if file.file_format == "csv":
            continue
        try:
            p, u = edition_dates(_header_lines(file))
        except Exception as exc:  # a damaged file must not stop it from being archived
            log.warning("%s: no edition date from %s: %s", file.source_id, file.file_name, exc)
            continue
        updated += [u] if u else []
        periodic += [p] if p else []
    if updated:
        return max(updated)
    return max(periodic) if periodic else None

"""The CEAC links on the ministry's page, and the unlinked earlier versions (NOTES.md section A).

The page's `table.plain` has one cell per format; in each, the second <p> links the CEAC file, named by
its version, e.g. `documentos-outros/2026_0014.csv`. Only the newest version is linked; older versions
stay online under the same folder. They are found by bounded probing: the numbers below the newest, in
its year, at most `probe_below` of them, stopping after `stop_after_missing` consecutive numbers that
answer 404 (`NotFoundError`) in every format. A probe downloads the file (the HttpClient has no HEAD); the
framework then downloads what `discover` returns (CEAC files are small).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlparse

from bs4 import BeautifulSoup

from fast_pipeline.core.errors import AcquisitionError, NotFoundError
from fast_pipeline.core.http import HttpClient
from fast_pipeline.core.source import RemoteFile

VERSION = re.compile(r"^(?P<year>\d{4})_(?P<number>\d{4})\.(?P<fmt>[a-z]+)$")


def _version_links(html: bytes, page_url: str, formats: tuple[str, ...], fail) -> dict[str, dict[str, str]]:
    """version -> format -> URL of the CEAC files linked in the page's table."""
    soup = BeautifulSoup(html, "lxml")
    table = soup.select_one("#parent-fieldname-text table.plain")
    if table is None:
        raise fail("no table.plain inside #parent-fieldname-text")
    found: dict[str, dict[str, str]] = {}
    for link in table.find_all("a", href=True):
        url = urljoin(page_url, link["href"].strip())
        m = VERSION.match(PurePosixPath(urlparse(url).path).name)
        if m and m["fmt"] in formats:
            found.setdefault(f"{m['year']}_{m['number']}", {})[m["fmt"]] = url
    if not found:
        raise fail(f"no CEAC file (YYYY_NNNN.{{{','.join(formats)}}}) linked in the table")
    return found


def _exists(http: HttpClient, url: str, source_id: str) -> bool:
    try:
        http.get_page(url, source_id=source_id)
    except NotFoundError:
        return False
    return True


def discover_versions(
    http: HttpClient, landing_url: str, source_id: str, formats: tuple[str, ...], probe_below: int, stop_after: int
) -> list[RemoteFile]:
    def fail(reason: str) -> AcquisitionError:
        return AcquisitionError(source_id, None, f"{landing_url}: {reason} (page layout changed?)")

    html = http.get_page(landing_url, source_id=source_id)
    linked = _version_links(html, landing_url, formats, fail)
    newest = max(linked)
    year, number = (int(p) for p in newest.split("_"))
    versions = dict(linked)
    missing = 0
    for n in range(number - 1, max(0, number - probe_below - 1), -1):
        version = f"{year}_{n:04d}"
        if version in versions:
            missing = 0
            continue
        urls = {
            fmt: url.rsplit("/", 1)[0] + f"/{version}.{fmt}"
            for fmt, url in linked[newest].items()
            if _exists(http, url.rsplit("/", 1)[0] + f"/{version}.{fmt}", source_id)
        }
        if urls:
            versions[version], missing = urls, 0
        else:
            missing += 1
            if missing >= stop_after:
                break
    return [
        RemoteFile(url=url, file_name=f"{version}.{fmt}", file_format=fmt, edition=version)
        for version in sorted(versions)
        for fmt, url in sorted(versions[version].items())
    ]

"""Fault suite through the whole build: a publisher misbehaves, the build says clearly which source, file
and why, and nothing already archived, warehoused or released changes.

The EO 13126 source stands in for every source: the fault handling under test is the framework's. Its
landing page and spreadsheet are served by a loopback server; a first good build comes from the mirror.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import duckdb
import openpyxl
import pytest

from fast_pipeline.build import run_build
from fast_pipeline.core.http import HttpSettings
from fast_pipeline.settings import Settings
from fast_pipeline.sources.registry import get_source
from fast_pipeline_tests.conftest import SHARED_SOURCES, saved_file
from fast_pipeline_tests.support.fake_source import tree_digest
from fast_pipeline_tests.support.http_server import Reply
from fast_pipeline_tests.support.shared_build import copy_build

SID = "us_dol_eo13126"
XLS = saved_file(SID, "2014-11").read_bytes()
LANDING = b"""<html><body><h1>List of Products Produced by Forced or Indentured Child Labor</h1>
<p><a href="/files/EO13126List.xlsx">Download the EO 13126 List of Products (Excel)</a></p></body></html>"""


def _xlsx(rows: list[list[str]]) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _good_rows() -> list[list[str]]:
    import xlrd

    sheet = xlrd.open_workbook(file_contents=XLS).sheet_by_index(0)
    return [sheet.row_values(i) for i in range(sheet.nrows)]


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (400 * 1024 * 1024))
    return buf.getvalue()


@pytest.fixture(scope="module")
def built(eo13126_build, tmp_path_factory) -> Settings:
    """This module's copy of the session's EO 13126 build (faults/conftest.py)."""
    return copy_build(eo13126_build, tmp_path_factory.mktemp("faults") / "data", mirror=SHARED_SOURCES)


@pytest.fixture
def publisher(built, loopback, monkeypatch):
    """The built state, switched to HTTP against the loopback publisher."""
    source = get_source(SID)
    monkeypatch.setattr(source, "metadata", replace(source.metadata, landing_url=loopback.url("/list-of-products")))
    loopback.routes.set("/list-of-products", Reply(200, LANDING, {"Content-Type": "text/html"}))
    http = HttpSettings(connect_timeout=2, read_timeout=1.5, retries=1, backoff=0.05, max_bytes=2_000_000)
    return replace(built, mirror=None, http=http), loopback


def _manifest_lines(settings: Settings) -> list[str]:
    path = settings.archive_dir / "manifest.jsonl"
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def _state(settings: Settings) -> dict:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        marts = con.execute("select count(*), sum(hash(action_id || status)) from marts.adverse_actions").fetchone()
        editions = con.execute("select count(*) from raw.editions").fetchone()
    return {
        "archive": tree_digest(settings.archive_dir),
        "releases": tree_digest(settings.releases_dir),
        "marts": marts,
        "editions": editions,
    }


def _build(settings: Settings) -> tuple[object, list[str]]:
    lines: list[str] = []
    return run_build(settings, [SID], echo=lines.append), lines


ACQUISITION_FAULTS = {
    "403": (Reply(403, b"<html>Forbidden</html>"), "HTTP 403"),
    "404": (Reply(404, b"<html>Not found</html>"), "HTTP 404"),
    "always 500": (Reply(500, b"error"), "gave up after 2 attempts: HTTP 500"),
    "timeout": (Reply(200, b"x", delay=1.0), "timed out"),  # against READ_TIMEOUT_OF_THE_TIMEOUT
    "cut off mid-transfer": (Reply(200, _xlsx(_good_rows()), cut_after=3000), "cut off"),
    "HTML page served as XLSX": (
        Reply(200, b"<!DOCTYPE html><html><body>Manutencao</body></html>"),
        "received an HTML page",
    ),
    "zero-byte file": (Reply(200, b""), "empty (0 bytes)"),
    "far over the size cap": (Reply(200, b"PK\x03\x04" + b"\0" * 3_000_000), "cap"),
    "XLSX zip bomb": (lambda: Reply(200, _zip_bomb()), "zip bomb"),  # made when run: 400 MB to compress
}


# The one fault that waits for the read timeout (twice: a retry) is given a short one; the others keep the
# fixture's 1.5 s, which a loaded machine's loopback replies stay well inside.
READ_TIMEOUT_OF_THE_TIMEOUT = 0.3


@pytest.mark.parametrize("fault", list(ACQUISITION_FAULTS))
def test_acquisition_fault_is_named_and_changes_nothing(publisher, fault):
    settings, server = publisher
    if fault == "timeout":
        settings = replace(settings, http=replace(settings.http, read_timeout=READ_TIMEOUT_OF_THE_TIMEOUT))
    reply, reason = ACQUISITION_FAULTS[fault]
    reply = reply() if callable(reply) else reply
    server.routes.set("/files/EO13126List.xlsx", reply)
    before = _state(settings)
    report, lines = _build(settings)
    assert not report.ok
    error = report.sources[0].errors[0]
    assert error.startswith(f"{SID}: ") and reason in error, error
    assert "EO13126List.xlsx" in error or "list-of-products" in error
    assert any(line.startswith("acquire") and "FAILED" in line and SID in line for line in lines)
    assert _state(settings) == before


def test_landing_page_without_the_link_is_a_clear_error(publisher):
    settings, server = publisher
    server.routes.set("/list-of-products", Reply(200, b"<html><body>We moved things around</body></html>"))
    before = _state(settings)
    report, _ = _build(settings)
    assert "no link to the list's spreadsheet" in report.sources[0].errors[0]
    assert _state(settings) == before


@pytest.mark.parametrize(
    "fault, rows, reason",
    [
        ("renamed header", lambda r: [["Country name", "Good"], *r[1:]], "header"),
        ("new column", lambda r: [["Country", "Good", "Year"], *[[*x, "2014"] for x in r[1:]]], "Year"),
        ("unknown country", lambda r: [*r, ["Atlantis", "Pearls"]], "Atlantis"),
    ],
)
def test_parse_fault_keeps_warehouse_and_releases(publisher, fault, rows, reason):
    settings, server = publisher
    server.routes.set("/files/EO13126List.xlsx", Reply(200, _xlsx(rows(_good_rows()))))
    before = _state(settings)
    manifest_before = _manifest_lines(settings)
    report, lines = _build(settings)
    assert not report.ok
    # the faulty edition is quarantined (earlier faulty editions were quarantined by earlier tests: reported,
    # not retried); find ours
    errors = [line for line in lines if "QUARANTINED" in line and reason in line]
    assert len(errors) == 1 and f"{SID}: EO13126List.xlsx: " in errors[0], lines
    assert len(report.sources[0].quarantined) == 1, lines
    after = _state(settings)
    # the file is a real publication: archived (never lost); every earlier object and manifest row unchanged
    objects = lambda digest: {k: v for k, v in digest.items() if k.startswith("objects/")}  # noqa: E731
    assert set(objects(before["archive"]).items()) < set(objects(after["archive"]).items())
    assert _manifest_lines(settings)[: len(manifest_before)] == manifest_before
    assert len(_manifest_lines(settings)) == len(manifest_before) + 1
    # the dataset is unchanged; earlier releases are untouched (a new one may record the quarantine)
    assert set(before["releases"].items()) <= set(after["releases"].items()) and after["marts"] == before["marts"]
    assert after["editions"][0] == before["editions"][0] + 1  # the quarantined edition, recorded with its reason


def test_shrunken_list_is_held_back_and_release_keeps_last_good_edition(publisher):
    settings, server = publisher
    server.routes.set("/files/EO13126List.xlsx", Reply(200, _xlsx(_good_rows()[:31])))  # 30 of 54 pairs
    before = _state(settings)
    report, lines = _build(settings)
    assert not report.ok and report.sources[0].held_back, lines
    assert any("HELD BACK" in line and "shrink" in line for line in lines)
    after = _state(settings)
    assert after["marts"] == before["marts"]  # the dataset still carries the 54 pairs of the last good edition
    assert set(before["releases"].items()) <= set(after["releases"].items())  # earlier releases untouched
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        held = con.execute(
            "select has_held_back_edition, published_edition from marts.source_freshness where source_id = ?", [SID]
        ).fetchone()
    assert held == (True, "2014-11")

"""Raw archive and acquisition: immutable, deduplicated, mirror and HTTP through one path, failures
that name source, file and reason and leave the archive's bytes as they were."""

from __future__ import annotations

import csv

import pytest

from fast_pipeline.core.acquire import acquire
from fast_pipeline.core.archive import Archive
from fast_pipeline.core.source import RemoteFile
from fast_pipeline_tests.conftest import SHARED_SOURCES, saved_file
from fast_pipeline_tests.support.fake_source import FakeSource, tree_digest
from fast_pipeline_tests.support.http_server import Reply

PDF = saved_file("br_mte_lista_suja", "2024-12-04_pdf")
CSV = saved_file("br_mte_lista_suja", "2026-08-02_csv")


def _provenance_sha256() -> dict[str, str]:
    with open(SHARED_SOURCES / "PROVENANCE.tsv", encoding="utf-8") as f:
        return {row["file"]: row["sha256"] for row in csv.DictReader(f, delimiter="\t")}


def test_mirror_archives_every_edition_once_under_its_sha256(tmp_path):
    archive = Archive(tmp_path / "archive")
    result = acquire(FakeSource("br_mte_lista_suja"), archive, mirror=SHARED_SOURCES)
    assert result.ok, result.error
    assert result.new_editions == [
        "2023-03-09_txt",
        "2024-12-04_pdf",
        "2026-01-28_xlsx",
        "2026-08-02_csv",
        "2026-08-03_csv",
    ]
    expected = {k: v for k, v in _provenance_sha256().items() if k.startswith("br_mte_lista_suja/")}
    stored = {f"br_mte_lista_suja/{r.edition}/{r.file_name}": r.sha256 for r in archive.rows()}
    assert stored == expected
    for sha in expected.values():
        path = archive.object_path(sha)
        assert oct(path.stat().st_mode & 0o777) == "0o444"  # read-only: never rewritten

    before = tree_digest(archive.root)
    again = acquire(FakeSource("br_mte_lista_suja"), archive, mirror=SHARED_SOURCES)
    assert again.ok and again.new_editions == [] and len(again.known_editions) == 5
    assert tree_digest(archive.root) == before  # re-acquiring the same bytes adds nothing


def test_http_acquisition_labels_and_dedups_editions(loopback, fast_http, tmp_path):
    loopback.routes.set("/cadastro.pdf", Reply(200, PDF.read_bytes(), {"Content-Type": "application/pdf"}))
    loopback.routes.set("/cadastro.csv", Reply(200, CSV.read_bytes(), {"Content-Type": "text/csv"}))
    files = [
        RemoteFile(loopback.url("/cadastro.pdf"), "cadastro.pdf", "pdf"),
        RemoteFile(loopback.url("/cadastro.csv"), "cadastro.csv", "csv"),
    ]
    source = FakeSource("fake", files)
    archive = Archive(tmp_path / "archive")

    first = acquire(source, archive, http=fast_http)
    assert first.ok, first.error
    assert len(first.new_editions) == 1 and first.new_files == 2
    label = first.new_editions[0]
    assert len(label) == len("2026-11-22_0123abcd") and label[4] == "-" and label[10] == "_"
    rows = archive.rows()
    assert {r.file_name for r in rows} == {"cadastro.pdf", "cadastro.csv"}
    pdf_row = next(r for r in rows if r.file_name == "cadastro.pdf")
    assert pdf_row.http_status == 200 and pdf_row.http_headers["Content-Type"] == "application/pdf"
    assert pdf_row.url == loopback.url("/cadastro.pdf") and pdf_row.size == PDF.stat().st_size

    before = tree_digest(archive.root)
    assert acquire(source, archive, http=fast_http).new_editions == []
    assert tree_digest(archive.root) == before

    # the publisher overwrites the CSV in place: a new edition, the unchanged PDF stored once
    loopback.routes.set("/cadastro.csv", Reply(200, saved_file("br_mte_lista_suja", "2026-08-03_csv").read_bytes()))
    third = acquire(source, archive, http=fast_http)
    assert len(third.new_editions) == 1 and third.new_files == 1
    assert len(list(archive.objects.rglob("*"))) - len(list(archive.objects.iterdir())) == 3


@pytest.mark.parametrize(
    "served, reason",
    [
        (b"<!DOCTYPE html><html><body>Erro 500</body></html>", "received an HTML page"),
        (b"", "empty"),
        (PDF.read_bytes()[:200_000], "truncated"),
    ],
)
def test_bad_content_is_never_archived(loopback, fast_http, tmp_path, served, reason):
    archive = Archive(tmp_path / "archive")
    ok = FakeSource("fake", [RemoteFile(loopback.url("/good.csv"), "good.csv", "csv")])
    loopback.routes.set("/good.csv", Reply(200, CSV.read_bytes()))
    assert acquire(ok, archive, http=fast_http).ok
    before = tree_digest(archive.root)

    loopback.routes.set("/cadastro.pdf", Reply(200, served, {"Content-Type": "application/pdf"}))
    bad = FakeSource("fake", [RemoteFile(loopback.url("/cadastro.pdf"), "cadastro.pdf", "pdf")])
    result = acquire(bad, archive, http=fast_http)
    assert not result.ok
    assert result.error.source_id == "fake" and result.error.file == "cadastro.pdf"
    assert reason in result.error.message
    assert tree_digest(archive.root) == before


def test_403_names_the_source_and_leaves_the_archive(loopback, fast_http, tmp_path):
    archive = Archive(tmp_path / "archive")
    loopback.routes.set("/cadastro.pdf", Reply(403, b"<html>Access denied</html>"))
    src = FakeSource("br_mte_lista_suja", [RemoteFile(loopback.url("/cadastro.pdf"), "cadastro.pdf", "pdf")])
    result = acquire(src, archive, http=fast_http)
    assert result.error.message.startswith("br_mte_lista_suja: cadastro.pdf: HTTP 403")
    assert not archive.manifest_path.exists()


def test_unwritable_archive_is_a_clear_error_and_changes_nothing(loopback, fast_http, tmp_path, monkeypatch):
    archive = Archive(tmp_path / "archive")
    loopback.routes.set("/a.csv", Reply(200, CSV.read_bytes()))
    assert acquire(FakeSource("fake", [RemoteFile(loopback.url("/a.csv"), "a.csv", "csv")]), archive, http=fast_http).ok
    before = tree_digest(archive.root)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("fast_pipeline.core.archive.os.replace", disk_full)
    loopback.routes.set("/b.pdf", Reply(200, PDF.read_bytes()))
    result = acquire(FakeSource("fake", [RemoteFile(loopback.url("/b.pdf"), "b.pdf", "pdf")]), archive, http=fast_http)
    assert not result.ok
    assert "b.pdf" in result.error.message and "No space left on device" in result.error.message
    monkeypatch.undo()
    assert tree_digest(archive.root) == before


def test_crash_during_download_leaves_no_partial_file(loopback, fast_http, tmp_path):
    archive = Archive(tmp_path / "archive")
    data = PDF.read_bytes()
    loopback.routes.set("/cut.pdf", Reply(200, data, cut_after=len(data) // 2))
    result = acquire(
        FakeSource("fake", [RemoteFile(loopback.url("/cut.pdf"), "cut.pdf", "pdf")]), archive, http=fast_http
    )
    assert "cut off" in result.error.message
    assert tree_digest(archive.root) == {}


def test_mirror_edition_that_changed_bytes_is_refused(tmp_path):
    mirror = tmp_path / "mirror" / "fake" / "2026-01-01_csv"
    mirror.mkdir(parents=True)
    (mirror / "list.csv").write_bytes(CSV.read_bytes())
    archive = Archive(tmp_path / "archive")
    assert acquire(FakeSource("fake"), archive, mirror=tmp_path / "mirror").new_editions == ["2026-01-01_csv"]
    before = tree_digest(archive.root)
    (mirror / "list.csv").write_bytes(CSV.read_bytes() + b"\r\n1;2")
    result = acquire(FakeSource("fake"), archive, mirror=tmp_path / "mirror")
    assert "never rewritten" in result.error.message
    assert tree_digest(archive.root) == before


def test_page_that_changes_bytes_but_not_its_list_is_not_a_new_edition(loopback, fast_http, tmp_path, monkeypatch):
    from dataclasses import replace

    from fast_pipeline.sources.registry import get_source

    source = get_source("us_dhs_uflpa")
    monkeypatch.setattr(source, "metadata", replace(source.metadata, landing_url=loopback.url("/uflpa-entity-list")))
    page = saved_file("us_dhs_uflpa", "2026-07-09_html").read_bytes()
    archive = Archive(tmp_path / "archive")
    loopback.routes.set("/uflpa-entity-list", Reply(200, page, {"Content-Type": "text/html; charset=UTF-8"}))
    assert acquire(source, archive, http=fast_http).new_editions == ["2025-01-14"]

    # a new form token outside the tables: same list, nothing archived
    assert b"</body>" in page
    retoken = page.replace(b"</body>", b'<input type="hidden" name="form_build_id" value="form-x9"></body>')
    loopback.routes.set("/uflpa-entity-list", Reply(200, retoken))
    before = tree_digest(archive.root)
    again = acquire(source, archive, http=fast_http)
    assert again.ok and again.new_editions == [] and again.known_editions == ["2025-01-14"]
    assert tree_digest(archive.root) == before

    # an entity added to a table: a new edition, labelled apart from the first
    changed = page.replace(
        b"</tbody>", b"<tr><td>Example New Entity Co., Ltd.</td><td>July 1, 2026</td></tr></tbody>", 1
    )
    loopback.routes.set("/uflpa-entity-list", Reply(200, changed))
    third = acquire(source, archive, http=fast_http)
    assert len(third.new_editions) == 1 and third.new_editions[0].startswith("2025-01-14_")

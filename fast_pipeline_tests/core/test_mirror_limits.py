"""Mirror replay obeys the limits HTTP has: one size cap, no escape from the mirror, only regular files,
the archive's own file mode, one label rule; and a mirror that holds nothing is an error, not a green build."""

from __future__ import annotations

import os
import threading

import pytest

from fast_pipeline.core.acquire import acquire, check_mirror
from fast_pipeline.core.archive import Archive
from fast_pipeline.core.errors import ConfigError
from fast_pipeline.core.http import HttpSettings
from fast_pipeline.core.source import RemoteFile
from fast_pipeline_tests.conftest import SHARED_SOURCES, saved_file
from fast_pipeline_tests.support.cli import run_cli
from fast_pipeline_tests.support.fake_source import FakeSource, tree_digest
from fast_pipeline_tests.support.http_server import Reply

CSV = saved_file("br_mte_lista_suja", "2026-08-02_csv").read_bytes()


def _edition(tmp_path, label: str = "2026-01-01_csv", name: str = "list.csv"):
    folder = tmp_path / "mirror" / "fake" / label
    folder.mkdir(parents=True)
    return folder / name


def _acquire(tmp_path, **kwargs):
    archive = Archive(tmp_path / "archive")
    return archive, acquire(FakeSource("fake"), archive, mirror=tmp_path / "mirror", **kwargs)


def _archived(archive: Archive) -> dict[str, str]:
    return {k: v for k, v in tree_digest(archive.root).items() if not k.endswith(".lock")}


def test_a_sparse_file_over_the_http_cap_is_refused_without_reading_it(tmp_path):
    big = _edition(tmp_path)
    cap = HttpSettings().max_bytes
    with open(big, "wb") as f:
        f.truncate(cap + 1)  # sparse: no real bytes written
    archive, result = _acquire(tmp_path)
    assert not result.ok and str(big) in result.error.message
    assert f"over the {cap:,}-byte cap" in result.error.message and "FAST_HTTP_MAX_BYTES" in result.error.message
    assert _archived(archive) == {}


def test_the_cap_is_the_one_http_setting(tmp_path):
    _edition(tmp_path).write_bytes(CSV)
    archive, result = _acquire(tmp_path, max_bytes=len(CSV) - 1)
    assert _archived(archive) == {}
    assert not result.ok and "cap" in result.error.message
    _, ok = _acquire(tmp_path, max_bytes=len(CSV))
    assert ok.ok and ok.new_editions == ["2026-01-01_csv"]


def test_a_file_that_grows_past_the_cap_while_copied_is_stopped(tmp_path):
    from fast_pipeline.core.acquire import _copy_to_tmp
    from fast_pipeline.core.errors import AcquisitionError

    path = tmp_path / "growing.csv"
    path.write_bytes(b"a;b\n" * 1000)
    with pytest.raises(AcquisitionError, match="cap"):
        _copy_to_tmp(path, tmp_path, 100, "fake")  # stat said small; the bytes read say otherwise
    assert [p.name for p in tmp_path.iterdir()] == ["growing.csv"]


def test_a_symlink_out_of_the_mirror_is_refused_and_one_inside_is_followed(tmp_path):
    secret = tmp_path / "private.csv"
    secret.write_bytes(CSV)
    secret.chmod(0o600)
    link = _edition(tmp_path)
    link.symlink_to(secret)
    archive, result = _acquire(tmp_path)
    assert not result.ok and "outside the mirror" in result.error.message and str(link) in result.error.message
    assert _archived(archive) == {}

    link.unlink()
    inside = tmp_path / "mirror" / "fake" / "2026-01-01_csv" / "saved.dat"  # an unknown type: not an input
    inside.write_bytes(CSV)
    link.symlink_to(inside)
    archive, result = _acquire(tmp_path)
    assert result.ok and result.new_editions == ["2026-01-01_csv"], result.error


def test_a_private_file_is_archived_with_the_archives_own_mode(tmp_path):
    path = _edition(tmp_path)
    path.write_bytes(CSV)
    path.chmod(0o600)
    archive, result = _acquire(tmp_path)
    assert result.ok
    (row,) = archive.rows()
    assert oct(archive.object_path(row.sha256).stat().st_mode & 0o777) == "0o444"


def test_a_fifo_is_refused_without_hanging(tmp_path):
    fifo = _edition(tmp_path)
    os.mkfifo(fifo)
    done = {}
    worker = threading.Thread(target=lambda: done.setdefault("result", _acquire(tmp_path)[1]), daemon=True)
    worker.start()
    worker.join(20)
    assert "result" in done, "acquisition hung on a FIFO"
    assert not done["result"].ok and "not a regular file" in done["result"].error.message


def test_an_edition_of_unknown_file_types_is_no_edition_and_says_so(tmp_path):
    _edition(tmp_path, name="list.docx").write_bytes(b"PK\x03\x04 a word file")
    (tmp_path / "mirror" / "fake" / "2026-01-01_csv" / "notes.zip").write_bytes(b"PK\x03\x04")
    archive, result = _acquire(tmp_path)
    assert result.ok and result.new_editions == []
    assert "list.docx, notes.zip" in result.note and "no edition" in result.note
    assert _archived(archive) == {}


@pytest.mark.parametrize(
    ("label", "problem"),
    [
        ("2026-01-01\nforged line", "control character"),
        ("2026-01-01_\u202ecsv", "bidi"),
        ("2026-01-01_\x1b[31mred", "control character"),
        ("2026-01-01\\evil", "path separator"),
    ],
    ids=["newline", "bidi", "escape", "backslash"],
)
def test_edition_labels_follow_one_rule_on_both_paths(tmp_path, loopback, fast_http, label, problem):
    _edition(tmp_path, label=label).write_bytes(CSV)
    archive, result = _acquire(tmp_path)
    assert not result.ok and problem in result.error.message and _archived(archive) == {}

    class Labelled(FakeSource):
        def edition_label(self, files):
            return label

    loopback.routes.set("/list.csv", Reply(200, CSV, {"Content-Type": "text/csv"}))
    source = Labelled("fake", [RemoteFile(loopback.url("/list.csv"), "list.csv", "csv")])
    over_http = acquire(source, Archive(tmp_path / "http-archive"), http=fast_http)
    assert not over_http.ok and problem in over_http.error.message


def test_a_mirror_that_does_not_exist_or_holds_no_source_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        check_mirror(tmp_path / "typo", ["us_dol_eo13126"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="holds no folder for us_dol_eo13126"):
        check_mirror(tmp_path / "empty", ["us_dol_eo13126"])
    check_mirror(SHARED_SOURCES, ["us_dol_eo13126", "us_cbp_wro"])  # one of them is enough
    run = run_cli("build", data_dir=tmp_path / "data", env={"FAST_SOURCE_MIRROR": str(tmp_path / "typo")})
    run.one_line_error("FAST_SOURCE_MIRROR", str(tmp_path / "typo"), "does not exist")


def test_the_content_check_reads_a_file_in_bounded_memory(tmp_path):
    """A file near the cap is checked from its head, tail and zip directory: never read whole."""
    import tracemalloc

    from fast_pipeline.core.content_check import check_content, check_file
    from fast_pipeline.core.errors import ContentCheckError

    big = tmp_path / "big.csv"
    with open(big, "wb") as f:
        f.write(b"a;b\n" * 2048)  # a text head; the rest sparse (no real bytes written)
        f.truncate(64 * 1024 * 1024)
    tracemalloc.start()
    check_file(big, "csv", source_id="fake", file_name="big.csv")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 4 * 1024 * 1024
    page = tmp_path / "page.html"
    page.write_bytes(b"x" * (3 << 20) + b"<TABLE><tr><td>1</td></tr></table>")
    check_file(page, "html", source_id="fake", file_name="page.html")  # found across block boundaries
    # the same verdicts as on the bytes themselves
    for path, fmt in ((saved_file("br_mte_lista_suja", "2024-12-04_pdf"), "pdf"), (page, "html")):
        check_content(path.read_bytes(), fmt, source_id="fake", file_name=path.name)
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(saved_file("br_mte_lista_suja", "2024-12-04_pdf").read_bytes()[:50_000])
    with pytest.raises(ContentCheckError, match="truncated"):
        check_file(cut, "pdf", source_id="fake", file_name="cut.pdf")

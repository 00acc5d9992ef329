"""Releases are a pure function of the archived bytes and their labels, and publisher date typos do not
reorder history (issue 10, items 2 and 3), through the real pipeline (mirror, archive, Dagster, dbt, release).

- The same saved files, copied with different modification times, build byte-identical releases.
- Then the mirror gains a Brazilian TXT whose header says 2016 by mistake (and one changed row), a UFLPA page
  dated 01/14/2099 (one entity fewer), and the UFLPA page corrected a day later (another entity gone): the
  release carries the newest acquired edition of each, dated by the acquisition where the publisher's date
  is implausible, with warnings in the build output, freshness.json and CHANGES.md.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from fast_pipeline.build import run_build
from fast_pipeline.release import list_releases
from fast_pipeline.settings import Settings
from fast_pipeline_tests.conftest import SHARED_SOURCES, saved_file
from fast_pipeline_tests.release.stepwise import use_build_environment
from fast_pipeline_tests.support.fake_source import tree_digest

BR, UFLPA = "br_mte_lista_suja", "us_dhs_uflpa"
SAVED = [
    ("us_dol_eo13126", "2014-11"),
    ("us_dol_ilab", "2018-app-xml_2019-08-30"),
    (BR, "2023-03-09_txt"),
    (UFLPA, "2026-07-09_html"),
]
NOT_REPRODUCIBLE = {"fast_pipeline.duckdb", "SHA256SUMS"}  # DuckDB stamps each file with a random identifier
TXT_DATE = "Cadastro atualizado em 09/03/2023."
TXT_ROW = "\t9\t2341-9/00\t"  # workers of row 1 (A. de C. Borges)

pytestmark = pytest.mark.timeout(1200)  # the module's fixture runs three builds through Dagster and dbt


def _copy(mirror: Path, sid: str, edition: str, mtime: float) -> None:
    target = mirror / sid / edition
    shutil.copytree(SHARED_SOURCES / sid / edition, target)
    for f in target.iterdir():
        os.utime(f, (mtime, mtime))


def _write(mirror: Path, sid: str, edition: str, name: str, data: bytes) -> None:
    (mirror / sid / edition).mkdir(parents=True)
    (mirror / sid / edition / name).write_bytes(data)


def _uflpa_page(last_updated: str, drop: tuple[int, int]) -> bytes:
    """The saved UFLPA page with another "Last Updated" date and one table row (table, row) removed."""
    soup = BeautifulSoup(saved_file(UFLPA, "2026-07-09_html").read_bytes(), "lxml")
    tables = soup.find_all("table")
    tables[drop[0]].find_all("tr")[drop[1]].decompose()
    return str(soup).replace("01/14/2025", last_updated).encode("utf-8")


def _build(data: Path, mirror: Path, cache_from: Path | None = None) -> tuple[Settings, list[str]]:
    if cache_from and not (data / "cache").exists():  # parses are keyed by bytes and parser: sharing saves time
        shutil.copytree(cache_from, data / "cache")
    lines: list[str] = []
    with pytest.MonkeyPatch.context() as mp:  # the Dagster assets read their settings from the environment
        use_build_environment(mp, data, mirror)
        settings = Settings.from_env()
        report = run_build(settings, echo=lines.append)
    assert report.ok and report.release_created, "\n".join(lines)
    return settings, lines


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("dated")
    mirrors = {}
    for name, mtime in (("a", 1_900_000_000.0), ("b", 1_300_000_000.0)):  # copied in 2030 and in 2011
        mirrors[name] = root / f"mirror-{name}"
        for sid, edition in SAVED:
            _copy(mirrors[name], sid, edition, mtime)
    first, _ = _build(root / "a", mirrors["a"])
    again, _ = _build(root / "b", mirrors["b"], cache_from=first.cache_dir)
    txt = saved_file(BR, "2023-03-09_txt").read_bytes().decode("utf-8")
    assert txt.count(TXT_DATE) == 1 and txt.count(TXT_ROW) == 1
    typo = txt.replace(TXT_DATE, "Cadastro atualizado em 09/03/2016.").replace(TXT_ROW, "\t10\t2341-9/00\t")
    _write(mirrors["a"], BR, "2023-03-10_txt", saved_file(BR, "2023-03-09_txt").name, typo.encode("utf-8"))
    _write(mirrors["a"], UFLPA, "2026-07-10_html", "uflpa-entity-list.html", _uflpa_page("01/14/2099", (-1, -1)))
    _write(mirrors["a"], UFLPA, "2026-07-11_html", "uflpa-entity-list.html", _uflpa_page("01/15/2025", (0, 1)))
    later, lines = _build(root / "a", mirrors["a"])
    return first, again, later, lines


def _release(settings: Settings, n: int) -> Path:
    return Path(list_releases(settings)[n]["path"])


def test_the_same_files_with_other_modification_times_give_the_same_release(builds):
    first, again, _, _ = builds
    a, b = _release(first, 0), _release(again, 0)
    assert a.name == b.name == "2025.01.14"  # UFLPA's "Last Updated"; no file time anywhere
    digest_a, digest_b = tree_digest(a), tree_digest(b)
    assert set(digest_a) == set(digest_b)
    assert {n: d for n, d in digest_a.items() if n not in NOT_REPRODUCIBLE} == {
        n: d for n, d in digest_b.items() if n not in NOT_REPRODUCIBLE
    }
    fresh = json.loads((a / "freshness.json").read_text(encoding="utf-8"))
    assert {s["source_id"]: s["retrieved_at"] for s in fresh if s["published_edition"]} == {
        "us_dol_eo13126": "2014-11-01T00:00:00Z",
        "us_dol_ilab": "2019-08-30T00:00:00Z",
        BR: "2023-03-09T00:00:00Z",
        UFLPA: "2026-07-09T00:00:00Z",
    }


def test_publisher_date_typos_warn_and_the_newest_acquired_edition_is_carried(builds):
    _, _, later, lines = builds
    release = _release(later, 1)
    assert release.name == "2025.01.15"  # not 2099.01.14; the typo editions are dated by their acquisition
    fresh = {s["source_id"]: s for s in json.loads((release / "freshness.json").read_text(encoding="utf-8"))}
    br, uflpa = fresh[BR], fresh[UFLPA]
    assert (br["published_edition"], br["edition_date"], br["as_of_date"], br["date_basis"]) == (
        "2023-03-10_txt",
        "2016-03-09",
        "2023-03-10",
        "label",
    )
    assert br["date_warning"].startswith(
        "the publisher dates this edition 2016-03-09, 2557 days before it was acquired 2023-03-10"
    )
    assert (uflpa["published_edition"], uflpa["as_of_date"], uflpa["date_basis"], uflpa["date_warning"]) == (
        "2026-07-11_html",
        "2025-01-15",
        "published",
        None,
    )
    warnings = [line for line in lines if "WARNING" in line]
    assert any("2023-03-10_txt" in w and "2016-03-09" in w for w in warnings), lines
    assert any(
        "2026-07-10_html" in w and "2099-01-14, after it was acquired 2026-07-10 (a date in the future)" in w
        for w in warnings
    ), lines
    changes = json.loads((release / "changes.json").read_text(encoding="utf-8"))
    by_source = changes["summary"]["by_source"]  # the carried editions' changes, not "0 changes"
    assert (
        by_source[BR]["added"],
        by_source[BR]["removed"],
        by_source[UFLPA]["added"],
        by_source[UFLPA]["removed"],
    ) == (0, 0, 0, 1)
    fields = {
        (c["natural_key"].split("|")[0], f["field"]): (f["old"], f["new"])
        for c in changes["changed"]
        if c["source_id"] == BR
        for f in c["fields"]
    }
    assert fields[("CNPJ:27090456000227", "workers_affected")] == ("9", "10")
    md = (release / "CHANGES.md").read_text(encoding="utf-8")
    assert "Edition dates to check" in md and "2557 days before it was acquired 2023-03-10" in md
    assert f"| {BR} | 2023-03-10_txt | 2023-03-10 (label) | 2016-03-09 |" in md

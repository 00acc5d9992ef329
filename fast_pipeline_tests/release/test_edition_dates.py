"""The one edition order and the dates editions speak for (core.edition_dates), on the saved labels, and the
mirror's acquisition dates taken from labels, never from file modification times."""

from __future__ import annotations

import os
import shutil
from datetime import date

import pytest

from fast_pipeline.core.acquire import mirror_candidates
from fast_pipeline.core.archive import ManifestRow
from fast_pipeline.core.edition_dates import acquired_at, acquisition_order, date_edition, label_date
from fast_pipeline.core.errors import AcquisitionError
from fast_pipeline.sources.registry import get_source
from fast_pipeline_tests.conftest import SHARED_SOURCES


@pytest.mark.parametrize(
    ("label", "day"),
    [
        ("2023-03-09_txt", date(2023, 3, 9)),
        ("2016-09-30_xlsx", date(2016, 9, 30)),
        ("2014-11", date(2014, 11, 1)),  # a month: its first day
        ("2018-app-xml_2019-08-30", date(2019, 8, 30)),  # data year 2018, saved 2019-08-30: the day counts
        ("2013-app-xml_2015-06-29", date(2015, 6, 29)),
        ("2024-10-07_2024-12-04", date(2024, 12, 4)),  # two days: the later, when the files were saved
        ("2026-08-03_csv_1a2b3c4d", date(2026, 8, 3)),
        ("latest", None),
        ("2018-app-xml", None),
        ("2026-13-01", None),
        ("20260803", None),
        (None, None),
    ],
)
def test_label_dates(label, day):
    assert label_date(label) == day


def test_every_saved_edition_label_names_its_date():
    labels = [p.name for sid in SHARED_SOURCES.iterdir() if sid.is_dir() for p in sid.iterdir() if p.is_dir()]
    assert labels and all(label_date(lb) for lb in labels), labels


def test_a_mirror_edition_is_acquired_on_its_label_date_an_http_one_when_retrieved():
    assert acquired_at("mirror", "2014-11", "2026-12-01T21:01:37Z") == "2014-11-01T00:00:00Z"
    assert acquired_at("http", "2099-01-14", "2026-07-09T10:00:00Z") == "2026-07-09T10:00:00Z"
    assert acquired_at("mirror", "latest", "2026-07-09T00:00:00Z") == "2026-07-09T00:00:00Z"  # content-dated


def _row(edition: str, origin: str, retrieved_at: str) -> ManifestRow:
    return ManifestRow(
        source_id="s",
        edition=edition,
        file_name="f",
        file_format="html",
        sha256="0" * 64,
        size=1,
        retrieved_at=retrieved_at,
        origin=origin,
    )


def test_acquisition_order_ignores_dates_printed_in_labels():
    """An HTTP edition labelled by its page's date (01/14/2099) does not stay last forever."""
    editions = {
        "2099-01-14": [_row("2099-01-14", "http", "2026-07-09T10:00:00Z")],
        "2025-01-15": [_row("2025-01-15", "http", "2026-07-10T10:00:00Z")],
        "2016-09-30_xlsx": [_row("2016-09-30_xlsx", "mirror", "2026-12-01T21:01:37Z")],
    }
    assert acquisition_order(editions) == ["2016-09-30_xlsx", "2099-01-14", "2025-01-15"]


def test_a_plausible_publisher_date_dates_the_edition():
    assert date_edition("2025-01-14", "2026-07-09T00:00:00Z", "mirror").__dict__ == {
        "as_of_date": "2025-01-14",
        "basis": "published",
        "warning": None,
    }
    # a day ahead of UTC is a time zone, not a typo: accepted, clamped to the acquisition
    assert date_edition("2026-07-10", "2026-07-09T23:00:00Z", "http").as_of_date == "2026-07-09"


def test_without_a_publisher_date_the_acquisition_dates_the_edition():
    assert date_edition(None, "2014-11-01T00:00:00Z", "mirror").__dict__ == {
        "as_of_date": "2014-11-01",
        "basis": "label",
        "warning": None,
    }
    assert date_edition(None, "2026-07-09T10:00:00Z", "http").basis == "retrieved"


@pytest.mark.parametrize(
    ("published", "previous", "problem"),
    [
        ("2099-01-14", None, "after it was acquired 2026-07-09 (a date in the future)"),
        ("2016-03-09", None, "3774 days before it was acquired 2026-07-09"),
        ("2026-03-09", "2026-05-01", "before the edition acquired before it (2026-05-01)"),
    ],
)
def test_an_implausible_publisher_date_is_replaced_by_the_acquisition_with_a_warning(published, previous, problem):
    dating = date_edition(published, "2026-07-09T10:00:00Z", "http", previous)
    assert (dating.as_of_date, dating.basis) == ("2026-07-09", "retrieved")
    assert dating.warning.startswith(f"the publisher dates this edition {published}, ") and problem in dating.warning
    assert dating.warning.endswith("dated by its acquisition instead, check the publisher's date")


def _mirror_copy(tmp_path, sid: str, editions: list[str], mtime: float):
    mirror = tmp_path / "mirror"
    for edition in editions:
        shutil.copytree(SHARED_SOURCES / sid / edition, mirror / sid / edition)
        for f in (mirror / sid / edition).iterdir():
            os.utime(f, (mtime, mtime))
    return mirror


@pytest.mark.parametrize("mtime", [0.0, 1_900_000_000.0])  # 1970 and 2030: neither may show anywhere
def test_mirror_editions_are_dated_by_their_labels_not_file_times(tmp_path, mtime):
    sid = "us_dol_ilab"
    mirror = _mirror_copy(
        tmp_path, sid, ["2018-app-xml_2019-08-30", "2016-09-30_xlsx", "2015-app-xml_2017-08-16"], mtime
    )
    (tmp_path / "tmp").mkdir()
    found = mirror_candidates(get_source(sid), mirror, tmp_path / "tmp")
    assert [(c.label, c.retrieved_at) for c in found] == [  # acquisition order: by label date
        ("2016-09-30_xlsx", "2016-09-30T00:00:00Z"),
        ("2015-app-xml_2017-08-16", "2017-08-16T00:00:00Z"),
        ("2018-app-xml_2019-08-30", "2019-08-30T00:00:00Z"),
    ]


def test_a_dateless_mirror_folder_is_dated_by_its_content_else_refused(tmp_path):
    sid = "br_mte_lista_suja"
    mirror = tmp_path / "mirror"
    shutil.copytree(SHARED_SOURCES / sid / "2024-12-04_pdf", mirror / sid / "latest")
    (tmp_path / "tmp").mkdir()
    [found] = mirror_candidates(get_source(sid), mirror, tmp_path / "tmp")
    assert found.retrieved_at == "2024-12-04T00:00:00Z"  # "Cadastro atualizado em 04/12/2024" in the PDF
    shutil.rmtree(mirror / sid / "latest")
    shutil.copytree(SHARED_SOURCES / sid / "2026-08-02_csv", mirror / sid / "latest")  # a CSV states no date
    with pytest.raises(AcquisitionError, match="mirror edition 'latest' names no date"):
        mirror_candidates(get_source(sid), mirror, tmp_path / "tmp")

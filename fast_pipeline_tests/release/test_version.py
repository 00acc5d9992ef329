"""Release versions: dated by the data, monotonic, compared as numbers."""

from __future__ import annotations

from datetime import date

from fast_pipeline.release.version import label, next_version, parse


def test_first_release_of_a_date_has_no_number_then_they_count_up():
    assert next_version(date(2026, 8, 3), []) == "2026.08.03"
    assert next_version(date(2026, 8, 3), ["2026.08.03"]) == "2026.08.03.2"
    assert next_version(date(2026, 8, 3), ["2026.08.03", "2026.08.03.2"]) == "2026.08.03.3"


def test_versions_never_go_back_in_time():
    existing = ["2026.08.03", "2026.01.28"]
    assert next_version(date(2026, 9, 1), existing) == "2026.09.01"
    assert next_version(date(2024, 1, 1), existing) == "2026.08.03.2"  # older data: a new number of the latest date


def test_versions_compare_as_numbers_and_stray_names_are_ignored():
    existing = [label(date(2026, 8, 3), n) for n in range(1, 11)] + [".release-abc", "notes", ".lock", "2026.13.01"]
    assert next_version(date(2026, 8, 3), existing) == "2026.08.03.11"
    assert parse("2026.08.03.10") == (date(2026, 8, 3), 10) and parse("2026.08.03") == (date(2026, 8, 3), 1)
    assert parse("2026.08.03.0") is None and parse("2026.8.3") is None and parse("2026.13.01") is None

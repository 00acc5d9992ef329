"""A maintainer's judgements win over the automatic rules, and a bad or contradictory file is refused."""

from __future__ import annotations

import pandas as pd
import pytest

from fast_pipeline.resolution import OVERRIDES_PATH, OverrideError, load_overrides, read_overrides, resolve
from fast_pipeline.resolution.overrides import OVERRIDE_COLUMNS
from fast_pipeline_tests.resolution.conftest import party_of, record, records

GOLDEN = records(
    record("a", "Golden Star Trading Co., Ltd.", country="CN"),
    record("b", "GOLDEN STAR TRADING LIMITED", country="CN"),
    record("c", "Blue Ocean Fishery", country="CN", ids=[("IMO", "9074729")]),
    record("d", "Blue Ocean Fisheries Holding", country="CN", ids=[("IMO", "9074729")]),
    record("e", "Hetian Taida Apparel Co., Ltd"),
    record("f", "Hetian TEDA Garment"),
)


def overrides(*rows: tuple) -> pd.DataFrame:
    """Rows of (left id, left name, right id, right name, judgement), with reason, author and date filled."""
    return pd.DataFrame(
        [(*r, "checked the registry", "a maintainer", "2026-11-22") for r in rows], columns=list(OVERRIDE_COLUMNS)
    )


def test_without_overrides_the_rules_merge_names_and_identifiers_only():
    result = resolve(GOLDEN)
    assert party_of(result, "a") == party_of(result, "b") and party_of(result, "c") == party_of(result, "d")
    assert party_of(result, "e") != party_of(result, "f")


def test_not_same_splits_a_name_match_and_an_identifier_match():
    result = resolve(GOLDEN, overrides(("a", "", "b", "", "not_same"), ("c", "", "d", "", "not_same")))
    assert party_of(result, "a") != party_of(result, "b")
    assert party_of(result, "c") != party_of(result, "d")
    kept_apart = result.party_links[result.party_links["relation"] == "not_same"]
    assert set(kept_apart["rule"]) == {"override_not_same"}
    assert kept_apart["evidence"].iloc[0] == "maintainer judgement: checked the registry (a maintainer, 2026-11-22)"
    assert len(set(result.party_redirects["old_party_id"]) & set(result.parties["party_id"])) == 0


def test_same_merges_two_unlinked_records_by_id_or_by_name():
    by_id = resolve(GOLDEN, overrides(("e", "", "f", "", "same")))
    by_name = resolve(GOLDEN, overrides(("", "hetian taida apparel co ltd", "", "Hetian TEDA Garment", "same")))
    for result in (by_id, by_name):
        assert party_of(result, "e") == party_of(result, "f")
        assert result.party_links.query("rule == 'override_same'")["relation"].tolist() == ["same"]


def test_a_contradiction_is_refused():
    with pytest.raises(OverrideError, match="contradicts a not_same judgement"):
        resolve(
            GOLDEN,
            overrides(
                ("e", "", "f", "", "same"),
                ("f", "", "a", "", "same"),
                ("e", "", "b", "", "not_same"),
                ("a", "", "b", "", "same"),
            ),
        )


def test_an_override_matching_no_record_is_reported_not_applied():
    result = resolve(GOLDEN, overrides(("gone", "", "a", "", "not_same")))
    assert result.unmatched_overrides == ["override row 1 (gone not_same a): no record matches the left side"]
    assert party_of(result, "a") == party_of(result, "b")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"judgement": "maybe"}, "judgement 'maybe' is not one of"),
        ({"reason": ""}, "reason and author are required"),
        ({"decided_on": "22/11/2026"}, "is not a YYYY-MM-DD date"),
        ({"right_party_record_id": "a"}, "both sides are the same"),
        ({"left_party_record_id": ""}, "each side needs a party_record_id or a name"),
    ],
)
def test_malformed_rows_are_refused_with_the_row_number(change, message):
    frame = overrides(("a", "", "b", "", "same"))
    for column, value in change.items():
        frame[column] = value
    with pytest.raises(OverrideError, match=f"override row 1 .*{message}"):
        read_overrides(frame)


def test_the_shipped_override_file_is_valid():
    judgements = load_overrides(OVERRIDES_PATH)
    assert judgements and {o.judgement for o in judgements} == {"same", "not_same"}
    assert all(o.left_id and o.right_id and o.left_name and o.right_name for o in judgements)

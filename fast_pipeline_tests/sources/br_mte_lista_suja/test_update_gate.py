"""The publish gate judges removals by the kind of update (issue 10 item 13).

A CSV cut at a row boundary has no end marker and passes every parse check; against the previous
edition it looks like an update that removed the rows cut off. Removals in bulk happen at the semiannual
periodic updates only, so an interim edition that removes many is held back.
"""

from __future__ import annotations

import pandas as pd
import pytest

from fast_pipeline.core.gate import evaluate_gate, judge_edition
from fast_pipeline.sources.br_mte_lista_suja import SOURCE
from fast_pipeline.sources.br_mte_lista_suja.updates import update_kind
from fast_pipeline_tests.conftest import saved_file
from fast_pipeline_tests.sources.br_mte_lista_suja.conftest import SID, parse_validated, source_file

MONTHS = [4, 10]


def _edition(path, edition: str, as_of: str):
    parsed = parse_validated(source_file(path, edition=edition))
    return parsed, SOURCE.normalise(parsed, edition, SOURCE.edition_date(parsed, edition)), as_of


def _previous(actions: pd.DataFrame, as_of: str) -> tuple[dict, set[str]]:
    return {"action_rows": len(actions), "as_of_date": as_of}, set(actions["action_id"])


def truncated_copy(tmp_path, keep_rows: int):
    """The real 2026-08-02 CSV cut after `keep_rows` data rows, at a record boundary (CRLF, no trailing one)."""
    data = saved_file(SID, "2026-08-02_csv").read_bytes()
    lines = data.split(b"\r\n")
    path = tmp_path / "cadastro_de_empregadores.csv"
    path.write_bytes(b"\r\n".join(lines[: 1 + keep_rows]))
    return path


@pytest.fixture(scope="module")
def august_2(shared_sources):
    _, actions, as_of = _edition(saved_file(SID, "2026-08-02_csv"), "2026-08-02_csv", "2026-08-02")
    return _previous(actions, as_of)


def test_truncated_csv_is_held_back_as_an_interim_update(august_2, tmp_path):
    previous, previous_ids = august_2
    parsed, actions, as_of = _edition(truncated_copy(tmp_path, 452), "2026-08-03_csv", "2026-08-03")
    assert len(actions) == 452  # parses cleanly: row IDs run 1..452, nothing marks the cut
    # the count rule alone lets it through (a 23% shrink is under the 30% a periodic update may shrink)
    assert evaluate_gate(SOURCE.metadata.gate, actions, previous["action_rows"]) == []
    kind, reasons = judge_edition(SOURCE, parsed, actions, as_of, previous, previous_ids)
    assert kind == "interim"
    assert reasons == [
        "133 of 585 actions of the previous published edition removed (22.7%), out of character for its kind "
        "of update (interim: at most 5%); a truncated or partial file?"
    ]


def test_real_next_day_edition_still_publishes(august_2):
    previous, previous_ids = august_2
    parsed, actions, as_of = _edition(saved_file(SID, "2026-08-03_csv"), "2026-08-03_csv", "2026-08-03")
    assert judge_edition(SOURCE, parsed, actions, as_of, previous, previous_ids) == ("interim", [])


def test_real_periodic_update_may_remove_in_bulk(shared_sources, august_2):
    """2026-01-28 -> 2026-08-02 spans the April periodic update: 245 of 678 removed, and it publishes."""
    _, january, _ = _edition(saved_file(SID, "2026-01-28_xlsx"), "2026-01-28_xlsx", "2026-01-28")
    previous, previous_ids = _previous(january, "2026-01-28")
    parsed, actions, as_of = _edition(saved_file(SID, "2026-08-02_csv"), "2026-08-02_csv", "2026-08-02")
    assert len(previous_ids - set(actions["action_id"])) == 245
    assert judge_edition(SOURCE, parsed, actions, as_of, previous, previous_ids) == ("periodic", [])


@pytest.mark.parametrize(
    "periodic, as_of, previous, kind",
    [
        ("2025-10-06", "2026-01-28", "2024-12-04", "periodic"),  # edition line names a periodic update not yet seen
        ("2025-10-06", "2026-01-28", "2025-12-01", "interim"),  # same periodic update as the previous edition
        (None, "2026-08-03", "2026-08-02", "interim"),  # CSV: by the calendar, no April or October between
        (None, "2026-10-09", "2026-09-20", "periodic"),  # CSV: October lies between
        (None, "2027-04-02", "2026-11-15", "periodic"),  # across a year end
        (None, "2026-08-03", None, "periodic"),  # first edition: nothing to remove from
    ],
)
def test_kind_from_content_else_calendar(periodic, as_of, previous, kind):
    parsed = pd.DataFrame({"periodic_update_date": [periodic]})
    assert update_kind(parsed, as_of, previous, MONTHS) == kind


def test_a_kind_without_a_rule_is_held_back():
    gate = SOURCE.metadata.gate
    actions = pd.DataFrame({"action_id": ["a"], "party_name": ["x"], "party_identifiers": ["[]"], "listed_date": ["d"]})
    reasons = evaluate_gate(gate, actions, None, previous_ids={"a"}, kind=None)
    assert reasons[-1] == "kind of update None has no removal rule (declared: interim, periodic)"

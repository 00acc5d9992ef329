"""A small warehouse of hand-made editions whose history is known, and dbt run over it.

`us_cbp_wro`, four published editions and a fifth held back by its gate:
- A "Alpha Fishing Co." (a vessel): listed throughout, never changes; its `details.row_id` and
  `details.order_raw` move every edition, which is not a change;
- B "Bravo Garments Ltd": status Active -> Modified in 2026-03;
- C "Charlie Mining": gone in 2026-03;
- D "Delta Cotton": listed in 2026-01, absent in 2026-02, back in 2026-03 with a court order in its details;
- E "Echo Gloves Sdn Bhd" (with a bidi override and a terminal escape in its name, and a spreadsheet
  formula for an address, as a hostile publisher might send): first listed in 2026-02; its goods are
  cleared in 2026-04;
- 2026-04 comes in a format without legal basis and without `details.merchandise` (no row fills them):
  a gap in the format, not a change;
- the held-back 2026-05 edition keeps only A and must change nothing.
`us_dol_ilab`, two editions of two (country, good) pairs; "Bricks — IN" gains the forced-labour flag.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from fast_pipeline.core import warehouse
from fast_pipeline.core.canonical import conform, to_json_list, to_json_object, validate_actions
from fast_pipeline.core.ids import action_id
from fast_pipeline.sources.registry import SOURCE_IDS
from fast_pipeline_tests.support.dbt import build_warehouse_models

CBP = "us_cbp_wro"
ILAB = "us_dol_ilab"
MODIFIED = {"status_raw": "Modified", "status": "modified"}
COURT = {"court_order": "ACP 123"}
GAP = {"legal_basis": None, "merchandise": None}
CBP_EDITIONS = [  # (edition = its date, gate passed, {party: overrides})
    ("2026-01-01", True, {"A": {}, "B": {}, "C": {}, "D": {}}),
    ("2026-02-01", True, {"A": {}, "B": {}, "C": {}, "E": {}}),
    ("2026-03-01", True, {"A": {}, "B": MODIFIED, "D": COURT, "E": {}}),
    ("2026-04-01", True, {"A": GAP, "B": {**MODIFIED, **GAP}, "D": {**COURT, **GAP}, "E": {**GAP, "goods": None}}),
    ("2026-05-01", False, {"A": {}}),
]
ILAB_EDITIONS = [("2016-09-30", {"Bricks": False}), ("2018-09-30", {"Bricks": True})]
NAMES = {
    "A": "Alpha Fishing Co.",
    "B": "Bravo Garments Ltd",
    "C": "Charlie Mining",
    "D": "Delta Cotton",
    "E": "Echo Gloves Sdn Bhd\u202e\x1b[2J",
}
HOSTILE_ADDRESS = '=HYPERLINK("http://evil.example","click")'
SHA = "0" * 64


def cbp_id(party: str) -> str:
    return action_id(CBP, party)


def ilab_id(good: str) -> str:
    return action_id(ILAB, {"Cotton": "UZ", "Bricks": "IN"}[good], good)


def _cbp_row(party: str, edition: str, row: int, o: dict) -> dict:
    details = {
        "row_id": row,
        "order_raw": f"WRO #{row}",
        "merchandise": o.get("merchandise", "seafood"),
        "court_order": o.get("court_order"),
    }
    return {
        "action_id": cbp_id(party),
        "source_id": CBP,
        "edition": edition,
        "edition_date": edition,
        "natural_key": party,
        "action_type": "withhold_release_order",
        "authority": "U.S. Customs and Border Protection",
        "jurisdiction": "US",
        "legal_basis": o.get("legal_basis", "19 U.S.C. 1307"),
        "party_record_id": f"party-{party.lower()}",
        "party_name": NAMES[party],
        "party_kind": "vessel" if party == "A" else "company",
        "party_identifiers": to_json_list([{"scheme": "IMO", "value": "9123456"}] if party == "A" else []),
        "party_aliases": to_json_list(["Alpha"] if party == "A" else []),
        "party_country": "CN",
        "party_address": {"A": "Dalian", "E": HOSTILE_ADDRESS}.get(party),
        "goods": o.get("goods", "Seafood"),
        "status_raw": o.get("status_raw", "Active"),
        "status": o.get("status", "active"),
        "effective_date": "2025-06-01",
        "details": to_json_object(details),
        "source_url": f"https://www.cbp.gov/wro-{edition}.csv",
        "source_sha256": SHA,
        "source_locator": f"row {row}",
    }


def _ilab_row(good: str, country: str, edition: str, row: int, forced: bool) -> dict:
    return {
        "action_id": ilab_id(good),
        "source_id": ILAB,
        "edition": edition,
        "edition_date": edition,
        "natural_key": f"{country}|{good}",
        "action_type": "goods_listing",
        "authority": "U.S. Department of Labor",
        "jurisdiction": "US",
        "party_record_id": f"party-{country}-{good}",
        "party_name": f"{good} — {country}",
        "party_kind": "country_good",
        "party_country": country,
        "goods": good,
        "status_raw": "child labor; forced labor" if forced else "child labor",
        "status": "active",
        "details": to_json_object({"child_labor": True, "forced_labor": forced}),
        "source_sha256": SHA,
        "source_locator": f"row {row}",
    }


def _edition_row(source_id: str, edition: str, rows: int, gate_passed: bool) -> dict:
    return {
        "source_id": source_id,
        "edition": edition,
        "parser_version": "1",
        "edition_date": edition,
        "retrieved_at": f"{edition}T08:00:00Z",
        "files": "[]",
        "primary_file": "x.csv",
        "parsed_rows": rows,
        "action_rows": rows,
        "files_from_cache": 0,
        "cross_check_issues": "[]",
        "gate_passed": gate_passed,
        "gate_reasons": json.dumps([] if gate_passed else ["1 actions against 4: a 75% shrink"]),
        "origin": "http",
        "acquired_at": f"{edition}T08:00:00Z",
        "as_of_date": edition,
        "date_basis": "published",
    }


def _write(path: Path, source_id: str, edition: str, rows: list[dict], gate_passed: bool = True) -> None:
    frame = validate_actions(conform(pd.DataFrame(rows))).iloc[::-1].reset_index(drop=True)  # order must not matter
    warehouse.write_edition(
        path, source_id, edition, actions=frame, edition_row=_edition_row(source_id, edition, len(frame), gate_passed)
    )


def build_warehouse(path: Path, cbp_editions: int = len(CBP_EDITIONS), ilab_editions: int = 2) -> None:
    """The raw tables: the first `cbp_editions` CBP editions and `ilab_editions` ILAB editions."""
    warehouse.ensure_tables(path, list(SOURCE_IDS))
    for n, (edition, passed, parties) in enumerate(CBP_EDITIONS[:cbp_editions]):
        rows = [_cbp_row(p, edition, 10 * n + i, o) for i, (p, o) in enumerate(sorted(parties.items()), 1)]
        _write(path, CBP, edition, rows, passed)
    for edition, flags in ILAB_EDITIONS[:ilab_editions]:
        _write(
            path,
            ILAB,
            edition,
            [_ilab_row("Cotton", "UZ", edition, 1, True), _ilab_row("Bricks", "IN", edition, 2, flags["Bricks"])],
        )


def run_dbt(duckdb_path: Path, work_dir: Path) -> None:
    """Every dbt model and test over the warehouse, with resolution before the marts (support/dbt.py)."""
    build_warehouse_models(duckdb_path, work_dir)

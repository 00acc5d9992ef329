"""The dbt history models over the synthetic editions (synthetic.py), whose true history is known."""

from __future__ import annotations

import re

import duckdb
import pytest

from fast_pipeline.settings import DBT_PROJECT_DIR
from fast_pipeline_tests.release.synthetic import CBP, ILAB, NAMES, cbp_id, ilab_id

pytestmark = pytest.mark.timeout(900)  # the package fixture `warehouses` runs dbt twice on first use


@pytest.fixture(scope="module")
def con(warehouses):
    with duckdb.connect(str(warehouses.full), read_only=True) as c:
        yield c


def test_change_log_has_exactly_what_changed_between_consecutive_editions(con):
    rows = set(
        con.execute("""select source_id, edition, previous_edition, action_id, change, field, old_value,
                                     new_value, relisted from marts.action_changes""").fetchall()
    )
    added = lambda s, e, p, a, relisted=False: (s, e, p, a, "added", None, None, None, relisted)  # noqa: E731
    removed = lambda s, e, p, a: (s, e, p, a, "removed", None, None, None, False)  # noqa: E731
    changed = lambda s, e, p, a, f, o, n: (s, e, p, a, "changed", f, o, n, False)  # noqa: E731
    assert rows == {
        *(added(CBP, "2026-01-01", None, cbp_id(p)) for p in "ABCD"),
        removed(CBP, "2026-02-01", "2026-01-01", cbp_id("D")),
        added(CBP, "2026-02-01", "2026-01-01", cbp_id("E")),
        changed(CBP, "2026-03-01", "2026-02-01", cbp_id("B"), "status", "active", "modified"),
        changed(CBP, "2026-03-01", "2026-02-01", cbp_id("B"), "status_raw", "Active", "Modified"),
        removed(CBP, "2026-03-01", "2026-02-01", cbp_id("C")),
        added(CBP, "2026-03-01", "2026-02-01", cbp_id("D"), relisted=True),
        # 2026-04: legal basis and details.merchandise missing from every row (format gap) are no change;
        # row_id / order_raw renumbering is no change; E's goods cleared while others keep theirs is one
        changed(CBP, "2026-04-01", "2026-03-01", cbp_id("E"), "goods", "Seafood", None),
        # the held-back 2026-05 edition is not in the log at all
        *(added(ILAB, "2016-09-30", None, ilab_id(g)) for g in ("Cotton", "Bricks")),
        changed(ILAB, "2018-09-30", "2016-09-30", ilab_id("Bricks"), "details.forced_labor", "false", "true"),
        changed(
            ILAB,
            "2018-09-30",
            "2016-09-30",
            ilab_id("Bricks"),
            "status_raw",
            "child labor",
            "child labor; forced labor",
        ),
    }


def test_history_is_scd2_with_one_row_per_version(con):
    rows = con.execute(
        """select party_name, version, valid_from_edition, valid_to_edition, last_seen_edition,
                                 is_current, opened_by, closed_by, status_raw
                          from marts.action_history where source_id = ? order by party_name, version""",
        [CBP],
    ).fetchall()
    assert rows == [
        ("Alpha Fishing Co.", 1, "2026-01-01", None, "2026-04-01", True, "listed", None, "Active"),
        ("Bravo Garments Ltd", 1, "2026-01-01", "2026-03-01", "2026-02-01", False, "listed", "changed", "Active"),
        ("Bravo Garments Ltd", 2, "2026-03-01", None, "2026-04-01", True, "changed", None, "Modified"),
        ("Charlie Mining", 1, "2026-01-01", "2026-03-01", "2026-02-01", False, "listed", "removed", "Active"),
        ("Delta Cotton", 1, "2026-01-01", "2026-02-01", "2026-01-01", False, "listed", "removed", "Active"),
        ("Delta Cotton", 2, "2026-03-01", None, "2026-04-01", True, "relisted", None, "Active"),
        (NAMES["E"], 1, "2026-02-01", "2026-04-01", "2026-03-01", False, "listed", "changed", "Active"),
        (NAMES["E"], 2, "2026-04-01", None, "2026-04-01", True, "changed", None, "Active"),
    ]
    dates = con.execute(
        "select valid_from_date, valid_to_date from marts.action_history where action_id = ? and version = 1",
        [cbp_id("B")],
    ).fetchone()
    assert [d.isoformat() for d in dates] == ["2026-01-01", "2026-03-01"]


def test_history_keeps_what_an_edition_format_does_not_carry(con):
    """Echo's second version starts in the 2026-04 edition, whose format has no legal basis and no
    details.merchandise: the version keeps the earlier values; its own provenance and goods are 2026-04's."""
    legal_basis, goods, details, url = con.execute(
        "select legal_basis, goods, details, source_url from marts.action_history where action_id = ? and version = 2",
        [cbp_id("E")],
    ).fetchone()
    assert (legal_basis, goods, url) == ("19 U.S.C. 1307", None, "https://www.cbp.gov/wro-2026-04-01.csv")
    assert '"merchandise":"seafood"' in details and '"row_id":34' in details
    court = con.execute(
        "select details from marts.action_history where action_id = ? and version = 2", [cbp_id("D")]
    ).fetchone()[0]
    assert '"court_order":"ACP 123"' in court  # the re-listing carries what the court order changed


def test_tracked_fields_are_listed_once_and_skip_provenance(con):
    fields = {
        r[0] for r in con.execute("select distinct field from intermediate.int_actions__history_values").fetchall()
    }
    assert {
        "details.merchandise",
        "details.court_order",
        "details.forced_labor",
        "party_name",
        "status_raw",
        "legal_basis",
        "party_identifiers",
        "effective_date",
    } <= fields
    assert not fields & {
        "details.row_id",
        "details.order_raw",
        "source_url",
        "source_sha256",
        "source_locator",
        "edition",
        "party_record_id",
        "natural_key",
    }
    sql = (DBT_PROJECT_DIR / "macros/tracked_fields.sql").read_text()  # the one list, used by the history models
    listed = re.findall(r"'(\w+)'", sql[sql.index("return([") : sql.index("])")])
    canonical = {f for f in fields if not f.startswith("details.")}
    assert canonical <= set(listed) and len(listed) == len(set(listed)) == 22


def test_removal_is_derived_and_kept_apart_from_official_end_dates(con):
    rows = dict(
        con.execute(
            "select action_id, removed_in_edition from marts.adverse_actions where ended_date is null"
        ).fetchall()
    )
    assert rows[cbp_id("C")] == "2026-03-01" and rows[cbp_id("D")] is None and rows[cbp_id("A")] is None

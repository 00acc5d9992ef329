"""Analysts' decisions on hits: (counterparty id, party_id) -> false_positive or confirmed, who, when, why.

The store is a table (`screening_decisions`) in the warehouse by default, or in any database SQLAlchemy
reaches (`--decisions` takes a DuckDB file path or a URL such as postgresql://...). It only grows: a new
decision on a pair is a new row, and the newest wins, so the history of a case stays in the store.

Each decision keeps the party's evidence fingerprint as screened (engine.evidence_fingerprint). A cleared
false positive is suppressed on re-screening while that fingerprint is unchanged; a new action, a status
change or a removal changes it, and the hit is raised again as re-opened.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from fast_pipeline.core.errors import PipelineError

TABLE = "screening_decisions"
DECISIONS = {
    "false_positive": "false_positive",
    "false positive": "false_positive",
    "fp": "false_positive",
    "confirmed": "confirmed",
    "confirm": "confirmed",
    "true_positive": "confirmed",
    "match": "confirmed",
}

_meta = sa.MetaData()
_table = sa.Table(
    TABLE,
    _meta,
    sa.Column("query_id", sa.String, nullable=False),
    sa.Column("party_id", sa.String, nullable=False),
    sa.Column("decision", sa.String, nullable=False),
    sa.Column("reviewer", sa.String, nullable=False),
    sa.Column("decided_at", sa.String, nullable=False),
    sa.Column("note", sa.String),
    sa.Column("evidence_fingerprint", sa.String),
    sa.Column("source_file", sa.String),
)


class DecisionError(PipelineError):
    def __init__(self, file: str | None, reason: str, locator: str | None = None):
        super().__init__("screen-decide", file, reason, locator)


@dataclass(frozen=True)
class Decision:
    query_id: str
    party_id: str
    decision: str
    reviewer: str
    decided_at: str
    note: str | None
    evidence_fingerprint: str | None

    def status_for(self, fingerprint: str | None) -> str:
        who = f"by {self.reviewer} on {self.decided_at[:10]}"
        if self.decision == "confirmed":
            return f"confirmed {who}"
        if fingerprint == self.evidence_fingerprint:
            return f"suppressed: false positive {who}"
        return f"reopened: evidence changed since false positive {who}"


class DecisionStore:
    def __init__(self, target: str | Path):
        text = str(target)
        self.url = text if "://" in text else f"duckdb:///{Path(text).expanduser().resolve()}"
        self._engine = sa.create_engine(self.url)

    def describe(self) -> str:
        return self._engine.url.render_as_string(hide_password=True) + f" (table {TABLE})"

    def _ensure(self) -> None:
        _meta.create_all(self._engine, checkfirst=True)

    def load(self) -> dict[tuple[str, str], Decision]:
        """The newest decision on each (query_id, party_id)."""
        if not sa.inspect(self._engine).has_table(TABLE):
            return {}
        with self._engine.connect() as con:
            rows = con.execute(sa.select(_table).order_by(_table.c.decided_at)).mappings().all()
        return {
            (r["query_id"], r["party_id"]): Decision(**{k: r[k] for k in Decision.__dataclass_fields__}) for r in rows
        }

    def record(self, decisions: list[Decision], source_file: str | None = None) -> int:
        if not decisions:
            return 0
        self._ensure()
        with self._engine.begin() as con:
            con.execute(_table.insert(), [{**d.__dict__, "source_file": source_file} for d in decisions])
        return len(decisions)

    def close(self) -> None:
        self._engine.dispose()


def decisions_from_reviewed(path: Path, reviewer: str, now: datetime | None = None) -> tuple[list[Decision], list[str]]:
    """Decisions from a reviewed screening output (CSV, XLSX or JSON Lines with a `decision` column, and
    optionally `note` and `reviewer`); rows with an empty decision are skipped. Returns (decisions, errors)."""
    from fast_pipeline.screening.counterparties import _read_csv, _read_xlsx

    if not path.is_file():
        raise DecisionError(str(path), "no such file")
    if path.suffix.lower() == ".jsonl":
        records = [
            (n, json.loads(line))
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if line.strip()
        ]
    else:
        header, raw = _read_xlsx(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _read_csv(path)[:2]
        records = [(n, dict(zip(header, values))) for n, values in raw]
        if "decision" not in header:
            raise DecisionError(path.name, f"no `decision` column (found: {', '.join(header)})")
    stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    found, errors = [], []
    for n, row in records:
        value = str(row.get("decision") or "").strip().lower()
        if not value:
            continue
        decision = DECISIONS.get(value)
        query_id, party_id = str(row.get("query_id") or "").strip(), str(row.get("party_id") or "").strip()
        if decision is None:
            errors.append(f"row {n}: unknown decision {value!r} (false_positive or confirmed)")
        elif not query_id or not party_id:
            errors.append(f"row {n}: a decision needs query_id and party_id")
        else:
            found.append(
                Decision(
                    query_id,
                    party_id,
                    decision,
                    str(row.get("reviewer") or reviewer),
                    stamp,
                    str(row.get("note") or "") or None,
                    str(row.get("evidence_fingerprint") or "") or None,
                )
            )
    return found, errors

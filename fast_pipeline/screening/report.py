"""The HTML report beside the output: for a person, matches grouped by counterparty with their evidence and
links to the source documents, then exposures and errors. Plain HTML, every value escaped."""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path

_STYLE = """body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}h2{margin-top:2em}
.match{color:#a00;font-weight:bold}.muted{color:#666}"""


def _e(value) -> str:
    return escape("" if value is None else str(value))


def _link(url, text) -> str:
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        return f'<a href="{_e(url)}" rel="noreferrer">{_e(text)}</a>'
    return _e(text)


MAX_IDS = 50  # counterparty ids listed per exposure group; the rest are counted


def write_report(path: Path, rows, version: str, as_of: date | None, threshold: float, counts: dict) -> None:
    """rows: a `run.ReportRows` (hits by counterparty, exposure groups of `exposures.Exposure`, errors)."""
    out = [
        "<!doctype html><html lang=en><meta charset=utf-8>",
        f"<title>Screening against release {_e(version)}</title><style>{_STYLE}</style>",
        f"<h1>Screening against release {_e(version)}</h1>",
        f"<p>As of {_e(as_of.isoformat() if as_of else 'the release date')}; threshold {threshold:.2f}. "
        + ", ".join(f"{_e(k)}: {v}" for k, v in counts.items())
        + "</p>",
        "<h2>Hits by counterparty</h2>",
    ]
    if not rows.hits:
        out.append("<p class=muted>No counterparty has a candidate above the reporting floor.</p>")
    for query_id, hits in rows.hits.items():
        out.append(
            f"<h3>{_e(query_id)}</h3><table><tr><th>party</th><th>score</th><th>evidence</th><th>actions</th></tr>"
        )
        for h in hits:
            flag = "<span class=match>match</span>" if h.get("is_match") else "not a match"
            review = f"<br><em>{_e(h['review_status'])}</em>" if h.get("review_status") else ""
            reasons = "<br>".join(_e(r) for r in h.get("match_reasons") or [])
            actions = "<br>".join(_action(a) for a in h.get("actions") or [])
            out.append(
                f"<tr><td>{_e(h.get('matched_name'))}<br><span class=muted>{_e(h['party_id'])} · "
                f"{_e(h.get('party_kind'))}</span></td><td>{h.get('score', 0):.2f} {flag}{review}</td>"
                f"<td>{reasons}</td><td>{actions}</td></tr>"
            )
        out.append("</table>")
    out.append("<h2>Exposures</h2>")
    if not rows.exposed:
        out.append("<p class=muted>No counterparty's country and goods are named by a goods list.</p>")
    for group in rows.exposed:
        shown = ", ".join(_e(q) for q in group.query_ids[:MAX_IDS])
        more = f" and {group.count - MAX_IDS} more" if group.count > MAX_IDS else ""
        out.append(f"<h3>{group.count} counterparties</h3><p>{shown}{more}</p><ul>")
        for x in group.exposures:
            listed = f"; listed {_e(x.listed_date)}" if x.listed_date else ""
            out.append(
                f"<li>{_link(x.source_url, x.source_id)}: {_e(x.goods)}{' — ' + _e(x.labour) if x.labour else ''}; "
                f"{_e(x.legal_basis)}{listed} <span class=muted>{_e(x.key)}</span></li>"
            )
        out.append("</ul>")
    out.append("<h2>Errors</h2>")
    if not rows.errors:
        out.append("<p class=muted>None.</p>")
    else:
        out.append("<table><tr><th>row</th><th>id</th><th>error</th></tr>")
        out.extend(
            f"<tr><td>{r['row_number']}</td><td>{_e(r['query_id'])}</td><td>{_e(r['error'])}</td></tr>"
            for r in rows.errors
        )
        out.append("</table>")
    out.append("</html>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _action(a: dict) -> str:
    removed = f", removed in {_e(a['removed_in_edition'])}" if a.get("removed_in_edition") else ""
    basis = f", {_e(a['legal_basis'])}" if a.get("legal_basis") else ""
    return (
        f"{_link(a.get('source_url'), a['source_id'] + ' ' + a['action_type'])}: {_e(a['status'])}"
        f"{' (in force)' if a.get('in_force') else ''}, listed {_e(a.get('listed_date') or '?')}{removed}{basis}"
        f" <span class=muted>sha256 {_e((a.get('source_sha256') or '')[:12])}</span>"
    )

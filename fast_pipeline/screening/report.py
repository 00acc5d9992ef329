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


def write_report(
    path: Path, rows: list[dict], version: str, as_of: date | None, threshold: float, counts: dict
) -> None:
    out = [
        "<!doctype html><html lang=en><meta charset=utf-8>",
        f"<title>Screening against release {_e(version)}</title><style>{_STYLE}</style>",
        f"<h1>Screening against release {_e(version)}</h1>",
        f"<p>As of {_e(as_of.isoformat() if as_of else 'the release date')}; threshold {threshold:.2f}. "
        + ", ".join(f"{_e(k)}: {v}" for k, v in counts.items())
        + "</p>",
        "<h2>Hits by counterparty</h2>",
    ]
    by_query: dict[str, list[dict]] = {}
    for row in rows:
        if row.get("party_id"):
            by_query.setdefault(row["query_id"], []).append(row)
    if not by_query:
        out.append("<p class=muted>No counterparty has a candidate above the reporting floor.</p>")
    for query_id, hits in by_query.items():
        out.append(
            f"<h3>{_e(query_id)}</h3><table><tr><th>party</th><th>score</th><th>evidence</th><th>actions</th></tr>"
        )
        for h in hits:
            flag = "<span class=match>match</span>" if h.get("is_match") else "not a match"
            review = f"<br><em>{_e(h['review_status'])}</em>" if h.get("review_status") else ""
            reasons = "<br>".join(_e(r) for r in h.get("match_reasons") or [])
            actions = "<br>".join(
                f"{_link(a.get('source_url'), a['source_id'] + ' ' + a['action_type'])}: {_e(a['status'])}"
                f"{' (in force)' if a.get('in_force') else ''}, listed {_e(a.get('listed_date') or '?')}"
                f"{', removed in ' + _e(a['removed_in_edition']) if a.get('removed_in_edition') else ''}"
                f"{', ' + _e(a['legal_basis']) if a.get('legal_basis') else ''}"
                f" <span class=muted>sha256 {_e((a.get('source_sha256') or '')[:12])}</span>"
                for a in h.get("actions") or []
            )
            out.append(
                f"<tr><td>{_e(h.get('matched_name'))}<br><span class=muted>{_e(h['party_id'])} · {_e(h.get('party_kind'))}"
                f"</span></td><td>{h.get('score', 0):.2f} {flag}{review}</td><td>{reasons}</td><td>{actions}</td></tr>"
            )
        out.append("</table>")
    out.append("<h2>Exposures</h2>")
    exposed = [(r["query_id"], r["exposures"]) for r in rows if r.get("exposures")]
    seen = set()
    if not exposed:
        out.append("<p class=muted>No counterparty's country and goods are named by a goods list.</p>")
    for query_id, items in exposed:
        if query_id in seen:
            continue
        seen.add(query_id)
        out.append(f"<h3>{_e(query_id)}</h3><ul>")
        for x in items:
            out.append(
                f"<li>{_link(x.get('source_url'), x['source_id'])}: {_e(x.get('goods'))} ({_e(x['country'])})"
                f"{' — ' + _e(x['labour']) if x.get('labour') else ''}; {_e(x.get('legal_basis'))}</li>"
            )
        out.append("</ul>")
    out.append("<h2>Errors</h2>")
    errors = [r for r in rows if r.get("error")]
    if not errors:
        out.append("<p class=muted>None.</p>")
    else:
        out.append("<table><tr><th>row</th><th>id</th><th>error</th></tr>")
        out.extend(
            f"<tr><td>{r.get('row_number')}</td><td>{_e(r.get('query_id'))}</td><td>{_e(r['error'])}</td></tr>"
            for r in errors
        )
        out.append("</table>")
    out.append("</html>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")

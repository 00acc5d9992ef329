"""What changed between two releases: actions added, removed and changed, field by field.

A release carries one published edition per source (its `freshness.json`). The changes between two
releases are those between the editions they carry, computed in the warehouse with the same rules as
dbt's edition-by-edition change log (`marts.action_changes`): the tracked state of each action in
`int_actions__history_values` (the publisher's statements, each `details` key on its own; never
provenance, never `details.row_id` nor `details.*_raw`; a field an edition's format does not carry keeps
its earlier value). Listed in the later edition only: added (`relisted` when an edition up to the earlier
release's had listed it); in the earlier only: removed; in both with a tracked field that differs: changed.
When several editions lie between two releases, the changes are the net ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from fast_pipeline.core.display import markdown, markdown_code
from fast_pipeline.core.errors import PipelineError
from fast_pipeline.release.package import records
from fast_pipeline.release.reader import Reader

MARKDOWN_LIMIT = 50  # actions listed per source and kind in CHANGES.md; changes.json lists all


@dataclass
class Changes:
    previous: str | None
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    format_changes: list[str] = field(default_factory=list)  # published-format changes since the previous release

    def summary(self) -> dict:
        by_source: dict[str, dict[str, int]] = {}
        for kind in ("added", "removed", "changed"):
            for item in getattr(self, kind):
                counts = by_source.setdefault(item["source_id"], {"added": 0, "removed": 0, "changed": 0})
                counts[kind] += 1
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
            "by_source": dict(sorted(by_source.items())),
        }

    def as_json(self, version: str | None) -> dict:
        return {
            "version": version,
            "previous_version": self.previous,
            "summary": self.summary(),
            "notes": self.notes,
            "format_changes": self.format_changes,
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
        }


def carried_editions(freshness: list[dict]) -> dict[str, str]:
    """source_id -> the published edition a release carries (from its freshness.json)."""
    return {s["source_id"]: s["published_edition"] for s in freshness if s["published_edition"]}


def _locate(con: Reader, old: dict[str, str], new: dict[str, str], strict: bool) -> list[str]:
    """Temp table `sides(side, source_id, edition, edition_seq)`: where each release's editions sit in the
    warehouse. An edition the warehouse does not hold as published raises, or when not `strict` is left out
    (its source then counts as new) with a note."""
    pairs = [(side, sid, ed) for side, m in (("old", old), ("new", new)) for sid, ed in sorted(m.items())]
    wanted = pd.DataFrame(pairs, columns=["side", "source_id", "edition"])
    con.register("wanted", wanted)
    con.execute("""create temp table sides as
                   select w.side, w.source_id, w.edition, e.edition_seq
                   from wanted as w left join intermediate.int_editions__published as e using (source_id, edition)""")
    con.unregister("wanted")
    missing = con.execute(
        "select source_id, edition from sides where edition_seq is null order by source_id, edition"
    ).fetchall()
    if missing and strict:
        raise PipelineError(
            None,
            None,
            "the warehouse holds no published edition "
            + ", ".join(f"{e} of {s}" for s, e in missing)
            + ": rebuild it from the archive (`fast-pipeline build`) before comparing",
        )
    con.execute("delete from sides where edition_seq is null")
    return [
        f"{s}: the earlier release's edition {e} is no longer a published edition in the warehouse, so every "
        f"action of {s} counts as added"
        for s, e in missing
    ]


def diff(
    con: Reader,
    old: dict[str, str],
    new: dict[str, str],
    previous: str | None = None,
    strict: bool = True,
) -> Changes:
    """Changes from the editions `old` carries to those `new` carries ({source_id: edition}), read from
    the warehouse behind `con`. `previous` names the earlier release in the result."""
    notes = _locate(con, old, new, strict)
    for side in ("old", "new"):
        con.execute(f"""create temp table {side} as
                        select u.source_id, u.action_id, u.natural_key, u.party_name, u.action_type, u.status
                        from intermediate.int_actions__unioned as u
                        join sides as s on s.side = '{side}' and s.source_id = u.source_id
                                       and s.edition_seq = u.edition_seq""")
        con.execute(f"""create temp table {side}_values as
                        select v.action_id, v.field, v.value
                        from intermediate.int_actions__history_values as v
                        join sides as s on s.side = '{side}' and s.source_id = v.source_id
                                       and s.edition_seq = v.edition_seq""")
    by_party = ", ".join(con.text_order(f"q.{c}") for c in ("source_id", "party_name", "action_id"))

    def ordered(sql: str) -> str:  # by source, party, action; text by code point on both databases
        return f"select * from ({sql}) as q order by {by_party}"

    added = records(
        con.execute(
            ordered("""
        select n.action_id, n.source_id, n.natural_key, n.party_name, n.action_type, n.status,
               a.first_seen_edition,
               exists (select 1 from intermediate.int_actions__unioned as u
                       join sides as s on s.side = 'old' and s.source_id = u.source_id
                       where u.action_id = n.action_id and u.edition_seq < s.edition_seq) as relisted
        from new as n join marts.adverse_actions as a using (action_id)
        where n.action_id not in (select action_id from old)""")
        )
    )
    removed = records(
        con.execute(
            ordered("""
        select o.action_id, o.source_id, o.natural_key, o.party_name, o.action_type,
               a.last_seen_edition, a.removed_in_edition
        from old as o left join marts.adverse_actions as a using (action_id)
        where o.action_id not in (select action_id from new)""")
        )
    )
    fields = records(
        con.execute(f"""
        with kept as (select action_id from old intersect select action_id from new)
        select coalesce(n.action_id, o.action_id) as action_id, coalesce(n.field, o.field) as field,
               o.value as old, n.value as new
        from (select * from new_values where action_id in (select action_id from kept)) as n
        full join (select * from old_values where action_id in (select action_id from kept)) as o
            using (action_id, field)
        where n.value is distinct from o.value
        order by {con.text_order("action_id")}, {con.text_order("field")}""")
    )
    by_action: dict[str, list[dict]] = {}
    for f in fields:
        by_action.setdefault(f.pop("action_id"), []).append(f)
    con.register("changed_ids", pd.DataFrame({"action_id": sorted(by_action)}, dtype=object))
    changed = records(
        con.execute(
            ordered("""
        select action_id, source_id, natural_key, party_name, action_type from new
        where action_id in (select action_id from changed_ids)""")
        )
    )
    con.unregister("changed_ids")
    for item in changed:
        item["fields"] = by_action[item["action_id"]]
    for table in ("sides", "old", "new", "old_values", "new_values"):
        con.execute(f"drop table {table}")
    return Changes(previous=previous, added=added, removed=removed, changed=changed, notes=notes)


def _line(item: dict, suffix: str = "") -> str:
    return f"- {markdown(item['party_name'])} ({markdown_code(item['natural_key'])}){suffix}"


def _value(v: str | None) -> str:
    return "(empty)" if v is None else markdown(v)


def render_markdown(version: str, changes: Changes, freshness: list[dict], counts: dict[str, int]) -> str:
    """CHANGES.md: totals, format changes, the edition each source is at, then the actions by source.
    Every publisher-given text goes through core.display.markdown: it shows, it does not act."""
    s = changes.summary()
    lines = [f"# fast-pipeline release {version}", ""]
    if changes.previous:
        lines.append(
            f"Changes since release {changes.previous}: **{s['added']} added, {s['removed']} removed, "
            f"{s['changed']} changed** actions."
        )
        if not (s["added"] or s["removed"] or s["changed"]):
            lines += [
                "",
                "No publisher changed its list: this release re-derives the same editions (a pipeline "
                "change, or an edition of the same content).",
            ]
    else:
        lines.append(f"First release: {s['added']} actions listed.")
    lines += [f"\nNote: {markdown(note)}." for note in changes.notes]
    lines += [
        "",
        f"{counts.get('listed_actions', 0)} actions listed now; {counts.get('adverse_actions', 0)} in "
        "`adverse_actions` with those no longer listed.",
    ]
    if changes.format_changes:
        lines += [
            "",
            f"## Format changes since release {changes.previous}",
            "",
            "The published files changed shape or meaning (datapackage.json `fast_pipeline.format_version`):",
            "",
        ]
        lines += [f"- {markdown(c)}" for c in changes.format_changes]
    lines += [
        "",
        "## Sources",
        "",
        "| source | edition carried | as of | publisher's date | acquired at | actions | added | removed | changed |",
        "|---|---|---|---|---|---:|---:|---:|---:|",
    ]
    for src in freshness:
        c = s["by_source"].get(src["source_id"], {"added": 0, "removed": 0, "changed": 0})
        as_of = f"{src['as_of_date']} ({src['date_basis']})" if src["as_of_date"] else ""
        lines.append(
            f"| {src['source_id']} | {markdown(src['published_edition'] or '(none yet)')} | {as_of} "
            f"| {src['edition_date'] or ''} | {src['acquired_at'] or ''} "
            f"| {'' if src['actions'] is None else src['actions']} "
            f"| {c['added']} | {c['removed']} | {c['changed']} |"
        )
    warned = [src for src in freshness if src["date_warning"]]
    if warned:
        lines += [
            "",
            "Edition dates to check (the publisher's date was not plausible, so the edition is dated by "
            "its acquisition):",
            "",
        ]
        lines += [
            f"- {src['source_id']} {markdown(src['published_edition'])}: {markdown(src['date_warning'])}"
            for src in warned
        ]
    held = [(src["source_id"], h) for src in freshness for h in src["held_back"]]
    if held:
        lines += ["", "Held back by the publish gate (the release keeps the edition above):", ""]
        lines += [
            f"- {sid} {markdown(h['edition'])}: {markdown('; '.join(h['reasons']) or 'gate failed')}" for sid, h in held
        ]
    for sid in s["by_source"]:
        lines += ["", f"## {sid}"]
        for kind in ("removed", "added", "changed"):
            items = [i for i in getattr(changes, kind) if i["source_id"] == sid]
            if not items:
                continue
            lines += ["", f"### {kind.capitalize()} ({len(items)})", ""]
            for item in items[:MARKDOWN_LIMIT]:
                if kind == "removed":
                    gone = f" in {markdown(item['removed_in_edition'])}" if item["removed_in_edition"] else ""
                    lines.append(_line(item, f": gone{gone}, last listed in {markdown(item['last_seen_edition'])}"))
                elif kind == "added":
                    lines.append(_line(item, " (listed again)" if item["relisted"] else ""))
                else:
                    lines.append(_line(item))
                    lines += [
                        f"  - {markdown(f['field'])}: {_value(f['old'])} → {_value(f['new'])}" for f in item["fields"]
                    ]
            if len(items) > MARKDOWN_LIMIT:
                lines.append(f"- … and {len(items) - MARKDOWN_LIMIT} more (changes.json lists every one)")
    return "\n".join(lines) + "\n"

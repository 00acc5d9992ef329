"""A UFLPA Entity List page in the layout of www.dhs.gov (Drupal body field), for edge cases."""

from __future__ import annotations

from pathlib import Path

from fast_pipeline.core.source import SourceFile, local_source_file

LAW = "https://www.govinfo.gov/app/details/PLAW-117publ78"
DESCRIPTIONS = {
    "i": "A list of entities in Xinjiang that mine, produce, or manufacture wholly or in part any goods, wares, "
    "articles and merchandise with forced labor",
    "ii": "A list of entities working with the government of Xinjiang to recruit, transport, transfer, harbor or "
    "receive forced labor or Uyghurs, Kazakhs, Kyrgyz, or members of other persecuted groups out of Xinjiang",
    "iv": "A list of entities that exported products described in clause (iii) from the PRC into the United States",
    "v": "A list of facilities and entities, including the Xinjiang Production and Construction Corps, that source "
    "material from Xinjiang",
}


def section(
    clause: str, rows: list[tuple[str, str]] | None, header: tuple[str, str] = ("Name of Entity", "Effective Date")
) -> str:
    """One section: its heading paragraph and (unless `rows` is None) its table; rows hold raw HTML."""
    heading = (
        f'<p class="text-align-center"><br><strong>{DESCRIPTIONS[clause]}</strong><br>'
        f'<a href="{LAW}">Section 2(d)(2)(B)({clause})</a></p>'
    )
    if rows is None:
        return heading + "<p>We have not identified additional exporters at this time.</p><p>&nbsp;</p>"
    body = "".join(f"<tr><td>{name}</td><td>{date}</td></tr>" for name, date in rows)
    return f"{heading}<table><tbody><tr><th>{header[0]}</th><th>{header[1]}</th></tr>{body}</tbody></table>"


def page(*sections: str, updated: str | None = "01/14/2025") -> str:
    last = (
        (
            f'<div id="block-lastupdated" class="last-updated block"><div class="last-updated">'
            f"<span>Last Updated:</span> {updated}</div></div>"
        )
        if updated
        else ""
    )
    return (
        '<!DOCTYPE html><html lang="en" dir="ltr"><head><meta charset="utf-8">'
        "<title>UFLPA Entity List | Homeland Security</title></head><body><main><article>"
        '<div class="field field--name-body field--type-text-with-summary field__item">'
        "<p>The UFLPA Entity List is available here and in the most recent Federal Register "
        '<a href="https://www.federalregister.gov/">Notice regarding the Uyghur Forced Labor Prevention Act '
        "Entity List</a>.</p>" + "".join(sections) + f"</div></article>{last}</main></body></html>"
    )


def write(tmp_path: Path, html: str, name: str = "uflpa-entity-list.html") -> SourceFile:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return local_source_file("us_dhs_uflpa", path, edition="test")

"""Synthetic NBIM pages in the documented structure (NOTES.md section F); no saved copy of the live page
exists here. Companies and decisions from the Council on Ethics' published recommendations."""

from __future__ import annotations

from html import escape

HEADER = ["Company", "", "Decision", "Category", "Criterion", "Publishing date"]
LUTHAI = ("Luthai Textile Co Ltd", "", "Exclusion", "Conduct-based", "Human rights", "14.05.2018")
LI_NING = ("Li Ning Co Ltd", "", "Exclusion", "Conduct-based", "Human rights", "12.05.2022")
HANSAE = ("Hansae Co Ltd", "", "Observation", "Conduct-based", "Human rights", "30.01.2019")
TOBACCO = ("British American Tobacco PLC", "", "Exclusion", "Product-based", "Production of tobacco", "31.12.2009")
COAL = ("Adani Power Ltd", "", "Exclusion", "Product-based", "Thermal coal", "13.05.2020")
WAR = (
    "Example Construction Ltd",
    "",
    "Exclusion",
    "Conduct-based",
    "Serious violations of the rights of individuals in situations of war or conflict",
    "07.06.2021",
)
EDITION_2021 = [LUTHAI, HANSAE, TOBACCO, COAL]
EDITION_2022 = [LUTHAI, LI_NING, TOBACCO, COAL]  # Hansae's observation terminated in 2022: it left the table


def _cell(label: str, value: str, link: bool = False) -> str:
    inner = (
        f'<a href="/en/news-list/news-release/{escape(value).lower().replace(" ", "-")}/">{escape(value)}</a>'
        if link
        else escape(value)
    )
    return (
        f'<td><span class="nbim-responsive-table--label">{escape(label)}</span>'
        f'<span class="nbim-responsive-table--value">{inner}</span></td>'
    )


def page(rows, header=HEADER, tables: int = 1, token: str = "t1") -> bytes:
    """The page; `token` stands for what changes on every request (a form token), not the list."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(_cell(h, v, link=(i == 0)) for i, (h, v) in enumerate(zip(HEADER, row))) + "</tr>"
        for row in rows
    )
    table = f'<table class="nbim-responsive-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    return (
        "<!DOCTYPE html><html><head><title>Exclusion of companies | Norges Bank Investment Management</title>"
        f'<meta name="csrf" content="{token}"></head><body><main><h1>Exclusion of companies</h1>'
        f"{table * tables}</main></body></html>"
    ).encode()

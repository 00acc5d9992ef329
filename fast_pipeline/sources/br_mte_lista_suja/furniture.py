"""Page furniture (running footers, page numbers, links) recognised by its shape, not by its words.

The ministry rewords its footer from one edition to the next ("DENÚNCIAS DE TRABALHO ANÁLOGO AO DE
ESCRAVO", later "... À ESCRAVIDÃO"), so matching exact words rejects good files. What stays is the shape:
a page number ("Página N de M", "page N of M", "N/M"), an unfilled report label ("xrLabelNumeracaoPagina"),
or a link whose surrounding text is all capitals (a slogan beside a URL); a slogan printed on its own line
next to such a link (the TXT export splits them) goes with it. A footnote or a sentence in mixed case is
never furniture. Position is the caller's part: the PDF reader never asks about text inside the
table's area, where anything but a section heading is an error.
"""

from __future__ import annotations

import re

from fast_pipeline.core.text import fold

# on folded text (punctuation already spaces): "pagina 3 de 9", "page 3 of 9", "3 9" (from "3/9"), "3" (from "- 3 -")
_PAGE_NUMBER = re.compile(r"^(?:(?:pagina|pag|page|p) )?\d{1,4}(?: (?:de|of))? \d{1,4}$|^\d{1,4}$")
_REPORT_LABEL = re.compile(r"^xrLabel\w*$")  # a DevExpress label whose expression was never filled in
_LINK = re.compile(r"(?:https?://|www\.)\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b", re.IGNORECASE)


def _is_link(text: str) -> bool:
    return bool(_LINK.search(text)) and _all_caps(_LINK.sub(" ", text))


def _all_caps(text: str) -> bool:
    return not any(ch.islower() for ch in text)


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(fold(text)))


def is_furniture(text: str) -> bool:
    """True for a page number, an unfilled report label, or a link with at most an all-caps slogan beside it."""
    text = " ".join(text.split())
    if not text:
        return False
    if is_page_number(text) or _REPORT_LABEL.match(text):
        return True
    return _is_link(text)


def furniture_lines(texts: list[str | None]) -> set[int]:
    """Indices of furniture among consecutive items (None for a table row, which breaks adjacency)."""
    found = {i for i, text in enumerate(texts) if text and is_furniture(text)}
    links = [i for i in found if _is_link(" ".join(texts[i].split()))]
    for i in links:
        for j in (i - 1, i + 1):
            if 0 <= j < len(texts) and texts[j] and any(ch.isalpha() for ch in texts[j]) and _all_caps(texts[j]):
                found.add(j)
    return found

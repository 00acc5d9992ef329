"""Publisher text made safe to show: in a spreadsheet (CSV), in Markdown and on a terminal.

The parsed tables, Parquet and JSON Lines keep the publisher's exact characters. Only outputs read by
people go through here, because there a publisher's cell can act instead of being read:
- a control character or terminal escape (ESC, BEL, ...) can rewrite a terminal line, and a bidi control
  (U+202E and its kin) can reorder what a reader sees ("Trojan Source"); `visible` shows each as an escape,
  `\\x1b` or `\\u202e`, so the text reads the same everywhere and nothing is silently dropped;
- a CSV cell that begins with `=`, `+`, `-`, `@`, TAB or CR runs as a formula in Excel and LibreOffice;
  `csv_cell` prefixes such text cells with `'` (OWASP's "CSV injection" rule), which spreadsheets show as
  plain text. Numbers, dates and JSON text are never touched by that rule: only text cells are given to it.
"""

from __future__ import annotations

import re

# Bidi controls: embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069), marks (LRM, RLM, ALM).
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _unsafe(keep: str) -> re.Pattern:
    """Every C0/C1 control, DEL, line/paragraph separator and bidi control, except the characters in keep."""
    chars = [chr(c) for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029]] + sorted(BIDI_CONTROLS)
    return re.compile("[" + "".join(re.escape(c) for c in chars if c not in keep) + "]")


_LINE_UNSAFE = _unsafe(keep="")  # one line of Markdown or terminal output: newlines and tabs too
_CELL_UNSAFE = _unsafe(keep="\n\t")  # a CSV cell may hold lines (addresses) and tabs inside its quotes
_JSON_UNSAFE = _unsafe(keep="\t\n\r")  # JSON text: inside its strings json.dumps escaped these three


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object) -> str:
    """One line of text with every control, separator and bidi character shown as an escape."""
    return _LINE_UNSAFE.sub(_escape, "" if text is None else str(text))


def csv_cell(text: str) -> str:
    """A text cell for a CSV file: controls and bidi characters as escapes, formula-like text quoted."""
    quoted = text.startswith(FORMULA_STARTS)
    if not (text.isascii() and text.isprintable()):  # printable ASCII has nothing to escape (most cells)
        text = _CELL_UNSAFE.sub(_escape, text)
    return "'" + text if quoted else text


def json_text_for_csv(text: str) -> str:
    """JSON text (a list or object column) for a CSV cell: bidi characters written as JSON escapes, so the
    cell stays valid JSON that decodes to the publisher's exact text (json.dumps escapes the C0 controls)."""
    if text.isascii() and text.isprintable():  # nothing to escape (most cells)
        return text
    return _JSON_UNSAFE.sub(_json_escape, text)


def _json_escape(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


# Markdown punctuation that can start markup anywhere in a line; `_` only where it can open or close emphasis
# (not inside a word, so labels such as 2026-08-03_csv stay as they are).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]<>|~]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z]))")


def markdown(text: object) -> str:
    """Text for one line of Markdown: `visible`, with Markdown's punctuation escaped so that a publisher's
    text renders as the text it is (no links, emphasis, HTML or table cells of its own)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", visible(text))


def markdown_code(text: object) -> str:
    """Text for an inline code span: `visible`, inside as many backticks as it needs."""
    shown = visible(text)
    fence = "`" * (max((len(m) for m in re.findall(r"`+", shown)), default=0) + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") else ""
    return f"{fence}{pad}{shown}{pad}{fence}"

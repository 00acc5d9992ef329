"""Text boxes of a PDF page, read straight from its content stream (pdfplumber opens, pdfminer decodes).

Why not `page.chars`: building pdfplumber's per-character objects costs ~85% of a full
`extract_tables()` pass over the ministry's 56-page PDF, because pdfminer tokenises the content stream one
byte at a time and every glyph becomes a dict. This reader keeps pdfplumber/pdfminer for everything that
needs a PDF library (opening and repairing the document, pages, stream filters, fonts, CMaps, glyph widths)
and replaces only the operator loop: one regular expression tokenises the stream and only the text and
clipping operators are interpreted. The ministry's DevExpress reports draw each table cell as
`q <cell> re W n ... BT ... Tj ... ET Q`, so a glyph run's clip rectangle *is* its cell.

Words and lines are formed as pdfplumber's `extract_text` forms them (x_tolerance 3, y_tolerance 3),
so cell values are identical to `extract_tables()` (checked by benchmarks/bench_br_pdf.py and a test).
Anything the reader does not understand (rotated text, Form XObjects, a broken stream) raises
`PdfReadError`, which the parser turns into a ParseError naming the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pdfplumber
from pdfminer.pdffont import PDFFont, PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psparser import PSLiteral

X_TOLERANCE = 3.0  # pdfplumber's defaults for extract_text / extract_tables
Y_TOLERANCE = 3.0

Matrix = tuple[float, float, float, float, float, float]
Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF user space (y grows upwards)
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

_TOKEN = re.compile(
    rb"\s*(?:"
    rb"(?P<num>[-+]?(?:\d+\.?\d*|\.\d+))"
    rb"|(?P<op>[A-Za-z'\"*][A-Za-z0-9'\"*]*)"
    rb"|(?P<name>/[^\s/\[\]()<>{}%]*)"
    rb"|(?P<hex><[0-9A-Fa-f\s]*>)"
    rb"|(?P<lit>\()"
    rb"|(?P<open>\[)|(?P<close>\])"
    rb"|(?P<dict><<|>>|[{}])"
    rb"|(?P<comment>%[^\r\n]*)"
    rb")"
)
_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}


class PdfReadError(Exception):
    """The content stream holds something this reader does not interpret (`page` is 1-based)."""

    page: int | None = None


@dataclass(frozen=True)
class Run:
    """Glyphs drawn by one show-text operand without an internal gap: pdfplumber would see one word span."""

    x0: float
    x1: float
    y: float  # baseline
    text: str


@dataclass
class Box:
    """The text drawn inside one clipping rectangle (a table cell, a title, a footer)."""

    clip: Rect
    runs: list[Run]

    def lines(self) -> list[str]:
        """The box's text as pdfplumber's extract_text gives it: lines top-down, words joined by one space."""
        ordered = sorted(self.runs, key=lambda r: -r.y)
        clusters: list[list[Run]] = []
        last_y = None
        for run in ordered:
            if last_y is None or last_y - run.y > Y_TOLERANCE:
                clusters.append([])
            clusters[-1].append(run)
            last_y = run.y
        out = []
        for cluster in clusters:
            parts: list[str] = []
            prev_x1 = None
            for run in sorted(cluster, key=lambda r: r.x0):
                if prev_x1 is not None and run.x0 > prev_x1 + X_TOLERANCE:
                    parts.append(" ")
                parts.append(run.text)
                prev_x1 = run.x1
            line = " ".join("".join(parts).split())
            if line:
                out.append(line)
        return out

    @property
    def text(self) -> str:
        return "\n".join(self.lines())


def _mult(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _literal(data: bytes, start: int) -> tuple[bytes, int]:
    """A (literal string) starting after its opening parenthesis: balanced parentheses and escapes."""
    out = bytearray()
    depth, i, n = 1, start, len(data)
    while i < n:
        ch = data[i]
        if ch == 0x5C:  # backslash
            i += 1
            if i >= n:
                break
            esc = data[i]
            if esc in _ESCAPES:
                out += _ESCAPES[esc]
            elif 0x30 <= esc <= 0x37:
                digits = re.match(rb"[0-7]{1,3}", data[i : i + 3]).group()
                out.append(int(digits, 8) & 0xFF)
                i += len(digits) - 1
            elif esc in (0x0D, 0x0A):  # line continuation
                if esc == 0x0D and data[i + 1 : i + 2] == b"\n":
                    i += 1
            else:
                out.append(esc)
        elif ch == 0x28:
            depth += 1
            out.append(ch)
        elif ch == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
            out.append(ch)
        else:
            out.append(ch)
        i += 1
    raise PdfReadError("unterminated literal string in the content stream")


class _Fonts:
    """pdfminer font objects and decoded glyphs, cached across pages (the fonts are shared)."""

    def __init__(self) -> None:
        self.manager = PDFResourceManager(caching=True)
        self.glyphs: dict[tuple[int, int], tuple[str, float]] = {}

    def font(self, ref: object) -> PDFFont:
        spec = resolve1(ref)
        if not isinstance(spec, dict):
            raise PdfReadError("a font resource is not a dictionary")
        objid = getattr(ref, "objid", None)
        return self.manager.get_font(objid, spec)

    def glyph(self, font: PDFFont, cid: int) -> tuple[str, float]:
        key = (id(font), cid)
        hit = self.glyphs.get(key)
        if hit is None:
            try:
                text = font.to_unichr(cid)
            except PDFUnicodeNotDefined:
                text = f"(cid:{cid})"  # what pdfminer/pdfplumber print for an unmapped glyph
            hit = self.glyphs[key] = (text, font.char_width(cid))
        return hit


class _PageReader:
    """Interprets one page's content stream: graphics state, clipping, text state, show-text operators."""

    def __init__(self, fonts: _Fonts, resources: dict) -> None:
        self.fonts = fonts
        self.font_refs = resolve1(resources.get("Font")) or {}
        self.xobjects = resolve1(resources.get("XObject")) or {}
        self.boxes: dict[Rect | None, Box] = {}

    # -- helpers -----------------------------------------------------------------------------------
    def _box(self, clip: Rect | None) -> Box:
        box = self.boxes.get(clip)
        if box is None:
            box = self.boxes[clip] = Box(clip if clip else (float("-inf"),) * 4, [])
        return box

    def _show(self, items: list, state: dict, ctm: Matrix, clip: Rect | None) -> None:
        font = state["font"]
        if font is None:
            raise PdfReadError("text shown before a font was selected")
        size, scale = state["size"], state["scale"]
        cs, ws = state["charspace"], state["wordspace"]
        a, b, c, d, e, f = _mult(state["tm"], ctm)
        if abs(b) > 1e-6 or abs(c) > 1e-6 or a <= 0:
            raise PdfReadError("rotated, skewed or mirrored text is not supported")
        x = state["tx"]  # advance along the line, in unscaled text space
        y_dev = d * state["rise"] + f
        box = self._box(clip)
        for item in items:
            if isinstance(item, (int, float)):
                x -= item / 1000.0 * size * scale
                continue
            start = x
            chars = []
            for cid in font.decode(item):
                text, width = self.fonts.glyph(font, cid)
                chars.append(text)
                x += (width * size + cs + (ws if cid == 32 else 0.0)) * scale  # Tw on code 32, as pdfminer does
            if chars:
                box.runs.append(Run(a * start + e, a * (x - cs * scale) + e, y_dev, "".join(chars)))
        state["tx"] = x

    # -- the operator loop ---------------------------------------------------------------------------
    def run(self, data: bytes) -> None:
        ctm: Matrix = IDENTITY
        clip: Rect | None = None
        stack: list[tuple[Matrix, Rect | None, dict]] = []  # q/Q save the text state too (pdfminer does)
        path: list[float] = []  # x, y pairs of the current path (device space)
        pending_clip = False
        operands: list = []
        arrays: list[list] = []
        state = {
            "font": None,
            "size": 0.0,
            "scale": 1.0,
            "charspace": 0.0,
            "wordspace": 0.0,
            "leading": 0.0,
            "rise": 0.0,
            "tm": IDENTITY,
            "tlm": IDENTITY,
            "tx": 0.0,
        }
        pos, end = 0, len(data)
        match = _TOKEN.match
        while pos < end:
            m = match(data, pos)
            if m is None or m.end() == pos:
                if data[pos:].strip():
                    raise PdfReadError(f"unreadable content stream at byte {pos}")
                break
            pos = m.end()
            kind = m.lastgroup
            if kind == "num":
                value = float(m.group(kind))
                (arrays[-1] if arrays else operands).append(value)
                continue
            if kind == "hex":
                raw = re.sub(rb"\s", b"", m.group(kind)[1:-1])
                value = bytes.fromhex((raw + b"0" * (len(raw) % 2)).decode())
                (arrays[-1] if arrays else operands).append(value)
                continue
            if kind == "lit":
                value, pos = _literal(data, pos)
                (arrays[-1] if arrays else operands).append(value)
                continue
            if kind == "name":
                (arrays[-1] if arrays else operands).append(PSLiteral(m.group(kind)[1:].decode("latin-1")))
                continue
            if kind == "open":
                arrays.append([])
                continue
            if kind == "close":
                if not arrays:
                    raise PdfReadError(f"unbalanced ']' at byte {pos}")
                done = arrays.pop()
                (arrays[-1] if arrays else operands).append(done)
                continue
            if kind in ("dict", "comment"):
                continue
            op = m.group(kind)
            if op in (b"true", b"false", b"null"):
                operands.append(None)
                continue
            # -- operators --
            if op == b"q":
                stack.append((ctm, clip, dict(state)))
            elif op == b"Q":
                if stack:
                    ctm, clip, state = stack.pop()
            elif op == b"cm":
                ctm = _mult(tuple(operands[-6:]), ctm)
            elif op == b"re":
                x, y, w, h = operands[-4:]
                for px, py in ((x, y), (x + w, y + h)):
                    a, b, c, d, e, f = ctm
                    path += (a * px + c * py + e, b * px + d * py + f)
            elif op in (b"m", b"l"):
                px, py = operands[-2:]
                a, b, c, d, e, f = ctm
                path += (a * px + c * py + e, b * px + d * py + f)
            elif op in (b"c", b"v", b"y"):
                a, b, c, d, e, f = ctm
                for px, py in zip(operands[-6::2], operands[-5::2]):
                    path += (a * px + c * py + e, b * px + d * py + f)
            elif op in (b"W", b"W*"):
                pending_clip = True
            elif op in (b"n", b"f", b"F", b"f*", b"S", b"s", b"B", b"B*", b"b", b"b*"):
                if pending_clip and path:
                    xs, ys = path[0::2], path[1::2]
                    new = (min(xs), min(ys), max(xs), max(ys))
                    clip = (
                        new
                        if clip is None
                        else (max(clip[0], new[0]), max(clip[1], new[1]), min(clip[2], new[2]), min(clip[3], new[3]))
                    )
                    clip = tuple(round(v, 3) for v in clip)
                path, pending_clip = [], False
            elif op == b"BT":
                state.update(tm=IDENTITY, tlm=IDENTITY, tx=0.0)
            elif op == b"ET":
                pass
            elif op == b"Tf":
                ref = self.font_refs.get(operands[-2].name) if isinstance(operands[-2], PSLiteral) else None
                if ref is None:
                    raise PdfReadError(f"font {operands[-2]!r} is not in the page resources")
                state["font"], state["size"] = self.fonts.font(ref), operands[-1]
            elif op in (b"Td", b"TD"):
                tx, ty = operands[-2:]
                if op == b"TD":
                    state["leading"] = -ty
                state["tlm"] = _mult((1.0, 0.0, 0.0, 1.0, tx, ty), state["tlm"])
                state.update(tm=state["tlm"], tx=0.0)
            elif op == b"Tm":
                state["tlm"] = tuple(operands[-6:])
                state.update(tm=state["tlm"], tx=0.0)
            elif op == b"T*":
                state["tlm"] = _mult((1.0, 0.0, 0.0, 1.0, 0.0, -state["leading"]), state["tlm"])
                state.update(tm=state["tlm"], tx=0.0)
            elif op == b"TL":
                state["leading"] = operands[-1]
            elif op == b"Tc":
                state["charspace"] = operands[-1]
            elif op == b"Tw":
                state["wordspace"] = operands[-1]
            elif op == b"Tz":
                state["scale"] = operands[-1] / 100.0
            elif op == b"Ts":
                state["rise"] = operands[-1]
            elif op == b"Tj":
                self._show([operands[-1]], state, ctm, clip)
            elif op == b"TJ":
                self._show(operands[-1], state, ctm, clip)
            elif op in (b"'", b'"'):
                if op == b'"':
                    state["wordspace"], state["charspace"] = operands[-3], operands[-2]
                state["tlm"] = _mult((1.0, 0.0, 0.0, 1.0, 0.0, -state["leading"]), state["tlm"])
                state.update(tm=state["tlm"], tx=0.0)
                self._show([operands[-1]], state, ctm, clip)
            elif op == b"Do":
                xobj = resolve1(self.xobjects.get(operands[-1].name)) if isinstance(operands[-1], PSLiteral) else None
                subtype = getattr(xobj.get("Subtype"), "name", None) if isinstance(xobj, PDFStream) else None
                if subtype != "Image":
                    raise PdfReadError(f"XObject {operands[-1]!r} is not an image (Form XObjects are not read)")
            elif op == b"BI":
                raise PdfReadError("inline images are not supported")
            operands = []


def read_boxes(pdf: pdfplumber.PDF, pages: int | None = None) -> list[list[Box]]:
    """Per page (all, or the first `pages`), the text boxes in drawing order (one per clip that got text)."""
    fonts = _Fonts()
    out = []
    for number, page in enumerate(pdf.pages[:pages], 1):
        obj = page.page_obj
        reader = _PageReader(fonts, resolve1(obj.resources) or {})
        try:
            reader.run(b"\n".join(resolve1(s).get_data() for s in obj.contents))
        except PdfReadError as exc:
            exc.page = number
            raise
        out.append([box for box in reader.boxes.values() if box.runs])
    return out

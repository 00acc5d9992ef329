"""Reading the names packed into one published entity cell: main name, aliases, former names, subsidiaries.

Government lists write several names into a single cell, in a handful of recurring phrasings:

    Hetian Haolin Hair Accessories Co. Ltd. (and two aliases: Hotan Haolin Hair Accessories; and Hollin ...)
    Sichuan Jingweida ... Co., Ltd. (also known as ... Co., Ltd. and JWD Technology; and formerly known as ...)
    Hoshine Silicon Industry (Shanshan) Co., Ltd (including one alias: ...) and subsidiaries
    Ninestar Corporation and its eight subsidiaries, which include A Co., Ltd.; B Co., Ltd.; ...
    Tanyuan Technology Co. Ltd. a/k/a Carbon Yuan Technology a/k/a Changzhou Carbon Yuan ...
    Yili Zhuowan Garment Manufacturing Co., Ltd. and Baoding LYSZD Trade and Business Co., Ltd.

The rules, kept few and explicit so that a maintainer can predict them:
- Parentheses are respected: nothing inside a parenthesis splits the text around it; unbalanced ones fail.
- A parenthesis opening with "including/and N aliases:", "also known as", "formerly known as", "a/k/a" or
  "f/k/a" qualifies the name before it; any other parenthesis is part of the name ("(Shanshan)", "(Group)"),
  except a trailing all-capital acronym ("(XPCC)"), which is kept as an alias.
- A list of names is split at semicolons; "and"/"," split it further only right after a legal form
  ("Co.", "Ltd.", "Inc." ...), because names themselves contain "and" ("Cotton and Linen Co.") and commas
  ("Co., Ltd."). Commas are separators only in lists without semicolons.
- A stated count ("three aliases") must match the names listed; a count of subsidiaries that "include" some
  must not be smaller than the names listed.

Every function here is pure and raises only `ParseError` (without file or locator: callers add them).
"""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass, replace

from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.text import clean

_LEGAL_FORM = (
    r"(?:co|corp|inc|ltd|llc|limited|company|corporation|bhd|berhad|plc|gmbh|pte|ltda"
    r"|s\.\s?a|s\.\s?a\.\s?de\s+c\.\s?v)\.?"
)
_ENDS_WITH_LEGAL_FORM = re.compile(rf"\b{_LEGAL_FORM}$", re.I)
_STARTS_WITH_LEGAL_FORM = re.compile(rf"{_LEGAL_FORM}(?![\w])", re.I)
_NOT_A_NEW_NAME = re.compile(r"(?:its|their)\b|subsidiar", re.I)

_QUALIFIER_START = re.compile(
    r"(?:(?:including|and|with)\s+\w+\s+alias(?:es)?(?!\w)|also\s+known\s+as(?!\w)|formerly\s+known\s+as(?!\w)"
    r"|a/k/a(?![\w/])|f/k/a(?![\w/])|a\.k\.a\.|f\.k\.a\.)",
    re.I,
)
_QUALIFIER_KEYWORD = re.compile(
    r"(?P<count>\b(?:including|and|with)\s+(?P<n>\w+)\s+alias(?:es)?\s*:)"
    r"|(?P<aka>\b(?:also\s+known\s+as|a/k/a|a\.k\.a\.|aka)(?![\w/]):?)"
    r"|(?P<fka>\b(?:formerly\s+known\s+as|f/k/a|f\.k\.a\.)(?![\w/]):?)",
    re.I,
)
_INLINE_MARKER = re.compile(
    r"(?:,\s*)?\b(?:(?P<aka>also\s+known\s+as|a/k/a|a\.k\.a\.|aka|d/b/a)"
    r"|(?P<fka>formerly\s+known\s+as|f/k/a|f\.k\.a\.))"
    r"(?![\w/])\s*:?",
    re.I,
)
_TRAILER_START = re.compile(
    r"(?:,\s*(?:and\s+)?|\s+and\s+)(?=(?:its\s+|their\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:subsidiar(?:y|ies)|subordinate\s+and\s+affiliated\s+entities)(?!\w))",
    re.I,
)
_ACRONYM = re.compile(r"(?P<name>.*\S)\s*\((?P<acronym>[A-Z][A-Z0-9&.\-]{2,9})\)")
_NUMBERS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}


@dataclass(frozen=True)
class NamedEntity:
    """One party read from a cell. `scope` keeps unnamed coverage such as "and subsidiaries"."""

    name: str
    aliases: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()
    subsidiaries: tuple[NamedEntity, ...] = ()
    scope: str | None = None

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "aliases": list(self.aliases),
            "former_names": list(self.former_names),
            "subsidiaries": [s.to_dict() for s in self.subsidiaries],
            "scope": self.scope,
        }


_LEFTOVER_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]{1,30}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")


def clean_cell(text: object) -> str | None:
    """Cell text made comparable: entities left escaped by a CMS ("&amp;nbsp;" shows as "&nbsp;") decoded,
    then `clean` (NFC, NBSP and odd spaces made plain, whitespace collapsed). None for an empty cell."""
    if isinstance(text, str):
        text = _LEFTOVER_ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    return clean(text)


def _fail(reason: str) -> ParseError:
    return ParseError(None, None, reason)


def _required(text: object, what: str) -> str:
    if not isinstance(text, str):
        raise _fail(f"{what} must be text, got {type(text).__name__}")
    value = clean_cell(text)
    if value is None:
        raise _fail(f"{what} is empty")
    return value


def _levels(text: str) -> list[int]:
    """Parenthesis depth before each character; fails when parentheses do not balance."""
    levels, depth = [], 0
    for ch in text:
        levels.append(depth)
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise _fail(f"unbalanced ')' in {text!r}")
    if depth:
        raise _fail(f"unbalanced '(' in {text!r}")
    return levels


def _groups(text: str) -> list[tuple[int, int, str]]:
    """Top-level parentheses as (start, end, inner text)."""
    levels = _levels(text)
    opens = [i for i, ch in enumerate(text) if ch == "(" and levels[i] == 0]
    closes = [i for i, ch in enumerate(text) if ch == ")" and levels[i] == 1]
    return [(o, c + 1, text[o + 1 : c]) for o, c in zip(opens, closes)]


def _top_level(pattern: re.Pattern, text: str) -> list[re.Match]:
    levels = _levels(text)
    return [m for m in pattern.finditer(text) if m.end() > m.start() and levels[m.start()] == 0]


def _strip_joiners(text: str) -> str:
    """Drop list glue around an item: leading "and"/"or", trailing "and", commas and semicolons."""
    previous = None
    while text != previous:
        previous = text
        text = text.strip(" ,;")
        text = re.sub(r"^(?:and|or)(?:\s+|$)", "", text, flags=re.I)
        text = re.sub(r"(?:^|\s+)and$", "", text, flags=re.I)
    return text


def _count(word: str) -> int:
    word = word.lower()
    if word.isascii() and word.isdigit():
        return int(word)
    if word in _NUMBERS:
        return _NUMBERS[word]
    raise _fail(f"unreadable count {word!r}")


def _split_at(text: str, matches: list[re.Match]) -> list[str]:
    pieces, start = [], 0
    for m in matches:
        pieces.append(text[start : m.start()])
        start = m.end()
    pieces.append(text[start:])
    return pieces


def split_top_level(text: str, separator: str) -> list[str]:
    """`text` split at a regex `separator` wherever it stands outside parentheses (pieces stripped, empties kept)."""
    if not isinstance(text, str):
        raise _fail(f"text expected, got {type(text).__name__}")
    return [p.strip() for p in _split_at(text, _top_level(re.compile(separator, re.I), text))]


def ends_with_legal_form(name: str) -> bool:
    """True when a name ends with a company legal form (Co., Ltd., Inc., Berhad ...)."""
    if not isinstance(name, str):
        raise _fail(f"name must be text, got {type(name).__name__}")
    return bool(_ENDS_WITH_LEGAL_FORM.search(name.strip()))


def _split_after_legal_forms(chunk: str, *, commas: bool, boundaries: frozenset[int] = frozenset()) -> list[str]:
    """Split at "and"/"," where the text before ends with a legal form (or at a qualifier's closing parenthesis)."""
    pattern = re.compile(r",?\s+and\s+|,\s+" if commas else r",?\s+and\s+", re.I)
    pieces, start = [], 0
    for m in _top_level(pattern, chunk):
        left = chunk[start : m.start()].rstrip()
        right = chunk[m.end() :]
        after_qualifier = (start + len(left)) in boundaries
        if (
            (ends_with_legal_form(left) or after_qualifier)
            and left
            and not (_STARTS_WITH_LEGAL_FORM.match(right) or _NOT_A_NEW_NAME.match(right))
        ):
            pieces.append(left)
            start = m.end()
    pieces.append(chunk[start:])
    return [p for p in (_strip_joiners(p) for p in pieces) if p]


def split_names(text: str) -> list[str]:
    """A published list of names ("A; B; and C", "A Co. and B", "A Co., Ltd., B Co., Ltd.") -> names."""
    value = _required(text, "name list")
    chunks = _split_at(value, _top_level(re.compile(";"), value))
    names: list[str] = []
    for chunk in chunks:
        chunk = _strip_joiners(chunk)
        if chunk:
            names.extend(_split_after_legal_forms(chunk, commas=len(chunks) == 1))
    if not names:
        raise _fail(f"no name in list {value!r}")
    return names


def _parse_qualifier(inner: str) -> tuple[list[str], list[str]]:
    """The inside of "(including two aliases: A; and B)" / "(also known as A; and formerly known as B)"."""
    inner = inner.strip()
    keywords = _top_level(_QUALIFIER_KEYWORD, inner)
    if not keywords or keywords[0].start() != 0:
        raise _fail(f"unreadable alias parenthesis {inner!r}")
    aliases: list[str] = []
    former: list[str] = []
    for m, segment in zip(keywords, _split_at(inner, keywords)[1:]):
        names = split_names(segment)
        if m.group("count"):
            expected = _count(m.group("n"))
            if expected != len(names):
                raise _fail(f"{inner!r} announces {expected} alias(es) but lists {len(names)}: {names}")
        (former if m.group("fka") else aliases).extend(names)
    return aliases, former


def parse_qualified_name(text: str) -> NamedEntity:
    """One name with its alias / former-name parentheses ("A (also known as B; and formerly known as C)")."""
    value = _required(text, "entity name")
    qualifiers = [g for g in _groups(value) if _QUALIFIER_START.match(g[2].strip())]
    aliases: list[str] = []
    former: list[str] = []
    name = value
    if qualifiers:
        name = value[: qualifiers[0][0]]
        for (_, end, _), (next_start, _, _) in itertools.pairwise(qualifiers):
            if value[end:next_start].strip(" ,;"):
                raise _fail(f"text between alias parentheses in {value!r}")
        tail = value[qualifiers[-1][1] :].strip(" ,;")
        if tail:
            raise _fail(f"unexpected text {tail!r} after the alias parenthesis in {value!r}")
        for _, _, inner in qualifiers:
            a, f = _parse_qualifier(inner)
            aliases += a
            former += f
    name = _strip_joiners(name)
    acronym = _ACRONYM.fullmatch(name)
    if acronym and not any(c.islower() for c in acronym.group("acronym")):
        name = acronym.group("name").rstrip(" ,")
        aliases.insert(0, acronym.group("acronym"))
    if not name:
        raise _fail(f"no name before the aliases in {value!r}")
    return NamedEntity(name=name, aliases=tuple(aliases), former_names=tuple(former))


def _parse_trailer(trailer: str) -> tuple[str | None, tuple[NamedEntity, ...]]:
    """ "its subsidiary X" / "its eight subsidiaries, which include ..." / "subsidiaries" -> (scope, named)."""
    t = trailer.strip()
    if re.fullmatch(
        r"(?:(?:its|their)\s+)?subsidiaries(?:\s+and\s+(?:joint\s+ventures|affiliates))?"
        r"|its\s+subordinate\s+and\s+affiliated\s+entities",
        t,
        re.I,
    ):
        return t, ()
    one = re.fullmatch(r"its\s+subsidiary\s*[,:]?\s+(?P<list>.+)", t, re.I | re.S)
    if one:
        return None, (parse_qualified_name(one.group("list")),)
    many = re.fullmatch(
        r"(?:its|their)\s+(?:(?P<n>\w+)\s+)?(?:[\w-]+\s+)?subsidiaries"
        r"(?:(?P<incl>\s*,?\s*(?:(?:which|that)\s+includes?|including)\s*:?)|\s*,?\s*(?:namely|which\s+are)\s*:?|\s*:)"
        r"\s*(?P<list>.+)",
        t,
        re.I | re.S,
    )
    if many:
        named = tuple(parse_qualified_name(n) for n in split_names(many.group("list")))
        n = many.group("n")
        if n and (n.lower() in _NUMBERS or n.isdigit()):
            expected = _count(n)
            if len(named) > expected or (len(named) < expected and not many.group("incl")):
                raise _fail(f"{t!r} announces {expected} subsidiaries but lists {len(named)}")
        return None, named
    if re.fullmatch(r"(?:its|their)\s+(?:\w+\s+)?(?:[\w-]+\s+)?subsidiaries", t, re.I):
        return t, ()
    raise _fail(f"unreadable subsidiary clause {t!r}")


def _cut_trailer(value: str) -> tuple[str, str | None, tuple[NamedEntity, ...]]:
    starts = _top_level(_TRAILER_START, value)
    if not starts:
        return value, None, ()
    start = starts[0]
    scope, named = _parse_trailer(value[start.end() :])
    if scope is not None:
        scope = value[start.start() :].strip(" ,")
    return value[: start.start()], scope, named


def parse_listed_entity(text: str) -> NamedEntity:
    """One entity-list cell: a name, its alias parentheses and a trailing subsidiaries clause."""
    value = _required(text, "entity cell")
    head, scope, subsidiaries = _cut_trailer(value)
    entity = parse_qualified_name(head)
    return replace(entity, scope=scope, subsidiaries=subsidiaries)


def _parse_chain_entity(text: str) -> NamedEntity:
    """ "A a/k/a B a/k/a C f/k/a D and its subsidiaries" -> one entity."""
    head, scope, subsidiaries = _cut_trailer(text)
    markers = _top_level(_INLINE_MARKER, head)
    pieces = _split_at(head, markers)
    entity = parse_qualified_name(pieces[0])
    aliases, former = list(entity.aliases), list(entity.former_names)
    for marker, piece in zip(markers, pieces[1:]):
        named = parse_qualified_name(piece)
        (former if marker.group("fka") else aliases).append(named.name)
        aliases += named.aliases
        former += named.former_names
    return NamedEntity(entity.name, tuple(aliases), tuple(former), subsidiaries, scope)


def parse_entity_chain(text: str) -> list[NamedEntity]:
    """A cell naming one or more co-targets, each with a/k/a chains or alias parentheses.

    Names are separated by semicolons, or by "and"/"," right after a legal form or an alias parenthesis.
    """
    value = _required(text, "entity cell")
    entities: list[NamedEntity] = []
    for segment in _split_at(value, _top_level(re.compile(";"), value)):
        segment = _strip_joiners(segment)
        if not segment:
            continue
        boundaries = frozenset(end for start, end, inner in _groups(segment) if _QUALIFIER_START.match(inner.strip()))
        for part in _split_after_legal_forms(segment, commas=True, boundaries=boundaries):
            entities.append(_parse_chain_entity(part))
    if not entities:
        raise _fail(f"no name in {value!r}")
    return entities


_REGION = re.compile(r"\b(?:autonomous\s+region|region|province|prefecture|oblast|diamond\s+fields?)$", re.I)
_ORGANISATION = re.compile(
    r"\b(?:production\s+and\s+construction\s+corps|training\s+cent(?:er|re)|bureau|ministry|government"
    r"|public\s+security|committee|department|prison|detention)\b",
    re.I,
)


def name_kind(name: str) -> str:
    """company / organisation / region from the name alone (a name with a legal form is always a company).

    organisation: government bodies ("Xinjiang Production and Construction Corps", "... Training Center",
    bureaus, ministries, prisons); region: a place ("Xinjiang Uyghur Autonomous Region", "... Province").
    """
    if ends_with_legal_form(name):  # also rejects a non-text name
        return "company"
    if _REGION.search(name.strip()):
        return "region"
    if _ORGANISATION.search(name):
        return "organisation"
    return "company"

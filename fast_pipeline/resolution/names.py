"""Names reduced for matching: transliterated, folded, legal forms and filler words removed.

`core.text.fold` does the transliteration (anyascii), case and accent folding and punctuation; here Han,
kana and Hangul characters are first spaced apart so that each syllable becomes a token ("新疆天山" ->
"xin jiang tian shan", whose compact form equals the pinyin "Xinjiang Tianshan"), and legal-form words
("Ltda", "EIRELI", "Co., Ltd.", "GmbH", "有限公司" ...) and a few filler words are dropped, because
publishers add, drop and vary them freely for one and the same firm. "Holding" is kept on purpose: a
holding and its operating company are different parties.

A `NameKey` keeps three comparison forms of one name:
- `tokens`: the remaining words, in published order;
- `compact`: the words joined without spaces (spacing and transliteration variants meet here);
- `sorted`: the words sorted and joined by spaces (word-order variants meet here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fast_pipeline.core.text import fold

# Folded legal-form words and phrases, longest first where one contains another.
LEGAL_FORMS = (
    # Chinese, per syllable (from characters) and as pinyin words
    "gu fen you xian gong si",
    "you xian ze ren gong si",
    "you xian gong si",
    "gu fen",
    "ji tuan",
    "gong si",
    "youxian zeren gongsi",
    "youxian gongsi",
    "youxiangongsi",
    "gufen",
    "jituan",
    "gongsi",
    "zhu shi hui she",
    "kabushiki kaisha",
    "yugen kaisha",
    # Portuguese, Spanish
    "sociedade anonima",
    "sociedad anonima",
    "s a de c v",
    "sa de cv",
    "s de r l",
    "ltda",
    "eireli",
    "epp",
    "me",
    "cia",
    "companhia",
    "compania",
    "s a",
    "sa",
    "s l",
    "sl",
    "slu",
    "sas",
    "s a s",
    "srl",
    "s r l",
    "ei",
    # English
    "limited liability company",
    "public limited company",
    "company",
    "co",
    "corporation",
    "corp",
    "incorporated",
    "inc",
    "limited",
    "ltd",
    "llc",
    "l l c",
    "llp",
    "plc",
    "pte",
    "pvt",
    "private",
    "group",
    # other European and Asian
    "gmbh",
    "ag",
    "kg",
    "bv",
    "b v",
    "nv",
    "n v",
    "spa",
    "s p a",
    "sarl",
    "oy",
    "ab",
    "asa",
    "as",
    "sdn",
    "bhd",
    "berhad",
    "tbk",
    "pt",
    "jsc",
    "ojsc",
    "pjsc",
    "cjsc",
    "ooo",
    "oao",
    "zao",
    "tov",
)
FILLER_WORDS = ("the", "and", "e", "y", "of", "de", "da", "do", "dos", "das", "del")

_WORDS = frozenset({*(f for f in LEGAL_FORMS if " " not in f), *FILLER_WORDS})
_PHRASES = sorted((f for f in LEGAL_FORMS if " " in f), key=len, reverse=True)
_PHRASE = re.compile(r"(?:(?<= )|^)(?:" + "|".join(map(re.escape, _PHRASES)) + r")(?= |$)")
# Words that only occur inside phrases: a name holding none of them needs no regular expression.
_PHRASE_WORDS = frozenset(w for p in _PHRASES for w in p.split()) - _WORDS
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class NameKey:
    tokens: tuple[str, ...]
    compact: str
    sorted: str

    @property
    def numbers(self) -> tuple[str, ...]:
        """Tokens holding digits ("2", "no7"): names that differ in them are different parties."""
        if self.compact.isalpha():
            return ()
        return tuple(sorted(t for t in self.tokens if _DIGIT.search(t)))


def folded_tokens(name: object) -> list[str]:
    """Folded words of a name (`core.text.fold`), with each CJK character made a word of its own.

    Plain ASCII text takes a shortcut with the same result: for it, fold only lowercases and turns
    everything but letters and digits into spaces."""
    text = str(name or "")
    if text.isascii():
        return _NOT_ALNUM.sub(" ", text.lower()).split()
    return fold(_CJK.sub(lambda m: f" {m.group(0)} ", text)).split()


def name_key(name: object) -> NameKey:
    """The comparison forms of a name. When removing legal forms would leave nothing ("Group Co., Ltd."),
    the folded words are kept as they are."""
    words = folded_tokens(name)
    if not _PHRASE_WORDS.isdisjoint(words):
        words = _PHRASE.sub(" ", " ".join(words)).split() or words
    tokens = tuple(w for w in words if w not in _WORDS) or tuple(words)
    return NameKey(tokens=tokens, compact="".join(tokens), sorted=" ".join(sorted(tokens)))

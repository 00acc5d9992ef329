"""Party identifiers as sources publish them ({"scheme", "value"}) made comparable, with python-stdnum.

Every identifier names exactly one party, so two records sharing one (same scheme, same compacted value)
are the same party. Some schemes are also *exclusive*: a party has one value of them, so two records with
different values are different parties even when their names match (two CNPJs, two CPFs). A CNPJ has a
second use: its first 8 digits (the "base") name the company, the other 6 the establishment, so records
with different CNPJs of one base are branches of one firm: related, never merged.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from stdnum.br import cnpj, cpf

from fast_pipeline.core.text import fold

# Schemes in order of preference for naming a party (see ids.py); others follow alphabetically.
PREFERRED_SCHEMES = ("BR-CNPJ", "BR-CPF", "IMO", "COUNTRY_GOOD")
EXCLUSIVE_SCHEMES = frozenset(PREFERRED_SCHEMES)
SCHEME_ALIASES = {"CNPJ": "BR-CNPJ", "CPF": "BR-CPF", "BR_CNPJ": "BR-CNPJ", "BR_CPF": "BR-CPF"}
_DIGITS_ONLY = frozenset({"BR-CNPJ", "BR-CPF", "IMO"})


@dataclass(frozen=True, order=True, slots=True)
class Identifier:
    scheme: str
    value: str

    @property
    def label(self) -> str:
        """Readable form for evidence, e.g. "CNPJ 11.222.333/0001-81"."""
        if self.scheme == "BR-CNPJ" and _valid_cnpj(self.value):
            return f"CNPJ {cnpj.format(self.value)}"
        if self.scheme == "BR-CPF" and cpf.is_valid(self.value):
            return f"CPF {cpf.format(self.value)}"
        return f"{self.scheme} {self.value}"

    @property
    def cnpj_base(self) -> str | None:
        """The 8-digit company part of a valid CNPJ."""
        return self.value[:8] if self.scheme == "BR-CNPJ" and _valid_cnpj(self.value) else None

    def as_dict(self) -> dict[str, str]:
        return {"scheme": self.scheme, "value": self.value}


@lru_cache(maxsize=1 << 20)
def _valid_cnpj(digits: str) -> bool:
    return cnpj.is_valid(digits)


def preference(scheme: str) -> tuple[int, str]:
    return (PREFERRED_SCHEMES.index(scheme), "") if scheme in PREFERRED_SCHEMES else (len(PREFERRED_SCHEMES), scheme)


def identifier(scheme: object, value: object) -> Identifier | None:
    """A comparable identifier, or None when the value is empty once compacted."""
    name = re.sub(r"[^0-9A-Z_-]+", "_", str(scheme or "").strip().upper()).strip("_-")
    name = SCHEME_ALIASES.get(name, name)
    raw = str(value or "").strip()
    if not name or not raw:
        return None
    if name in _DIGITS_ONLY:
        compact = re.sub(r"\D", "", raw)
    elif name == "COUNTRY_GOOD":
        compact = raw  # already a key ("UZ|cotton"), built the same way by both DOL sources
    else:
        compact = fold(raw).replace(" ", "")
    return Identifier(name, compact) if compact else None


def identifiers(text: str) -> tuple[Identifier, ...]:
    """Distinct comparable identifiers of a JSON list of {"scheme", "value"}, sorted."""
    if text in ("", "[]"):
        return ()
    items = json.loads(text)
    found = {identifier(i.get("scheme"), i.get("value")) for i in items if isinstance(i, dict)}
    found.discard(None)
    return tuple(sorted(found))

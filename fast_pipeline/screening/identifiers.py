"""Tax identifiers as counterparty files write them, validated and compacted with python-stdnum.

A CPF, CNPJ or Chinese USCC is recognised by its checksum, whatever the punctuation, so "11.222.333/0001-81"
and "11222333000181" are one CNPJ. A CNPJ's first 8 digits name the company and the other 6 the
establishment: two CNPJs of one root are branches of one group. The schemes are those the release uses
(`resolution.identifiers`: BR-CNPJ, BR-CPF, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from stdnum.br import cnpj, cpf
from stdnum.cn import uscc

# Schemes of which a party holds one value: two valid, different values name two parties.
EXCLUSIVE = frozenset({"BR-CNPJ", "BR-CPF", "CN-USCC"})


@dataclass(frozen=True, slots=True)
class TaxId:
    scheme: str
    value: str

    @property
    def label(self) -> str:
        """Readable form for evidence: "CNPJ 39.873.857/0001-51"."""
        return _label(self.scheme, self.value)

    @property
    def cnpj_root(self) -> str | None:
        return self.value[:8] if self.scheme == "BR-CNPJ" else None


@lru_cache(maxsize=1 << 16)
def _label(scheme: str, value: str) -> str:
    if scheme == "BR-CNPJ":
        return f"CNPJ {cnpj.format(value)}"
    if scheme == "BR-CPF":
        return f"CPF {cpf.format(value)}"
    if scheme == "CN-USCC":
        return f"USCC {value}"
    return f"{scheme} {value}"


class InvalidTaxId(ValueError):
    """A value that looks like a CPF, CNPJ or USCC by its length but fails its checksum."""


def parse_tax_id(text: object) -> TaxId | None:
    """The identifier a counterparty file gives, or None when empty. A value of a known scheme's shape whose
    checksum fails raises InvalidTaxId; anything else is kept, compacted, as scheme OTHER."""
    raw = str(text or "").strip()
    if not raw:
        return None
    compact = re.sub(r"[^0-9A-Za-z]", "", raw).upper()
    if len(compact) == 18:
        if uscc.is_valid(compact):
            return TaxId("CN-USCC", compact)
        raise InvalidTaxId(f"invalid USCC {raw!r} (check character)")
    if compact.isdigit() and len(compact) == 14:
        if cnpj.is_valid(compact):
            return TaxId("BR-CNPJ", compact)
        raise InvalidTaxId(f"invalid CNPJ {raw!r} (check digits)")
    if compact.isdigit() and len(compact) == 11:
        if cpf.is_valid(compact):
            return TaxId("BR-CPF", compact)
        raise InvalidTaxId(f"invalid CPF {raw!r} (check digits)")
    return TaxId("OTHER", compact)


def release_tax_id(scheme: object, value: object) -> TaxId | None:
    """A release identifier ({scheme, value}) in the same form; unvalidated values of a checksum scheme are
    kept under their scheme but never decide a match (see engine)."""
    name = str(scheme or "").upper()
    raw = str(value or "")
    if name in ("BR-CNPJ", "BR-CPF"):
        digits = re.sub(r"\D", "", raw)
        valid = cnpj.is_valid(digits) if name == "BR-CNPJ" else cpf.is_valid(digits)
        return TaxId(name, digits) if valid else None
    if name in ("CN-USCC", "USCC"):
        compact = re.sub(r"[^0-9A-Za-z]", "", raw).upper()
        return TaxId("CN-USCC", compact) if uscc.is_valid(compact) else None
    compact = re.sub(r"[^0-9A-Za-z]", "", raw).upper()
    return TaxId(name, compact) if compact and name != "COUNTRY_GOOD" else None

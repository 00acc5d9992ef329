"""Pandera schema of the parsed table: strict enough that a shifted column or a mis-split row fails.

Every column has a shape a neighbour's value would not have (UF codes, 11/14-digit tax IDs, CNAE masks,
ISO dates, JSON period lists), and the frame-wide checks repeat what the parser promises: one row per
(file, section, row ID), IDs 1..N per section, tax ID lengths that match their type.
"""

from __future__ import annotations

import json

import pandas as pd
import pandera.pandas as pa

from fast_pipeline.core.provenance_schema import PROVENANCE_COLUMNS
from fast_pipeline.sources.br_mte_lista_suja.fields import UFS

ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


def _periods_ok(value: str) -> bool:
    try:
        periods = json.loads(value)
    except ValueError:
        return False
    return bool(periods) and all(
        isinstance(p, dict) and set(p) <= {"start", "end", "section"} and isinstance(p.get("start"), str)
        for p in periods
    )


def _ids_run_one_to_n(frame: pd.DataFrame) -> bool:
    for _, ids in frame.groupby(["source_file", "section"])["row_id"]:
        if sorted(ids.tolist()) != list(range(1, len(ids) + 1)):
            return False
    return True


def _tax_id_matches_type(frame: pd.DataFrame) -> pd.Series:
    length = frame["tax_id"].str.len()
    return ((frame["tax_id_type"] == "CPF") & (length == 11)) | ((frame["tax_id_type"] == "CNPJ") & (length == 14))


def _text(nullable: bool = True, **kw) -> pa.Column:
    checks = [pa.Check.str_length(min_value=1)]
    return pa.Column(str, checks=checks + kw.pop("checks", []), nullable=nullable, **kw)


PARSED_SCHEMA = pa.DataFrameSchema(
    {
        "section": pa.Column(str, pa.Check.isin(["I", "II"])),
        "row_id": pa.Column("Int64", pa.Check.ge(1)),
        "fiscal_year": pa.Column("Int64", pa.Check.in_range(1995, 2100), nullable=True),
        "uf": pa.Column(str, pa.Check.isin(sorted(UFS)), nullable=True),
        "employer_name": _text(nullable=False, checks=[pa.Check.str_matches(r"^(?!.*\(\*\d+\)\s*$)")]),
        "footnote_mark": pa.Column(str, pa.Check.str_matches(r"^\*?\d+$"), nullable=True),
        "footnote_text": _text(),
        "tax_id": pa.Column(str, pa.Check.str_matches(r"^(\d{11}|\d{14})$")),
        "tax_id_type": pa.Column(str, pa.Check.isin(["CPF", "CNPJ"])),
        "tax_id_raw": _text(nullable=False, checks=[pa.Check.str_matches(r"^[\d./\- ]+$")]),
        "establishment": _text(),
        "workers_affected": pa.Column("Int64", pa.Check.in_range(0, 100_000), nullable=True),
        "cnae": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d/\d{2}$"), nullable=True),
        "cnae_raw": _text(),
        "decision_date": pa.Column(str, pa.Check.str_matches(ISO_DATE), nullable=True),
        "inclusion_periods": pa.Column(str, pa.Check(lambda s: s.map(_periods_ok), element_wise=False)),
        "inclusion_raw": _text(nullable=False, checks=[pa.Check.str_matches(r"\d{1,2}/\d{1,2}/\d{4}")]),
        "periodic_update_date": pa.Column(str, pa.Check.str_matches(ISO_DATE), nullable=True),
        "updated_date": pa.Column(str, pa.Check.str_matches(ISO_DATE), nullable=True),
        "legal_basis": _text(checks=[pa.Check.str_matches(r"(?i)portaria")]),
        "section_title": _text(),
        "file_footnotes": pa.Column(str, pa.Check.str_matches(r"^\{.*\}$")),
        "source_url": pa.Column(str, nullable=True),
        **PROVENANCE_COLUMNS,
    },
    checks=[
        pa.Check(_ids_run_one_to_n, error="row IDs of each file and section must run 1..N"),
        pa.Check(_tax_id_matches_type, error="a CPF has 11 digits, a CNPJ 14"),
    ],
    unique=["source_file", "section", "row_id"],
    strict=True,
    name="br_mte_lista_suja_parsed",
)

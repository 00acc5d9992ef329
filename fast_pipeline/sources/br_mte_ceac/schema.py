"""The parsed CEAC table: one row per published employer row, typed, with the layout it was read in."""

from __future__ import annotations

import pandera.pandas as pa

from fast_pipeline.core.provenance_schema import PROVENANCE_COLUMNS

_ISO_DATE = pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")

PARSED_SCHEMA = pa.DataFrameSchema(
    {
        "row_id": pa.Column("Int64", pa.Check.ge(1)),
        "fiscal_year": pa.Column("Int64", pa.Check.in_range(1995, 2100), nullable=True),
        "uf": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{2}$"), nullable=True),
        "employer_name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "tax_id": pa.Column(str, pa.Check.str_matches(r"^(\d{11}|\d{14})$")),
        "tax_id_type": pa.Column(str, pa.Check.isin(["CPF", "CNPJ"])),
        "tax_id_raw": pa.Column(str),
        "establishment": pa.Column(str, nullable=True),
        "workers_affected": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "cnae": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d/\d{2}$"), nullable=True),
        "cnae_raw": pa.Column(str, nullable=True),
        "decision_date": pa.Column(str, _ISO_DATE, nullable=True),
        "cadastro_inclusion_raw": pa.Column(
            str, nullable=True, description="'Inclusão no Cadastro' when not the CEAC date"
        ),
        "ceac_date": pa.Column(str, _ISO_DATE, description="the employer's inclusion in the CEAC"),
        "ceac_date_column": pa.Column(str, pa.Check.isin(["Inclusão no CEAC", "Inclusão no Cadastro de Empregadores"])),
        "agreement": pa.Column(str, nullable=True, description="the TAC or judicial agreement, as published"),
        "layout": pa.Column(str, pa.Check.isin(["ceac_column", "cadastro_column"])),
        **PROVENANCE_COLUMNS,
    },
    strict=True,
    name="br_mte_ceac_parsed",
)

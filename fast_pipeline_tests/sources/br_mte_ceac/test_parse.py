"""CEAC CSV and XLSX, both layouts, and the clear failure on any other."""

from __future__ import annotations

import pytest

from fast_pipeline.core import parsing
from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.source import local_source_file
from fast_pipeline.sources.br_mte_ceac import SOURCE
from fast_pipeline.sources.br_mte_ceac.parse import LABELS
from fast_pipeline_tests.sources.br_mte_ceac import files

SID = "br_mte_ceac"


def _file(tmp_path, data: bytes, fmt: str):
    path = tmp_path / f"2025_0007.{fmt}"
    path.write_bytes(data)
    return local_source_file(SID, path, edition="2025_0007")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("layout", ["ceac_column", "cadastro_column"])
def test_both_layouts_give_the_same_table(tmp_path, fmt, layout):
    data = (files.csv_bytes if fmt == "csv" else files.xlsx_bytes)(files.rows(layout))
    parsed = parsing.parse_validated(SOURCE, _file(tmp_path, data, fmt))
    assert parsed["ceac_date"].tolist() == ["2025-04-09", "2025-10-07"]
    assert parsed["layout"].unique().tolist() == [layout]
    assert parsed["ceac_date_column"].iloc[0] == (
        "Inclusão no CEAC" if layout == "ceac_column" else "Inclusão no Cadastro de Empregadores"
    )
    assert parsed["tax_id"].tolist() == ["11222333000181", "05729364431"]
    assert parsed["agreement"].iloc[0] == "TAC nº 12/2024 (MPT)"
    actions, _ = parsing.normalise_edition(SOURCE, parsed, "2025_0007")
    assert parsing.canonical_schema_failures(actions) is None
    first = actions.iloc[0]
    assert (first["action_type"], first["listed_date"], first["party_kind"]) == (
        "conduct_agreement",
        "2025-04-09",
        "company",
    )
    assert first["legal_basis"] == "Portaria Interministerial MTE/MDHC/MIR nº 18/2024"
    assert actions.iloc[1]["party_kind"] == "person"


def test_action_ids_do_not_depend_on_layout_or_format(tmp_path):
    a = parsing.parse_validated(SOURCE, _file(tmp_path, files.csv_bytes(files.rows("ceac_column")), "csv"))
    b = parsing.parse_validated(SOURCE, _file(tmp_path, files.xlsx_bytes(files.rows("cadastro_column")), "xlsx"))
    ids = [parsing.normalise_edition(SOURCE, p, "e")[0]["action_id"].tolist() for p in (a, b)]
    assert ids[0] == ids[1]


def _mixed() -> list[list[str]]:
    first, second = files.rows("ceac_column")[0], files.rows("cadastro_column")[1]
    return [first, second]


@pytest.mark.parametrize(
    "data, locator, reason",
    [
        (files.csv_bytes(_mixed()), "line 3", "'Inclusão no CEAC' is filled in 1 of 2 rows: neither known layout"),
        (
            files.csv_bytes(files.rows(), header=[*LABELS[:10], "Data de inclusão", LABELS[11]]),
            "line 1",
            "unexpected header",
        ),
        (files.csv_bytes([r[:11] for r in files.rows()], header=list(LABELS[:11])), "line 1", "unexpected header"),
        (
            files.csv_bytes([[*r[:9], "", "", r[11]] for r in files.rows()]),
            "line 2",
            "no CEAC date",
        ),
        (files.csv_bytes([[*files.rows()[0][:10], "31/02/2025", "TAC"]]), "line 2", "Inclusão no CEAC"),
        (files.csv_bytes([]), None, "no data rows"),
    ],
    ids=["mixed layouts", "renamed column", "missing column", "no date", "impossible date", "no rows"],
)
def test_any_other_layout_fails_clearly(tmp_path, data, locator, reason):
    with pytest.raises(ParseError) as info:
        SOURCE.parse_file(_file(tmp_path, data, "csv"))
    assert info.value.message.startswith(f"{SID}: 2025_0007.csv: ")
    assert info.value.locator == locator and reason in info.value.reason, info.value.message

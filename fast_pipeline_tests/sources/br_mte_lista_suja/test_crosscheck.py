"""cross_check: the formats of one edition agree row for row, and every disagreement names its row.

No edition was saved in two formats, so the test writes the CSV the ministry would publish next to the
real January 2026 XLSX (same rows, cp1252, no dates or footnote texts) and then damages it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from fast_pipeline.sources.br_mte_lista_suja import SOURCE
from fast_pipeline_tests.sources.br_mte_lista_suja.conftest import parse_validated, source_file
from fast_pipeline_tests.sources.br_mte_lista_suja.test_bad_inputs import CSV_HEADER


def csv_like(xlsx: pd.DataFrame, path: Path, change=None) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for rec in xlsx.astype(object).where(xlsx.notna(), None).to_dict("records"):
        decision = rec["decision_date"]
        cells = [
            rec["row_id"],
            rec["fiscal_year"] or "",
            rec["uf"] or "",
            rec["employer_name"] + (f" ({rec['footnote_mark']})" if rec["footnote_mark"] else ""),
            rec["tax_id_raw"],
            rec["establishment"] or "",
            rec["workers_affected"] or "",
            rec["cnae_raw"] or "",
            "/".join(reversed(decision.split("-"))) if decision else "",
            rec["inclusion_raw"],
        ]
        if change:
            cells = change(cells)
        if cells:
            writer.writerow(cells)
    path.write_bytes((CSV_HEADER + "\r\n" + out.getvalue().rstrip("\r\n")).encode("cp1252"))
    return path


def edition(parsed, path: Path) -> pd.DataFrame:
    other = parse_validated(source_file(path, edition="2026-01-28"))
    return pd.concat([parsed["2026-01-28_xlsx"].assign(edition="2026-01-28"), other], ignore_index=True)


def test_formats_that_agree_give_no_issues(parsed, tmp_path):
    both = edition(parsed, csv_like(parsed["2026-01-28_xlsx"], tmp_path / "cadastro_de_empregadores.csv"))
    assert both["source_file"].nunique() == 2 and len(both) == 2 * 678
    assert SOURCE.cross_check(both) == []


def test_a_single_format_edition_has_nothing_to_compare(parsed):
    assert SOURCE.cross_check(parsed["2026-08-02_csv"]) == []


def test_disagreements_name_the_rows(parsed, tmp_path):
    def damage(cells):
        if cells[0] == 42:
            cells[6] = 25  # workers 24 -> 25
        if cells[0] == 5:
            cells[5] = "OUTRO ENDEREÇO, CASCAVEL/PR"
        if cells[0] == 12:
            cells[3] = "ADELSON NERES ALVES"  # footnote mark lost
        return cells

    both = edition(parsed, csv_like(parsed["2026-01-28_xlsx"], tmp_path / "cadastro_de_empregadores.csv", damage))
    issues = SOURCE.cross_check(both)
    assert len(issues) == 3, issues
    prefix = "cadastro_de_empregadores.csv vs cadastro_de_empregadores.xlsx: section I row"
    assert issues[0].startswith(f"{prefix} 5 (line 6 vs sheet Sheet row 13): establishment 'OUTRO ENDEREÇO")
    assert issues[1] == f"{prefix} 12 (line 13 vs sheet Sheet row 20): footnote_mark empty != '*1'"
    assert issues[2] == f"{prefix} 42 (line 43 vs sheet Sheet row 50): workers_affected 25 != 24"


def test_missing_rows_are_reported(parsed, tmp_path):
    short = csv_like(
        parsed["2026-01-28_xlsx"],
        tmp_path / "cadastro_de_empregadores.csv",
        lambda cells: cells if cells[0] <= 676 else [],
    )
    issues = SOURCE.cross_check(edition(parsed, short))
    assert issues == [
        "cadastro_de_empregadores.csv vs cadastro_de_empregadores.xlsx: section I row 677 (sheet Sheet row 685) "
        "is missing from cadastro_de_empregadores.csv",
        "cadastro_de_empregadores.csv vs cadastro_de_empregadores.xlsx: section I row 678 (sheet Sheet row 686) "
        "is missing from cadastro_de_empregadores.csv",
    ]

"""The `fast-pipeline` command as researchers use it: `parse` on every saved file, with the true row counts
from ../shared/sources/README.md; errors as one clear line and a non-zero exit code."""

from __future__ import annotations

import csv
import json

import pytest

from fast_pipeline.cli import main
from fast_pipeline_tests.conftest import saved_file

# (source, edition folder, data rows) as counted by hand in ../shared/sources/README.md
SAVED_FILES = [
    ("br_mte_lista_suja", "2023-03-09_txt", 175),  # 174 in section I + 1 in section II
    ("br_mte_lista_suja", "2024-12-04_pdf", 719),
    ("br_mte_lista_suja", "2026-01-28_xlsx", 678),
    ("br_mte_lista_suja", "2026-08-02_csv", 585),
    ("br_mte_lista_suja", "2026-08-03_csv", 583),
    ("us_dhs_uflpa", "2026-07-09_html", 160),
    ("us_dol_ilab", "2013-app-xml_2015-06-29", 353),
    ("us_dol_ilab", "2015-app-xml_2017-08-16", 379),
    ("us_dol_ilab", "2016-09-30_xlsx", 379),
    ("us_dol_ilab", "2016-app-xml_2017-08-31", 379),
    ("us_dol_ilab", "2017-app-xml_2018-09-09", 418),
    ("us_dol_ilab", "2018-app-xml_2019-08-30", 418),
    ("us_dol_eo13126", "2014-11", 54),
]


@pytest.mark.parametrize("source_id, edition, rows", SAVED_FILES, ids=[f"{s}/{e}" for s, e, _ in SAVED_FILES])
def test_parse_command_on_every_saved_file(source_id, edition, rows, tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    assert main(["parse", source_id, str(saved_file(source_id, edition)), "--format", "jsonl", "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == rows
    assert all(r["source_sha256"] and r["source_locator"] for r in records)
    assert f": {rows} rows" in capsys.readouterr().err


def test_parse_command_csv_to_stdout_and_canonical(capsys):
    path = saved_file("us_dol_eo13126", "2014-11")
    assert main(["parse", "us_dol_eo13126", str(path), "--canonical"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert len(rows) == 54
    assert {r["action_type"] for r in rows} == {"procurement_exclusion"}
    assert all(r["action_id"].startswith("act-") for r in rows)


def test_parse_command_reports_bad_input_in_one_line(tmp_path, capsys):
    fake = tmp_path / "cadastro_de_empregadores.pdf"
    fake.write_bytes(b"<!DOCTYPE html><html><body>Erro</body></html>")
    assert main(["parse", "br_mte_lista_suja", str(fake)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "error: br_mte_lista_suja: cadastro_de_empregadores.pdf: expected PDF but received an HTML page "
        "(an error or landing page?)"
    ]

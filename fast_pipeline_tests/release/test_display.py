"""Publisher text shown to people (core.display): it reads as text and never acts as a formula, markup or a
terminal control."""

from __future__ import annotations

import csv
import io
import json
import unicodedata

import pytest

from fast_pipeline.core.display import BIDI_CONTROLS, csv_cell, json_text_for_csv, markdown, markdown_code, visible

HOSTILE = '=HYPERLINK("http://x")\x1b[2J\x07 \u202eTXT.EXE\u202c\r\nnext'


def test_visible_shows_controls_and_bidi_as_escapes_on_one_line():
    assert visible(HOSTILE) == '=HYPERLINK("http://x")\\x1b[2J\\x07 \\u202eTXT.EXE\\u202c\\x0d\\x0anext'
    assert visible("Ministério do Trabalho — “Lista Suja”") == "Ministério do Trabalho — “Lista Suja”"
    assert visible(None) == ""


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_cells_are_quoted(cell):
    assert csv_cell(cell).startswith("'")


def test_csv_cells_keep_lines_but_not_controls():
    assert csv_cell("Rua A, 1\nCentro") == "Rua A, 1\nCentro"
    assert csv_cell("A\x1bB\u202eC") == "A\\x1bB\\u202eC"
    assert csv_cell("ACME LTDA - ME") == "ACME LTDA - ME"  # only a leading sign is a formula


def test_json_text_in_csv_stays_json_that_decodes_to_the_exact_text():
    value = ["\u202eevil", "a\x85b", "ok"]
    text = json_text_for_csv(json.dumps(value, ensure_ascii=False))
    assert "\u202e" not in text and "\x85" not in text and json.loads(text) == value
    out = io.StringIO()
    csv.writer(out).writerow([text])
    assert json.loads(next(csv.reader(io.StringIO(out.getvalue())))[0]) == value


def test_json_text_in_csv_escapes_exactly_the_controls_separators_and_bidi_characters():
    """Every character of the Basic Multilingual Plane, against the rule as Unicode states it: a control
    (category Cc) other than TAB, LF and CR, a line or paragraph separator, or a bidi control is written as
    its JSON escape; everything else stays as it is."""

    def rule(c: str) -> str:
        escaped = c in BIDI_CONTROLS or c in "\u2028\u2029" or (unicodedata.category(c) == "Cc" and c not in "\t\n\r")
        return f"\\u{ord(c):04x}" if escaped else c

    chars = [chr(code) for code in range(0x10000) if not 0xD800 <= code <= 0xDFFF]
    assert [json_text_for_csv(c) for c in chars] == [rule(c) for c in chars]
    text = "".join(chars)
    assert json_text_for_csv(text) == "".join(rule(c) for c in text)


def test_markdown_renders_publisher_text_as_text():
    assert (
        markdown("A*B* [x](javascript:y) <img> a|b _x_ 2026-08-03_csv")
        == "A\\*B\\* \\[x\\](javascript:y) \\<img\\> a\\|b \\_x\\_ 2026-08-03_csv"
    )
    assert markdown("\x1b[31m") == "\\\\x1b\\[31m"  # the escape shows as the text \x1b
    assert markdown_code("CNPJ:1|a`b") == "``CNPJ:1|a`b``"
    assert markdown_code("plain") == "`plain`"


def test_parse_command_csv_is_spreadsheet_safe_and_jsonl_exact(tmp_path, capsys):
    """A publisher's establishment cell that is a formula: quoted in `parse`'s CSV, exact in its JSON Lines."""
    from fast_pipeline.cli import main
    from fast_pipeline_tests.conftest import saved_file

    text = saved_file("br_mte_lista_suja", "2026-08-02_csv").read_bytes().decode("cp1252")
    place = "ROD. PREFEITO JOAQUIM SIMÃO, KM 735, CENTRO, IGARATÁ/SP"
    assert text.count(place) == 1
    hostile = tmp_path / "cadastro_de_empregadores.csv"
    hostile.write_bytes(text.replace(place, "@SUM(1+1)*cmd|' /C calc'!A0").encode("cp1252"))
    assert main(["parse", "br_mte_lista_suja", str(hostile), "-o", str(tmp_path / "out.csv")]) == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8"))))
    assert rows[0]["establishment"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert main(["parse", "br_mte_lista_suja", str(hostile), "--format", "jsonl", "-o", str(tmp_path / "o.jsonl")]) == 0
    first = json.loads((tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["establishment"] == "@SUM(1+1)*cmd|' /C calc'!A0"
    capsys.readouterr()

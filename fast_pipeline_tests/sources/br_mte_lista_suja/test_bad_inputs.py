"""Bad files fail with a ParseError that names the file and the reason (and the row, where there is one).

Every bad file is written into tmp_path, most of them derived from the real saved files.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from fast_pipeline.core.errors import ParseError
from fast_pipeline.sources.br_mte_lista_suja import SOURCE
from fast_pipeline_tests.conftest import saved_file
from fast_pipeline_tests.sources.br_mte_lista_suja.conftest import SID, source_file

HTML = b"<!DOCTYPE html>\n<html><head><title>gov.br</title></head><body>Acesso negado</body></html>"
CSV_HEADER = (
    "ID;Ano da ação fiscal;UF;Empregador;CNPJ/CPF;Estabelecimento;Trabalhadores envolvidos;CNAE;"
    "Decisão administrativa de procedência;Inclusão no Cadastro de Empregadores"
)


def parse_error(path: Path, fmt: str | None = None) -> ParseError:
    with pytest.raises(ParseError) as info:
        SOURCE.parse_file(source_file(path, file_format=fmt))
    err = info.value
    assert err.source_id == SID and err.file == path.name
    return err


def real_csv_lines() -> list[str]:
    return saved_file(SID, "2026-08-02_csv").read_bytes().decode("cp1252").split("\r\n")


def write_csv(path: Path, lines: list[str], encoding: str = "cp1252") -> Path:
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return path


def test_truncated_pdf(shared_sources, tmp_path):
    data = saved_file(SID, "2024-12-04_pdf").read_bytes()
    cut = tmp_path / "cadastro_de_empregadores.pdf"
    cut.write_bytes(data[: len(data) // 2])
    assert "truncated" in parse_error(cut).reason
    cut.write_bytes(data[: len(data) // 2] + b"\n%%EOF\n")  # a cut body with a forged end marker
    assert "unreadable PDF" in parse_error(cut).reason


@pytest.mark.parametrize(
    "name",
    [
        "cadastro_de_empregadores.pdf",
        "cadastro_de_empregadores.csv",
        "cadastro_de_empregadores.xlsx",
        "cadastro_de_empregadores.txt",
    ],
)
def test_html_page_saved_under_a_data_name(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(HTML)
    assert "HTML page" in parse_error(path).reason


def _edited_xlsx(path: Path, part: str, *replacements: tuple[str, str]) -> Path:
    """The saved XLSX edition with `part` (a file inside the workbook) changed by `replacements`, each made
    exactly once, and every other part copied byte for byte: what a publisher's edit of those cells gives,
    without openpyxl's load and save (seconds for this workbook) rewriting the rest."""
    with zipfile.ZipFile(saved_file(SID, "2026-01-28_xlsx")) as saved, zipfile.ZipFile(path, "w") as edited:
        for info in saved.infolist():
            data = saved.read(info)
            if info.filename == part:
                text = data.decode("utf-8")
                for old, new in replacements:
                    assert text.count(old) == 1, old
                    text = text.replace(old, new)
                data = text.encode("utf-8")
            edited.writestr(info, data)
    return path


def test_xlsx_with_a_renamed_header(shared_sources, tmp_path):
    # D8 is the header "Empregador", the only cell with that shared string
    path = _edited_xlsx(tmp_path / "renamed.xlsx", "xl/sharedStrings.xml", ("<t>Empregador</t>", "<t>Empresa</t>"))
    err = parse_error(path)
    assert "header column 4 is 'Empresa'" in err.reason and err.locator == "sheet Sheet row 8"


def test_xlsx_with_a_value_in_a_spacer_column(shared_sources, tmp_path):
    # a shifted cell lands between Empregador (D, merged with E) and CNPJ/CPF (F)
    path = _edited_xlsx(
        tmp_path / "shifted.xlsx",
        "xl/worksheets/sheet1.xml",
        ('<mergeCell ref="D50:E50" />', ""),
        ('<c r="E50" s="9" />', '<c r="E50" s="9" t="inlineStr"><is><t>CHÁCARA TRÊS IRMÃOS</t></is></c>'),
    )
    err = parse_error(path)
    assert "column E" in err.reason and err.locator == "sheet Sheet row 50"


def test_xlsx_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "cadastro.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert "XLSX" in parse_error(path).reason


def test_csv_in_utf8_instead_of_cp1252(shared_sources, tmp_path):
    path = write_csv(tmp_path / "cadastro_de_empregadores.csv", real_csv_lines(), encoding="utf-8")
    err = parse_error(path)
    assert "encoding" in err.reason and "UTF-8" in err.reason and "cp1252" in err.reason


def test_csv_in_utf16(shared_sources, tmp_path):
    path = write_csv(tmp_path / "cadastro_de_empregadores.csv", real_csv_lines(), encoding="utf-16")
    assert "NUL" in parse_error(path).reason or "UTF-16" in parse_error(path).reason


def test_csv_with_undefined_cp1252_byte(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(CSV_HEADER.encode("cp1252") + b"\r\n1;2024;SP;ACME \x81 LTDA;")
    err = parse_error(path)
    assert "0x81" in err.reason and err.locator == "line 2"


def test_csv_with_a_shifted_row(shared_sources, tmp_path):
    lines = real_csv_lines()
    lines[41] = lines[41].replace("CHÁCARA TRÊS IRMÃOS, CRUZEIRO", "CHÁCARA TRÊS IRMÃOS; CRUZEIRO")  # ID 41
    err = parse_error(write_csv(tmp_path / "c.csv", lines))
    assert "11 cells" in err.reason and err.locator == "line 42"


def test_csv_with_a_dropped_row(shared_sources, tmp_path):
    lines = real_csv_lines()
    del lines[100]  # ID 100
    err = parse_error(write_csv(tmp_path / "c.csv", lines))
    assert "row ID 101 where 100 was expected" in err.reason and err.locator == "line 101"


def test_csv_with_a_renamed_or_added_header_column(tmp_path):
    renamed = CSV_HEADER.replace("Estabelecimento", "Endereço")
    good_row = "1;2024;SP;X;41.297.068/0001-61;Y;2;4399-1/03;15/05/2025;06/10/2025"
    err = parse_error(write_csv(tmp_path / "a.csv", [renamed, good_row]))
    assert "'Endereço'" in err.reason and err.locator == "line 1"
    err = parse_error(write_csv(tmp_path / "b.csv", [CSV_HEADER + ";Situação"]))
    assert "found 11" in err.reason


def test_csv_with_a_bad_tax_id_names_the_row(tmp_path):
    rows = [CSV_HEADER, "1;2024;SP;ACME;41.297.068/0001-62;RUA X;2;4399-1/03;15/05/2025;06/10/2025"]
    err = parse_error(write_csv(tmp_path / "c.csv", rows))
    assert "valid neither as a CPF nor as a CNPJ" in err.reason and err.locator == "line 2"


def test_csv_with_preamble_and_trailer(tmp_path):
    lines = [
        "Cadastro de Empregadores que tenham submetido trabalhadores a condições análogas à de escravo",
        "Atualização periódica de 6 de abril de 2026. Cadastro atualizado em 22/05/2026.",
        "I- PUBLICAÇÃO DO CADASTRO DE EMPREGADORES PREVISTA NO ARTIGO 2º, CAPUT, DA PORTARIA INTERMINISTERIAL "
        "MTE/MDHC/MIR Nº 18, DE 13 DE SETEMBRO DE 2024",
        CSV_HEADER,
        "1;2024;SP;ACME LTDA;41.297.068/0001-61;RUA X;2;4399-1/03;15/05/2025;06/10/2025",
        "2;;;FULANO DE TAL (*1);468.596.401-20;;5;;;04/11/2025",
        "(*1) Incluído no Cadastro em cumprimento à sentença;;;;;;;;;",
        "DENÚNCIAS DE TRABALHO ANÁLOGO AO DE ESCRAVO",
        "https://ipe.sit.trabalho.gov.br",
    ]
    frame = SOURCE.parse_file(source_file(write_csv(tmp_path / "c.csv", lines)))
    assert list(frame["row_id"]) == [1, 2]
    assert (frame.at[1, "footnote_mark"], frame.at[1, "footnote_text"]) == (
        "*1",
        "Incluído no Cadastro em cumprimento à sentença",
    )
    assert set(frame["updated_date"]) == {"2026-05-22"} and set(frame["periodic_update_date"]) == {"2026-04-06"}
    assert frame.at[0, "legal_basis"] == "PORTARIA INTERMINISTERIAL MTE/MDHC/MIR Nº 18, DE 13 DE SETEMBRO DE 2024"


def test_unexpected_text_between_rows_fails(tmp_path):
    rows = [
        CSV_HEADER,
        "1;2024;SP;ACME LTDA;41.297.068/0001-61;RUA X;2;4399-1/03;15/05/2025;06/10/2025",
        "Nota: lista sujeita a revisão",
    ]
    err = parse_error(write_csv(tmp_path / "c.csv", rows))
    assert "unexpected text outside the table" in err.reason and err.locator == "line 3"


def test_empty_table_and_no_header(tmp_path):
    assert "no data rows" in parse_error(write_csv(tmp_path / "a.csv", [CSV_HEADER])).reason
    assert "no header row" in parse_error(write_csv(tmp_path / "b.csv", ["só um título"])).reason


def test_txt_with_a_broken_quote(shared_sources, tmp_path):
    text = saved_file(SID, "2023-03-09_txt").read_text(encoding="utf-8")
    broken = text.replace('"Fazenda do Nine, estrada', "Fazenda do Nine, estrada", 1)  # drop one opening quote
    path = tmp_path / "cadastro.txt"
    path.write_text(broken, encoding="utf-8")
    err = parse_error(path)
    assert err.locator and err.locator.startswith("line 17")


def test_txt_in_cp1252_is_read(shared_sources, tmp_path):
    text = saved_file(SID, "2023-03-09_txt").read_text(encoding="utf-8")
    path = tmp_path / "cadastro.txt"
    path.write_bytes(text.encode("cp1252"))
    frame = SOURCE.parse_file(source_file(path))
    assert len(frame) == 175 and frame.at[0, "establishment"].startswith("Cerâmica J.A")


def test_unknown_format(tmp_path):
    path = tmp_path / "cadastro.ods"
    path.write_bytes(b"x")
    assert "no parser" in parse_error(path).reason

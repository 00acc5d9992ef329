"""discover() on a synthetic landing page shaped as NOTES.md describes; edition labels from real files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fast_pipeline.core.errors import AcquisitionError
from fast_pipeline.sources.br_mte_lista_suja import SOURCE
from fast_pipeline_tests.conftest import saved_file
from fast_pipeline_tests.sources.br_mte_lista_suja.conftest import SID, source_file

BASE = "https://www.gov.br/trabalho-e-emprego/pt-br/assuntos/inspecao-do-trabalho"
LANDING = f"{BASE}/areas-de-atuacao/combate-ao-trabalho-escravo-e-analogo-ao-de-escravo"
TXT = "cadastro_de_empregadores.txt"

PAGE = f"""<!DOCTYPE html><html><body>
<div id="content-core"><div id="parent-fieldname-text">
<p>Combate ao Trabalho Escravo</p>
<table class="plain"><tbody><tr>
  <td><p>Cadastro de Empregadores ... (Lista Suja do Trabalho Escravo)</p>
      <p>Cadastro de Empregadores em Ajustamento de Conduta (CEAC)</p></td>
  <td><p><a href="{BASE}/areas-de-atuacao/cadastro_de_empregadores.pdf">Clique para baixar</a></p>
      <p><a href="{BASE}/areas-de-atuacao/documentos-pdf/2026_0014.pdf">Clique para baixar</a></p></td>
  <td><p><a href="cadastro_de_empregadores.xlsx">Clique para baixar</a></p>
      <p><a href="documentos-xlsx/2026_0014.xlsx">Clique para baixar</a></p></td>
  <td><p><a href="/trabalho-e-emprego/pt-br/assuntos/inspecao-do-trabalho/areas-de-atuacao/{TXT}">
      Clique para baixar</a></p>
      <p><a href="documentos-outros/2026_0014.txt">Clique para baixar</a></p></td>
  <td><p><a href=" {BASE}/areas-de-atuacao/cadastro_de_empregadores.csv ">Clique para baixar</a></p>
      <p><a href="{BASE}/areas-de-atuacao/documentos-outros/2026_0014.csv">Clique para baixar</a></p></td>
</tr></tbody></table>
<p><a href="{BASE}/2025_0005.txt"></a></p>
</div></div></body></html>""".encode()


class StubHttp:
    """Answers get_page from a dict; records what was asked."""

    def __init__(self, pages: dict[str, bytes]):
        self.pages, self.asked = pages, []

    def get_page(self, url: str, *, source_id: str) -> bytes:
        self.asked.append((url, source_id))
        return self.pages[url]


def test_discover_returns_the_four_lista_suja_files():
    http = StubHttp({LANDING: PAGE})
    files = SOURCE.discover(http)
    assert http.asked == [(LANDING, SID)]
    assert [(f.file_format, f.file_name) for f in files] == [
        ("pdf", "cadastro_de_empregadores.pdf"),
        ("xlsx", "cadastro_de_empregadores.xlsx"),
        ("txt", "cadastro_de_empregadores.txt"),
        ("csv", "cadastro_de_empregadores.csv"),
    ]
    assert {f.url for f in files} == {
        f"{BASE}/areas-de-atuacao/cadastro_de_empregadores.{ext}" for ext in ("pdf", "xlsx", "txt", "csv")
    }


def test_discover_fails_when_the_layout_changed():
    http = StubHttp({LANDING: b"<html><body><div id='parent-fieldname-text'><p>em manutencao</p></div></body></html>"})
    with pytest.raises(AcquisitionError, match=r"no table\.plain"):
        SOURCE.discover(http)
    swapped = PAGE.replace(b"cadastro_de_empregadores.pdf", b"documentos-pdf/2026_0013.pdf")
    with pytest.raises(AcquisitionError, match="CEAC"):
        SOURCE.discover(StubHttp({LANDING: swapped}))


@pytest.mark.parametrize(
    "edition, label",
    [
        ("2023-03-09_txt", "2023-03-09"),
        ("2024-12-04_pdf", "2024-12-04"),
        ("2026-01-28_xlsx", "2026-01-28"),
    ],
)
def test_edition_label_is_the_cadastro_atualizado_em_date(shared_sources, edition, label):
    assert SOURCE.edition_label([source_file(saved_file(SID, edition))]) == label


def test_edition_label_from_header_files_and_none_for_a_csv_alone(shared_sources, tmp_path):
    csv = source_file(saved_file(SID, "2026-08-02_csv"))
    xlsx = source_file(saved_file(SID, "2026-01-28_xlsx"))
    assert SOURCE.edition_label([csv]) is None
    assert SOURCE.edition_label([csv, xlsx]) == "2026-01-28"
    broken = tmp_path / "cadastro_de_empregadores.pdf"
    broken.write_bytes(b"%PDF-1.4 nothing else")
    assert SOURCE.edition_label([source_file(broken), csv]) is None  # skipped, still archived


def test_edition_label_falls_back_to_the_periodic_date(tmp_path):
    txt = tmp_path / "cadastro.txt"
    txt.write_text("Atualização periódica de 6 de abril de 2026.\n", encoding="utf-8")
    assert SOURCE.edition_label([source_file(txt)]) == "2026-04-06"


def test_edition_date(parsed):
    assert SOURCE.edition_date(parsed["2026-01-28_xlsx"], "x") == "2026-01-28"
    assert SOURCE.edition_date(parsed["2026-08-02_csv"], "x") is None
    periodic_only = pd.DataFrame({"updated_date": [None], "periodic_update_date": ["2026-04-06"]})
    assert SOURCE.edition_date(periodic_only, "x") == "2026-04-06"


def test_metadata_and_registry():
    from fast_pipeline.sources.registry import get_source

    assert get_source(SID) is SOURCE
    meta = SOURCE.metadata
    assert (meta.jurisdiction, meta.preferred_formats[0], meta.gate.min_rows, meta.gate.max_rows) == (
        "BR",
        "xlsx",
        100,
        2000,
    )
    assert set(meta.formats) == {"pdf", "xlsx", "txt", "csv"}
    assert Path(SOURCE.metadata.landing_url).name == Path(LANDING).name

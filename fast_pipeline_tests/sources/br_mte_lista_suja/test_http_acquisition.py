"""The ministry's site replayed on a loopback server: the real HttpClient, the real discovery on a page laid
out as the live one (NOTES.md section A), the real archive. No test leaves 127.0.0.1."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fast_pipeline.core.acquire import acquire
from fast_pipeline.core.archive import Archive
from fast_pipeline.core.parsing import parse_edition
from fast_pipeline.sources.br_mte_lista_suja import SOURCE
from fast_pipeline_tests.conftest import saved_file
from fast_pipeline_tests.support.http_server import Reply

BASE = "/trabalho-e-emprego/pt-br/assuntos/inspecao-do-trabalho"
LANDING = f"{BASE}/areas-de-atuacao/combate-ao-trabalho-escravo-e-analogo-ao-de-escravo"


def _landing_page(formats: list[str]) -> bytes:
    cells = "".join(
        f'<td><p><a href="{BASE}/areas-de-atuacao/cadastro_de_empregadores.{fmt}">Clique para baixar</a></p>'
        f'<p><a href="{BASE}/areas-de-atuacao/documentos-{fmt}/2026_0014.{fmt}">Clique para baixar</a></p></td>'
        for fmt in formats
    )
    return (
        f'<html><body><div id="content-core"><div id="parent-fieldname-text">'
        f'<table class="plain"><tbody><tr><td><p>Cadastro de Empregadores (Lista Suja do Trabalho Escravo)</p>'
        f"<p>Cadastro de Empregadores em Ajustamento de Conduta (CEAC)</p></td>{cells}</tr></tbody></table>"
        f"</div></div></body></html>"
    ).encode()


@pytest.fixture
def ministry(loopback, monkeypatch):
    monkeypatch.setattr(SOURCE, "metadata", replace(SOURCE.metadata, landing_url=loopback.url(LANDING)))
    return loopback


def test_discovers_downloads_and_labels_an_edition_by_its_header(ministry, fast_http, tmp_path):
    ministry.routes.set(
        LANDING, Reply(200, _landing_page(["pdf", "csv"]), {"Content-Type": "text/html; charset=utf-8"})
    )
    pdf = saved_file("br_mte_lista_suja", "2024-12-04_pdf").read_bytes()
    csv = saved_file("br_mte_lista_suja", "2026-08-02_csv").read_bytes()
    ministry.routes.set(
        f"{BASE}/areas-de-atuacao/cadastro_de_empregadores.pdf", Reply(200, pdf, {"Content-Type": "application/pdf"})
    )
    ministry.routes.set(
        f"{BASE}/areas-de-atuacao/cadastro_de_empregadores.csv", Reply(200, csv, {"Content-Type": "text/csv"})
    )
    archive = Archive(tmp_path / "archive")

    result = acquire(SOURCE, archive, http=fast_http)
    assert result.ok, result.error
    assert result.new_editions == ["2024-12-04"]  # "Cadastro atualizado em 04/12/2024" in the PDF header
    files = {f.file_name: f for f in archive.source_files("br_mte_lista_suja", "2024-12-04")}
    assert set(files) == {"cadastro_de_empregadores.pdf", "cadastro_de_empregadores.csv"}
    assert files["cadastro_de_empregadores.pdf"].url == ministry.url(
        f"{BASE}/areas-de-atuacao/cadastro_de_empregadores.pdf"
    )
    assert all(ua.startswith("fast-pipeline/") for ua in ministry.routes.user_agents)
    assert ministry.routes.hits.get(f"{BASE}/areas-de-atuacao/documentos-pdf/2026_0014.pdf") is None  # CEAC ignored

    # two formats of different publisher states under one edition: the cross-check names the disagreement
    parsed, _ = parse_edition(SOURCE, list(files.values()), tmp_path / "cache")
    issues = SOURCE.cross_check(parsed)
    assert issues[0] == (
        "cadastro_de_empregadores.pdf vs cadastro_de_empregadores.csv: section I row 586 "
        "(page 46 row 1) is missing from cadastro_de_empregadores.csv"
    )
    assert all(i.startswith("cadastro_de_empregadores.pdf vs cadastro_de_empregadores.csv: ") for i in issues[:-1])
    assert issues[-1].startswith("... and ") and issues[-1].endswith(" more disagreements")


def test_csv_alone_is_labelled_by_retrieval_date_and_hash(ministry, fast_http, tmp_path):
    ministry.routes.set(LANDING, Reply(200, _landing_page(["csv"])))
    ministry.routes.set(
        f"{BASE}/areas-de-atuacao/cadastro_de_empregadores.csv",
        Reply(200, saved_file("br_mte_lista_suja", "2026-08-03_csv").read_bytes()),
    )
    result = acquire(SOURCE, Archive(tmp_path / "archive"), http=fast_http)
    label = result.new_editions[0]
    assert len(label) == 19 and label[10] == "_" and label[:4].isdigit()


def test_gov_br_refusing_the_client_is_a_clear_error(ministry, fast_http, tmp_path):
    ministry.routes.set(LANDING, Reply(403, b"<html><body>403 Forbidden</body></html>"))
    result = acquire(SOURCE, Archive(tmp_path / "archive"), http=fast_http)
    assert result.error.message.startswith("br_mte_lista_suja: ")
    assert "HTTP 403" in result.error.message and "refuses this client" in result.error.message

"""CEAC discovery on the ministry's page served from a loopback server: the linked version, bounded probing
for unlinked earlier ones (404 = NotFoundError), each version archived as its own edition."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fast_pipeline.core.acquire import acquire
from fast_pipeline.core.archive import Archive
from fast_pipeline.core.errors import NotFoundError
from fast_pipeline.core.parsing import parse_edition
from fast_pipeline.sources.br_mte_ceac import SOURCE
from fast_pipeline_tests.sources.br_mte_ceac import files
from fast_pipeline_tests.support.http_server import Reply

BASE = "/trabalho-e-emprego/pt-br/assuntos/inspecao-do-trabalho"
LANDING = f"{BASE}/areas-de-atuacao/combate-ao-trabalho-escravo-e-analogo-ao-de-escravo"
PLACES = {"csv": "documentos-outros", "xlsx": "documentos-xlsx", "pdf": "documentos-pdf"}


def _url(version: str, fmt: str) -> str:
    return f"{BASE}/areas-de-atuacao/{PLACES[fmt]}/{version}.{fmt}"


def landing_page(version: str) -> bytes:
    """Laid out as the live page (NOTES.md section A): lista suja first <p>, CEAC second <p>."""
    cells = "".join(
        f'<td><p><a href="{BASE}/areas-de-atuacao/cadastro_de_empregadores.{fmt}">Clique para baixar</a></p>'
        f'<p><a href="{_url(version, fmt)}">Clique para baixar</a></p></td>'
        for fmt in ("pdf", "xlsx", "csv")
    )
    return (
        '<html><body><div id="content-core"><div id="parent-fieldname-text"><table class="plain"><tbody><tr>'
        "<td><p>Cadastro de Empregadores (Lista Suja do Trabalho Escravo)</p>"
        f"<p>Cadastro de Empregadores em Ajustamento de Conduta (CEAC)</p></td>{cells}</tr></tbody></table>"
        f'<a href="{BASE}/2025_0005.txt"></a></div></div></body></html>'
    ).encode()


@pytest.fixture
def ministry(loopback, monkeypatch):
    monkeypatch.setattr(SOURCE, "metadata", replace(SOURCE.metadata, landing_url=loopback.url(LANDING)))
    loopback.routes.set(LANDING, Reply(200, landing_page("2026_0014"), {"Content-Type": "text/html"}))
    return loopback


def _serve(server, version: str, fmts=("csv", "xlsx"), layout: str = "ceac_column") -> None:
    bodies = {"csv": files.csv_bytes(files.rows(layout)), "xlsx": files.xlsx_bytes(files.rows(layout))}
    for fmt in fmts:
        server.routes.set(_url(version, fmt), Reply(200, bodies[fmt]))


def test_each_version_is_its_own_edition_and_probing_is_bounded(ministry, fast_http, tmp_path):
    _serve(ministry, "2026_0014")
    _serve(ministry, "2026_0013", layout="cadastro_column")
    _serve(ministry, "2026_0011", fmts=("csv",))  # unlinked, one format only; 0012 is gone
    gone = ["2026_0012", "2026_0010", "2026_0009", "2026_0008", "2026_0007"]
    for version in gone:
        for fmt in ("csv", "xlsx"):
            ministry.routes.set(_url(version, fmt), Reply(404, b"<html>Not Found</html>"))
    archive = Archive(tmp_path / "archive")
    result = acquire(SOURCE, archive, http=fast_http)
    assert result.ok, result.error
    assert sorted(result.new_editions) == ["2026_0011", "2026_0013", "2026_0014"]
    assert [f.file_name for f in archive.source_files(SOURCE.source_id, "2026_0011")] == ["2026_0011.csv"]
    parsed, _ = parse_edition(SOURCE, archive.source_files(SOURCE.source_id, "2026_0013"), tmp_path / "cache")
    assert set(parsed["layout"]) == {"cadastro_column"} and set(parsed["file_format"]) == {"csv", "xlsx"}
    # 0010, 0009, 0008 answer 404 in both formats: three in a row, so 0007 is never asked for
    asked = {v: ministry.routes.hits.get(_url(v, "csv"), 0) for v in gone}
    assert asked == {"2026_0012": 1, "2026_0010": 1, "2026_0009": 1, "2026_0008": 1, "2026_0007": 0}
    assert ministry.routes.hits.get(f"{BASE}/areas-de-atuacao/cadastro_de_empregadores.csv") is None  # not ours

    # a second run finds the same versions: nothing new
    again = acquire(SOURCE, archive, http=fast_http)
    assert again.ok and again.new_editions == [] and sorted(again.known_editions) == sorted(result.new_editions)


def test_a_missing_file_is_a_not_found_error(ministry, fast_http):
    with pytest.raises(NotFoundError, match="HTTP 404"):
        fast_http.get_page(ministry.url(_url("2026_0001", "csv")), source_id=SOURCE.source_id)


def test_a_page_without_a_ceac_link_fails_naming_it(ministry, fast_http, tmp_path):
    ministry.routes.set(
        LANDING, Reply(200, b'<html><div id="parent-fieldname-text"><table class="plain"></table></div></html>')
    )
    result = acquire(SOURCE, Archive(tmp_path / "archive"), http=fast_http)
    assert not result.ok and "no CEAC file (YYYY_NNNN.{xlsx,csv}) linked in the table" in result.error.message

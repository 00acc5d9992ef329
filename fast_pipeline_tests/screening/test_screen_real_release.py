"""`fast-pipeline screen` on a release built from the saved editions, with named real parties.

The parties were picked by reading that release: COOPERATIVA DO VALE DE PERNAMBUCO and FABIO CEZAR BARROS LEAO
are on the 2026-08-02 lista suja and gone from the 2026-08-03 one; two different persons named MANOEL DOS
SANTOS are listed with their own CPFs; AMAFIL's listed CNPJ is its branch 0004; "HY Solar" is an alias on
the UFLPA Entity List; AMADEU LUIZ DA SILVA is a listed cattle farmer (CNAE 0151-2/01).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest

COOPERATIVA = "pty-e13350638c16dbb3"
FABIO = "pty-807d2054199ede98"
MANOEL_A, MANOEL_B = "pty-5fd765ecd549671a", "pty-d0fdb61504e77d27"
AMAFIL = "pty-9aecc8a4b1dfd4d8"
HONGYUAN = "pty-114a4f41b7b7513d"
ALTENHOFEN = "pty-9c9aed1e522deb13"


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _by_query(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(r["query_id"], []).append(r)
    return out


def _matches(rows: list[dict]) -> dict[str, set[str]]:
    return {q: {r["party_id"] for r in rs if r["is_match"]} for q, rs in _by_query(rows).items()}


CUSTOMERS = """id;Razão Social;CNPJ/CPF;País;Produto;gerente
c-cnpj-punct;Cooperativa do Vale de Pernambuco;39.873.857/0001-51;Brasil;;Ana
c-cnpj-bare;COOP VALE PERNAMBUCO;39873857000151;BR;;Ana
c-person;LEAO, FABIO CEZAR BARROS;;BR;;Rui
c-alias;HY Solar;;China;;Rui
c-namesake;MANOEL DOS SANTOS;111.444.777-35;BR;;Ana
c-manoel;Manoel dos Santos;053.245.127-96;BR;;Ana
c-branch;Amafil Indústria e Comércio de Alimentos Ltda.;75.784.140/0001-05;BR;;Ana
c-nearmiss;SCHNEIDER COMERCIO DE HORTIFRUTIGRANJEIROS LTDA;99.988.877/7000-02;BR;;Rui
c-unlisted;Padaria Pão Quente do Bairro;;BR;;Rui
c-cattle;AMADEU LUIZ DA SILVA;;Brasil;Cattle;Ana
c-bad-cpf;Someone;111.111.111-12;BR;;Ana
;No Id Ltda;;BR;;Ana
c-empty;;;BR;;Ana
"""


@pytest.fixture
def customers(tmp_path) -> Path:
    # cp1252 (Windows Portuguese), semicolons: both sniffed
    return _write(tmp_path / "clientes.csv", CUSTOMERS, "cp1252")


def test_screen_named_parties(screen_cli, capsys, customers, tmp_path):
    out = tmp_path / "out.jsonl"
    code, stdout, _ = screen_cli(capsys, "screen", customers, "-o", out)
    assert code == 0
    rows = _rows(out)
    matches = _matches(rows)
    by_query = _by_query(rows)
    # a listed CNPJ with and without punctuation
    assert matches["c-cnpj-punct"] == {COOPERATIVA}
    assert matches["c-cnpj-bare"] == {COOPERATIVA}
    assert any("identifier CNPJ 39.873.857/0001-51 equal" in r for r in by_query["c-cnpj-bare"][0]["match_reasons"])
    # SURNAME, GIVEN NAMES
    assert matches["c-person"] == {FABIO}
    # a UFLPA alias
    assert matches["c-alias"] == {HONGYUAN}
    assert any("alias 'HY Solar'" in r for r in by_query["c-alias"][0]["match_reasons"])
    # a namesake with another valid CPF is not either listed MANOEL DOS SANTOS; the one with his CPF is
    assert matches["c-namesake"] == set()
    namesake = {r["party_id"]: r for r in by_query["c-namesake"]}
    assert {MANOEL_A, MANOEL_B} <= namesake.keys()
    assert all("identifier differs" in " ".join(r["match_reasons"]) for r in namesake.values())
    assert matches["c-manoel"] == {MANOEL_B}
    # another branch of a listed CNPJ root: a group match, said so
    assert matches["c-branch"] == {AMAFIL}
    assert "group match" in " ".join(by_query["c-branch"][0]["match_reasons"])
    # a firm whose one distinctive word differs (and has its own CNPJ) is another firm
    assert ALTENHOFEN not in matches["c-nearmiss"] and matches["c-nearmiss"] == set()
    assert matches["c-unlisted"] == set()
    assert by_query["c-unlisted"][0]["party_id"] is None
    # row errors, and every input row accounted for (the input's own columns carried through)
    errors = {r["row_number"]: r["error"] for r in rows if r["error"]}
    assert "invalid CPF" in errors[12] and errors[13] == "no id" and errors[14] == "neither name nor tax ID"
    assert {r["row_number"] for r in rows} == set(range(2, 15))
    assert all(r["gerente"] in ("Ana", "Rui") for r in rows)
    # the evidence a case file needs
    hit = by_query["c-cnpj-punct"][0]
    assert hit["sources"] == ["br_mte_lista_suja"] and hit["party_kind"] == "company" and hit["party_country"] == "BR"
    action = hit["actions"][0]
    assert action["removed_in_edition"] == "2026-08-03_csv" and len(action["source_sha256"]) == 64
    assert hit["active_action_count"] == 0 and hit["action_count"] == 1
    # the terminal summary and the manifest
    assert "screened 10 of 13 counterparties" in stdout and "errors:   3 rows" in stdout
    manifest = json.loads(out.with_name("out.manifest.json").read_text())
    assert manifest["release_version"] and len(manifest["release_checksums_sha256"]) == 64
    assert manifest["counts"]["errors"] == 3 and manifest["input_encoding"] not in ("utf-8", None)
    assert manifest["input_delimiter"] == ";" and manifest["threshold"] == 0.8


def test_exposures_for_a_brazilian_cattle_supplier(screen_cli, capsys, customers, tmp_path):
    """Rows carry exposure keys; each finding's detail is in the exposures file beside the output, once."""
    out = tmp_path / "out.jsonl"
    assert screen_cli(capsys, "screen", customers, "-o", out)[0] == 0
    rows = _by_query(_rows(out))
    findings = {f["exposure_key"]: f for f in _rows(out.with_name("out.exposures.jsonl"))}
    cattle = rows["c-cattle"][0]
    assert cattle["exposures"] == ["us_dol_ilab:BR:cattle"]
    detail = findings["us_dol_ilab:BR:cattle"]
    assert (detail["source_id"], detail["country"], detail["goods"]) == ("us_dol_ilab", "BR", "Cattle")
    assert "forced labour" in detail["labour"] and detail["legal_basis"] and len(detail["source_sha256"]) == 64
    # without goods: every finding on the country (DOL's Brazilian goods)
    unlisted = rows["c-unlisted"][0]
    assert {"Cattle", "Charcoal", "Sugarcane"} <= {findings[k]["goods"] for k in unlisted["exposures"]}
    # every key a row names is in the file, and the file counts the counterparties exposed to each
    named = [k for rs in rows.values() for k in rs[0]["exposures"] or []]
    assert set(named) == findings.keys()
    assert all(findings[k]["counterparties"] == named.count(k) for k in findings)
    # a non-Brazilian counterparty is not exposed to Brazilian findings
    china = rows["c-alias"][0]["exposures"]
    assert china and all(k.split(":")[1] == "CN" for k in china)
    manifest = json.loads(out.with_name("out.manifest.json").read_text())
    assert manifest["exposures_file"].endswith("out.exposures.jsonl") and len(manifest["exposures_sha256"]) == 64
    report = out.with_name("out.report.html").read_text()
    assert "Cattle" in report and "c-cattle" in report and "invalid CPF" in report
    # in CSV, the keys joined by "; ", and the exposures file a CSV too
    as_csv = tmp_path / "out.csv"
    assert screen_cli(capsys, "screen", customers, "-o", as_csv, "--no-report")[0] == 0
    with as_csv.open(encoding="utf-8") as f:
        cells = {r["query_id"]: r["exposures"] for r in csv.DictReader(f)}
    assert cells["c-cattle"] == "us_dol_ilab:BR:cattle" and cells["c-unlisted"] == "; ".join(unlisted["exposures"])
    with as_csv.with_name("out.exposures.csv").open(encoding="utf-8") as f:
        assert {r["exposure_key"]: r["goods"] for r in csv.DictReader(f)}["us_dol_ilab:BR:cattle"] == "Cattle"


def test_as_of_before_and_after_a_real_removal(screen_cli, capsys, customers, tmp_path):
    for day, expected in (("2026-08-02", {COOPERATIVA}), ("2026-08-03", set()), ("2026-01-01", set())):
        out = tmp_path / f"asof-{day}.jsonl"
        assert screen_cli(capsys, "screen", customers, "-o", out, "--as-of", day)[0] == 0
        rows = _by_query(_rows(out))
        assert _matches(_rows(out))["c-cnpj-punct"] == expected, day
        if expected:
            assert rows["c-cnpj-punct"][0]["actions"][0]["in_force"] is True
            assert rows["c-cnpj-punct"][0]["actions"][0]["removed_in_edition"] is None
        # a party still listed is a match on every one of these dates (listed 2024-04-05)
        assert _matches(_rows(out))["c-branch"] == {AMAFIL}, day


def test_reopened_decision(screen_cli, capsys, customers, tmp_path):
    """A false positive cleared while the party was listed (as of 2026-08-02) is suppressed while its evidence
    stands and re-opened once the party's listing is removed (the release's own state)."""
    first = tmp_path / "first.csv"
    assert screen_cli(capsys, "screen", customers, "-o", first, "--as-of", "2026-08-02")[0] == 0
    with first.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert any(r["query_id"] == "c-person" and r["party_id"] == FABIO for r in rows)
    for r in rows:
        r["decision"] = "false_positive" if (r["query_id"], r["party_id"]) == ("c-person", FABIO) else ""
        r["note"] = "our customer is another Fabio (checked ID card)" if r["decision"] else ""
    reviewed = tmp_path / "reviewed.csv"
    with reviewed.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code, stdout, _ = screen_cli(capsys, "screen-decide", reviewed, "--reviewer", "ana@bank")
    assert code == 0 and "recorded 1 decisions (1 false positives" in stdout

    again = tmp_path / "again.jsonl"
    code, stdout, _ = screen_cli(capsys, "screen", customers, "-o", again, "--as-of", "2026-08-02")
    hit = next(r for r in _rows(again) if r["query_id"] == "c-person" and r["party_id"] == FABIO)
    assert hit["review_status"].startswith("suppressed: false positive by ana@bank") and hit["is_match"] is False
    assert "1 suppressed" in stdout

    now = tmp_path / "now.jsonl"
    code, stdout, _ = screen_cli(capsys, "screen", customers, "-o", now)
    hit = next(r for r in _rows(now) if r["query_id"] == "c-person" and r["party_id"] == FABIO)
    assert hit["review_status"].startswith("reopened: evidence changed") and hit["is_match"] is True
    assert "1 re-opened" in stdout


def test_xlsx_in_and_out(screen_cli, capsys, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Customer ID", "Nome", "CNPJ", "Country"])
    sheet.append(["x1", "Cooperativa do Vale de Pernambuco", 39873857000151, "Brazil"])
    sheet.append(["x2", None, None, "BR"])
    sheet["B3"].value, sheet["B3"].data_type = '=HYPERLINK("http://example.invalid")', "s"  # text, as typed
    src = tmp_path / "in.xlsx"
    book.save(src)
    out = tmp_path / "out.xlsx"
    assert screen_cli(capsys, "screen", src, "-o", out, "--as-of", "2026-08-02")[0] == 0
    sheet = openpyxl.load_workbook(out).active
    values = list(sheet.iter_rows(values_only=True))
    header = list(values[0])
    x1 = dict(zip(header, values[1]))
    assert x1["party_id"] == COOPERATIVA and x1["is_match"] == "true"
    x2 = dict(zip(header, values[2]))
    assert x2["Nome"].startswith("'=")  # never a formula in the analyst's spreadsheet
    # the exposures file is a workbook too, one row per finding the rows' keys name
    findings = list(openpyxl.load_workbook(tmp_path / "out.exposures.xlsx")["exposures"].iter_rows(values_only=True))
    keys = {dict(zip(findings[0], f))["exposure_key"]: dict(zip(findings[0], f)) for f in findings[1:]}
    assert set(x1["exposures"].split("; ")) == keys.keys() and keys["us_dol_ilab:BR:cattle"]["counterparties"] == 2


def test_unrecognised_header_fails_with_the_columns_found(screen_cli, capsys, tmp_path):
    src = _write(tmp_path / "odd.csv", "foo,bar\n1,2\n")
    code, _, stderr = screen_cli(capsys, "screen", src)
    assert code == 1
    assert stderr.strip() == (
        "error: screen: odd.csv: no recognisable header: need an id column and a name or tax ID column; "
        "found 'foo', 'bar'"
    )


def test_screen_eval(screen_cli, capsys, tmp_path):
    labelled = _write(
        tmp_path / "pairs.csv",
        "kind,name_a,name_b,label,tax_id_a,tax_id_b\n"
        'person,"SILVA, JOAO",JOAO DA SILVA,1,,\n'
        "company,Hoyuan Green Energy,Hongyuan Green Energy Co. Ltd.,1,,\n"
        "company,Agropecuaria Santa Rita,Agropecuaria Santa Clara Ltda,0,,\n"
        "person,MANOEL DOS SANTOS,MANOEL DOS SANTOS,0,111.444.777-35,053.245.127-96\n",
    )
    code, stdout, _ = screen_cli(capsys, "screen-eval", labelled)
    assert code == 0
    assert "4 labelled pairs; word weights from the release's names" in stdout
    assert "precision 1.000  recall 1.000  F1 1.000" in stdout


def test_a_firm_that_only_resembles_an_exactly_named_one_is_not_a_match(screen_cli, capsys, tmp_path):
    """UFLPA lists Xinjiang Huafu Cotton Industry Group and, separately, Xinjiang Huafu Hengfeng Cotton
    Industry: a counterparty named as the first matches it alone."""
    src = _write(tmp_path / "in.csv", "id,name\nh1,Xinjiang Huafu Cotton Industry Group Company Limited\n")
    out = tmp_path / "out.jsonl"
    assert screen_cli(capsys, "screen", src, "-o", out)[0] == 0
    rows = {r["party_id"]: r for r in _rows(out)}
    assert _matches(_rows(out))["h1"] == {"pty-87d3fcdde61e5d21"}
    assert rows["pty-6818042f9f489f6b"]["is_match"] is False
    assert "only resembles it" in rows["pty-6818042f9f489f6b"]["match_reasons"][-1]


def test_screening_block_by_block_writes_what_one_block_does(screen_cli, capsys, customers, tmp_path, monkeypatch):
    """A large file is screened and written a block at a time, on one process or several: blocks that split
    the file (its error rows among them) give the same rows in the same order."""
    import fast_pipeline.screening.run as run

    whole = tmp_path / "whole.jsonl"
    assert screen_cli(capsys, "screen", customers, "-o", whole, "--no-report")[0] == 0
    monkeypatch.setattr(run, "SCREEN_BLOCK", 4)
    screened = []
    screen = run.Screener.screen
    monkeypatch.setattr(
        run.Screener, "screen", lambda self, queries, **kw: screened.append(len(queries)) or screen(self, queries, **kw)
    )
    blocks = tmp_path / "blocks.jsonl"
    assert screen_cli(capsys, "screen", customers, "-o", blocks, "--no-report", "--workers", "1")[0] == 0
    assert screened == [4, 4, 2, 0]  # 13 rows in blocks of 4; rows 12-14 are errors
    assert len(_rows(whole)) > 13 and _rows(blocks) == _rows(whole)
    # and the blocks screened by two forked worker processes
    monkeypatch.setattr(run.Screener, "screen", screen)
    forked = tmp_path / "forked.jsonl"
    assert screen_cli(capsys, "screen", customers, "-o", forked, "--no-report", "--workers", "2")[0] == 0
    assert _rows(forked) == _rows(whole)
    outputs = (whole, blocks, forked)
    counts = [json.loads(p.with_name(p.stem + ".manifest.json").read_text())["counts"] for p in outputs]
    assert counts[0] == counts[1] == counts[2]


def test_portuguese_goods_find_the_english_findings(screen_cli, capsys, tmp_path):
    """DOL names Brazil's goods in English; a Brazilian file writes them in Portuguese."""
    src = _write(
        tmp_path / "fornecedores.csv",
        "id;nome;país;produto\n"
        "p-gado;Fazenda Boa Esperança;Brasil;Gado de corte\n"
        "p-carvao;Siderúrgica Vale do Aço;BR;carvão vegetal\n"
        "p-cana;Usina Santa Cruz;BR;Cana-de-açúcar\n"
        "p-soja;Agro Cerrado;BR;SOJA\n"
        "p-nada;Padaria Central;BR;pães\n",
    )
    out = tmp_path / "out.jsonl"
    assert screen_cli(capsys, "screen", src, "-o", out, "--no-report")[0] == 0
    exposures = {r["query_id"]: r["exposures"] for r in _rows(out)}
    assert exposures["p-gado"] == ["us_dol_ilab:BR:cattle"]
    assert exposures["p-carvao"] == ["us_dol_ilab:BR:charcoal"]
    assert exposures["p-cana"] == ["us_dol_ilab:BR:sugarcane"]
    assert exposures["p-soja"] == []  # DOL lists no Brazilian soy
    assert exposures["p-nada"] == []

"""The engine's parts on their own: names, identifiers, counterparty files, the as-of rule, the report."""

from __future__ import annotations

from datetime import date

import pytest

from fast_pipeline.screening.counterparties import CounterpartyFileError, country_code, read_counterparties
from fast_pipeline.screening.features import name_similarity
from fast_pipeline.screening.history import History
from fast_pipeline.screening.identifiers import InvalidTaxId, parse_tax_id
from fast_pipeline.screening.names import TermWeights, make_name
from fast_pipeline.screening.report import write_report
from fast_pipeline.screening.run import ReportRows

COMMON = [("comercio", "carnes", "silva"), ("comercio", "santa", "rita"), ("comercio", "boa", "vista")] * 10


def _sim(a: str, b: str, weights: TermWeights | None = None) -> float:
    return name_similarity(make_name(a), make_name(b), weights or TermWeights(COMMON)).score


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("COMERCIO DE CARNES SILVA LTDA - ME", "Comércio de Carnes Silva Limitada"),
        ("Hoshine Silicon Industry Co., Ltd.", "HOSHINE SILICON INDUSTRY COMPANY LIMITED"),
        ("SILVA, JOAO", "João da Silva"),
        ("Xinjiang Tianshan", "新疆天山"),  # transliterated per syllable, met on the compact form
    ],
)
def test_the_same_name_written_otherwise(a, b):
    assert _sim(a, b) >= 0.95


def test_a_typo_is_tolerated_but_not_a_different_distinctive_word():
    assert _sim("Comercio de Carnes Silvva", "COMERCIO DE CARNES SILVA") >= 0.85
    # "comercio" is common in these names: the firm's one distinctive word decides
    assert _sim("Comercio Santa Rita", "Comercio Santa Clara") < 0.7
    assert _sim("Comercio Boa Vista", "Comercio Boa Esperanca") < 0.7


def test_identifiers_any_punctuation_and_checksums():
    assert parse_tax_id("39.873.857/0001-51") == parse_tax_id("39873857000151")
    assert parse_tax_id("39873857000151").scheme == "BR-CNPJ"
    assert parse_tax_id("111.444.777-35").scheme == "BR-CPF"
    assert parse_tax_id("91350100M000100Y43").scheme == "CN-USCC"
    for bad in ("39.873.857/0001-52", "111.444.777-36", "91350100M000100Y44"):
        with pytest.raises(InvalidTaxId):
            parse_tax_id(bad)
    assert parse_tax_id("DE 123 456").scheme == "OTHER"


def test_countries_by_code_or_english_or_portuguese_name():
    assert [country_code(x) for x in ("BR", "bra", "Brasil", "Brazil", "Alemanha", "China")] == [
        "BR", "BR", "BR", "BR", "DE", "CN"
    ]  # fmt: skip
    assert country_code("Atlantis") is None


def test_csv_sniffing_synonyms_and_row_errors(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes("Código\tNome Razão Social\tCPF\tPaís\n1\tJoão\t\tBrasil\n2\t\t\t\n\tX\t\t\n".encode("latin-1"))
    file = read_counterparties(path)
    assert file.delimiter == "\t" and file.mapping == {
        "id": "Código",
        "name": "Nome Razão Social",
        "tax_id": "CPF",
        "country": "País",
    }
    assert [(c.row_number, c.error) for c in file.rows] == [(2, None), (3, "neither name nor tax ID"), (4, "no id")]
    assert file.rows[0].query.name == "João" and file.rows[0].query.country == "BR"


def test_unrecognised_header(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CounterpartyFileError, match="found 'a', 'b'"):
        read_counterparties(path)


def _action(**kw):
    base = dict(action_id="a", status="active", removed_in_edition=None, ended_date=None, listed_date=None,
                effective_date=None, action_date=None, removed_date=None)  # fmt: skip
    return {**base, **kw}


def test_in_force_on_a_date_from_history():
    actions = [
        _action(listed_date=date(2024, 4, 5), status="removed", removed_in_edition="e3", removed_date=date(2026, 8, 3))
    ]
    history = [
        dict(action_id="a", version=1, valid_from_date=date(2026, 8, 2), valid_to_date=date(2026, 8, 3),
             closed_by="removed", listed_date=date(2024, 4, 5), effective_date=None, action_date=None),
    ]  # fmt: skip
    h = History(actions, history)
    assert [h.in_force("a", d) for d in (date(2024, 1, 1), date(2025, 1, 1), date(2026, 8, 2), date(2026, 8, 3))] == [
        False, True, True, False
    ]  # fmt: skip
    assert h.in_force("a", None) is False


def test_report_escapes_publisher_text(tmp_path):
    rows = [{"query_id": "<q>", "party_id": "p", "score": 0.9, "is_match": True, "matched_name": "<script>x</script>",
             "match_reasons": ["a & b"], "actions": [{"source_id": "s", "action_type": "t", "status": "active",
             "source_url": "javascript:alert(1)"}], "exposures": []}]  # fmt: skip
    path = tmp_path / "r.html"
    collected = ReportRows()
    for row in rows:
        collected.add(row)
    write_report(path, collected, "2026.08.03", None, 0.8, {"rows": 1})
    html = path.read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html and "javascript:" not in html


def test_chinese_names_in_gb18030(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes("id,name,country\n1,新疆天山纺织有限公司,中国\n2,北京纺织品进出口公司,CN\n".encode("gb18030"))
    file = read_counterparties(path)
    assert file.encoding == "gb18030" and file.rows[0].columns["name"] == "新疆天山纺织有限公司"
    assert file.rows[0].error == "unknown country '中国'"
    assert file.rows[1].query.name == "北京纺织品进出口公司" and file.rows[1].query.country == "CN"


def test_portuguese_goods_read_in_english():
    from fast_pipeline.screening.exposures import in_english

    assert in_english("Cana-de-açúcar") == "sugarcane"
    assert in_english("Criação de BOVINOS para corte") == "criacao de cattle para corte"
    assert in_english("carvão") == "charcoal coal"  # either good: both findings apply
    assert in_english("carvão vegetal") == "charcoal"  # the longer phrase wins
    assert in_english("carne bovina") == "beef" and in_english("carne suína") == "meat hogs"
    assert in_english("Cattle") == "cattle" and in_english("cafeteria") == "cafeteria"  # whole words only


def test_exposure_keys_name_source_country_and_good_and_stay_unique():
    """Two CBP orders on one country's cotton (against two firms) get keys of their own; a good found once
    keeps the plain key."""
    from datetime import date

    from fast_pipeline.screening.exposures import ExposureIndex
    from fast_pipeline.screening.history import History

    def action(action_id, source_id, country, goods):
        return {"action_id": action_id, "source_id": source_id, "action_type": "finding", "party_country": country,
                "goods": goods, "details": None, "legal_basis": None, "listed_date": date(2024, 1, 2),
                "effective_date": None, "ended_date": None, "source_url": None, "source_sha256": None,
                "sector_code": None, "sector_scheme": None, "status": "active", "removed_in_edition": None}  # fmt: skip

    history = History(
        [action("act-1", "us_cbp_wro", "CN", "Cotton"), action("act-2", "us_cbp_wro", "CN", "cotton"),
         action("act-3", "us_dol_ilab", "CN", "Cotton"), action("act-4", "us_cbp_wro", "MY", None),
         action("act-5", "us_dol_ilab", "BR", "Manioc/Cassava")],
        [],
    )  # fmt: skip
    index = ExposureIndex(history)
    assert sorted(e.key for e in index.exposures("CN")) == [
        "us_cbp_wro:CN:cotton:act-1",
        "us_cbp_wro:CN:cotton:act-2",
        "us_dol_ilab:CN:cotton",
    ]
    assert [e.key for e in index.exposures("MY")] == ["us_cbp_wro:MY:act-4"]
    assert [e.key for e in index.exposures("BR", "mandioca")] == ["us_dol_ilab:BR:manioc-cassava"]
    assert index.exposures("BR")[0].listed_date == "2024-01-02"

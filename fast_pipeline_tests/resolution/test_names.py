"""Name normalisation: the variants publishers produce for one name meet; different names stay apart."""

from __future__ import annotations

import pytest

from fast_pipeline.resolution.identifiers import identifier
from fast_pipeline.resolution.names import name_key


@pytest.mark.parametrize(
    "a, b",
    [
        ("AGROPECUÁRIA SANTA HELENA LTDA - ME", "Agropecuaria Santa Helena EIRELI"),  # case, accents, legal forms
        ("Hoshine Silicon Industry (Shanshan) Co., Ltd", "HOSHINE SILICON INDUSTRY (SHANSHAN) CO LTD."),
        ("Xinjiang Zhongtai Group Co., Ltd.", "Xinjiang Zhongtai Co. Ltd"),  # "Group" is a legal-form word
        ("Grupo Bimbo S.A. de C.V.", "Grupo Bimbo"),
        ("ООО «Ромашка Агро»", "Romashka Agro LLC"),  # Cyrillic transliterated
        ("新疆天山毛纺织有限公司", "Xinjiang Tianshan Maofangzhi Co., Ltd."),  # Han characters -> pinyin
        ("Xi'an Golden Sun Co", "XIAN GOLDEN SUN LIMITED"),  # spacing of the apostrophe
    ],
)
def test_variants_of_one_name_share_their_compact_form(a, b):
    assert name_key(a).compact == name_key(b).compact


def test_word_order_meets_in_the_sorted_form_and_the_original_is_kept():
    a, b = name_key("Santa Helena Agropecuária"), name_key("Agropecuaria Santa Helena Ltda")
    assert a.sorted == b.sorted == "agropecuaria helena santa"
    assert a.tokens == ("santa", "helena", "agropecuaria")


def test_holding_is_not_a_legal_form_and_a_name_of_legal_forms_is_kept():
    assert name_key("Huafu Holding Co., Ltd.").compact != name_key("Huafu Co., Ltd.").compact
    assert name_key("Group Co., Ltd.").compact == "groupcoltd"


def test_numbers_are_kept_apart_for_matching():
    assert name_key("Lu Rong Yuan Yu 668").numbers == ("668",)
    assert name_key("Golden Star").numbers == ()


def test_identifiers_are_compacted_and_cnpj_base_read_with_stdnum():
    cnpj = identifier("CNPJ", "11.222.333/0001-81")
    assert cnpj == identifier("BR-CNPJ", "11222333000181")
    assert cnpj.cnpj_base == "11222333" and cnpj.label == "CNPJ 11.222.333/0001-81"
    assert identifier("BR-CNPJ", "11222333000182").cnpj_base is None  # wrong check digits: no branch link
    assert identifier("IMO", "IMO 9074729").value == "9074729"
    assert identifier("LEI", "") is None

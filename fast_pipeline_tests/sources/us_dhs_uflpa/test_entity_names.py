"""The shared name-splitting rules (fast_pipeline/core/entity_names.py) used by UFLPA and CBP."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fast_pipeline.core import entity_names as en
from fast_pipeline.core.errors import ParseError
from fast_pipeline_tests.conftest import examples


def test_split_names():
    assert en.split_names("Hotan Haolin Hair Accessories; and Hollin Hair Accessories") == [
        "Hotan Haolin Hair Accessories",
        "Hollin Hair Accessories",
    ]
    # "and" splits only after a legal form; names keep their own "and" and "Co., Ltd."
    assert en.split_names("Jiangyin Intermodal Transport Co. and Jiangyin United Transport Co.") == [
        "Jiangyin Intermodal Transport Co.",
        "Jiangyin United Transport Co.",
    ]
    assert en.split_names("Junan County Jinsheng Import and Export Co., Ltd.") == [
        "Junan County Jinsheng Import and Export Co., Ltd."
    ]
    assert en.split_names("A Co., Ltd., B (Dalian) Co., Ltd., and C Co.") == [
        "A Co., Ltd.",
        "B (Dalian) Co., Ltd.",
        "C Co.",
    ]
    with pytest.raises(ParseError, match="no name"):
        en.split_names("; and ;")


def test_parse_listed_entity_phrasings():
    e = en.parse_listed_entity(
        "Sichuan Jingweida Technology Group Co., Ltd. (also known as Sichuan Mianyang "
        "Jingweida Technology Co., Ltd. and JWD Technology; and formerly known as Mianyang "
        "High-tech Zone Jingweida Technology Co., Ltd.)"
    )
    assert (e.name, e.aliases, e.former_names) == (
        "Sichuan Jingweida Technology Group Co., Ltd.",
        ("Sichuan Mianyang Jingweida Technology Co., Ltd.", "JWD Technology"),
        ("Mianyang High-tech Zone Jingweida Technology Co., Ltd.",),
    )
    e = en.parse_listed_entity(
        "Ninestar Corporation and its eight Zhuhai-based subsidiaries: A Co., Ltd., B Co., "
        "Ltd., C Co., Ltd., D Co., Ltd., E Co., Ltd., F Co., Ltd., G Co., Ltd., and H Co., Ltd."
    )
    assert len(e.subsidiaries) == 8 and e.subsidiaries[-1].name == "H Co., Ltd." and e.scope is None
    hoshine = en.parse_listed_entity("Hoshine Silicon Industry (Shanshan) Co., Ltd., and Subsidiaries")
    assert (hoshine.name, hoshine.scope) == ("Hoshine Silicon Industry (Shanshan) Co., Ltd.", "and Subsidiaries")
    assert en.parse_listed_entity("No. 4 Vocation Skills Education Training Center (VSETC)").aliases == ("VSETC",)
    assert en.parse_listed_entity("Shuangliang Silicon Materials (Baotou) Co., Ltd.").aliases == ()


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "Ninestar Corporation and its two subsidiaries: A Co., Ltd.; B Co., Ltd.; and C Co., Ltd.",
            "announces 2 subsidiaries but lists 3",
        ),
        ("X Co. (including three aliases: A; B)", "announces 3 alias(es) but lists 2"),
        ("X Co. (including some aliases: A; B)", "unreadable count 'some'"),
        ("X Co. (also known as A) Holdings", "unexpected text 'Holdings' after the alias parenthesis"),
        ("(also known as A)", "no name before the aliases"),
        ("X Co. and its subsidiaries in Xinjiang", "unreadable subsidiary clause"),
        ("X Co.)", "unbalanced ')'"),
        ("  \u00a0 ", "entity cell is empty"),
        (None, "must be text"),
    ],
)
def test_unreadable_cells_raise_parse_error(text, message):
    with pytest.raises(ParseError) as info:
        en.parse_listed_entity(text)
    assert message in info.value.reason


def test_chains_and_kinds():
    assert [
        e.to_dict()["name"]
        for e in en.parse_entity_chain(
            "Yili Zhuowan Garment Manufacturing Co., Ltd. and Baoding LYSZD Trade and Business Co., Ltd."
        )
    ] == ["Yili Zhuowan Garment Manufacturing Co., Ltd.", "Baoding LYSZD Trade and Business Co., Ltd."]
    (lingzhong,) = en.parse_entity_chain("Lingzhong Co. a/k/a Ling Zhong Trading f/k/a Old Ling Co.")
    assert (lingzhong.aliases, lingzhong.former_names) == (("Ling Zhong Trading",), ("Old Ling Co.",))
    assert en.name_kind("Xinjiang Public Security Bureau") == "organisation"
    assert en.name_kind("Xinjiang Uyghur Autonomous Region") == "region"
    assert en.name_kind("Bureau Veritas Co., Ltd.") == "company"


_PIECES = st.sampled_from(
    [
        "Xinjiang ",
        "Co.",
        " Ltd.",
        ",",
        ";",
        " and ",
        "(",
        ")",
        "a/k/a ",
        "f/k/a ",
        "(also known as ",
        "(including two aliases: ",
        " and its subsidiary ",
        "its ",
        " and its eight subsidiaries, which include ",
        "subsidiaries",
        "\u00a0",
        "\n",
        "&amp;",
        "(XPCC)",
        "A",
        "b",
    ]
)


@settings(max_examples=examples(300), deadline=None)
@given(st.one_of(st.lists(_PIECES, max_size=25).map("".join), st.text(max_size=60)))
def test_any_text_either_parses_to_clean_names_or_raises_parse_error(text):
    for function in (en.split_names, en.parse_qualified_name, en.parse_listed_entity, en.parse_entity_chain):
        try:
            result = function(text)
        except ParseError:
            continue
        for item in result if isinstance(result, list) else [result]:
            names = [item] if isinstance(item, str) else [item.name, *item.aliases, *item.former_names]
            assert all(n and n == n.strip() for n in names), (function.__name__, text, item)

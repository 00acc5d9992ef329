"""The resolution rules on small record tables built here: what merges, what is only linked, and why."""

from __future__ import annotations

import pandas as pd

from fast_pipeline.core.canonical import to_json_list
from fast_pipeline.core.ids import stable_id
from fast_pipeline.resolution import party_records, resolve
from fast_pipeline.resolution.ids import sql_stable_id
from fast_pipeline_tests.resolution.conftest import party_of, record, records

CNPJ_HQ, CNPJ_BRANCH, CNPJ_OTHER = "11222333000181", "11222333000262", "45152351000156"


def links_of(result, rule: str) -> pd.DataFrame:
    return result.party_links[result.party_links["rule"] == rule]


def test_shared_identifier_merges_and_names_the_party_after_it():
    result = resolve(
        records(
            record("r1", "FAZENDA BOA VISTA LTDA", country="BR", ids=[("BR-CNPJ", CNPJ_HQ)]),
            record("r2", "Faz. Boa Vista", country="BR", ids=[("CNPJ", "11.222.333/0001-81")]),
        )
    )
    assert party_of(result, "r1") == party_of(result, "r2") == stable_id("pty", "BR-CNPJ", CNPJ_HQ)
    link = links_of(result, "identifier").iloc[0]
    assert (link["relation"], link["score"], link["evidence"]) == ("same", 1.0, "same CNPJ 11.222.333/0001-81")


def test_cnpj_branches_are_related_not_merged_even_with_equal_names():
    result = resolve(
        records(
            record("r1", "MATA FRIA INDUSTRIA E COMERCIO LTDA", country="BR", ids=[("BR-CNPJ", CNPJ_HQ)]),
            record("r2", "MATA FRIA INDÚSTRIA E COMÉRCIO LTDA", country="BR", ids=[("BR-CNPJ", CNPJ_BRANCH)]),
        )
    )
    assert party_of(result, "r1") != party_of(result, "r2")
    link = links_of(result, "cnpj_base").iloc[0]
    assert link["relation"] == "related"
    assert link["evidence"] == ("same CNPJ base 11.222.333: CNPJ 11.222.333/0001-81 and CNPJ 11.222.333/0002-62")


def test_a_stated_alias_merges_with_the_record_published_under_it():
    result = resolve(
        records(
            record(
                "uflpa",
                "Hetian Haolin Hair Accessories Co. Ltd.",
                aliases=["Hotan Haolin Hair Accessories", "Hollin Hair Accessories"],
            ),
            record("cbp", "HOTAN HAOLIN HAIR ACCESSORIES CO., LTD", country="CN"),
        )
    )
    assert party_of(result, "uflpa") == party_of(result, "cbp")
    link = links_of(result, "alias").iloc[0]
    assert link["evidence"] == (
        "'Hotan Haolin Hair Accessories' is listed as an alias of "
        "'Hetian Haolin Hair Accessories Co. Ltd.' + country CN (stated on one side only)"
    )
    party = result.parties.iloc[0]
    assert party["aliases"] == to_json_list(["Hollin Hair Accessories", "Hotan Haolin Hair Accessories"])
    assert party["party_country"] == "CN"


def test_a_former_name_merges_with_rule_former_name():
    result = resolve(
        records(
            record("new", "Ninestar Corporation", former=["Apex Technology Co., Ltd."]),
            record("old", "Apex Technology Co Ltd"),
        )
    )
    assert party_of(result, "new") == party_of(result, "old")
    assert (
        links_of(result, "former_name")["evidence"]
        .iloc[0]
        .startswith("'Apex Technology Co., Ltd.' is listed as a former name of 'Ninestar Corporation'")
    )


def test_similar_names_merge_within_a_country_with_the_score_as_evidence():
    result = resolve(
        records(
            record("a", "Golden Harvest Seafood Co., Ltd.", country="TH"),
            record("b", "GOLDEN HARVEST SEAFOOD COMPANY LIMITED", country="TH"),
            record("c", "Golden Harvest Seafod Ltd", country="TH"),  # typo
        )
    )
    assert len({party_of(result, r) for r in "abc"}) == 1
    evidence = links_of(result, "name_match")["evidence"].tolist()
    assert (
        "same name after normalisation: 'Golden Harvest Seafood Co., Ltd.' = "
        "'GOLDEN HARVEST SEAFOOD COMPANY LIMITED' + same country TH" in evidence
    )
    assert any(e.startswith("name match 0.9") and e.endswith("+ same country TH") for e in evidence)


def test_homonyms_of_different_countries_stay_apart_and_no_country_cannot_bridge_them():
    result = resolve(
        records(
            record("cn", "Golden Star Trading Co., Ltd.", country="CN"),
            record("us", "Golden Star Trading Inc.", country="US"),
            record("none", "Golden Star Trading Limited"),
        )
    )
    assert party_of(result, "cn") != party_of(result, "us")
    assert party_of(result, "none") not in {party_of(result, "cn"), party_of(result, "us")}  # ambiguous: alone


def test_one_distinctive_word_apart_is_another_party():
    result = resolve(
        records(
            record("a", "Fonco Public Security Bureau", "organisation", "CN"),
            record("b", "Gondo Public Security Bureau", "organisation", "CN"),
            record("c", "Fishing Vessel Lu Rong Yuan Yu 668", "vessel", "CN"),
            record("d", "Fishing Vessel Lu Rong Yuan Yu 669", "vessel", "CN"),
        )
    )
    assert len(set(result.members["party_id"])) == 4


def test_persons_merge_only_on_their_cpf():
    result = resolve(
        records(
            record("p1", "JOSÉ DA SILVA", "person", "BR", ids=[("BR-CPF", "52998224725")]),
            record("p2", "José da Silva", "person", "BR", ids=[("BR-CPF", "11144477735")]),
            record("p3", "JOSE DA SILVA", "person", "BR"),
            record("p4", "José da Silva", "person", "BR", ids=[("BR-CPF", "529.982.247-25")]),
        )
    )
    assert party_of(result, "p1") == party_of(result, "p4")
    assert len({party_of(result, r) for r in ("p1", "p2", "p3")}) == 3


def test_records_listed_side_by_side_in_one_edition_stay_apart():
    listed = ["us_dhs_uflpa/2026-07-09_html"]
    result = resolve(
        records(
            record("a", "Shihezi Huafu Hongfeng Cotton Industry Co., Ltd.", listed_in=listed),
            record("b", "Shihezi Huafu Hongsheng Cotton Industry Co., Ltd.", listed_in=listed),
        )
    )
    assert party_of(result, "a") != party_of(result, "b")


def test_a_subsidiary_is_linked_to_its_parent_never_merged():
    result = resolve(
        records(
            record("parent", "Huafu Fashion Co., Ltd."),
            record("sub", "Huafu Fashion Co. Ltd", related_to=[("parent", "subsidiary_of")]),  # even with the same name
            record("listed", "Huafu Fashion Company Limited", country="CN"),
        )
    )
    assert party_of(result, "parent") != party_of(result, "sub")
    assert party_of(result, "listed") in {party_of(result, "parent"), party_of(result, "sub")}
    link = links_of(result, "related_party").iloc[0]
    assert (link["left_party_record_id"], link["right_party_record_id"], link["relation"]) == (
        "sub",
        "parent",
        "subsidiary_of",
    )


def test_every_merge_is_explained_once_and_output_does_not_depend_on_input_order():
    rows = records(
        record("r1", "Golden Harvest Seafood Co., Ltd.", country="TH"),
        record("r2", "GOLDEN HARVEST SEAFOOD", country="TH", ids=[("IMO", "9074729")]),
        record("r3", "Golden Harvest Seafod", ids=[("IMO", "9074729")]),
        record("r4", "Siam Golden Harvest", country="TH", aliases=["Golden Harvest Seafood"]),
    )
    result = resolve(rows)
    same = result.party_links[result.party_links["relation"] == "same"]
    sizes = result.parties.set_index("party_id")["record_count"]
    assert same.groupby("left_party_id").size().to_dict() == (sizes[sizes > 1] - 1).to_dict()
    shuffled = resolve(rows.sample(frac=1, random_state=3))
    for table in ("parties", "party_links", "party_redirects"):
        pd.testing.assert_frame_equal(getattr(result, table), getattr(shuffled, table))


def test_an_id_superseded_by_a_later_merge_still_resolves():
    before = resolve(
        records(
            record("a", "Acme Cotton Co., Ltd.", country="UZ"), record("b", "Uzbek Cotton Trading LLC", country="UZ")
        )
    )
    old_ids = {party_of(before, "a"), party_of(before, "b")}
    after = resolve(
        records(
            record("a", "Acme Cotton Co., Ltd.", country="UZ"),
            record("b", "Uzbek Cotton Trading LLC", country="UZ"),
            record("c", "Acme Cotton", country="UZ", aliases=["Uzbek Cotton Trading"]),
        )
    )
    merged = party_of(after, "a")
    assert merged == party_of(after, "b") and merged in old_ids
    redirects = dict(zip(after.party_redirects["old_party_id"], after.party_redirects["party_id"]))
    assert all(pid == merged or redirects[pid] == merged for pid in old_ids)
    assert not set(redirects) & set(after.parties["party_id"])


def test_party_ids_come_from_natural_keys_not_record_ids_or_row_order():
    one = resolve(records(record("x-1", "FAZENDA X", country="BR", ids=[("BR-CNPJ", CNPJ_OTHER)])))
    two = resolve(
        records(
            record("y-9", "Fazenda X Ltda", country="BR", ids=[("BR-CNPJ", CNPJ_OTHER)]),
            record("a-0", "Another", country="BR"),
        )
    )
    assert party_of(one, "x-1") == party_of(two, "y-9") == stable_id("pty", "BR-CNPJ", CNPJ_OTHER)
    assert party_of(two, "a-0") == stable_id("pty", "record", "a-0")


def test_sql_stable_id_is_core_stable_id():
    import duckdb

    sql = sql_stable_id("pty", "'BR-CNPJ'", "'11222333000181'")
    assert duckdb.connect().execute(f"select {sql}").fetchone()[0] == stable_id("pty", "BR-CNPJ", "11222333000181")


def test_party_records_gather_editions_and_make_related_parties_records():
    actions = pd.DataFrame(
        [
            {
                "action_id": "act-1",
                "source_id": "s",
                "edition": "e1",
                "edition_date": "2024-01-01",
                "party_record_id": "rec-a",
                "party_name": "ACME CO",
                "party_kind": "company",
                "party_country": "CN",
                "party_identifiers": "[]",
                "party_aliases": '["Acme"]',
                "party_former_names": "[]",
                "related_parties": to_json_list(
                    [{"name": "Acme Sub Co.", "kind": "company", "relation": "subsidiary"}]
                ),
            },
            {
                "action_id": "act-1",
                "source_id": "s",
                "edition": "e2",
                "edition_date": "2025-01-01",
                "party_record_id": "rec-a",
                "party_name": "Acme Co., Ltd.",
                "party_kind": "company",
                "party_country": "CN",
                "party_identifiers": "[]",
                "party_aliases": "[]",
                "party_former_names": '["Old Acme"]',
                "related_parties": "[]",
            },
        ]
    )
    recs = party_records(actions).set_index("party_record_id")
    main = recs.loc["rec-a"]
    assert main["party_name"] == "Acme Co., Ltd."  # the latest edition's spelling
    assert main["names"] == to_json_list(["ACME CO", "Acme Co., Ltd."])
    assert (main["aliases"], main["former_names"]) == ('["Acme"]', '["Old Acme"]')
    assert main["listed_in"] == '["s/e1","s/e2"]' and main["action_rows"] == 2
    sub = recs.drop("rec-a").iloc[0]
    assert (sub["party_name"], sub["party_country"]) == ("Acme Sub Co.", "CN")
    assert sub["mentioned_in_action_ids"] == '["act-1"]'
    assert sub["related_to"] == to_json_list(
        [{"party_record_id": "rec-a", "relation": "subsidiary_of", "relation_raw": "subsidiary"}]
    )
    assert sub["listed_in"] == "[]"

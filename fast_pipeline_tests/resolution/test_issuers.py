"""NBIM's issuers (a listed company's legal name) against the real UFLPA page: the same firm is linked with
its evidence; a shared generic word ("Textile", "Co Ltd") or a shared brand word never merges.

Huafu Fashion Co., Ltd. (a listed company) is on the UFLPA list beside entities named after it (Aksu
Huafu Textiles, Ninghai Huafu Textile, ...). Its row in the NBIM page here is hypothetical: it stands for an
issuer that both publications name."""

from __future__ import annotations

import pandas as pd

from fast_pipeline.core import parsing
from fast_pipeline.core.source import local_source_file
from fast_pipeline.resolution import party_records, resolve
from fast_pipeline.sources.no_nbim_exclusions import SOURCE as NBIM
from fast_pipeline_tests.conftest import SHARED_SOURCES
from fast_pipeline_tests.resolution.conftest import edition_actions
from fast_pipeline_tests.sources.no_nbim_exclusions import pages

HUAFU = ("Huafu Fashion Co Ltd", "", "Exclusion", "Conduct-based", "Human rights", "01.02.2024")


def test_issuers_link_to_the_same_firm_on_the_uflpa_list_and_nowhere_else(shared_sources, tmp_path):
    uflpa = edition_actions("us_dhs_uflpa", SHARED_SOURCES / "us_dhs_uflpa" / "2026-07-09_html", tmp_path / "cache")
    page = tmp_path / "exclusion-of-companies.html"
    page.write_bytes(pages.page([*pages.EDITION_2022, pages.HANSAE, HUAFU]))
    parsed = parsing.parse_validated(NBIM, local_source_file(NBIM.source_id, page, edition="2024-02-01_html"))
    nbim = NBIM.normalise(parsed, "2024-02-01_html", None)
    records = party_records(pd.concat([uflpa, nbim], ignore_index=True))
    result = resolve(records)
    party = result.members.set_index("party_record_id")["party_id"]
    names = records.set_index("party_record_id")["party_name"]
    together = {
        row.party_name: sorted(names[party[party == party[row.party_record_id]].index]) for row in nbim.itertuples()
    }
    assert together == {
        "Huafu Fashion Co Ltd": ["Huafu Fashion Co Ltd", "Huafu Fashion Co., Ltd."],
        "Luthai Textile Co Ltd": ["Luthai Textile Co Ltd"],  # not "Ninghai Huafu Textile Co., Ltd." & co
        "Li Ning Co Ltd": ["Li Ning Co Ltd"],
        "Hansae Co Ltd": ["Hansae Co Ltd"],
    }
    huafu = nbim.set_index("party_name").at["Huafu Fashion Co Ltd", "party_record_id"]
    links = result.party_links
    link = links[(links["left_party_record_id"] == huafu) | (links["right_party_record_id"] == huafu)]
    assert len(link) == 1 and link["relation"].iloc[0] == "same" and link["evidence"].iloc[0]

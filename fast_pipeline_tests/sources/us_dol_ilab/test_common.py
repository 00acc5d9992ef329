"""The helpers both DOL sources share (fast_pipeline/sources/us_dol_common.py)."""

from __future__ import annotations

import pytest

from fast_pipeline.sources.us_dol_common import good_key, pair_key, pair_name


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Tin ore (cassiterite)", "Cassiterite (tin ore)"),
        ("Cobalt ore (heterogenite)", "Heterogenite (cobalt ore)"),
        ("Oil (Palm)", "Oil (palm)"),
        ("Brazil Nuts/Chestnuts", "Brazil Nuts / Chestnuts"),
        ("Garments ", "Garments"),
    ],
)
def test_spellings_of_one_good_share_a_key(a, b):
    assert good_key(a) == good_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Beans", "Beans (green, soy, yellow)"),
        ("Flowers (poppies)", "Poppies"),
        ("Bricks", "Bricks (clay)"),
    ],
)
def test_different_goods_keep_different_keys(a, b):
    assert good_key(a) != good_key(b)


def test_key_and_name_formats():
    assert good_key("Beans (green, soy, yellow)") == "beans green soy yellow"
    assert pair_key("CD", "Cassiterite (tin ore)") == "CD|cassiterite tin ore"
    assert pair_name("Fish (Including Talapia)", "Ghana") == "Fish (Including Talapia) — Ghana"

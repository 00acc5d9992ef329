"""Property-based tests of the framework's pure functions: on any input, the documented result or the
documented error, never a crash."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from fast_pipeline.core.content_check import check_content
from fast_pipeline.core.errors import ContentCheckError
from fast_pipeline.core.ids import action_id, stable_id
from fast_pipeline.core.text import clean, fold
from fast_pipeline_tests.conftest import examples

FORMATS = ["pdf", "xlsx", "xls", "csv", "txt", "html", "xml"]


@given(st.text())
def test_clean_is_nfc_trimmed_idempotent(value):
    out = clean(value)
    if out is not None:
        assert out == unicodedata.normalize("NFC", out)
        assert out == out.strip() and "  " not in out and "\u00a0" not in out
        assert clean(out) == out


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_clean_of_ascii_text_collapses_whitespace_as_the_general_path_does(value):
    assert clean(value) == (re.sub(r"\s+", " ", value).strip() or None)


@given(st.text())
def test_fold_is_ascii_lower_and_stable(value):
    out = fold(value)
    assert out.isascii() and out == out.lower() and out == out.strip()
    assert fold(out) == out


@given(st.text(), st.text())
def test_fold_ignores_case_accents_and_spacing(a, b):
    assert fold(f" {a.upper()}  ") == fold(a.upper())


@given(st.lists(st.one_of(st.none(), st.text(), st.integers()), max_size=5))
def test_ids_are_deterministic_and_separated(parts):
    assert stable_id("p", *parts) == stable_id("p", *parts)
    assert action_id("s", *parts).startswith("act-") and len(action_id("s", *parts)) == 4 + 16


def test_ids_do_not_collide_on_concatenation():
    assert stable_id("p", "ab", "c") != stable_id("p", "a", "bc")


@settings(max_examples=examples(300))
@given(st.binary(max_size=4096), st.sampled_from(FORMATS))
def test_content_check_raises_only_its_own_error(data, fmt):
    try:
        check_content(data, fmt, source_id="s", file_name=f"f.{fmt}")
    except ContentCheckError as exc:
        assert exc.message.startswith("s: f.")

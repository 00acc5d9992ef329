"""The suite's own machinery: how xdist groups the tests, and when the shared build is made again."""

from __future__ import annotations

import pytest

from fast_pipeline_tests.support.shared_build import build_key
from fast_pipeline_tests.support.xdist_groups import check_package_groups, group_of


@pytest.mark.parametrize(
    ("nodeid", "group"),
    [
        ("fast_pipeline_tests/test_cli.py::test_x", "test_cli.py"),
        ("fast_pipeline_tests/release/test_display.py::test_x[=1+1]", "release/test_display.py"),
        ("fast_pipeline_tests/release/test_writer.py::test_x", "release"),
        ("fast_pipeline_tests/orchestration/test_quarantine.py::test_x", "orchestration"),
        ("fast_pipeline_tests/orchestration/test_definitions.py::test_x", "orchestration/test_definitions.py"),
        ("fast_pipeline_tests/release/test_edition_dates.py::test_x[a@b]", "release/test_edition_dates.py"),
        ("fast_pipeline_tests/service/test_api.py::test_x@service", "service"),
    ],
)
def test_a_module_is_a_group_unless_it_shares_a_package_fixture(nodeid, group):
    assert group_of(nodeid) == group


def test_a_module_using_a_package_fixture_outside_its_package_group_is_named(request):
    class Defs:
        scope = "package"

    class Item:  # what check_package_groups reads of a collected test
        nodeid = "fast_pipeline_tests/orchestration/test_new.py::test_x"
        _fixtureinfo = type("Info", (), {"name2fixturedefs": {"builds": [Defs()]}})()

    with pytest.raises(RuntimeError, match=r"orchestration/test_new\.py"):
        check_package_groups([Item()])
    check_package_groups([request.node])  # this test uses no package fixture


def test_the_shared_build_is_keyed_by_the_bytes_of_the_sources(tmp_path):
    edition = tmp_path / "src" / "edition"
    edition.mkdir(parents=True)
    (edition / "list.csv").write_bytes(b"a;b\n")
    first = build_key(tmp_path / "src")
    assert build_key(tmp_path / "src") == first
    assert build_key(tmp_path / "src", ("us_dol_eo13126",)) != first
    (edition / "list.csv").write_bytes(b"a;c\n")
    assert build_key(tmp_path / "src") != first

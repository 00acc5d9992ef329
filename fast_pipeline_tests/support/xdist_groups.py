"""How `./dev test` splits the suite between xdist workers: by module, except the modules of a package that
share a package-scoped fixture (an expensive build), which stay together so that it is built once.

xdist's own `--dist loadgroup` reads `xdist_group` marks into node ids, which pytest 9.2 no longer lets it
change: every test became its own group, and each module's fixtures were built on both workers. This
scheduler decides from the node id alone, so it works in the controller, which collects nothing; the
workers check at collection that PACKAGE_GROUPS names every module that uses a package-scoped fixture.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from xdist.scheduler import LoadScopeScheduling

TESTS = "fast_pipeline_tests"
# package -> its modules that use the package's conftest fixtures (checked by check_package_groups)
PACKAGE_GROUPS = {
    "orchestration": {"test_each_edition.py", "test_quarantine.py", "test_ui_after_cli_build.py"},
    "release": {"test_history_models.py", "test_writer.py"},
    "screening": {"test_screen_real_release.py"},
    "service": {"test_api.py", "test_openapi_fuzz.py", "test_serve_workers.py", "test_web_page.py"},
}


def group_of(nodeid: str) -> str:
    """The test's module relative to fast_pipeline_tests/, or its package when it is in PACKAGE_GROUPS."""
    if nodeid.rfind("@") > nodeid.rfind("]"):  # a group suffix, should xdist manage to add one again
        nodeid = nodeid.rsplit("@", 1)[0]
    path = PurePosixPath(nodeid.split("::", 1)[0])
    rel = path.relative_to(TESTS) if path.parts[:1] == (TESTS,) else path
    package = rel.parent.as_posix()
    return package if rel.name in PACKAGE_GROUPS.get(package, ()) else rel.as_posix()


def check_package_groups(items) -> None:
    """Every test that uses a package-scoped fixture is grouped with its package (else that fixture is
    built once per worker: slower, still correct)."""
    missing = set()
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        uses_package = info is not None and any(
            defs and defs[-1].scope == "package" for defs in info.name2fixturedefs.values()
        )
        if uses_package and group_of(item.nodeid).endswith(".py"):
            missing.add(group_of(item.nodeid))
    if missing:
        raise RuntimeError(
            f"add {sorted(missing)} to PACKAGE_GROUPS in fast_pipeline_tests/support/xdist_groups.py: "
            "they use a package-scoped fixture"
        )


class GroupScheduling(LoadScopeScheduling):
    """xdist's load-by-scope scheduling with group_of as the scope: whole groups go to one worker, in
    collection order under --no-loadscope-reorder (the conftest puts the longest first)."""

    def _split_scope(self, nodeid: str) -> str:
        return group_of(nodeid)

"""dbt in the step's own process: the parse `prepare` saved serves a fresh data directory (moved to its
file's database), a parse saved whole serves the next process for as long as the project and the profile's
target are the same, and the DuckDB file is free again as soon as an invocation ends."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from fast_pipeline.environment import ensure_dbt_manifest, project_digest
from fast_pipeline.orchestration import dbt_in_process, dbt_templates
from fast_pipeline.settings import DBT_PROJECT_DIR
from fast_pipeline_tests.support.dbt import comparable_manifest


@pytest.fixture
def fresh_process(monkeypatch):
    """No parse held from another test, and the profile's variables as each test sets them."""
    monkeypatch.setattr(dbt_in_process, "_parsed", {})
    for name in dbt_in_process.PROFILE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    ensure_dbt_manifest()  # the prepared parse, as ./dev leaves it
    return monkeypatch


@pytest.fixture(scope="module")
def saved_parse(tmp_path_factory):
    """A data directory's own parse, made as a build makes it when the whole parse `prepare` saved does not
    match: (its cache folder, with the parse saved whole and dbt's partial parse; the folder dbt parsed in;
    the Manifest as dbt's parse returned it). Tests copy the cache folder."""
    root = tmp_path_factory.mktemp("saved-parse")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dbt_in_process, "_parsed", {})
        for name in dbt_in_process.PROFILE_VARIABLES:
            mp.delenv(name, raising=False)
        mp.setenv("FAST_DBT_TARGET", "duckdb")
        mp.setenv("FAST_DUCKDB_PATH", str(root / "data" / "warehouse.duckdb"))
        ensure_dbt_manifest()
        mp.setattr(dbt_in_process, "PREPARED_MANIFEST", root / "none.pickle")
        manifest = dbt_in_process.parsed_manifest(root / "cache", root / "work")
    return root / "cache", root / "work", manifest


def _copied_cache(saved_parse, tmp_path, *names: str):
    """The shared parse's cache folder copied for one test (only `names` of it, when given)."""
    cache = tmp_path / "cache"
    cache.mkdir()
    for path in saved_parse[0].iterdir():
        if not names or path.name in names:
            shutil.copyfile(path, cache / path.name)
    return cache


def _parsed_files(work_dir) -> int:
    """How many of the project's files dbt parsed (not taken from a saved parse), from its perf_info.json."""
    return json.loads((work_dir / "perf_info.json").read_text())["parsed_path_count"]


def test_a_fresh_duckdb_data_directory_loads_the_prepared_parse(fresh_process, tmp_path):
    fresh_process.setenv("FAST_DBT_TARGET", "duckdb")
    fresh_process.setenv("FAST_DUCKDB_PATH", str(tmp_path / "data" / "warehouse.duckdb"))
    manifest = dbt_in_process.parsed_manifest(tmp_path / "cache", tmp_path / "work")
    assert not (tmp_path / "work").exists()  # no dbt parse: prepare's, saved whole, matched
    models = [n for n in manifest.nodes.values() if n.resource_type == "model"]
    assert models and {n.database for n in models} == {"warehouse"}  # the real file's database name
    # the same process asks again: the same object
    again = dbt_in_process.parsed_manifest(tmp_path / "cache", tmp_path / "work2")
    assert again is manifest and not (tmp_path / "work2").exists()


def test_without_the_whole_parse_dbt_starts_from_the_prepared_partial_parse(saved_parse):
    cache, work, manifest = saved_parse
    assert _parsed_files(work) == 0  # nothing parsed again: the saved partial parse matched
    assert (cache / dbt_in_process.PARTIAL_PARSE).exists()  # the next build starts from its own
    assert (cache / dbt_in_process.SAVED_MANIFEST).exists()
    models = [n for n in manifest.nodes.values() if n.resource_type == "model"]
    assert models and {n.database for n in models} == {"warehouse"}


def test_another_file_name_gets_the_prepared_parse_at_its_own_database(fresh_process, tmp_path):
    """dbt-duckdb names the database after the file ("my" for my.elsewhere.duckdb): the prepared parse, moved
    to that database, is what dbt's own parse for that file gives, and moves back for the next file."""
    other = {"FAST_DBT_TARGET": "duckdb", "FAST_DUCKDB_PATH": str(tmp_path / "my.elsewhere.duckdb")}
    for name, value in other.items():
        fresh_process.setenv(name, value)
    moved = dbt_in_process.parsed_manifest(tmp_path / "cache", tmp_path / "work")
    assert not (tmp_path / "work").exists()  # no dbt parse
    models = [n for n in moved.nodes.values() if n.resource_type == "model"]
    assert {n.database for n in models} == {"my"}
    assert {n.relation_name.partition(".")[0] for n in models} == {'"my"'}
    dbts_own = dbt_in_process.parse(tmp_path / "own", other)
    assert _parsed_files(tmp_path / "own") > 0
    assert comparable_manifest(moved) == comparable_manifest(dbts_own)
    fresh_process.setenv("FAST_DUCKDB_PATH", str(tmp_path / "data" / "warehouse.duckdb"))
    back = dbt_in_process.parsed_manifest(tmp_path / "cache", tmp_path / "work")
    prepared = dbt_in_process._load_manifest(
        dbt_in_process.PREPARED_MANIFEST, dbt_in_process.parse_key(dbt_in_process.CANONICAL_ENVIRONMENT)
    )
    assert back is moved and comparable_manifest(back) == comparable_manifest(prepared)


def test_the_duckdb_file_is_free_once_dbt_is_done(fresh_process, tmp_path):
    """dbt-duckdb keeps its database open after an invocation; a reader in the same process (the release)
    must then still be able to open the file read-only, and another process to write it."""
    path = tmp_path / "warehouse.duckdb"
    environment = {"FAST_DBT_TARGET": "duckdb", "FAST_DUCKDB_PATH": str(path)}
    fresh_process.setenv("FAST_DBT_TARGET", "duckdb")
    fresh_process.setenv("FAST_DUCKDB_PATH", str(path))
    manifest = dbt_in_process.parsed_manifest(tmp_path / "cache", tmp_path / "parse")  # the prepared parse
    args = ["seed", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    args += ["--target-path", str(tmp_path / "seed"), "--log-path", str(tmp_path / "seed"), *dbt_in_process.QUIET]
    result = dbt_in_process.invoke(args, manifest, None, environment)
    assert result.success, result.exception
    with duckdb.connect(str(path), read_only=True) as reader:
        (rows,) = reader.execute("select count(*) from curation.party_overrides").fetchone()
    seed = (DBT_PROJECT_DIR / "seeds" / "party_overrides.csv").read_text(encoding="utf-8")
    assert rows == len(seed.splitlines()) - 1


@pytest.fixture
def without_the_prepared_parse(fresh_process, tmp_path):
    fresh_process.setattr(dbt_in_process, "PREPARED_MANIFEST", tmp_path / "none.pickle")
    fresh_process.setenv("FAST_DBT_TARGET", "duckdb")
    fresh_process.setenv("FAST_DUCKDB_PATH", str(tmp_path / "data" / "elsewhere.duckdb"))
    return fresh_process


def test_the_next_process_loads_the_saved_parse_whole(without_the_prepared_parse, saved_parse, tmp_path):
    """A parse is saved whole: the next process (this one, without the parse `saved_parse` made) runs no dbt
    parse at all, whatever its file is named."""
    first = saved_parse[2]
    loaded = dbt_in_process.parsed_manifest(_copied_cache(saved_parse, tmp_path), tmp_path / "work2")
    assert not (tmp_path / "work2").exists()  # dbt did not run
    assert loaded is not first and sorted(loaded.nodes) == sorted(first.nodes)
    assert {n.database for n in loaded.nodes.values() if n.resource_type == "model"} == {"elsewhere"}


def test_a_saved_parse_serves_only_what_it_was_made_from(without_the_prepared_parse, saved_parse, tmp_path):
    cache = _copied_cache(saved_parse, tmp_path)
    dbt_in_process.parsed_manifest(cache, tmp_path / "work")
    assert not (tmp_path / "work").exists()  # what it was made from: loaded
    without_the_prepared_parse.setattr(dbt_in_process, "_parsed", {})
    without_the_prepared_parse.setattr(dbt_in_process, "project_digest", lambda: "an edited project")
    dbt_in_process.parsed_manifest(cache, tmp_path / "edited")
    assert (tmp_path / "edited").exists()  # parsed again
    # another target's profile: not what the DuckDB parse was made from
    postgres = dbt_in_process.CANONICAL_ENVIRONMENTS["postgres"]
    assert (
        dbt_in_process._load_manifest(cache / dbt_in_process.SAVED_MANIFEST, dbt_in_process.parse_key(postgres)) is None
    )


def test_a_damaged_saved_parse_is_parsed_again(without_the_prepared_parse, saved_parse, tmp_path):
    cache = _copied_cache(saved_parse, tmp_path, dbt_in_process.PARTIAL_PARSE)  # dbt's own partial parse, kept
    saved = cache / dbt_in_process.SAVED_MANIFEST
    saved.write_bytes(b"\x80\x05 truncated")
    manifest = dbt_in_process.parsed_manifest(cache, tmp_path / "work")
    assert manifest.nodes and (tmp_path / "work").exists()
    without_the_prepared_parse.setattr(dbt_in_process, "_parsed", {})
    dbt_in_process.parsed_manifest(cache, tmp_path / "work2")
    assert not (tmp_path / "work2").exists()  # replaced by a good one


def test_the_project_digest_follows_its_files(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    before = project_digest(project)
    assert project_digest(project) == before
    model = next((project / "models").rglob("*.sql"))
    model.write_text(model.read_text() + "\n-- edited\n")
    edited = project_digest(project)
    assert edited != before
    model.unlink()
    assert project_digest(project) not in (before, edited)
    unchanged = project_digest(project)
    (project / "target").mkdir()
    (project / "target" / "anything.json").write_text("{}")  # dbt's output is not an input
    assert project_digest(project) == unchanged


def test_a_manifest_saved_after_use_still_resolves_refs(saved_parse, tmp_path):
    """dbt's Manifest.__reduce_ex__ puts the lookups a used manifest carries into the wrong fields; saved
    that way, every ref() failed to compile ("RefableLookup.find() missing ... 'manifest'")."""
    manifest = saved_parse[2]  # as dbt's parse returned it
    model = next(n for n in manifest.nodes.values() if n.resource_type == "model")
    assert manifest.ref_lookup.find(model.name, None, None, manifest) is model  # built, now carried
    saved = tmp_path / "manifest.pickle"
    dbt_in_process.save_manifest(saved, ("key",), manifest)
    loaded = dbt_in_process._load_manifest(saved, ("key",))
    assert loaded.ref_lookup.find(model.name, None, None, loaded).unique_id == model.unique_id
    assert loaded.source_lookup.find(next(iter(loaded.sources.values())).search_name, None, loaded)
    assert sorted(loaded.nodes) == sorted(manifest.nodes) and loaded.fixtures == manifest.fixtures


def test_debug_events_are_dropped_before_they_are_built_and_the_rest_arrive(fresh_process, tmp_path):
    """No logger reads them (`--log-level none`, no log file): dbt's thousands of debug events in a publish
    are not built; the info and warning events the Dagster step reads still reach its callback."""
    fresh_process.setenv("FAST_DBT_TARGET", "duckdb")
    fresh_process.setenv("FAST_DUCKDB_PATH", str(tmp_path / "data" / "warehouse.duckdb"))
    manifest = dbt_in_process.parsed_manifest(tmp_path / "cache", tmp_path / "work")
    args = dbt_in_process.project_args(DBT_PROJECT_DIR, DBT_PROJECT_DIR, tmp_path / "work")

    def ls(selection: str) -> list[tuple[str, str, str]]:
        received = []
        result = dbt_in_process.invoke(
            ["ls", "--select", selection, *args, *dbt_in_process.QUIET],
            manifest,
            lambda msg: received.append((msg.info.level, msg.info.name, msg.info.msg)),
            {},
        )
        assert result.success, result.exception
        assert {level for level, _, _ in received} <= {"info", "warn", "error"}, received
        return received

    listed = ls("adverse_actions")
    assert ("info", "PrintEvent", "fast_pipeline.marts.adverse_actions") in listed, listed
    assert any(name == "NoNodesForSelectionCriteria" for level, name, _ in ls("no_such_model") if level == "warn")


def test_agate_date_types_share_their_locale_constants_and_still_parse(fresh_process, tmp_path):
    """dbt makes agate types for every result it fetches; each Date and DateTime used to build its own
    parsedatetime Constants (ICU set-up). After an invocation they share one per locale, and parse as before."""
    import agate
    import parsedatetime
    from dbt_common.clients import agate_helper

    fresh_process.setattr(parsedatetime, "Constants", parsedatetime.Constants)  # restored after the test
    _invoke_once(fresh_process, tmp_path)

    first, second = agate_helper.build_type_tester(["s"]), agate_helper.build_type_tester(())
    dates = [t for tester in (first, second) for t in tester._possible_types if hasattr(t, "_constants")]
    assert len(dates) == 6 and len({id(t._constants) for t in dates}) == 1  # Date, DateTime, ISODateTime, twice
    table = agate.Table([["2024-02-29", "2024-02-29 13:05:00", "x"]], ["d", "t", "s"], column_types=first)
    assert [type(c).__name__ for c in table.column_types] == ["Date", "DateTime", "Text"]
    assert str(table.rows[0]["d"]) == "2024-02-29" and str(table.rows[0]["t"]) == "2024-02-29 13:05:00"
    # other arguments still make their own
    assert parsedatetime.Constants(usePyICU=False) is not parsedatetime.Constants(usePyICU=False)


def test_dbt_templates_are_compiled_once_and_render_each_context(fresh_process, tmp_path):
    """dbt compiled every template again at every render (each test node's SQL, each macro); after an
    invocation a source compiled in one dbt environment is not compiled again in another alike, renders
    what each context gives, and a syntax error is still raised every time."""
    import jinja2
    from dbt_common.clients import jinja as dbt_jinja

    fresh_process.setattr(dbt_jinja.MacroFuzzEnvironment, "compile", dbt_jinja.MacroFuzzEnvironment.compile)
    _invoke_once(fresh_process, tmp_path)

    source = "select {{ columns | join(', ') }} from {{ table }}"
    one, other = dbt_jinja.get_environment(), dbt_jinja.get_environment()
    assert one is not other and one.compile(source) is other.compile(source)
    assert dbt_jinja.get_environment(native=True).compile(source) is not one.compile(source)  # other filters
    for context, rendered in [
        ({"columns": ["a", "b"], "table": "t"}, "select a, b from t"),
        ({"columns": ["c"], "table": "u"}, "select c from u"),
    ]:
        assert dbt_jinja.render_template(dbt_jinja.get_template(source, context), context) == rendered
    for _ in range(2):
        with pytest.raises(jinja2.TemplateSyntaxError):
            one.compile("{{ unclosed ")


def test_a_debug_event_builds_its_message_only_when_read(fresh_process, tmp_path):
    """dbt built each event's protobuf message when it made the event, though the debug ones are dropped
    unread; after an invocation a debug event keeps its arguments until something reads it, then reads,
    writes and serialises as before. Other levels are built at once, as before."""
    from dbt.adapters.events.types import SQLQuery
    from dbt_common.events.base_types import BaseEvent, DebugLevel
    from dbt_common.events.functions import msg_to_dict
    from dbt_common.events.types import Note

    for name in ("__init__", "__getattr__", "__setattr__"):  # as dbt has them, for this test and after
        fresh_process.setattr(DebugLevel, name, getattr(BaseEvent, name), raising=False)
    _invoke_once(fresh_process, tmp_path)

    event = SQLQuery(conn_name="master", sql="select 1", node_info={})
    assert "pb_msg" not in event.__dict__
    assert event.message() == "On master: select 1" and "pb_msg" in event.__dict__
    event.sql = "select 2"
    assert event.to_dict()["sql"] == "select 2"
    written = SQLQuery(conn_name="master", sql="select 3", node_info={})
    written.conn_name = "model.x"  # a write before any read builds the message first
    assert written.message() == "On model.x: select 3"
    assert msg_to_dict(_message_for_a_logger(SQLQuery(conn_name="c", sql="select 4")))["data"]["sql"] == "select 4"
    assert "pb_msg" in Note(msg="info and above: built when made").__dict__
    with pytest.raises(Exception, match="Unable to parse"):  # a malformed one still fails, when read
        SQLQuery(conn_name="master", sql="x", no_such_field=1).message()


def _message_for_a_logger(event):
    """The message a logger would get for `event`."""
    from dbt_common.events.base_types import msg_from_base_event

    return msg_from_base_event(event)


def test_a_behavior_flag_source_is_found_without_reading_the_stack_source(fresh_process, tmp_path):
    """dbt named the module that declared each adapter behavior flag through inspect.stack(), reading a
    source line for every frame, at every invocation; after an invocation the same module is named
    without reading any source."""
    import linecache

    from dbt_common.behavior_flags import Behavior, BehaviorFlagRendered

    fresh_process.setattr(BehaviorFlagRendered, "_default_source", BehaviorFlagRendered.__dict__["_default_source"])
    _invoke_once(fresh_process, tmp_path)

    read = []
    fresh_process.setattr(linecache, "getlines", lambda *a, **k: read.append(a) or [])
    flags = [
        {"name": "declared_here", "default": False, "description": "a flag this module declares"},
        {"name": "sourced", "default": True, "description": "a flag naming its source", "source": "dbt-x"},
    ]
    behavior = Behavior(flags, {"sourced": False})
    assert read == []
    declared, sourced = behavior.declared_here, behavior.sourced
    assert (
        declared._behavior_change_event.flag_source == __name__
        and sourced._behavior_change_event.flag_source == "dbt-x"
    )
    assert not declared.setting and not sourced.setting  # the default, and the user's override


def test_dbt_config_schemas_are_kept_for_the_next_process(fresh_process, tmp_path):
    """dbt validates its project, profile and flags against JSON schemas that mashumaro built from the class
    definitions in every process; after an invocation they are saved by class with the versions they were
    built by, and the next process with the same versions reads them instead of building them."""
    import orjson
    from dbt.contracts.project import Project
    from dbt_common.dataclass_schema import dbtClassMixin

    installed = dbtClassMixin.__dict__["json_schema"].__func__  # another test's invocation may have installed it
    dbt_builds = getattr(installed, "builds_with", installed)
    as_dbt_has_it = classmethod(dbt_builds)
    fresh_process.setattr(dbtClassMixin, "json_schema", as_dbt_has_it)
    saved_path = tmp_path / "config_schemas.json"
    fresh_process.setattr(dbt_in_process, "CONFIG_SCHEMAS", saved_path)
    _invoke_once(fresh_process, tmp_path)

    saved = orjson.loads(saved_path.read_bytes())
    key = "dbt.contracts.project.Project"
    assert saved["versions"]["dbt-core"] and "dbt.adapters.duckdb.credentials.DuckDBCredentials" in saved["schemas"]
    assert saved["schemas"][key] == dbt_builds(Project)  # what dbt builds, through JSON unchanged

    def next_process(versions) -> dict:
        saved["versions"] = versions
        saved["schemas"][key]["title"] = "read from the saved file"
        saved_path.write_bytes(orjson.dumps(saved))
        fresh_process.setattr(dbtClassMixin, "json_schema", as_dbt_has_it)
        dbt_in_process._reuse_config_schemas()
        return Project.json_schema()

    assert next_process(dbt_in_process._schema_versions())["title"] == "read from the saved file"
    assert next_process({**saved["versions"], "mashumaro": "0.0"}) == dbt_builds(Project)  # built


def _invoke_once(fresh_process, tmp_path, *command: str) -> None:
    """One dbt invocation in this process (`dbt ls`, or `command`, over the prepared parse): it installs the
    adjustments that `invoke` makes once per process."""
    fresh_process.setenv("FAST_DBT_TARGET", "duckdb")
    fresh_process.setenv("FAST_DUCKDB_PATH", str(tmp_path / "data" / "warehouse.duckdb"))
    manifest = dbt_in_process.parsed_manifest(tmp_path / "cache", tmp_path / "work")
    args = dbt_in_process.project_args(DBT_PROJECT_DIR, DBT_PROJECT_DIR, tmp_path / "work")
    result = dbt_in_process.invoke([*(command or ["ls"]), *args, *dbt_in_process.QUIET], manifest, None, {})
    assert result.success, result.exception


def test_macro_namespaces_built_in_one_pass_are_the_ones_dbt_builds(fresh_process, tmp_path):
    """dbt bound all 560 macros to each node's context one lookup at a time, then flattened the namespace
    name by name along its search order; after an invocation every package's namespace holds generators of
    the same macros, bound to the same context, node and stack, and resolves every name as dbt's does. A
    duplicate macro name still raises dbt's error."""
    from dbt.clients.jinja import MacroGenerator, MacroStack
    from dbt.context.macros import MacroNamespaceBuilder
    from dbt.exceptions import DuplicateMacroNameError

    installed = MacroNamespaceBuilder.build_namespace  # another test's invocation may have installed it
    fresh_process.setattr(MacroNamespaceBuilder, "build_namespace", getattr(installed, "dbt_builds_with", installed))
    _invoke_once(fresh_process, tmp_path)
    assert MacroNamespaceBuilder.build_namespace.in_one_pass
    dbt_builds = MacroNamespaceBuilder.build_namespace.dbt_builds_with
    macros = dbt_in_process.parsed_manifest(tmp_path / "cache", tmp_path / "work").get_macros_by_package()
    internal = ["dbt_duckdb", "dbt"]

    def namespaces(search_package, build):
        stack, ctx, node = MacroStack(), {"a": "context"}, object()
        builder = MacroNamespaceBuilder("fast_pipeline", search_package, stack, internal, node)
        namespace = build(builder, macros, ctx)
        flat = dict(namespace)  # as ManifestContext.to_dict copies it into the context

        def bound(generator):
            assert type(generator) is MacroGenerator
            assert generator.context is ctx and generator.node is node and generator.stack is stack
            return generator.macro.unique_id

        described = {
            name: bound(value) if isinstance(value, MacroGenerator) else {k: bound(v) for k, v in value.items()}
            for name, value in flat.items()
        }
        by_package = {
            (package, name): bound(namespace.get_from_package(package, name))
            for package in ("dbt", "fast_pipeline")
            for name in macros[package]
        }
        return described, by_package, len(namespace), sorted(namespace) == sorted(flat)

    assert sum(map(len, macros.values())) > 500
    for search_package in ("fast_pipeline", "dbt", "dbt_duckdb"):
        ours = namespaces(search_package, MacroNamespaceBuilder.build_namespace)
        assert ours == namespaces(search_package, dbt_builds)
        assert ours[0]["generate_schema_name"] == "macro.fast_pipeline.generate_schema_name"  # the project's wins
    clash = {**macros, "elsewhere": {"is_incremental": macros["dbt"]["is_incremental"]}}  # dbt's, a second time
    for build in (MacroNamespaceBuilder.build_namespace, dbt_builds):
        with pytest.raises(DuplicateMacroNameError):
            build(MacroNamespaceBuilder("fast_pipeline", "fast_pipeline", MacroStack(), internal), clash, {})


def test_compiled_template_code_is_kept_for_the_next_process(fresh_process, tmp_path):
    """dbt compiled every Jinja template it rendered, in every process; the code compiled in one process is
    saved with the versions that made it, and the next process with the same versions compiles none of the
    templates it renders again (and dbt's compile gives the same SQL), while other versions or a damaged
    file mean compiling, as before, and a new file."""
    from dbt_common.clients import jinja
    from dbt_common.clients.jinja import MacroFuzzEnvironment

    installed = MacroFuzzEnvironment.compile  # another test's invocation may have installed the reuse
    jinja_compiles = getattr(installed, "compiles_with", installed)
    saved = tmp_path / "jinja_code.marshal"
    fresh_process.setattr(dbt_templates, "COMPILED_TEMPLATES", saved)
    compiles = []

    def next_process(versions: str | None = None) -> str:
        """A process's first invocation (`dbt compile` of a mart), counting what Jinja compiles."""
        compiles.clear()

        def counted(*args, **kwargs):
            compiles.append(args[1])
            return jinja_compiles(*args, **kwargs)

        fresh_process.setattr(MacroFuzzEnvironment, "compile", counted)
        fresh_process.setattr(dbt_templates, "_store", None)
        fresh_process.setattr(jinja.template_cache, "file_cache", {})  # dbt's templates of macros, per process
        if versions is not None:
            fresh_process.setattr(dbt_templates, "versions", lambda: versions)
        _invoke_once(fresh_process, tmp_path, "compile", "--select", "source_freshness")
        return next(tmp_path.joinpath("work", "compiled").rglob("source_freshness.sql")).read_text()

    (tmp_path / "data").mkdir()  # dbt-duckdb opens (creates) the warehouse file
    first = next_process()
    assert len(compiles) > 20 and saved.stat().st_size > 0  # the model's SQL and the macros it calls
    assert next_process() == first and compiles == []
    assert next_process("other versions") == first and len(compiles) > 20  # compiled again, and saved
    fresh_process.undo()
    saved.write_bytes(b"\xff damaged")
    fresh_process.setattr(dbt_templates, "COMPILED_TEMPLATES", saved)
    assert next_process() == first and len(compiles) > 20
    assert next_process() == first and compiles == []  # the damaged file was replaced

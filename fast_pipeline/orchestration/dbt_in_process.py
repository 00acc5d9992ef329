"""dbt run inside the Dagster step's own process, with one parse shared by every invocation of a process.

dagster-dbt starts `dbt` as a subprocess and reads its JSON log lines. Each subprocess costs seconds before
dbt does any work: importing dbt and its adapter, then parsing the project (partially at best). A publish
runs dbt twice (the models, then the marts around resolution), so this cost was most of the publish. Here
the same invocation runs through dbt's programmatic entry point (`dbtRunner`):

- the project is parsed once per process and the parsed manifest handed to every invocation (dbt's
  documented way to reuse objects); a parse is saved whole for the next process, which loads it in
  milliseconds unless the project, the profile's target type or dbt changed (a parse is made for a canonical
  profile and moved to the real database: one serves every data directory and database of a checkout);
- dbt's events reach a callback as the messages the subprocess would have printed, at the level it would
  have printed them, and go through dagster-dbt's own DbtCliInvocation: the same selection from the Dagster
  context, the same materializations and asset checks, the same error reporting;
- dbt builds two protobuf messages for every event, about 2,800 in a publish, most of them debug-level
  (each SQL statement, each connection opened, reused, closed): one when the event is made, one when it is
  fired. With no log written (`--log-level none`, no log file) and callbacks that read info and above,
  nothing reads those: a debug event is dropped unfired, and its message is built only if something reads
  it (_drop_unread_debug_events): about a tenth of a publish, measured;
- dbt compiles every Jinja template again each time it renders one: each is compiled once, and its code
  kept for the next process (dbt_templates.py); agate sets up ICU for every date type dbt makes: once per
  process (_share_date_parser_constants);
  the module that declared a behavior flag is found without reading the stack's source
  (_name_flag_sources_without_reading_source);
- the JSON schemas dbt checks its configuration against are built once, not in every process: they are
  saved beside the manifest (_reuse_config_schemas);
- the macro namespace dbt builds for every node's context (560 macros bound to it) is built in one pass
  and flattened once (_build_macro_namespaces_in_one_pass);
- dbt-duckdb keeps its database open in a class attribute after an invocation; it is closed, so that the
  DuckDB file is free for the release's readers and for other processes as soon as dbt is done.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import functools
import os
import pickle
import shutil
import signal
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from dagster_dbt.asset_utils import (
    DBT_INDIRECT_SELECTION_ENV,
    extract_runtime_selection_from_args,
    get_updated_cli_invocation_params_for_context,
)
from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation

from fast_pipeline.core import warehouse
from fast_pipeline.environment import SAVED_MANIFEST, installed_versions, project_digest, replaced_whole
from fast_pipeline.orchestration import dbt_templates
from fast_pipeline.settings import DBT_PROJECT_DIR

PARTIAL_PARSE = "partial_parse.msgpack"  # dbt's saved parse, in its target folder
QUIET = ["--log-level", "none"]  # the events reach the callback whatever the terminal's log level
PRINTED_LEVELS = frozenset({"info", "warn", "error"})  # what the subprocess printed at its default level
# What dbt's profile reads (dbt_project/profiles.yml, exported by warehouse.dbt_environment): a parse is
# valid for these values only.
PROFILE_VARIABLES = ("FAST_DBT_TARGET", "FAST_DUCKDB_PATH", *warehouse.PG_VARIABLES)

_parsed: dict[tuple, Any] = {}  # the parsed manifest, by what it is a function of (one entry in practice)


@dataclass
class _FinishedDbt:
    """The part of subprocess.Popen that DbtCliInvocation reads, for a dbt that ran in this process."""

    args: Sequence[str]
    returncode: int | None = None
    stdout: None = None

    def wait(self, timeout: float | None = None) -> int | None:
        return self.returncode

    def send_signal(self, sig: int = signal.SIGINT) -> None:  # nothing left to interrupt
        return None


class InProcessDbtInvocation(DbtCliInvocation):
    """A DbtCliInvocation whose events come from dbtRunner rather than a subprocess's standard output."""

    dbt_args: Sequence[str] = ()
    dbt_manifest: Any = None
    environment: Mapping[str, str] = {}

    def _stream_stdout(self) -> Iterator[str | dict[str, Any]]:
        if self.process.returncode is not None:  # ran already (dagster-dbt reads the output only once)
            return
        events: list[dict[str, Any]] = []

        def collect(msg) -> None:
            if msg.info.level in PRINTED_LEVELS:
                from dbt_common.events.functions import msg_to_json

                # the same JSON the subprocess printed, so dagster-dbt reads the same values
                events.append(orjson.loads(msg_to_json(msg)))

        result = invoke(self.dbt_args, self.dbt_manifest, collect, self.environment)
        self.process.returncode = 0 if result.success else (2 if result.exception else 1)
        for event in events:
            if event["info"]["level"] == "error":
                self._error_messages.append(event["info"]["msg"])
            yield event
        if result.exception is not None and not any(e["info"]["level"] == "error" for e in events):
            self._error_messages.append(f"{type(result.exception).__name__}: {result.exception}")


@contextlib.contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    """`values` in os.environ (which dbt's profile and flags read) for the duration, then as they were."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _drop_unread_debug_events() -> None:
    """Install, once per process, dbt's event manager that drops debug events nothing reads, and make a
    debug event's protobuf message wait until something reads it.

    dbt builds an event's message (protobuf, from the keyword arguments, by `ParseDict`) when the event is
    constructed, before it is fired: for each SQL statement, each connection opened, reused, closed. Most
    of those are debug events, which the manager below drops unread; building their messages was about 5 %
    of the time of a publish. A debug event now keeps its arguments and builds its message the first time
    anything asks for it (a logger, a callback, an attribute): exactly what it built before, later."""
    from dbt_common.events import event_manager_client
    from dbt_common.events.base_types import BaseEvent, DebugLevel, EventLevel
    from dbt_common.events.event_manager import EventManager

    class _UnreadDebugEventsDropped(EventManager):
        """dbt's event manager, except that a debug-level event is not fired (its message not built)
        while no logger is set up (a logger may write debug lines; `invoke`'s callbacks read info and
        above)."""

        def fire_event(self, e, level=None, node=None, force_warn_or_error_handling=False) -> None:
            if not self.loggers and not force_warn_or_error_handling and (level or e.level_tag()) == EventLevel.DEBUG:
                return
            super().fire_event(e, level=level, node=node, force_warn_or_error_handling=force_warn_or_error_handling)

    current = event_manager_client.get_event_manager()
    if type(current) is EventManager:
        replacement = _UnreadDebugEventsDropped()
        replacement.loggers, replacement.callbacks = current.loggers, current.callbacks
        event_manager_client.ctx_set_event_manager(replacement)
    if DebugLevel.__dict__.get("__init__") is not _keep_arguments:
        DebugLevel.__init__ = _keep_arguments
        DebugLevel.__getattr__ = _built_on_first_read
        DebugLevel.__setattr__ = _built_before_written
        DebugLevel.build_message = BaseEvent.__init__


def _keep_arguments(self, *args, **kwargs) -> None:
    object.__setattr__(self, "_arguments", (args, kwargs))


def _build_if_unbuilt(self) -> None:
    arguments = self.__dict__.pop("_arguments", None)
    if arguments is not None:
        self.build_message(*arguments[0], **arguments[1])


def _built_on_first_read(self, key):
    """Attribute lookup on a debug event (dbt's own reads fields of its message): its message, built now."""
    _build_if_unbuilt(self)
    if key == "pb_msg":
        return object.__getattribute__(self, "pb_msg")
    return getattr(object.__getattribute__(self, "pb_msg"), key)


def _built_before_written(self, key, value) -> None:
    if key == "pb_msg":
        object.__setattr__(self, key, value)
    else:
        _build_if_unbuilt(self)
        setattr(object.__getattribute__(self, "pb_msg"), key, value)


def _share_date_parser_constants() -> None:
    """Make agate's date parsers share one parsedatetime `Constants` per locale, once per process.

    agate builds a `Constants` for every Date and DateTime type it makes, and dbt makes a fresh set of types
    for every query result it fetches and every empty table it returns: several per node. With PyICU
    installed (the name matchers need it), each `Constants` sets up ICU's number and date formats, about a
    tenth of dbt's time in a publish. A `Constants` depends on its arguments alone and nothing changes it
    after it is made (its leap-year list only grows as a cache), so those made from a locale alone (all that
    agate makes) are made once; any other call makes its own."""
    import parsedatetime

    if getattr(parsedatetime.Constants, "shared_per_locale", False):
        return
    make = parsedatetime.Constants

    @functools.cache
    def for_locale(locale_id):
        return make(localeID=locale_id)

    def constants(localeID=None, *args, **kwargs):
        return make(localeID, *args, **kwargs) if args or kwargs else for_locale(localeID)

    constants.shared_per_locale = True
    parsedatetime.Constants = constants


def _name_flag_sources_without_reading_source() -> None:
    """Find the module that declared a dbt behavior flag without reading the source of the whole stack.

    dbt registers its adapter at every invocation, and names, for each of the adapter's behavior flags,
    the module that declared it: the first caller outside dbt's behavior_flags module, found through
    `inspect.stack()`, which reads a line of source for every frame of the stack (and does so even for a
    flag that names its own source). In the tests' deep stacks that was 2.4 % of the samples of a module
    of builds (py-spy, release/test_edition_by_edition.py). The same module is found from the frames' own
    module names."""
    from dbt_common import behavior_flags

    rendered = behavior_flags.BehaviorFlagRendered
    if getattr(rendered._default_source, "reads_no_source", False):
        return

    def default_source() -> str:
        frame = sys._getframe(1)
        while frame is not None:
            name = frame.f_globals.get("__name__")
            if name and name != behavior_flags.__name__:
                return name
            frame = frame.f_back
        return "Unknown"

    default_source.reads_no_source = True
    rendered._default_source = staticmethod(default_source)


def _build_macro_namespaces_in_one_pass() -> None:
    """Build the macro namespace of each node's context in one pass over the macros, and flatten it once.

    dbt builds a context for every node it compiles or runs and for every macro an adapter calls: the 560
    macros of dbt, dbt-duckdb and the project, each bound to that context as a MacroGenerator (through
    three `__init__`s and two dictionary lookups per macro), then copied into the context by looking each
    name up again along the namespace's search order: about a quarter of the dbt threads' time in a publish
    (py-spy `--gil`, release/test_edition_by_edition.py's builds), for some 300 contexts. The same
    generators, bound to the same context, node and macro stack, go into the same dictionaries in one loop,
    and the namespace keeps its names flattened in search order from the start: 0.85-1.1 ms a context
    instead of 1.6-2.3 ms. A duplicate macro name goes to dbt's own builder, which raises its error."""
    from dbt.clients.jinja import MacroGenerator
    from dbt.context.macros import GLOBAL_PROJECT_NAME, MacroNamespace, MacroNamespaceBuilder

    if getattr(MacroNamespaceBuilder.build_namespace, "in_one_pass", False):
        return
    build_namespace = MacroNamespaceBuilder.build_namespace

    class _FlattenedMacroNamespace(MacroNamespace):
        """dbt's MacroNamespace with its names resolved once, in its own search order (the first of the
        local package, the root package, the packages, `dbt`, the internal packages that has a name)."""

        def __init__(self, global_namespace, local_namespace, global_project_namespace, packages):
            super().__init__(global_namespace, local_namespace, global_project_namespace, packages)
            flat = dict(global_project_namespace)
            flat[GLOBAL_PROJECT_NAME] = global_project_namespace
            for searched_earlier in (packages, global_namespace, local_namespace):
                flat.update(searched_earlier)
            self._flat = flat

        def __getitem__(self, key):
            return self._flat[key]

        def __iter__(self):
            return iter(self._flat)

        def __len__(self):
            return len(self._flat)

        def __contains__(self, key):
            return key in self._flat

        def keys(self):
            return self._flat.keys()

    def in_one_pass(self, macros_by_package, ctx):
        if type(self) is not MacroNamespaceBuilder:
            return build_namespace(self, macros_by_package, ctx)
        new, node, stack = object.__new__, self.node, self.thread_ctx
        internal_names, search, root = self.internal_package_names, self.search_package, self.root_package
        internal, packages, local, root_globals = {}, {}, {}, {}
        for macros in macros_by_package.values():
            for macro in macros.values():
                generator = new(MacroGenerator)
                generator.__dict__ = {"context": ctx, "macro": macro, "node": node, "stack": stack}
                package, name = macro.package_name, macro.name
                is_internal = package in internal_names
                hierarchy = internal if is_internal else packages
                namespace = hierarchy.get(package)
                if namespace is None:
                    namespace = hierarchy[package] = {}
                elif name in namespace:
                    return build_namespace(self, macros_by_package, ctx)  # dbt raises DuplicateMacroNameError
                namespace[name] = generator
                if not is_internal:
                    if package == search:
                        local[name] = generator
                    elif package == root:
                        root_globals[name] = generator
        self.internal_packages, self.packages, self.locals, self.globals = internal, packages, local, root_globals
        global_project_namespace = {}
        for package in reversed(self.internal_package_names_order):  # the first listed wins
            global_project_namespace.update(internal.get(package, {}))
        return _FlattenedMacroNamespace(root_globals, local, global_project_namespace, packages)

    in_one_pass.in_one_pass, in_one_pass.dbt_builds_with = True, build_namespace
    MacroNamespaceBuilder.build_namespace = in_one_pass


CONFIG_SCHEMAS = DBT_PROJECT_DIR / "target" / "config_schemas.json"  # see _reuse_config_schemas
# The distributions whose classes dbt validates its configuration with (the adapters' credentials among them).
SCHEMA_DISTRIBUTIONS = ("dbt-core", "dbt-common", "dbt-adapters", "dbt-duckdb", "dbt-postgres", "mashumaro")


def _reuse_config_schemas() -> None:
    """Keep the JSON schemas dbt validates its configuration with in CONFIG_SCHEMAS, for the next process.

    Every invocation checks the project, the profile's credentials, the packages and the flags against the
    JSON schema of their classes, which mashumaro builds from the class definitions the first time in each
    process: about 0.8 s, most of dbt's own (non-SQL) time in a publish. A schema is a function of those
    definitions alone, so those built are saved by class, with the versions of the distributions that define
    them (and of mashumaro); a process whose versions differ builds its own, as before. `prepare` leaves
    them beside the manifest."""
    from dbt_common.dataclass_schema import dbtClassMixin

    if getattr(dbtClassMixin.json_schema, "saved_between_processes", False):
        return
    build = dbtClassMixin.json_schema.__func__  # dbt's builder, cached per class for the process
    path, versions = CONFIG_SCHEMAS, _schema_versions()
    saved = _load_config_schemas(path, versions)

    def json_schema(cls):
        key = f"{cls.__module__}.{cls.__qualname__}"
        schema = saved.get(key)
        if schema is None:
            schema = saved[key] = build(cls)
            with contextlib.suppress(OSError, TypeError), replaced_whole(path) as staged:  # read-only, not JSON
                staged.write_bytes(orjson.dumps({"versions": versions, "schemas": saved}))
        return schema

    json_schema.saved_between_processes, json_schema.builds_with = True, build
    dbtClassMixin.json_schema = classmethod(json_schema)


def _schema_versions() -> dict[str, str | None]:
    return installed_versions(SCHEMA_DISTRIBUTIONS)


def _load_config_schemas(path: Path, versions: Mapping[str, str | None]) -> dict[str, Any]:
    try:
        saved = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    if not isinstance(saved, dict) or saved.get("versions") != versions:
        return {}
    return dict(saved.get("schemas") or {})


def invoke(args: Sequence[str], manifest, callback, environment: Mapping[str, str]):
    """One dbtRunner invocation with `environment` set, releasing dbt-duckdb's database afterwards. Every
    dbt run of the project goes through here (the parse `prepare` makes too). `callback` receives dbt's
    events of level info and above."""
    from dbt.cli.main import dbtRunner

    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    _drop_unread_debug_events()
    _share_date_parser_constants()
    dbt_templates.reuse_compiled_templates()
    _name_flag_sources_without_reading_source()
    _reuse_config_schemas()
    _build_macro_namespaces_in_one_pass()
    # dbt-postgres connects with no libpq `options`, so libpq reads PGOPTIONS: the warehouse's session settings
    with _environment({**environment, "PGOPTIONS": warehouse.pg_options(os.environ.get("PGOPTIONS"))}):
        try:
            return dbtRunner(manifest=manifest, callbacks=[callback] if callback else []).invoke(list(args))
        finally:
            release_duckdb()
            dbt_templates.save_compiled_templates()


def parse(target_path: Path, environment: Mapping[str, str]):
    """`dbt parse` into `target_path` (where a partial parse there is used and renewed): the Manifest."""
    args = ["parse", *project_args(DBT_PROJECT_DIR, DBT_PROJECT_DIR, target_path), *QUIET]
    result = invoke(args, None, None, environment)
    if not result.success:
        raise RuntimeError(f"dbt parse failed: {result.exception}")
    return result.result


def release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open between invocations (if it was loaded at all)."""
    import sys

    module = sys.modules.get("dbt.adapters.duckdb.connections")
    manager = getattr(module, "DuckDBConnectionManager", None)
    if manager is None or manager._ENV is None:
        return
    with manager._LOCK:
        env, manager._ENV = manager._ENV, None
        env.close()


def project_args(project_dir: Path, profiles_dir: Path, target_path: Path) -> list[str]:
    return [
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(profiles_dir),
        "--target-path",
        str(target_path),
        "--log-path",
        str(target_path),
    ]


# A project is parsed for a canonical profile of its target's type, and the parse moved to the real database
# (_at_database): dbt's parse depends on the profile only through the database's name (dbt-duckdb names it
# after the file, PostgreSQL's is the URL's), which it writes into each node's `database` and `relation_name`
# (orchestration/test_dbt_in_process.py and postgres/test_dbt_on_postgres.py compare the moved parse with
# dbt's own for another name). So one parse serves every data directory and every database of a checkout.
CANONICAL_DUCKDB = "warehouse.duckdb"
CANONICAL_ENVIRONMENT = {"FAST_DBT_TARGET": "duckdb", "FAST_DUCKDB_PATH": CANONICAL_DUCKDB}
CANONICAL_ENVIRONMENTS = {
    "duckdb": CANONICAL_ENVIRONMENT,
    "postgres": {
        "FAST_DBT_TARGET": "postgres",
        "FAST_PG_HOST": "localhost",
        "FAST_PG_PORT": "5432",
        "FAST_PG_USER": "postgres",
        "FAST_PG_PASSWORD": "",
        "FAST_PG_DBNAME": "fast_pipeline",
    },
}
CANONICAL_DATABASES = {"duckdb": "warehouse", "postgres": "fast_pipeline"}  # what those profiles name it
PREPARED_PARSE = DBT_PROJECT_DIR / "target" / PARTIAL_PARSE  # made by `fast-pipeline prepare`
PREPARED_MANIFEST = DBT_PROJECT_DIR / "target" / SAVED_MANIFEST  # made by `prepare`, for the canonical profile
# The canonical PostgreSQL parse, saved by the checkout's first parse for PostgreSQL (prepare makes none: a
# DuckDB user would wait for it at every fresh setup).
PREPARED_POSTGRES_MANIFEST = DBT_PROJECT_DIR / "target" / "manifest-postgres.pickle"


def _target() -> tuple[str, str | None]:
    """The profile's target type and the database it names (None for a type without a canonical profile)."""
    target = os.environ.get("FAST_DBT_TARGET", "duckdb")
    if target == "postgres":
        return target, os.environ.get("FAST_PG_DBNAME", CANONICAL_DATABASES["postgres"])
    if target == "duckdb":
        from dbt.adapters.duckdb.credentials import DuckDBCredentials

        path = os.environ.get("FAST_DUCKDB_PATH", "../data/warehouse.duckdb")  # profiles.yml's default
        return target, DuckDBCredentials.path_derived_database_name(path)
    return target, None


def parse_environment() -> dict[str, str]:
    """What the profile reads during a parse: the canonical profile of the current target's type (empty for
    another type: the process's own profile)."""
    target, database = _target()
    return dict(CANONICAL_ENVIRONMENTS[target]) if database is not None else {}


def parsed_manifest(cache_dir: Path, work_dir: Path):
    """The project parsed for the current profile: dbt's Manifest object, once per process.

    A parse is saved whole (pickled, with what it was made from: dbt's and Python's versions, the project's
    files, the profile) in `cache_dir`, and in dbt_project/target for the checkout (the DuckDB one by
    `prepare`): loading it takes milliseconds where dbt's own partial parse takes most of a second, and a full
    parse seconds. When neither matches, dbt parses in `work_dir`, starting from the partial parse saved in
    `cache_dir` (or the one `prepare` left), and the parse is saved for the next process (whole, by rename:
    another process may be reading it). The manifest returned names the real database (_at_database)."""
    target, database = _target()
    environment = parse_environment()
    key = parse_key(environment)
    manifest = _parsed.get(key)
    if manifest is None:
        manifest = _saved_or_new_parse(cache_dir, work_dir, environment, key, target)
        _parsed.clear()  # one project, one profile per process: an older parse is not used again
        _parsed[key] = manifest
    if database is not None:
        _at_database(manifest, CANONICAL_DATABASES[target], database)
    return manifest


def _saved_or_new_parse(cache_dir: Path, work_dir: Path, environment: Mapping[str, str], key: tuple, target: str):
    saved_manifest = cache_dir / SAVED_MANIFEST
    prepared = (
        {"duckdb": PREPARED_MANIFEST, "postgres": PREPARED_POSTGRES_MANIFEST}.get(target) if environment else None
    )
    manifest = _load_manifest(saved_manifest, key)
    if manifest is None and prepared is not None:
        manifest = _load_manifest(prepared, key)
    if manifest is not None:
        return manifest
    work_dir.mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    saved, made = cache_dir / PARTIAL_PARSE, work_dir / PARTIAL_PARSE
    duckdb = environment == CANONICAL_ENVIRONMENT
    start = saved if saved.exists() else PREPARED_PARSE if duckdb and PREPARED_PARSE.exists() else None
    if start is not None:
        shutil.copyfile(start, made)
    manifest = parse(work_dir, environment)
    if made.exists():
        shutil.copyfile(made, work_dir / "next.msgpack")
        os.replace(work_dir / "next.msgpack", saved)
    save_manifest(saved_manifest, key, manifest)
    if prepared is not None and not duckdb:  # prepare keeps the DuckDB one
        # a read-only checkout: the data directory's copy serves
        with contextlib.suppress(OSError), replaced_whole(prepared) as staged:
            shutil.copyfile(saved_manifest, staged)
    return manifest


def _at_database(manifest, canonical: str, database: str) -> None:
    """Move a parse made for the database `canonical` (or moved since) to `database`, in place: the
    `database` of every node and source that had it, and the database part of their `relation_name`."""
    current = getattr(manifest, "_fast_pipeline_database", canonical)
    if current == database:
        return
    old, new = f'"{current}".', f'"{database}".'
    for node in (*manifest.nodes.values(), *manifest.sources.values()):
        if node.database != current:
            continue  # a node configured with a database of its own
        node.database = database
        relation = getattr(node, "relation_name", None)
        if relation is not None:
            if not relation.startswith(old):
                raise RuntimeError(f"dbt parse: {node.unique_id} has relation name {relation!r}, not in {old}")
            node.relation_name = new + relation[len(old) :]
    manifest._fast_pipeline_database = database


def parse_key(environment: Mapping[str, str]) -> tuple:
    """What a parse is a function of: dbt's and Python's versions, the project's files, the profile's values
    (`environment` when given, the canonical profile of the target's type: the real database's name and
    connection do not reach the parse; else the process's own)."""
    from dbt.version import __version__ as dbt_version

    profile = dict(environment) if environment else {name: os.environ.get(name) for name in PROFILE_VARIABLES}
    return (
        dbt_version,
        sys.version,
        str(DBT_PROJECT_DIR),
        project_digest(),
        tuple(profile.get(name) for name in PROFILE_VARIABLES),
    )


def save_manifest(path: Path, key: tuple, manifest) -> None:
    """Pickle `manifest` with its key, whole or not at all."""
    with replaced_whole(path) as staged, open(staged, "wb") as out:
        pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = {**copyreg.dispatch_table, type(manifest): _reduce_manifest}
        pickler.dump(key)
        pickler.dump(manifest)


def _reduce_manifest(manifest):
    """Pickle a Manifest by its public fields. dbt's own `Manifest.__reduce_ex__` passes its fields by
    position and has fallen behind the class (1.11: `functions` and `fixtures` are missing), so the lookups
    it carries land in the wrong fields; a lookup built before pickling then breaks every `ref()`. The
    lookups are caches, built again on first use."""
    fields = {f.name: getattr(manifest, f.name) for f in dataclasses.fields(manifest) if not f.name.startswith("_")}
    return _manifest_from_fields, (type(manifest), fields)


def _manifest_from_fields(cls, fields):
    return cls(**fields)


def _load_manifest(path: Path, key: tuple):
    """The manifest saved at `path` if it was saved under `key`; None when there is none, or another."""
    try:
        with open(path, "rb") as saved:
            unpickler = pickle.Unpickler(saved)  # one, as one Pickler wrote both
            if unpickler.load() != key:
                return None
            return unpickler.load()
    except Exception:  # none yet, or damaged, or of classes that changed: parse again, and replace it
        return None


def invocation(
    resource,
    args: Sequence[str],
    *,
    context,
    target_path: Path,
    manifest,
    raise_on_error: bool = True,
) -> InProcessDbtInvocation:
    """What `DbtCliResource.cli(args, context=...)` returns, for a dbt run in this process with `manifest`
    (dbt's parsed Manifest): the selection dagster-dbt derives from the context, the resource's flags."""
    cleaned, selects, excludes = extract_runtime_selection_from_args(args)
    params = get_updated_cli_invocation_params_for_context(
        context=context,
        manifest={},
        dagster_dbt_translator=None,
        runtime_selects=selects,
        runtime_excludes=excludes,
    )
    project_dir = Path(params.dbt_project.project_dir) if params.dbt_project else Path(resource.project_dir)
    profiles_dir = Path(resource.profiles_dir) if resource.profiles_dir else project_dir
    profile_args = [*(["--profile", resource.profile] if resource.profile else [])]
    profile_args += ["--target", resource.target] if resource.target else []
    dbt_args = [
        *resource.global_config_flags,
        *cleaned,
        *profile_args,
        *params.selection_args,
        *project_args(project_dir, profiles_dir, target_path),
        *QUIET,
    ]
    environment = {"DAGSTER_DBT_CLI": "true"}
    if params.indirect_selection:
        environment[DBT_INDIRECT_SELECTION_ENV] = params.indirect_selection
    target_path.mkdir(parents=True, exist_ok=True)
    # A generated selector lives in a copy of the project (large UI selections): dbt parses that copy.
    same_project = project_dir.resolve() == DBT_PROJECT_DIR.resolve()
    found = InProcessDbtInvocation(
        process=_FinishedDbt(args=["dbt", *dbt_args]),
        manifest=params.manifest,
        dagster_dbt_translator=params.dagster_dbt_translator,
        project_dir=project_dir,
        target_path=target_path,
        raise_on_error=raise_on_error,
        context=context,
        adapter=None,
        cli_version=resource._cli_version,
        project=params.dbt_project,
    )
    found.dbt_args = dbt_args
    found.dbt_manifest = manifest if same_project else None
    found.environment = environment
    return found

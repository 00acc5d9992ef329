"""dbt's Jinja templates compiled once, and their compiled code kept for the next process.

dbt compiles a template from its source every time it renders one: each node's SQL, each macro, each
rendered config value, in every invocation: 418 compiles of 266 sources, 1.3 s of a publish, measured. The
tests share a few sources (one `{{ test_<name>(**_dbt_generic_test_kwargs) }}` per generic test), and every
later publish in a process (`build --each-edition`, the tests) renders the same templates again. The first
publish of a process compiled about 300 templates, 0.9 s, before a single query ran.

Jinja's compiled code is a function of the source and of the environment's configuration only (its class,
extensions, filters, tests, lexer settings, finalizer and flags); the context comes in at render time. So
code is kept by a digest of both: in memory for the process, and in COMPILED_TEMPLATES (marshalled, as
Python keeps its bytecode, with the versions of Python, Jinja and dbt that made it) for the next process,
which loads it instead of compiling. A syntax error is raised each time, as before; a file of other
versions, or damaged, is ignored and replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import types
from pathlib import Path
from typing import Any

from fast_pipeline.environment import installed_versions, replaced_whole
from fast_pipeline.settings import DBT_PROJECT_DIR

COMPILED_TEMPLATES = DBT_PROJECT_DIR / "target" / "jinja_code.marshal"
TEMPLATES_KEPT = 4096  # template sources are the project's SQL, macros and configs: a few hundred
TEMPLATE_DISTRIBUTIONS = ("jinja2", "dbt-core", "dbt-common", "dbt-adapters", "dbt-duckdb", "dbt-postgres")
# what Jinja's lexer is made from (jinja2.lexer.get_lexer): part of the configuration the code depends on
LEXER_SETTINGS = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
)


class _Store:
    """Compiled code by key: what COMPILED_TEMPLATES held when the process first compiled, and what it
    compiled since (`unsaved` until `save`)."""

    def __init__(self, path: Path, versions: str):
        self.path, self.versions = path, versions
        self.code: dict[str, types.CodeType] | None = None  # loaded on first use
        self.used: set[str] = set()
        self.unsaved = False

    def get(self, key: str) -> types.CodeType | None:
        if self.code is None:
            self.code = _load(self.path, self.versions)
        code = self.code.get(key)
        if code is not None:
            self.used.add(key)
        return code

    def put(self, key: str, code: types.CodeType) -> None:
        assert self.code is not None  # get() came first
        if len(self.code) >= TEMPLATES_KEPT:  # keep what this process used; a project's sources change
            self.code = {k: v for k, v in self.code.items() if k in self.used}
        self.code[key] = code
        self.used.add(key)
        self.unsaved = True

    def save(self) -> None:
        """Write the code whole, by rename (another process may be reading the file); a read-only checkout
        only loses the saving."""
        if not self.unsaved or self.code is None:
            return
        self.unsaved = False
        with contextlib.suppress(OSError), replaced_whole(self.path) as staged:
            staged.write_bytes(marshal.dumps({"versions": self.versions, "code": self.code}))


def _load(path: Path, versions: str) -> dict[str, types.CodeType]:
    try:
        saved = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):  # none yet, or damaged
        return {}
    if not isinstance(saved, dict) or saved.get("versions") != versions or not isinstance(saved.get("code"), dict):
        return {}
    return {k: v for k, v in saved["code"].items() if isinstance(k, str) and isinstance(v, types.CodeType)}


def versions() -> str:
    """Python's and the distributions' versions: compiled code is kept for these only."""
    return repr(sorted(installed_versions(TEMPLATE_DISTRIBUTIONS).items()))


def _name(value: Any) -> Any:
    """A configuration value as it reads in every process: a function by its qualified name."""
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', repr(value))}"
    return value


def template_key(environment, source: str, name, filename, raw: bool, defer_init: bool) -> str:
    configuration = (
        type(environment).__module__,
        type(environment).__qualname__,
        sorted(environment.extensions),
        sorted(environment.filters),
        sorted(environment.tests),
        [getattr(environment, setting) for setting in LEXER_SETTINGS],
        environment.optimized,
        environment.is_async,
        _name(environment.autoescape),
        _name(environment.finalize),
        name,
        filename,
        raw,
        defer_init,
    )
    return hashlib.sha256(repr(configuration).encode() + b"\0" + source.encode()).hexdigest()


_store: _Store | None = None


def reuse_compiled_templates() -> None:
    """Install, once per process, the compile that reuses code (dbt's environments all derive from
    MacroFuzzEnvironment)."""
    global _store
    from dbt_common.clients.jinja import MacroFuzzEnvironment

    if getattr(MacroFuzzEnvironment.compile, "reuses_compiled_code", False):
        return
    compile_source = MacroFuzzEnvironment.compile
    store = _store = _Store(COMPILED_TEMPLATES, versions())

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        if not isinstance(source, str) or raw:  # a parsed tree, or Python source asked for: Jinja's own
            return compile_source(self, source, name, filename, raw, defer_init)
        key = template_key(self, source, name, filename, raw, defer_init)
        code = store.get(key)
        if code is None:
            code = compile_source(self, source, name, filename, raw, defer_init)
            store.put(key, code)
        return code

    compile.reuses_compiled_code, compile.compiles_with = True, compile_source
    MacroFuzzEnvironment.compile = compile


def save_compiled_templates() -> None:
    """Keep what this process compiled for the next one (after each dbt invocation: a no-op without new code)."""
    if _store is not None:
        _store.save()

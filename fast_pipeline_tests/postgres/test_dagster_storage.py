"""FAST_DAGSTER_STORAGE_URL: the instance that prepare_environment writes keeps runs, events and schedules on
PostgreSQL; without it, SQLite under the instance directory as before. Bad URLs are one line naming the
variable."""

from __future__ import annotations

import multiprocessing
import os
import socket

import pytest
import yaml
from dagster import DagsterInstance
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

from fast_pipeline.cli import main
from fast_pipeline.core.errors import ConfigError, LockError
from fast_pipeline.dagster_storage import ENV, STORAGE_CLASS, STORAGE_MODULE, check_url, tables_created_alone
from fast_pipeline.environment import prepare_environment
from fast_pipeline.orchestration.runs import instance_for_build
from fast_pipeline.orchestration.sqlite_run_storage import PooledSqliteRunStorage
from fast_pipeline.settings import Settings


def _settings(tmp_path, url: str | None) -> Settings:
    return Settings(data_dir=tmp_path, duckdb_path=tmp_path / "warehouse.duckdb", dagster_storage_url=url)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when this returns: nothing listens there


def test_instance_keeps_runs_events_and_schedules_on_postgres(tmp_path, postgres_url, restore_environ):
    settings = _settings(tmp_path, postgres_url)
    prepare_environment(settings)
    written = (settings.dagster_home / "dagster.yaml").read_text(encoding="utf-8")
    storage = {"module": STORAGE_MODULE, "class": STORAGE_CLASS, "config": {"postgres_url": {"env": ENV}}}
    assert yaml.safe_load(written)["storage"] == {"custom": storage}
    assert postgres_url not in written  # the URL (and any password in it) stays in the environment
    assert os.environ[ENV] == postgres_url
    with DagsterInstance.from_config(str(settings.dagster_home)) as instance:
        assert isinstance(instance.run_storage, PostgresRunStorage)
        assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
        assert isinstance(instance.schedule_storage, PostgresScheduleStorage)
        assert instance.run_coordinator.get_run_queue_config().max_concurrent_runs == 1  # DuckDB: one writer
        instance.add_dynamic_partitions("editions", ["2014-11"])
    with DagsterInstance.from_config(str(settings.dagster_home)) as again:
        assert again.get_dynamic_partitions("editions") == ["2014-11"]
    assert list(settings.dagster_home.rglob("*.db")) == []  # nothing went to SQLite


def test_with_the_warehouse_on_postgres_too_runs_go_on_at_once_within_the_limits(
    tmp_path, postgres_url, postgres_cluster, restore_environ
):
    """Editions of one source in turn, one publish at a time, other runs side by side."""
    from dataclasses import replace

    from fast_pipeline.definitions import defs
    from fast_pipeline.environment import PUBLISH_RUN_TAGS, PUBLISH_TAG

    settings = replace(
        _settings(tmp_path, postgres_url), postgres_url=postgres_cluster.create_database(), max_concurrent_runs=3
    )
    prepare_environment(settings)
    with DagsterInstance.from_config(str(settings.dagster_home)) as instance:
        queue = instance.run_coordinator.get_run_queue_config()
        assert queue.max_concurrent_runs == 3
        limits = {(limit["key"], str(limit.get("value"))): limit["limit"] for limit in queue.tag_concurrency_limits}
        assert limits == {("source", "{'applyLimitPerUniqueValue': True}"): 1, (PUBLISH_TAG, "None"): 1}
    # the runs those limits are about carry the tags: every publish, and every edition run its source
    assert defs.resolve_job_def("publish").tags.items() >= PUBLISH_RUN_TAGS.items()
    sensor = defs.resolve_sensor_def("publish_after_new_editions")
    assert sensor.run_tags.items() >= PUBLISH_RUN_TAGS.items()
    assert defs.resolve_job_def("us_dol_eo13126__editions").tags["source"] == "us_dol_eo13126"


def _open_the_instance(home: str, url: str, as_a_build: bool, start, outcomes) -> None:
    """In a child process: open the instance as a build does, or as the webserver and the daemon do (from
    the dagster.yaml alone), once every child is ready."""
    os.environ.update({"DAGSTER_HOME": home, ENV: url})
    start.wait(60)
    try:
        with instance_for_build() if as_a_build else DagsterInstance.get() as instance:
            instance.get_runs(limit=1)
        outcomes.put("opened")
    except Exception as exc:
        outcomes.put(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")


def test_processes_opening_a_new_storage_at_once_all_open_it(tmp_path, postgres_cluster, restore_environ):
    """dagster-postgres creates its tables when it finds none, and processes doing that at once raced inside
    PostgreSQL: `type "runs" already exists`, which it does not retry (two hosts' first builds on a new
    database, test_builds_on_postgres.py). Eight processes at a time, four builds and four that open the
    instance as the webserver and the daemon do, open each of four new databases: without the lock, some of
    them failed in every run."""
    ctx = multiprocessing.get_context("fork")  # children that have Dagster imported already: milliseconds
    outcomes = ctx.Queue()
    at_once, databases = 8, 4
    for n in range(databases):
        url = postgres_cluster.create_database()
        settings = _settings(tmp_path / f"host-{n}", url)
        prepare_environment(settings)
        start = ctx.Barrier(at_once)
        children = [
            ctx.Process(target=_open_the_instance, args=(str(settings.dagster_home), url, i % 2 == 0, start, outcomes))
            for i in range(at_once)
        ]
        for child in children:
            child.start()
        for child in children:
            child.join(120)
    opened = [outcomes.get(timeout=30) for _ in range(at_once * databases)]
    assert opened == ["opened"] * (at_once * databases), sorted(set(opened))


def test_a_storage_held_too_long_by_another_opener_is_one_clear_error(
    tmp_path, postgres_url, monkeypatch, restore_environ
):
    """The webserver's way of opening the instance waits for the lock too, and gives up with one line."""
    from fast_pipeline import dagster_storage

    settings = _settings(tmp_path, postgres_url)
    prepare_environment(settings)
    with tables_created_alone(postgres_url):
        monkeypatch.setattr(dagster_storage, "TABLES_LOCK_WAIT_S", 0.2)
        held = r"another process \(server pid \d+\) has been opening this Dagster storage for more than 0\.2s"
        with pytest.raises(LockError, match=held), tables_created_alone(postgres_url):
            pass
        with pytest.raises(LockError, match=held):
            DagsterInstance.from_config(str(settings.dagster_home)).get_runs()
    with DagsterInstance.from_config(str(settings.dagster_home)) as instance:  # released by its holder
        assert instance.get_runs() == []


def test_without_the_url_the_instance_stays_on_sqlite(tmp_path, postgres_url, restore_environ):
    prepare_environment(_settings(tmp_path, postgres_url))
    settings = _settings(tmp_path, None)
    prepare_environment(settings)  # the generated file follows the setting back
    assert "storage" not in yaml.safe_load((settings.dagster_home / "dagster.yaml").read_text(encoding="utf-8"))
    assert ENV not in os.environ
    with DagsterInstance.from_config(str(settings.dagster_home)) as instance:
        assert type(instance.run_storage) is PooledSqliteRunStorage  # Dagster's SqliteRunStorage, connection kept


def test_url_comes_from_the_environment(monkeypatch, postgres_url):
    monkeypatch.setenv(ENV, postgres_url)
    assert Settings.from_env().dagster_storage_url == postgres_url
    monkeypatch.setenv(ENV, "  ")
    assert Settings.from_env().dagster_storage_url is None


@pytest.mark.parametrize(
    "url, reason",
    [
        ("not a url", "not a database URL"),
        ("mysql://u:secret@db/dagster", "must be a PostgreSQL URL"),
        ("sqlite:///dagster.db", "must be a PostgreSQL URL"),
        ("postgresql://u:secret@db:5432/", "names no database"),
        ("postgresql:///dagster", "names no host"),
        ("postgresql://u:secret@db:port/dagster", "the port is not a number"),
    ],
)
def test_malformed_url_is_one_line_naming_the_variable(url, reason, monkeypatch, capsys, tmp_path):
    with pytest.raises(ConfigError, match=reason) as raised:
        check_url(url)
    assert "secret" not in raised.value.message  # a password is never echoed
    monkeypatch.setenv("FAST_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(ENV, url)
    assert main(["prepare"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {ENV}: ") and reason in err[0], err
    assert not (tmp_path / "dagster").exists()  # nothing was written


def test_unreachable_server_is_one_line_naming_the_variable(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("FAST_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(ENV, f"postgresql://u:secret@127.0.0.1:{_closed_port()}/dagster")
    assert main(["prepare"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(f"error: {ENV}: cannot connect to postgresql://u:***@127.0.0.1:"), err
    assert "Connection refused" in err[0] and "secret" not in err[0]


def test_missing_database_is_one_line_naming_the_variable(monkeypatch, capsys, tmp_path, postgres_cluster):
    monkeypatch.setenv("FAST_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(ENV, postgres_cluster.url("no_such_database"))
    assert main(["prepare"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {ENV}: cannot connect to "), err
    assert 'database "no_such_database" does not exist' in err[0]

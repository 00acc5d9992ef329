"""docs/deploy.md's example instance configuration is real: Dagster's schema accepts it, and the instance it
describes (PostgreSQL storage, queued runs, the Docker run launcher) starts against the test cluster."""

from __future__ import annotations

import re

import yaml
from dagster import DagsterInstance
from dagster._core.instance.config import dagster_instance_config
from dagster_docker import DockerRunLauncher
from dagster_postgres import PostgresRunStorage

from fast_pipeline.dagster_storage import ENV, STORAGE_CLASS, STORAGE_MODULE
from fast_pipeline.orchestration.postgres_storage import PostgresStorageCreatedAlone
from fast_pipeline.settings import REPO_ROOT

DEPLOY_MD = REPO_ROOT / "docs" / "deploy.md"
MARK = "# dagster.yaml"


def instance_blocks() -> list[str]:
    """The ```yaml blocks of docs/deploy.md that say they are a dagster.yaml."""
    blocks = re.findall(r"^```yaml\n(.*?)^```", DEPLOY_MD.read_text(encoding="utf-8"), flags=re.S | re.M)
    return [b for b in blocks if b.startswith(MARK)]


def test_the_guide_has_an_example_dagster_yaml():
    assert instance_blocks(), f"no ```yaml block starting with {MARK!r} in {DEPLOY_MD}"


def test_every_example_dagster_yaml_passes_dagsters_instance_schema(tmp_path):
    for i, block in enumerate(instance_blocks()):
        home = tmp_path / str(i)
        home.mkdir()
        (home / "dagster.yaml").write_text(block, encoding="utf-8")
        config, _ = dagster_instance_config(str(home))  # raises DagsterInvalidConfigError, naming the key
        storage = {"module": STORAGE_MODULE, "class": STORAGE_CLASS, "config": {"postgres_url": {"env": ENV}}}
        assert config["storage"] == {"custom": storage}


def test_the_example_instance_starts_against_postgres(tmp_path, postgres_url, monkeypatch):
    monkeypatch.setenv(ENV, postgres_url)
    for i, block in enumerate(instance_blocks()):
        home = tmp_path / str(i)
        home.mkdir()
        (home / "dagster.yaml").write_text(block, encoding="utf-8")
        with DagsterInstance.from_config(str(home)) as instance:
            assert isinstance(instance.run_storage, PostgresRunStorage)
            assert instance.get_ref().storage_data.class_name == PostgresStorageCreatedAlone.__name__
            assert instance.get_runs() == []
            launcher = instance.run_launcher
            assert isinstance(launcher, DockerRunLauncher)
            expected = yaml.safe_load(block)["run_launcher"]["config"]
            assert launcher.image == expected["image"] and launcher.env_vars == expected["env_vars"]
            queue = instance.run_coordinator.get_run_queue_config()
            assert queue.max_concurrent_runs == 4  # the example is a shared PostgreSQL deployment
            assert {limit["key"] for limit in queue.tag_concurrency_limits} == {"source", "fast-pipeline/publish"}

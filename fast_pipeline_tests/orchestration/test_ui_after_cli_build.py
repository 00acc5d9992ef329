"""Issue 10 item 16: what a maintainer sees in the Dagster UI after command-line builds, asked through the
UI's own GraphQL API over a workspace loaded as `./dev ui` loads it (same code location name):
- every run a build made belongs to the loaded repository (the Overview timeline and job pages list only
  such runs; a plain `execute_in_process` run has no origin and shows nowhere but the global run list);
- `<source>/acquisition` is materialized once per build that archived something, with what it archived;
- a source with no edition (CBP: none saved) shows nothing materialized, not a healthy-looking asset;
- the sensor that evaluates the automation conditions runs by default; the community dialog is off."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
from dagster import DagsterInstance
from dagster._core.remote_origin import InProcessCodeLocationOrigin
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._core.workspace.load_target import InProcessWorkspaceLoadTarget
from dagster_graphql.test.utils import execute_dagster_graphql

from fast_pipeline.orchestration.runs import DEFINITIONS_ATTRIBUTE, DEFINITIONS_MODULE, repository_origin
from fast_pipeline_tests.orchestration.conftest import BAD, GOOD, NEXT, SID

# The package's shared builds (three dbt publishes) take minutes on a busy machine.
pytestmark = pytest.mark.timeout(1800)

RUNS = """{ runsOrError { ... on Runs { results {
    runId jobName status tags { key value } repositoryOrigin { repositoryName repositoryLocationName } } } } }"""
WORKSPACE = """{ workspaceOrError { ... on Workspace { locationEntries { name
    locationOrLoadError { ... on RepositoryLocation { repositories { name } } } } } } }"""
MATERIALIZATIONS = """query ($path: [String!]!) { assetOrError(assetKey: {path: $path}) { ... on Asset {
    assetMaterializations(limit: 20) { runId metadataEntries { label ... on JsonMetadataEntry { jsonString } } }
    assetObservations(limit: 20) { runId } } } }"""
PARTITIONS = """query ($path: [String!]!) { assetNodeOrError(assetKey: {path: $path}) { ... on AssetNode {
    partitionKeys partitionStats { numMaterialized numPartitions numFailed } } } }"""
SENSOR = """query ($location: String!, $repository: String!, $name: String!) {
    sensorOrError(sensorSelector: {repositoryLocationName: $location, repositoryName: $repository, sensorName: $name}) {
    ... on Sensor { sensorState { status } } } }"""


@pytest.fixture(scope="module")
def ui(builds):
    """A GraphQL context over the builds' instance and the project's code location, loaded in-process."""
    origin = repository_origin()
    location = InProcessCodeLocationOrigin(
        LoadableTargetOrigin(module_name=DEFINITIONS_MODULE, attribute=DEFINITIONS_ATTRIBUTE),
        location_name=origin.code_location_origin.location_name,
    )
    with (
        DagsterInstance.from_config(str(builds.settings.dagster_home)) as instance,
        WorkspaceProcessContext(instance, InProcessWorkspaceLoadTarget(location)) as process,
    ):
        context = process.create_request_context()

        def query(text: str, **variables):
            result = execute_dagster_graphql(context, text, variables)
            assert not result.errors, result.errors
            return result.data

        yield query


def test_cli_runs_belong_to_the_repository_the_ui_loads(ui):
    (entry,) = ui(WORKSPACE)["workspaceOrError"]["locationEntries"]
    loaded = {(entry["name"], repo["name"]) for repo in entry["locationOrLoadError"]["repositories"]}
    runs = ui(RUNS)["runsOrError"]["results"]
    jobs = [r["jobName"] for r in runs]
    # --each-edition: two edition runs, each followed by a publish run; then the next edition and a publish
    assert jobs.count(f"{SID}__editions") == 3 and jobs.count("publish") == 3, jobs
    for run in runs:
        origin = run["repositoryOrigin"]
        assert origin is not None, run
        assert (origin["repositoryLocationName"], origin["repositoryName"]) in loaded
    failed = [r for r in runs if r["status"] == "FAILURE"]
    assert [{t["key"]: t["value"] for t in r["tags"]}["dagster/partition"] for r in failed] == [BAD]


def test_acquisition_is_materialized_by_each_build_that_archived_something(ui):
    asset = ui(MATERIALIZATIONS, path=[SID, "acquisition"])["assetOrError"]
    mats = asset["assetMaterializations"]
    assert len(mats) == 2  # newest first: the second build's, then the first's
    new = [next(e["jsonString"] for e in m["metadataEntries"] if e["label"] == "new_editions") for m in mats]
    assert new == [f'["{NEXT}"]', f'["{GOOD}", "{BAD}"]']


def test_a_source_without_editions_shows_nothing_materialized(ui):
    assert ui(MATERIALIZATIONS, path=["us_cbp_wro", "acquisition"])["assetOrError"] == {
        "assetMaterializations": [],
        "assetObservations": [],
    }
    node = ui(PARTITIONS, path=["us_cbp_wro", "actions"])["assetNodeOrError"]
    assert node["partitionKeys"] == [] and node["partitionStats"]["numMaterialized"] == 0
    brazil = ui(PARTITIONS, path=[SID, "actions"])["assetNodeOrError"]
    assert brazil["partitionStats"] == {"numMaterialized": 2, "numPartitions": 3, "numFailed": 1}


def test_the_automation_sensor_runs_by_default_and_the_community_dialog_is_off(ui, builds):
    origin = repository_origin()
    state = ui(
        SENSOR,
        location=origin.code_location_origin.location_name,
        repository=origin.repository_name,
        name="publish_after_new_editions",
    )["sensorOrError"]["sensorState"]
    assert state["status"] == "RUNNING"
    with DagsterInstance.from_config(str(builds.settings.dagster_home)) as instance:
        assert instance.get_settings("nux") == {"enabled": False}


def test_the_automation_sensor_rebuilds_after_a_new_edition_and_not_what_the_cli_published(builds, tmp_path):
    """The sensor's ticks, evaluated on a copy of the builds: nothing to do after the CLI published; once the
    UI's own path processes a new edition (the new-editions sensor's run), the warehouse models that read
    it and the release are requested, although the quarantined partition never materializes."""
    from dagster import evaluate_automation_conditions

    from fast_pipeline.core.acquire import acquire
    from fast_pipeline.core.archive import Archive
    from fast_pipeline.definitions import defs
    from fast_pipeline.environment import prepare_environment
    from fast_pipeline.orchestration.runs import edition_outcome, run_job
    from fast_pipeline.sources.registry import get_source

    data = tmp_path / "data"
    shutil.copytree(builds.settings.data_dir, data, symlinks=True)
    mirror = tmp_path / "mirror"
    newer = mirror / SID / "2026-08-04_csv"
    newer.mkdir(parents=True)
    saved = next((builds.mirror / SID / NEXT).iterdir())
    header, *rows = saved.read_bytes().splitlines(keepends=True)
    (newer / saved.name).write_bytes(b"".join([header, *rows[:-1]]))  # one employer fewer
    settings = replace(
        builds.settings,
        data_dir=data,
        duckdb_path=data / "warehouse.duckdb",
        instance_dir=data / "dagster",
        mirror=mirror,
    )
    with pytest.MonkeyPatch.context() as mp:
        for var in ("FAST_DATA_DIR", "FAST_DUCKDB_PATH", "FAST_SOURCE_MIRROR", "DAGSTER_HOME"):
            mp.setenv(var, "")
        prepare_environment(settings)
        with DagsterInstance.from_config(str(settings.dagster_home)) as instance:
            first = evaluate_automation_conditions(defs=defs, instance=instance)
            assert first.total_requested == 0  # everything the CLI built is up to date
            assert acquire(get_source(SID), Archive(settings.archive_dir), mirror=mirror).new_editions == [newer.name]
            instance.add_dynamic_partitions(f"{SID}__editions", [newer.name])
            assert edition_outcome(run_job(instance, f"{SID}__editions", partition_key=newer.name)).status == "ok"
            second = evaluate_automation_conditions(defs=defs, instance=instance, cursor=first.cursor)
    requested = {r.key.to_user_string() for r in second.results if r.true_subset.size}
    wanted = {"intermediate/int_editions__published", "marts/source_freshness", "marts/adverse_actions", "release"}
    assert wanted <= requested, requested

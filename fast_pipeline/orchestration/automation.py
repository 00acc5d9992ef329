"""When Dagster rebuilds the warehouse models and the release by itself: after an upstream asset is
updated (in the UI's path: a schedule acquires, the `<source>__new_editions` sensor processes the new
edition, then this sensor runs dbt and the release), never just because an asset is missing, since a data
directory that no build has prepared has no raw tables to build from.

The sensor evaluating these conditions starts running (Dagster's own default leaves it stopped, so
conditions silently never fire). It runs in `dagster dev`'s daemon; `fast-pipeline build` publishes
itself and never waits for it, and what a CLI build already published is not rebuilt.
"""

from dagster import AssetSelection, AutomationCondition, AutomationConditionSensorDefinition, DefaultSensorStatus

# Runs that publish (dbt, resolution, release) carry this tag: on a shared PostgreSQL deployment the run queue
# lets one of them run at a time (environment.CONCURRENT_RUNS).
from fast_pipeline.environment import PUBLISH_RUN_TAGS

# No "all dependencies present" clause: a quarantined edition is a partition that never materializes, and
# the warehouse is built without it by design.
AFTER_UPSTREAM_UPDATES = (
    AutomationCondition.any_deps_updated().since_last_handled()
    & ~AutomationCondition.any_deps_in_progress()
    & ~AutomationCondition.in_progress()
).with_label("after upstream updates")

automation_sensor = AutomationConditionSensorDefinition(
    "publish_after_new_editions",
    target=AssetSelection.all(),
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    run_tags=PUBLISH_RUN_TAGS,
    description="Rebuilds the dbt models and the release once new editions' actions are materialized.",
)

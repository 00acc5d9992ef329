"""A run's stdout and stderr, as the UI shows them, are captured into the run's files by the generated
instance's compute log manager, and echoed where they were headed once the run ends, with no process
started to do it."""

from __future__ import annotations

import os
import subprocess
import sys

from dagster import DagsterEventType, DagsterInstance, job, op

from fast_pipeline.environment import prepare_environment
from fast_pipeline.orchestration.compute_logs import FileComputeLogManager


@op
def talkative():
    print("printed by the step")
    print("warned by the step", file=sys.stderr)
    sys.stdout.flush()
    # the descriptor itself is redirected (as sys.stdout's is fd 1 outside pytest): a child's output is captured
    subprocess.run(["sh", "-c", "echo written by a child of the step"], stdout=sys.stdout, check=True)


@job
def talks():
    talkative()


def test_a_runs_output_is_in_its_captured_logs_and_echoed_by_no_process(sqlite_settings, monkeypatch, capfd):
    settings = sqlite_settings
    prepare_environment(settings)
    started: list[list[str]] = []
    popen_init = subprocess.Popen.__init__

    def recording(self, args, *rest, **kwargs):
        started.append([os.path.basename(str(a)) for a in args])
        popen_init(self, args, *rest, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", recording)
    with DagsterInstance.from_config(str(settings.dagster_home)) as instance:
        assert isinstance(instance.compute_log_manager, FileComputeLogManager)
        result = talks.execute_in_process(instance=instance)
        assert result.success
        (captured,) = [
            e.dagster_event.logs_captured_data
            for e in instance.all_logs(result.run_id, of_type=DagsterEventType.LOGS_CAPTURED)
        ]
        manager = instance.compute_log_manager
        log_key = [result.run_id, "compute_logs", captured.file_key]
        logs = manager.get_log_data(log_key)
        assert manager.is_capture_complete(log_key)
    assert started == [["sh", "-c", "echo written by a child of the step"]]  # Dagster's default: + 2 tails, 2 watchers
    assert logs.stdout.decode().splitlines() == ["printed by the step", "written by a child of the step"]
    assert "warned by the step" in logs.stderr.decode().splitlines()  # among the run's console log
    # in Dagster's default place, where an instance configured by hand would find them
    assert (settings.dagster_home / "storage" / result.run_id / "compute_logs").is_dir()
    echoed = capfd.readouterr()
    assert echoed.out.splitlines() == ["printed by the step", "written by a child of the step"]
    assert echoed.err.count("warned by the step") == 1

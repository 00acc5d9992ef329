"""Bad settings and bad surroundings end in one clear line on stderr and a non-zero exit, never a traceback.
Each test runs the command in its own process, as a user would."""

from __future__ import annotations

import pytest

from fast_pipeline_tests.support.cli import run_cli


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("FAST_HTTP_READ_TIMEOUT", "abc", "is not a number"),
        ("FAST_HTTP_CONNECT_TIMEOUT", "-1", "must be above 0"),
        ("FAST_HTTP_RETRIES", "2.5", "is not a whole number"),
        ("FAST_HTTP_RETRIES", "-3", "must be at least 0"),
        ("FAST_HTTP_MAX_BYTES", "0", "must be at least 1"),
        ("FAST_HTTP_DEADLINE", "nan", "must be above 0"),
        ("FAST_HTTP_BACKOFF", "1s", "is not a number"),
    ],
)
def test_a_bad_http_setting_is_one_line_naming_the_variable(tmp_path, variable, value, reason):
    run = run_cli("sources", data_dir=tmp_path, env={variable: value})
    run.one_line_error(variable, reason, repr(value))


def test_good_http_settings_are_accepted(tmp_path):
    env = {"FAST_HTTP_READ_TIMEOUT": "2.5", "FAST_HTTP_RETRIES": "0", "FAST_HTTP_DEADLINE": "30"}
    run = run_cli("sources", data_dir=tmp_path, env=env)
    assert run.code == 0, run.stderr

"""Dagster wiring: each module turns the plain-Python pipeline (fast_pipeline.core) into assets, checks,
jobs, sensors and schedules. No pipeline logic lives here."""

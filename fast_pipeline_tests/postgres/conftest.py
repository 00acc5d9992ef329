"""A real PostgreSQL server for the tests in this folder (fast_pipeline_tests/support/postgres.py).

One cluster per test session, so with pytest-xdist one per worker (each on its own port and directory;
nothing is shared, so no lock is needed); every test gets a fresh database of its own. Where PostgreSQL
cannot run (no binaries, root without a `postgres` user), the tests skip and say why.
"""

from __future__ import annotations

import os

import pytest

from fast_pipeline_tests.support.postgres import PostgresCluster


@pytest.fixture(scope="session")
def postgres_cluster():
    reason = PostgresCluster.unavailable()
    if reason:
        pytest.skip(reason)
    with PostgresCluster() as cluster:
        yield cluster


@pytest.fixture
def postgres_url(postgres_cluster) -> str:
    """A URL to an empty database on the test cluster."""
    return postgres_cluster.create_database()


@pytest.fixture
def restore_environ():
    """prepare_environment exports variables for Dagster and dbt: put the environment back afterwards."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)

"""The throwaway test cluster itself: a real server, not run as root, on loopback only, gone when stopped."""

from __future__ import annotations

import os
import pwd
import socket
from pathlib import Path

import psycopg2
import pytest

from fast_pipeline_tests.support.postgres import SERVICE_USER, PostgresCluster


def _query(url: str, sql: str):
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        conn.close()


def test_server_listens_on_loopback_with_its_socket_in_its_own_directory(postgres_cluster):
    url = postgres_cluster.url()
    assert _query(url, "SHOW listen_addresses") == [("127.0.0.1",)]
    assert _query(url, "SHOW unix_socket_directories") == [(str(postgres_cluster.socket_dir),)]
    assert _query(url, "SHOW data_directory") == [(str(postgres_cluster.data_dir),)]
    assert (postgres_cluster.socket_dir / f".s.PGSQL.{postgres_cluster.port}").exists()
    assert _query(url, "SELECT version()")[0][0].startswith("PostgreSQL 15")


def test_server_process_does_not_run_as_root(postgres_cluster):
    pid = int((postgres_cluster.data_dir / "postmaster.pid").read_text().split()[0])
    owner = os.stat(f"/proc/{pid}").st_uid
    assert owner != 0
    expected = pwd.getpwnam(SERVICE_USER).pw_uid if os.geteuid() == 0 else os.geteuid()
    assert owner == expected


def test_each_database_is_fresh_and_separate(postgres_cluster):
    first, second = postgres_cluster.create_database(), postgres_cluster.create_database()
    assert first != second
    conn = psycopg2.connect(first)
    with conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE t (x int)")
    conn.close()
    tables = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    assert _query(first, tables) == [("t",)]
    assert _query(second, tables) == []


def test_stop_shuts_the_server_down_and_removes_its_directory():
    reason = PostgresCluster.unavailable()
    if reason:
        pytest.skip(reason)
    cluster = PostgresCluster().start()
    root, port = cluster.root, cluster.port
    assert _query(cluster.url(), "SELECT 1") == [(1,)]
    cluster.stop()
    assert root is not None and not root.exists()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0  # nothing listens there any more


def test_missing_binaries_are_a_reason_to_skip_that_names_the_directory(tmp_path):
    reason = PostgresCluster.unavailable(tmp_path / "no-postgres")
    assert reason is not None and str(tmp_path / "no-postgres") in reason and "initdb" in reason
    with pytest.raises(RuntimeError, match="PostgreSQL binaries not found"):
        PostgresCluster(Path(tmp_path / "no-postgres")).start()

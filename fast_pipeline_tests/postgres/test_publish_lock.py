"""One publish at a time on a shared PostgreSQL warehouse, whichever host runs it."""

import re
import threading
import time

import pytest

from fast_pipeline.core import warehouse
from fast_pipeline.core.errors import LockError


def test_a_second_publisher_waits_for_the_first_and_then_goes_on(postgres_url):
    order, told = [], []
    first_holds = threading.Event()

    def first():
        with warehouse.publish_lock(postgres_url):
            order.append("first in")
            first_holds.set()
            time.sleep(1.5)
            order.append("first out")

    thread = threading.Thread(target=first)
    thread.start()
    assert first_holds.wait(10)
    started = time.monotonic()
    with warehouse.publish_lock(postgres_url, wait=30, on_wait=told.append):
        order.append("second in")
    waited = time.monotonic() - started
    thread.join()

    assert order == ["first in", "first out", "second in"]
    assert waited >= 0.5
    assert len(told) == 1 and re.search(r"another build \(server pid \d+\) is publishing", told[0])


def test_a_publisher_that_waits_too_long_gets_one_clear_error_and_the_holder_keeps_the_lock(postgres_url):
    holding, release = threading.Event(), threading.Event()

    def holder():
        with warehouse.publish_lock(postgres_url):
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=holder)
    thread.start()
    assert holding.wait(10)
    try:
        with (
            pytest.raises(LockError, match=r"has been publishing to this warehouse for more than 1s"),
            warehouse.publish_lock(postgres_url, wait=1),
        ):
            pytest.fail("got the lock while another holds it")
    finally:
        release.set()
        thread.join()
    with warehouse.publish_lock(postgres_url, wait=5):  # released when the holder's block ended
        pass


def test_the_lock_goes_with_a_publisher_that_dies(postgres_cluster, postgres_url):
    """A session lock: the server drops it with the connection, so a crashed build never blocks the next."""
    import sqlalchemy

    eng = sqlalchemy.create_engine(postgres_url)
    conn = eng.connect()
    conn.exec_driver_sql(f"select pg_advisory_lock({warehouse.PUBLISH_LOCK_KEY})")
    conn.invalidate()  # the connection drops, as when its process is killed
    with warehouse.publish_lock(postgres_url, wait=10):
        pass
    eng.dispose()


def test_duckdb_needs_no_publish_lock(tmp_path):
    url = warehouse.duckdb_url(tmp_path / "w.duckdb")
    with warehouse.publish_lock(url, wait=0), warehouse.publish_lock(url, wait=0):
        pass  # nested: nothing to wait for

"""The HTTP path against a loopback server: real files, and every way a publisher misbehaves."""

from __future__ import annotations

import socket

import pytest

from fast_pipeline.core.errors import AcquisitionError
from fast_pipeline_tests.conftest import saved_file
from fast_pipeline_tests.support.http_server import Reply

PDF = saved_file("br_mte_lista_suja", "2024-12-04_pdf")


def _tmp_leftovers(tmp_path):
    return [p for p in tmp_path.rglob("*") if p.is_file()]


def test_download_streams_real_file_with_hash_and_headers(loopback, fast_http, tmp_path):
    import hashlib

    data = PDF.read_bytes()
    loopback.routes.set("/cadastro.pdf", Reply(200, data, {"Content-Type": "application/pdf", "ETag": '"abc"'}))
    dl = fast_http.download(loopback.url("/cadastro.pdf"), tmp_path, source_id="s", file_name="cadastro.pdf")
    assert dl.sha256 == hashlib.sha256(data).hexdigest()
    assert dl.size == len(data) and dl.path.read_bytes() == data
    assert dl.headers["Content-Type"] == "application/pdf" and dl.headers["ETag"] == '"abc"'
    assert loopback.routes.user_agents[-1].startswith("fast-pipeline/")


def test_403_is_a_clear_error_without_retry(loopback, fast_http, tmp_path):
    loopback.routes.set("/f.csv", Reply(403, b"Forbidden"))
    with pytest.raises(AcquisitionError, match=r"br_x: f\.csv: HTTP 403 .*refuses this client"):
        fast_http.download(loopback.url("/f.csv"), tmp_path, source_id="br_x", file_name="f.csv")
    assert loopback.routes.hits["/f.csv"] == 1
    assert _tmp_leftovers(tmp_path) == []


def test_404_names_the_url(loopback, fast_http, tmp_path):
    with pytest.raises(AcquisitionError, match=r"HTTP 404 from http://127\.0\.0\.1:\d+/missing\.pdf"):
        fast_http.download(loopback.url("/missing.pdf"), tmp_path, source_id="s", file_name="missing.pdf")


def test_500_then_success_is_retried(loopback, fast_http, tmp_path):
    loopback.routes.set("/f.pdf", Reply(500, b"oops"), Reply(503, b"busy"), Reply(200, b"%PDF-1.4 ok %%EOF"))
    dl = fast_http.download(loopback.url("/f.pdf"), tmp_path, source_id="s", file_name="f.pdf")
    assert dl.path.read_bytes() == b"%PDF-1.4 ok %%EOF"
    assert loopback.routes.hits["/f.pdf"] == 3


def test_persistent_500_gives_up_after_bounded_attempts(loopback, fast_http, tmp_path):
    loopback.routes.set("/f.pdf", Reply(500, b"oops"))
    with pytest.raises(AcquisitionError, match=r"gave up after 3 attempts: HTTP 500"):
        fast_http.download(loopback.url("/f.pdf"), tmp_path, source_id="s", file_name="f.pdf")
    assert loopback.routes.hits["/f.pdf"] == 3


def test_timeout(loopback, tmp_path):
    """A server that does not answer within the read timeout: tried again, then a clear error."""
    from fast_pipeline.core.http import HttpClient, HttpSettings

    client = HttpClient(HttpSettings(connect_timeout=2, read_timeout=0.25, retries=2, backoff=0.05))
    loopback.routes.set("/slow.csv", Reply(200, b"a;b", delay=1.5))
    with pytest.raises(AcquisitionError, match="timed out"):
        client.download(loopback.url("/slow.csv"), tmp_path, source_id="s", file_name="slow.csv")
    assert loopback.routes.hits["/slow.csv"] == 3


def test_connection_refused(fast_http, tmp_path):
    with socket.socket() as s:  # a port that was free a moment ago and has no listener now
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(AcquisitionError, match="could not connect"):
        fast_http.download(f"http://127.0.0.1:{port}/f.csv", tmp_path, source_id="s", file_name="f.csv")


def test_body_cut_off_mid_transfer_leaves_nothing(loopback, fast_http, tmp_path):
    data = PDF.read_bytes()
    loopback.routes.set("/f.pdf", Reply(200, data, cut_after=len(data) // 3))
    with pytest.raises(AcquisitionError, match="cut off"):
        fast_http.download(loopback.url("/f.pdf"), tmp_path, source_id="s", file_name="f.pdf")
    assert _tmp_leftovers(tmp_path) == []


def test_body_over_the_size_cap(loopback, tmp_path):
    from fast_pipeline.core.http import HttpClient, HttpSettings

    client = HttpClient(HttpSettings(retries=0, max_bytes=100_000))
    loopback.routes.set("/big.pdf", Reply(200, PDF.read_bytes()))
    with pytest.raises(AcquisitionError, match=r"over the 100,000-byte cap"):
        client.download(loopback.url("/big.pdf"), tmp_path, source_id="s", file_name="big.pdf")
    # a server that does not declare the length is stopped while streaming
    loopback.routes.set("/big2.pdf", Reply(200, PDF.read_bytes(), no_length=True))
    with pytest.raises(AcquisitionError, match=r"sent more than the 100,000-byte cap"):
        client.download(loopback.url("/big2.pdf"), tmp_path, source_id="s", file_name="big2.pdf")
    assert _tmp_leftovers(tmp_path) == []


@pytest.mark.parametrize("drip_headers", [False, True], ids=["body", "headers"])
def test_a_dripping_server_fails_at_the_deadline(loopback, tmp_path, drip_headers):
    """A byte every 0.4 s never trips a 1.5 s read timeout; the download's overall deadline stops it."""
    import time

    from fast_pipeline.core.http import HttpClient, HttpSettings

    client = HttpClient(HttpSettings(connect_timeout=2, read_timeout=1.5, retries=2, backoff=0.05, deadline=1.2))
    loopback.routes.set("/drip.csv", Reply(200, b"a;b\r\n" * 200, drip=0.4, drip_headers=drip_headers))
    started = time.monotonic()
    with pytest.raises(AcquisitionError, match=r"longer than the 1.2s download deadline") as info:
        client.download(loopback.url("/drip.csv"), tmp_path, source_id="s", file_name="drip.csv")
    assert time.monotonic() - started < 3
    assert (info.value.source_id, info.value.file) == ("s", "drip.csv")
    assert loopback.url("/drip.csv") in info.value.reason
    assert _tmp_leftovers(tmp_path) == []
    assert loopback.routes.hits["/drip.csv"] == 1  # no retry once the deadline has passed


def test_a_body_without_length_cut_at_the_deadline_is_not_taken_as_complete(loopback, tmp_path):
    from fast_pipeline.core.http import HttpClient, HttpSettings

    client = HttpClient(HttpSettings(read_timeout=3, retries=0, deadline=0.8))
    loopback.routes.set("/drip.csv", Reply(200, b"a;b\r\n" * 50, drip=0.1, no_length=True))
    with pytest.raises(AcquisitionError, match="deadline"):
        client.download(loopback.url("/drip.csv"), tmp_path, source_id="s", file_name="drip.csv")


@pytest.mark.parametrize(
    ("url", "reply", "reason"),
    [
        ("ftp://127.0.0.1/list.csv", None, "InvalidSchema"),
        ("/loop", Reply(302, b"", {"Location": "/loop"}), "TooManyRedirects"),
        ("/gz.csv", Reply(200, b"not gzip at all", {"Content-Encoding": "gzip"}), "ContentDecodingError"),
    ],
)
def test_requests_exceptions_become_acquisition_errors(loopback, fast_http, tmp_path, url, reply, reason):
    if reply is not None:
        loopback.routes.set(url, reply)
        url = loopback.url(url)
    with pytest.raises(AcquisitionError, match=reason) as info:
        fast_http.download(url, tmp_path, source_id="s", file_name="f.csv")
    assert (info.value.source_id, info.value.file) == ("s", "f.csv") and url in info.value.reason
    assert _tmp_leftovers(tmp_path) == []

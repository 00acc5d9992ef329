"""The real service on a free loopback port, over a release built by the real pipeline from ../shared/sources.

The served data folder's `releases/` holds a link to the built release, so a test can publish a "newer"
release (another link, renamed into place at once) and watch the service switch to it.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from fast_pipeline.screening.release_reader import release_path
from fast_pipeline.settings import Settings
from fast_pipeline_tests.screening.conftest import release_settings  # noqa: F401  (the package's built release)


@dataclass
class Running:
    url: str
    holder: object
    data: Path
    built: Path  # the real release folder the links point to

    def get(self, path: str, **kw) -> requests.Response:
        return requests.get(self.url + path, timeout=30, **kw)

    def post(self, path: str, **kw) -> requests.Response:
        return requests.post(self.url + path, timeout=30, **kw)

    def publish(self, version: str) -> None:
        """A new release appears whole: a link made beside, then renamed into releases/."""
        tmp = self.data / f".{version}.tmp"
        os.symlink(self.built, tmp)
        os.replace(tmp, self.data / "releases" / version)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(app) -> tuple[object, threading.Thread, str]:
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the service did not start")
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def _serve(tmp_path_factory, release_settings, api_key=None):  # noqa: F811
    from fast_pipeline.service.app import create_app
    from fast_pipeline.service.releases import ReleaseHolder

    built = release_path(release_settings)
    data = tmp_path_factory.mktemp("served")
    (data / "releases").mkdir()
    os.symlink(built, data / "releases" / built.name)
    settings = Settings(data_dir=data, duckdb_path=data / "warehouse.duckdb")
    holder = ReleaseHolder(settings, poll_seconds=0.2)
    holder.start()
    server, thread, url = start_server(create_app(holder, api_key))
    return Running(url, holder, data, built), server, thread


@pytest.fixture(scope="package")
def service(tmp_path_factory, release_settings):  # noqa: F811
    running, server, thread = _serve(tmp_path_factory, release_settings)
    yield running
    server.should_exit = True
    thread.join(timeout=10)
    running.holder.stop()


@pytest.fixture(scope="package")
def keyed_service(tmp_path_factory, release_settings):  # noqa: F811
    running, server, thread = _serve(tmp_path_factory, release_settings, api_key="s3cret-key")
    yield running
    server.should_exit = True
    thread.join(timeout=10)
    running.holder.stop()

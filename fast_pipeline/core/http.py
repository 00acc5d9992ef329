"""The one way the pipeline talks to publishers: timeouts, bounded retries, a size cap, a content check.

Downloads stream to a temporary file next to the archive, so a crash or a cut-off body never leaves a
partial file where a complete one is expected.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from fast_pipeline.core.errors import AcquisitionError, NotFoundError

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "fast-pipeline/0.1 (+https://github.com/fast-pipeline/fast-pipeline; open data research)"
KEPT_HEADERS = ("content-type", "content-length", "etag", "last-modified", "content-encoding", "date", "server")
RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class HttpSettings:
    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    retries: int = 3  # attempts after the first
    backoff: float = 1.0  # seconds, doubled at each retry
    max_bytes: int = 200 * 1024 * 1024


@dataclass
class Download:
    """A completed download, still in a temporary file until the archive takes it."""

    url: str
    status: int
    headers: dict[str, str]
    path: Path
    sha256: str
    size: int


@dataclass
class HttpClient:
    settings: HttpSettings = field(default_factory=HttpSettings)
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self.session.headers["User-Agent"] = self.settings.user_agent

    def _request(self, url: str, source_id: str, file_name: str) -> requests.Response:
        s = self.settings
        last: str = ""
        for attempt in range(s.retries + 1):
            if attempt:
                time.sleep(s.backoff * 2 ** (attempt - 1))
            try:
                resp = self.session.get(url, timeout=(s.connect_timeout, s.read_timeout), stream=True)
            except requests.Timeout:
                last = f"timed out after {s.connect_timeout:g}s connect / {s.read_timeout:g}s read ({url})"
                continue
            except requests.ConnectionError as exc:
                last = f"could not connect to {url}: {type(exc).__name__}"
                continue
            if resp.status_code in RETRY_STATUSES:
                last = f"HTTP {resp.status_code} from {url}"
                resp.close()
                continue
            if resp.status_code >= 400:
                resp.close()
                hint = (
                    " (the publisher refuses this client; see HttpSettings.user_agent)"
                    if resp.status_code == 403
                    else ""
                )
                error = NotFoundError if resp.status_code == 404 else AcquisitionError
                raise error(source_id, file_name, f"HTTP {resp.status_code} from {url}{hint}")
            return resp
        raise AcquisitionError(source_id, file_name, f"gave up after {s.retries + 1} attempts: {last}")

    def get_page(self, url: str, *, source_id: str) -> bytes:
        """A small page (landing page, listing) as bytes; BeautifulSoup sniffs its encoding."""
        name = url.rstrip("/").rsplit("/", 1)[-1] or url
        with tempfile.TemporaryDirectory() as tmp:
            dl = self.download(url, Path(tmp), source_id=source_id, file_name=name)
            return dl.path.read_bytes()

    def download(self, url: str, tmp_dir: Path, *, source_id: str, file_name: str) -> Download:
        """Stream `url` into a new temporary file under `tmp_dir`, hashing as it goes.

        Raises AcquisitionError on HTTP errors, on a body over the size cap, and on a body shorter than its
        Content-Length (a cut-off transfer); the temporary file is removed in every failure.
        """
        s = self.settings
        tmp_dir.mkdir(parents=True, exist_ok=True)
        resp = self._request(url, source_id, file_name)
        fd, tmp_name = tempfile.mkstemp(prefix=".download-", dir=tmp_dir)
        tmp = Path(tmp_name)
        digest = hashlib.sha256()
        size = 0
        try:
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > s.max_bytes:
                raise AcquisitionError(
                    source_id, file_name, f"{url} declares {int(declared):,} bytes, over the {s.max_bytes:,}-byte cap"
                )
            with os.fdopen(fd, "wb") as out:
                try:
                    for chunk in resp.iter_content(chunk_size=1 << 16):
                        size += len(chunk)
                        if size > s.max_bytes:
                            raise AcquisitionError(
                                source_id, file_name, f"{url} sent more than the {s.max_bytes:,}-byte cap"
                            )
                        digest.update(chunk)
                        out.write(chunk)
                except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError, requests.Timeout) as exc:
                    raise AcquisitionError(
                        source_id,
                        file_name,
                        f"transfer from {url} was cut off after {size:,} bytes ({type(exc).__name__})",
                    ) from exc
                out.flush()
                os.fsync(out.fileno())
            encoded = resp.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
            if declared and declared.isdigit() and not encoded and size < int(declared):
                raise AcquisitionError(
                    source_id, file_name, f"transfer from {url} was cut off: {size:,} of {int(declared):,} bytes"
                )
            headers = {k: v for k, v in resp.headers.items() if k.lower() in KEPT_HEADERS}
            return Download(
                url=resp.url, status=resp.status_code, headers=headers, path=tmp, sha256=digest.hexdigest(), size=size
            )
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        finally:
            resp.close()

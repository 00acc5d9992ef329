"""The one way the pipeline talks to publishers: timeouts, bounded retries, a size cap, a content check.

Downloads stream to a temporary file next to the archive, so a crash or a cut-off body never leaves a
partial file where a complete one is expected.

requests (and urllib3, through core.http_deadline) is imported when a client is made: settings, the
mirror path and a build that finds nothing new in a mirror use these names without making a request.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fast_pipeline.core.errors import AcquisitionError, NotFoundError

if TYPE_CHECKING:
    import requests

    from fast_pipeline.core.http_deadline import Deadline

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
    max_bytes: int = 200 * 1024 * 1024  # also the mirror's cap (core.acquire): one limit for both paths
    deadline: float = 300.0  # seconds for one whole download, retries included (core.http_deadline)


@dataclass
class Download:
    """A completed download, still in a temporary file until the archive takes it."""

    url: str
    status: int
    headers: dict[str, str]
    path: Path
    sha256: str
    size: int


def _new_session() -> requests.Session:
    import requests

    return requests.Session()


@dataclass
class HttpClient:
    settings: HttpSettings = field(default_factory=HttpSettings)
    session: requests.Session = field(default_factory=_new_session)

    def __post_init__(self) -> None:
        from fast_pipeline.core.http_deadline import DeadlineAdapter

        self.session.headers["User-Agent"] = self.settings.user_agent
        for prefix in ("http://", "https://"):
            self.session.mount(prefix, DeadlineAdapter())

    def _request(self, url: str, source_id: str, file_name: str, deadline: Deadline) -> requests.Response:
        import requests

        s = self.settings
        last: str = ""
        for attempt in range(s.retries + 1):
            if attempt:
                time.sleep(min(s.backoff * 2 ** (attempt - 1), deadline.remaining()))
            if deadline.expired or not deadline.remaining():
                break
            try:
                resp = self.session.get(url, timeout=(s.connect_timeout, s.read_timeout), stream=True)
            except requests.RequestException as exc:
                if deadline.expired:
                    break
                if isinstance(exc, requests.Timeout):
                    last = f"timed out after {s.connect_timeout:g}s connect / {s.read_timeout:g}s read ({url})"
                elif isinstance(exc, requests.ConnectionError):
                    last = f"could not connect to {url}: {type(exc).__name__}"
                else:  # InvalidSchema, TooManyRedirects, InvalidURL, ...: retrying cannot help
                    raise AcquisitionError(source_id, file_name, f"{url}: {_reason(exc)}") from None
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
        if deadline.expired or not deadline.remaining():
            raise AcquisitionError(source_id, file_name, _deadline_reason(s, url, "waiting for the response"))
        raise AcquisitionError(source_id, file_name, f"gave up after {s.retries + 1} attempts: {last}")

    def get_page(self, url: str, *, source_id: str) -> bytes:
        """A small page (landing page, listing) as bytes; BeautifulSoup sniffs its encoding."""
        name = url.rstrip("/").rsplit("/", 1)[-1] or url
        with tempfile.TemporaryDirectory() as tmp:
            dl = self.download(url, Path(tmp), source_id=source_id, file_name=name)
            return dl.path.read_bytes()

    def download(self, url: str, tmp_dir: Path, *, source_id: str, file_name: str) -> Download:
        """Stream `url` into a new temporary file under `tmp_dir`, hashing as it goes.

        Raises AcquisitionError on HTTP errors, on a body over the size cap, on a body shorter than its
        Content-Length (a cut-off transfer) and when the whole download outlasts `HttpSettings.deadline`;
        the temporary file is removed in every failure.
        """
        from fast_pipeline.core.http_deadline import Deadline

        tmp_dir.mkdir(parents=True, exist_ok=True)
        with Deadline(self.settings.deadline) as deadline:
            return self._download(url, tmp_dir, source_id, file_name, deadline)

    def _download(self, url: str, tmp_dir: Path, source_id: str, file_name: str, deadline: Deadline) -> Download:
        import requests

        s = self.settings
        resp = self._request(url, source_id, file_name, deadline)
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
                    if deadline.expired:
                        raise AcquisitionError(
                            source_id, file_name, _deadline_reason(s, url, f"after {size:,} bytes of the body")
                        ) from None
                    raise AcquisitionError(
                        source_id,
                        file_name,
                        f"transfer from {url} was cut off after {size:,} bytes ({type(exc).__name__})",
                    ) from None
                except requests.RequestException as exc:  # ContentDecodingError, ...
                    raise AcquisitionError(source_id, file_name, f"{url}: {_reason(exc)}") from None
                if deadline.expired:  # a body without Content-Length ends at the cut, looking complete
                    raise AcquisitionError(
                        source_id, file_name, _deadline_reason(s, url, f"after {size:,} bytes of the body")
                    )
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


def _reason(exc: Exception) -> str:
    """requests' exception as one line: its class and its first line of text."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _deadline_reason(s: HttpSettings, url: str, where: str) -> str:
    return f"{url} took longer than the {s.deadline:g}s download deadline ({where}; FAST_HTTP_DEADLINE)"

"""What the command line says about a failure that is not one of the pipeline's own errors.

The user sees one line (an OSError named by what it means: a full disk, a read-only directory, a missing
file); the full traceback goes to `data/logs/errors.log` (or, when the data directory itself cannot be
written, a file in the system's temporary directory), and the line says where.
"""

from __future__ import annotations

import errno
import os
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path

_OS_REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOENT: "no such file or directory",
}


def describe(exc: BaseException) -> str:
    """One line: for an OSError what happened and to which file; else the exception's type and text."""
    if isinstance(exc, OSError) and exc.errno in _OS_REASONS:
        where = exc.filename or ""
        return f"{_OS_REASONS[exc.errno]}" + (f" writing or reading {where}" if where else "")
    text = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _log_dir() -> Path:
    from fast_pipeline.settings import REPO_ROOT

    return Path(os.environ.get("FAST_DATA_DIR") or REPO_ROOT / "data").expanduser() / "logs"


def keep_traceback(exc: BaseException) -> Path:
    """Append the traceback to the errors log and return its path."""
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat()
    text = f"--- {stamp} pid {os.getpid()}\n" + "".join(traceback.format_exception(exc))
    for folder in (_log_dir(), Path(tempfile.gettempdir())):
        path = folder / ("errors.log" if folder.name == "logs" else f"fast-pipeline-errors-{os.getuid()}.log")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as log:
                log.write(text)
            return path
        except OSError:
            continue
    return Path("(nowhere: no writable log directory)")

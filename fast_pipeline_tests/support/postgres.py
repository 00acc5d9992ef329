"""A throwaway PostgreSQL cluster for tests: a real server, not a mock.

`initdb` into a fresh temporary directory, the server on 127.0.0.1 and a free port, its unix socket in that
directory, trust authentication, `fsync` off; stopped (immediate) and removed on `stop()`, or at interpreter
exit if nothing called it. PostgreSQL refuses to run as root, and CI runs as root: then every server command
runs as the `postgres` system user (which the Debian package creates) through `setpriv`, and the directory is
handed to that user.

`PostgresCluster.unavailable()` says why no cluster can be started here (binaries or user missing), so a
fixture can skip with that reason instead of passing silently.
"""

from __future__ import annotations

import atexit
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

PG_BIN = Path(os.environ.get("FAST_PG_BIN", "/usr/lib/postgresql/15/bin"))
SERVICE_USER = "postgres"  # who runs the server when the tests run as root
SUPERUSER = "postgres"  # the cluster's own superuser role (trust auth, no password)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _parent_dir() -> str:
    """Where the cluster's directory goes: $TMPDIR, unless the postgres user could not reach it (as root)."""
    parent = Path(tempfile.gettempdir()).resolve()
    if os.geteuid() != 0:
        return str(parent)
    reachable = all(p.stat().st_mode & 0o001 for p in (parent, *parent.parents))
    return str(parent) if reachable else "/tmp"


class PostgresCluster:
    """One server in its own directory. Use as a context manager, or `start()` then `stop()`."""

    def __init__(self, bin_dir: Path = PG_BIN):
        self.bin_dir = bin_dir
        self.root: Path | None = None
        self.port: int | None = None
        self._as_user: list[str] = []

    @staticmethod
    def unavailable(bin_dir: Path = PG_BIN) -> str | None:
        """Why a cluster cannot be started on this machine, or None when it can."""
        missing = [name for name in ("initdb", "pg_ctl", "postgres") if not (bin_dir / name).is_file()]
        if missing:
            return f"PostgreSQL binaries not found in {bin_dir} (missing {', '.join(missing)}; set FAST_PG_BIN)"
        if os.geteuid() == 0:
            try:
                pwd.getpwnam(SERVICE_USER)
            except KeyError:
                return f"running as root and there is no {SERVICE_USER!r} user to run PostgreSQL as"
            if shutil.which("setpriv") is None:
                return "running as root and `setpriv` (util-linux) is missing to drop to the postgres user"
        return None

    @property
    def data_dir(self) -> Path:
        assert self.root is not None, "cluster not started"
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        assert self.root is not None, "cluster not started"
        return self.root / "socket"

    def url(self, database: str = "postgres") -> str:
        """A libpq/SQLAlchemy URL over TCP on loopback."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def start(self) -> PostgresCluster:
        reason = self.unavailable(self.bin_dir)
        if reason:
            raise RuntimeError(reason)
        self.root = Path(tempfile.mkdtemp(prefix="fast-pg-", dir=_parent_dir()))
        atexit.register(self.stop)  # pg_ctl detaches the server: stop it even if no fixture teardown runs
        self.socket_dir.mkdir()
        if os.geteuid() == 0:
            user = pwd.getpwnam(SERVICE_USER)
            for path in (self.root, self.socket_dir):
                os.chown(path, user.pw_uid, user.pw_gid)
            self._as_user = ["setpriv", f"--reuid={SERVICE_USER}", f"--regid={SERVICE_USER}", "--init-groups"]
        self._run(
            "initdb", "-D", str(self.data_dir), f"--username={SUPERUSER}", "--auth=trust",
            "--encoding=UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        last_error = ""
        for _ in range(3):  # the free port may be taken between asking and listening: try another
            self.port = _free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.socket_dir} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
            )
            log = self.root / "server.log"
            try:
                self._run("pg_ctl", "start", "-D", str(self.data_dir), "-w", "-t", "60", "-o", options, "-l", str(log))
                return self
            except RuntimeError as exc:
                last_error = f"{exc}\n{log.read_text(errors='replace') if log.exists() else ''}"
        self.stop()
        raise RuntimeError(f"PostgreSQL did not start: {last_error}")

    def stop(self) -> None:
        if self.root is None:
            return
        if (self.data_dir / "postmaster.pid").exists():
            subprocess.run(
                [*self._as_user, str(self.bin_dir / "pg_ctl"), "stop", "-D", str(self.data_dir), "-m", "immediate"],
                capture_output=True,
                cwd=self.root,
                check=False,
            )
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None
        atexit.unregister(self.stop)

    def create_database(self) -> str:
        """A fresh, empty database; its URL. Each test gets its own, so tests never see each other's rows."""
        import psycopg2

        name = f"t_{uuid.uuid4().hex[:12]}"
        conn = psycopg2.connect(self.url())
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()
        return self.url(name)

    def _run(self, program: str, *args: str) -> None:
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        done = subprocess.run(
            [*self._as_user, str(self.bin_dir / program), *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=self.root,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{program} exited {done.returncode}: {done.stderr.strip() or done.stdout.strip()}")

    def __enter__(self) -> PostgresCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

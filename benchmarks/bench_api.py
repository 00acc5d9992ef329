"""The HTTP service under load, on loopback, over a real release:

    python benchmarks/bench_api.py [--data DIR] [--seconds 30] [--clients 16] [--workers N]

Starts `fast-pipeline serve` (the real CLI, its own process) on a free loopback port over the newest release of
DIR (a data directory holding one; without --data, one is built from ../shared/sources first). Then, each phase
with the same number of concurrent clients (keep-alive connections, one per client):
- baseline: `GET /healthz` (the HTTP round trip with no engine work), the yardstick the others are divided by;
- single: `POST /match/default` with one query per request, for --seconds;
- batch: the same with 100 queries per request, for --seconds.
Queries are drawn from the release as customers write them (benchmarks/screening_queries.py). A third of the
way into each engine phase a newer release is published (a link renamed into releases/, as the hot-switch test does);
the run checks that the service switched to it and that no request failed across the switch.
Prints p50, p95, p99 latency, requests/s and errors per phase, and each figure's ratio to the baseline.
Target: single-query p95 <= 25 ms on 2 cores, zero errors. Exits 1 when a request failed or no switch happened.
Re-runs itself with the project's .venv/bin/python.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from common import REPO, VENV_BIN, in_project_venv

BATCH = 100


def _built_data(data: str | None, work: Path) -> Path:
    if data:
        return Path(data).resolve()
    built = work / "built"
    env = {**os.environ, "FAST_DATA_DIR": str(built), "FAST_SOURCE_MIRROR": str(REPO.parent / "shared" / "sources")}
    print(f"building a release into {built} (no --data given)", file=sys.stderr)
    subprocess.run([str(VENV_BIN / "fast-pipeline"), "build"], env=env, check=True, stdout=subprocess.DEVNULL)
    return built


def _payloads(release: Path, n: int, seed: int = 7) -> list[dict]:
    """yente-shaped queries: listed names as written, tax IDs alone, names on no list, namesakes."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from screening_queries import labelled_queries

    from fast_pipeline.screening.engine import Screener
    from fast_pipeline.screening.release_reader import load_release

    out = []
    for item in labelled_queries(Screener(load_release(release)), per_category=max(1, n // 5), seed=seed):
        q = item.query
        props: dict[str, list[str]] = {}
        if q.name:
            props["name"] = [q.name]
        if q.country:
            props["country"] = [q.country.lower()]
        if q.tax_id:
            props["taxNumber"] = [q.tax_id.value]
        schema = {"person": "Person", "company": "Company"}.get(q.kind or "", "LegalEntity")
        out.append({"schema": schema, "properties": props})
    random.Random(seed).shuffle(out)
    return out


def _later_versions(version: str) -> tuple[str, str]:
    """The next two release versions after `version` (2026.08.03 -> 2026.08.03.2, 2026.08.03.3)."""
    from fast_pipeline.release.version import label, parse

    day, number = parse(version)
    return label(day, number + 1), label(day, number + 2)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stat(pid: int) -> list[int]:
    """/proc/PID/stat after the command name: [state, ppid, ..., utime (11), stime (12), ...] as numbers."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return [0, *map(int, fields[1:])]


class Server:
    """`fast-pipeline serve` over a served data dir whose releases/ holds links to the built release."""

    def __init__(self, built_release: Path, work: Path, workers: int):
        self.built, self.data, self.port = built_release, work / "served", _free_port()
        (self.data / "releases").mkdir(parents=True)
        os.symlink(built_release, self.data / "releases" / built_release.name)
        env = {**os.environ, "FAST_DATA_DIR": str(self.data), "FAST_DUCKDB_PATH": str(self.data / "warehouse.duckdb")}
        cmd = [str(VENV_BIN / "fast-pipeline"), "serve", "--port", str(self.port), "--poll", "0.5"]
        if workers > 1:
            cmd += ["--workers", str(workers)]
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while True:
            try:
                status, _ = self.get("/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("bench_api: the service did not start")
            time.sleep(0.2)

    def get(self, path: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    def served_version(self) -> str:
        return json.loads(self.get("/-/release")[1])["version"]

    def publish(self, version: str) -> None:
        """A newer release appears whole: a link made beside, then renamed into releases/."""
        tmp = self.data / f".{version}.tmp"
        os.symlink(self.built, tmp)
        os.replace(tmp, self.data / "releases" / version)

    def cpu_seconds(self) -> float | None:
        """CPU time the server has used so far (its process and its workers), from /proc; None elsewhere."""
        try:
            pids = [self.proc.pid] + [
                int(d) for d in os.listdir("/proc") if d.isdigit() and _stat(int(d))[1] == self.proc.pid
            ]
            return sum(sum(_stat(pid)[11:13]) for pid in pids) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return None

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    finished: list[float] = field(default_factory=list)  # when each of them ended (perf_counter)
    errors: dict[str, int] = field(default_factory=dict)
    first_seen: dict[str, float] = field(default_factory=dict)  # release -> when an answer first came from it
    published_at: float | None = None
    server_cpu: float | None = None  # CPU seconds the server used during the phase
    seconds: float = 0.0

    @property
    def releases(self) -> set[str]:
        return set(self.first_seen)

    def switch_seconds(self, version: str) -> float | None:
        """From publishing `version` to the first answer from it."""
        seen = self.first_seen.get(version)
        return None if seen is None or self.published_at is None else seen - self.published_at

    def pct(self, q: float, before: float | None = None) -> float:
        """The q-quantile in ms, of every request or of those that ended before `before`."""
        values = sorted(x for x, end in zip(self.latencies, self.finished) if before is None or end < before)
        return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else float("nan")

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def _release_of(body: bytes) -> str | None:
    """The `release` the service answered from (the last key of every body), without parsing the whole body."""
    at = body.rfind(b'"release":"')
    return body[at + 11 : body.index(b'"', at + 11)].decode() if at >= 0 else None


def _client(port: int, requests_, offset: int, stride: int, deadline: float, out: dict, lock) -> None:
    """One client: one keep-alive connection, cycling through `requests_` (method, path, body) until `deadline`."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies: list[float] = []
    ends: list[float] = []
    seen: dict[str, float] = {}
    errors: dict[str, int] = {}
    i = offset
    while time.perf_counter() < deadline:
        method, path, body = requests_[i % len(requests_)]
        i += stride
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
            r = conn.getresponse()
            data = r.read()
            ended = time.perf_counter()
            if r.status == 200:
                latencies.append(ended - started)
                ends.append(ended)
                release = _release_of(data) or "?"
                if release not in seen:
                    seen[release] = ended
            else:
                errors[f"HTTP {r.status}"] = errors.get(f"HTTP {r.status}", 0) + 1
        except (OSError, http.client.HTTPException) as exc:  # refused, reset, dropped: a failed request
            errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.close()
    with lock:
        out["latencies"].extend(latencies)
        out["finished"].extend(ends)
        for release, at in seen.items():
            out["first_seen"][release] = min(at, out["first_seen"].get(release, at))
        for k, v in errors.items():
            out["errors"][k] = out["errors"].get(k, 0) + v


def _client_process(port: int, requests_, offsets: list[int], stride: int, deadline: float, results) -> None:
    """A few clients as threads of one process (one Python process alone could not keep 16 connections busy)."""
    out: dict = {"latencies": [], "finished": [], "first_seen": {}, "errors": {}}
    lock = threading.Lock()
    threads = [
        threading.Thread(target=_client, args=(port, requests_, n, stride, deadline, out, lock)) for n in offsets
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results.put(out)


def run_phase(
    server: Server, phase: Phase, requests_, clients: int, seconds: float, switch_to: str | None, processes: int
) -> Phase:
    """`clients` concurrent clients spread over `processes` processes (forked: they share `requests_`);
    perf_counter is the system's monotonic clock, so their timestamps compare."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    cpu_before = server.cpu_seconds()
    started = time.perf_counter()
    deadline = started + seconds
    procs = [
        context.Process(
            target=_client_process,
            args=(server.port, requests_, list(range(k, clients, processes)), clients, deadline, results),
        )
        for k in range(min(processes, clients))
    ]
    for proc in procs:
        proc.start()
    if switch_to is not None:  # a third of the way in: loading the new release beside the old one takes a while
        time.sleep(seconds / 3)
        phase.published_at = time.perf_counter()
        server.publish(switch_to)
    for _ in procs:
        out = results.get(timeout=seconds + 120)
        phase.latencies.extend(out["latencies"])
        phase.finished.extend(out["finished"])
        for release, at in out["first_seen"].items():
            phase.first_seen[release] = min(at, phase.first_seen.get(release, at))
        for k, v in out["errors"].items():
            phase.errors[k] = phase.errors.get(k, 0) + v
    for proc in procs:
        proc.join()
    phase.seconds = time.perf_counter() - started
    cpu_after = server.cpu_seconds()
    if cpu_before is not None and cpu_after is not None:
        phase.server_cpu = cpu_after - cpu_before
    return phase


def _match_requests(payloads: list[dict], per_request: int) -> list[tuple[str, str, bytes]]:
    out = []
    for start in range(0, len(payloads), per_request):
        chunk = payloads[start : start + per_request]
        if len(chunk) < per_request:
            break
        body = {"queries": {f"q{start + n}": q for n, q in enumerate(chunk)}}
        out.append(("POST", "/match/default", json.dumps(body).encode()))
    return out


def _report(phases: list[Phase], base: Phase, per_request: dict[str, int]) -> None:
    print(
        f"{'phase':<22}{'requests':>9}{'req/s':>9}{'q/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'server CPU ms/req':>19}"
    )
    for p in phases:
        qps = p.rate * per_request.get(p.name, 1)
        cpu = p.server_cpu * 1000 / len(p.latencies) if p.server_cpu is not None and p.latencies else float("nan")
        print(
            f"{p.name:<22}{len(p.latencies):>9}{p.rate:>9.1f}{qps:>9.1f}"
            f"{p.pct(0.50):>9.2f}{p.pct(0.95):>9.2f}{p.pct(0.99):>9.2f}{p.error_count:>8}{cpu:>19.2f}"
        )
        if p.published_at is not None:  # the same phase before its release switch (loading one costs CPU)
            before = sum(end < p.published_at for end in p.finished)
            print(
                f"{'  before the switch':<22}{before:>9}{'':>18}{p.pct(0.50, p.published_at):>9.2f}"
                f"{p.pct(0.95, p.published_at):>9.2f}{p.pct(0.99, p.published_at):>9.2f}"
            )
    print(f"\nratios to the baseline ({base.name}):")
    for p in phases:
        if p is base:
            continue
        print(
            f"  {p.name:<20} p50 x{p.pct(0.5) / base.pct(0.5):.1f}  p95 x{p.pct(0.95) / base.pct(0.95):.1f}"
            f"  p99 x{p.pct(0.99) / base.pct(0.99):.1f}  req/s x{p.rate / base.rate:.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="a data directory holding a release (default: build one first)")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each engine phase (default 30)")
    parser.add_argument("--baseline-seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--client-processes", type=int, default=4, help="processes the clients are spread over")
    parser.add_argument("--workers", type=int, default=1, help="`serve --workers` (default 1)")
    parser.add_argument("--queries", type=int, default=3000, help="distinct queries drawn from the release")
    args = parser.parse_args(argv)
    in_project_venv()
    sys.path.insert(0, str(REPO))
    from fast_pipeline.screening.release_reader import release_path
    from fast_pipeline.settings import Settings

    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        work = Path(tmp)
        data = _built_data(args.data, work)
        built = release_path(Settings(data_dir=data, duckdb_path=data / "warehouse.duckdb")).resolve()
        payloads = _payloads(built, args.queries)
        singles = _match_requests(payloads, 1)
        batches = _match_requests(payloads * (1 + BATCH * 20 // len(payloads)), BATCH)
        print(
            f"release {built.name}: {len(singles)} distinct queries; "
            f"{args.clients} clients in {args.client_processes} processes; "
            f"{args.workers} server worker(s); {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
            "(this client and whatever else runs on the machine share them)",
            flush=True,
        )
        server = Server(built, work, args.workers)
        try:
            first = server.served_version()
            second, third = _later_versions(first)
            load = partial(run_phase, server, clients=args.clients, processes=args.client_processes)
            load(Phase("warm-up"), singles, seconds=3.0, switch_to=None)
            base = load(
                Phase("GET /healthz"), [("GET", "/healthz", b"")], seconds=args.baseline_seconds, switch_to=None
            )
            single = load(Phase("match, 1 query"), singles, seconds=args.seconds, switch_to=second)
            batch = load(Phase(f"match, {BATCH} queries"), batches, seconds=args.seconds, switch_to=third)
            last = {server.served_version() for _ in range(4 * args.workers)}  # new connections: every worker
        finally:
            server.stop()
    phases = [base, single, batch]
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    _report(phases, base, {batch.name: BATCH})
    switched = single.releases == {first, second} and batch.releases == {second, third} and last == {third}
    errors = sum(p.error_count for p in phases)
    print(f"\nrelease switches during the load, {first} -> {second} -> {third}: {'seen' if switched else 'NOT seen'}"
          f" (answers came from {sorted(single.releases | batch.releases)})")  # fmt: skip
    for p, version in ((single, second), (batch, third)):
        took = p.switch_seconds(version)
        print(
            f"  {p.name}: first answer from {version} {'never' if took is None else f'{took:.1f} s after publishing'}"
        )
    print(f"errors: {errors} {({k: v for p in phases for k, v in p.errors.items()}) or ''}".rstrip())
    print(f"target single-query p95 <= 25 ms: {'met' if single.pct(0.95) <= 25 else 'NOT met'} "
          f"({single.pct(0.95):.1f} ms)")  # fmt: skip
    return 0 if switched and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

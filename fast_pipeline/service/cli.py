"""`fast-pipeline serve`: argument parsing and the loopback / API-key rule; the app is in `app`."""

from __future__ import annotations

import ipaddress
import os
import socket

from fast_pipeline.core.errors import PipelineError
from fast_pipeline.settings import Settings

API_KEY_ENV = "FAST_API_KEY"
# how `serve --workers N` tells each worker process what its app serves (uvicorn imports the app factory anew)
_RELEASE_ENV, _POLL_ENV = "FAST_SERVE_RELEASE", "FAST_SERVE_POLL"


class ServeError(PipelineError):
    def __init__(self, reason: str):
        super().__init__("serve", None, reason)


def add_command(sub, func) -> None:
    s = sub.add_parser("serve", help="the HTTP service: yente-compatible /match, search, party pages, web page")
    s.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1, loopback only)")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--release", metavar="VERSION", help="serve this release only (default: the newest, switched)")
    s.add_argument("--poll", type=float, default=5.0, metavar="SECONDS", help="how often to look for a new release")
    s.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="server processes, each with the release loaded (default 1; one per core to use every core)",
    )
    s.set_defaults(func=func)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return all(ipaddress.ip_address(a[4][0]).is_loopback for a in socket.getaddrinfo(host, None))
        except OSError:
            return False


def api_key_for(host: str) -> str | None:
    """The key every request must carry: FAST_API_KEY when set; a non-loopback host refuses to start without."""
    key = os.environ.get(API_KEY_ENV) or None
    if key is None and not is_loopback(host):
        raise ServeError(f"{host} is not a loopback address: set {API_KEY_ENV} so every request needs a key")
    return key


def app_from_env():
    """The app of one `serve --workers N` worker process: its own release holder, polling on its own."""
    from fast_pipeline.service.app import create_app
    from fast_pipeline.service.releases import ReleaseHolder

    holder = ReleaseHolder(Settings.from_env(), os.environ.get(_RELEASE_ENV) or None, float(os.environ[_POLL_ENV]))
    holder.start()
    return create_app(holder, os.environ.get(API_KEY_ENV) or None)


def serve(args, settings: Settings) -> int:
    import uvicorn

    from fast_pipeline.service.app import create_app
    from fast_pipeline.service.releases import ReleaseHolder

    key = api_key_for(args.host)
    if args.workers < 1:
        raise ServeError(f"--workers {args.workers}: at least 1")
    if args.workers > 1:
        from fast_pipeline.screening.release_reader import release_path

        served = release_path(settings, args.release)  # a missing release stops here, in one line
        os.environ.update({_RELEASE_ENV: args.release or "", _POLL_ENV: str(args.poll)})
        print(f"serving release {served.name} on http://{args.host}:{args.port} ({args.workers} workers)", flush=True)
        uvicorn.run(
            "fast_pipeline.service.cli:app_from_env",
            factory=True,
            workers=args.workers,
            host=args.host,
            port=args.port,
            log_level="warning",
            access_log=False,
        )
        return 0
    holder = ReleaseHolder(settings, args.release, poll_seconds=args.poll)
    holder.start()
    print(f"serving release {holder.current.version} on http://{args.host}:{args.port}", flush=True)
    try:
        uvicorn.run(create_app(holder, key), host=args.host, port=args.port, log_level="warning", access_log=False)
    finally:
        holder.stop()
    return 0

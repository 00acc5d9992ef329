"""`fast-pipeline serve`: argument parsing and the loopback / API-key rule; the app is in `app`."""

from __future__ import annotations

import ipaddress
import os
import socket

from fast_pipeline.core.errors import PipelineError
from fast_pipeline.settings import Settings

API_KEY_ENV = "FAST_API_KEY"


class ServeError(PipelineError):
    def __init__(self, reason: str):
        super().__init__("serve", None, reason)


def add_command(sub, func) -> None:
    s = sub.add_parser("serve", help="the HTTP service: yente-compatible /match, search, party pages, web page")
    s.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1, loopback only)")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--release", metavar="VERSION", help="serve this release only (default: the newest, switched)")
    s.add_argument("--poll", type=float, default=5.0, metavar="SECONDS", help="how often to look for a new release")
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


def serve(args, settings: Settings) -> int:
    import uvicorn

    from fast_pipeline.service.app import create_app
    from fast_pipeline.service.releases import ReleaseHolder

    key = api_key_for(args.host)
    holder = ReleaseHolder(settings, args.release, poll_seconds=args.poll)
    holder.start()
    print(f"serving release {holder.current.version} on http://{args.host}:{args.port}", flush=True)
    try:
        uvicorn.run(create_app(holder, key), host=args.host, port=args.port, log_level="warning")
    finally:
        holder.stop()
    return 0

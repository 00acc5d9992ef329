"""A loopback HTTP server for tests: serves real saved files and scripted publisher misbehaviour.

Only binds 127.0.0.1 on a free port; every request loop in tests is bounded.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (for timeouts)
    cut_after: int | None = None  # send only this many bytes of the body, then drop the connection
    no_length: bool = False  # omit Content-Length: the body runs until the connection closes
    drip: float = 0.0  # seconds between single bytes of the body (a server that never quite stalls)
    drip_headers: bool = False  # drip the status line and headers too, not only the body


class Routes:
    """path -> a Reply, or a list of Replies served in turn (the last one repeats)."""

    def __init__(self):
        self.table: dict[str, list[Reply]] = {}
        self.hits: dict[str, int] = {}
        self.user_agents: list[str] = []

    def set(self, path: str, *replies: Reply) -> None:
        self.table[path] = list(replies)

    def next(self, path: str) -> Reply | None:
        replies = self.table.get(path)
        if not replies:
            return None
        n = self.hits.get(path, 0)
        self.hits[path] = n + 1
        return replies[min(n, len(replies) - 1)]


def _handler(routes: Routes):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output clean
            pass

        def do_GET(self):
            routes.user_agents.append(self.headers.get("User-Agent", ""))
            reply = routes.next(self.path.split("?")[0])
            if reply is None:
                reply = Reply(404, b"<html><body>Not Found</body></html>", {"Content-Type": "text/html"})
            if reply.delay:
                time.sleep(reply.delay)
            if reply.drip:
                self._drip(reply)
                return
            self.send_response(reply.status)
            headers = (
                dict(reply.headers) if reply.no_length else {"Content-Length": str(len(reply.body)), **reply.headers}
            )
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            body = reply.body if reply.cut_after is None else reply.body[: reply.cut_after]
            try:
                self.wfile.write(body)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass
            if reply.cut_after is not None or reply.no_length:
                self.close_connection = True

        def _drip(self, reply: Reply) -> None:
            """One byte, then a pause, until the client gives up (or the reply is all sent)."""
            self.close_connection = True
            length = "" if reply.no_length else f"Content-Length: {len(reply.body)}\r\n"
            head = f"HTTP/1.1 {reply.status} OK\r\n{length}"
            head += "".join(f"{k}: {v}\r\n" for k, v in reply.headers.items()) + "\r\n"
            if not reply.drip_headers:
                self.wfile.write(head.encode())
                self.wfile.flush()
            data = (head.encode() if reply.drip_headers else b"") + reply.body
            try:
                for i in range(len(data)):
                    self.wfile.write(data[i : i + 1])
                    self.wfile.flush()
                    time.sleep(reply.drip)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


class LoopbackServer:
    def __init__(self):
        self.routes = Routes()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.routes))
        self.httpd.daemon_threads = True
        # shutdown() waits for the serving loop's next poll: at the default half second, every test that
        # used the server spent that much in its teardown
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> LoopbackServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

"""Stands in for HttpClient in discovery tests: serves one page, and checks it is asked for the right URL
by the right source. (The real HttpClient is tested against a loopback server in core/test_http.py.)"""

from __future__ import annotations


class PageServer:
    def __init__(self, page: str, *, url: str, source_id: str):
        self.page = page.encode("utf-8")
        self.url = url
        self.source_id = source_id

    def get_page(self, url: str, *, source_id: str) -> bytes:
        assert (url, source_id) == (self.url, self.source_id)
        return self.page

"""The NBIM page served from a loopback server: the real HttpClient, discovery and archive."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fast_pipeline.core.acquire import acquire
from fast_pipeline.core.archive import Archive
from fast_pipeline.core.parsing import parse_edition
from fast_pipeline.sources.no_nbim_exclusions import SOURCE
from fast_pipeline_tests.sources.no_nbim_exclusions import pages
from fast_pipeline_tests.support.http_server import Reply

PATH = "/en/responsible-investment/ethical-exclusions/exclusion-of-companies/"
HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def nbim(loopback, monkeypatch):
    monkeypatch.setattr(SOURCE, "metadata", replace(SOURCE.metadata, landing_url=loopback.url(PATH)))
    return loopback


def test_fetches_archives_and_parses_the_page(nbim, fast_http, tmp_path):
    nbim.routes.set(PATH, Reply(200, pages.page(pages.EDITION_2021, token="a"), HTML))
    archive = Archive(tmp_path / "archive")
    first = acquire(SOURCE, archive, http=fast_http)
    assert first.ok, first.error
    assert len(first.new_editions) == 1
    files = archive.source_files(SOURCE.source_id, first.new_editions[0])
    assert [f.url for f in files] == [nbim.url(PATH)]
    parsed, _ = parse_edition(SOURCE, files, tmp_path / "cache")
    assert sorted(parsed["company"]) == sorted(row[0] for row in pages.EDITION_2021)
    assert all(ua.startswith("fast-pipeline/") for ua in nbim.routes.user_agents)

    # the same table in a page whose token changed is the same edition; a changed table is a new one
    nbim.routes.set(PATH, Reply(200, pages.page(pages.EDITION_2021, token="b"), HTML))
    again = acquire(SOURCE, archive, http=fast_http)
    assert again.ok and again.new_editions == [] and again.known_editions == first.new_editions
    nbim.routes.set(PATH, Reply(200, pages.page(pages.EDITION_2022, token="c"), HTML))
    changed = acquire(SOURCE, archive, http=fast_http)
    assert changed.ok and len(changed.new_editions) == 1


def test_an_error_page_is_not_archived(nbim, fast_http, tmp_path):
    nbim.routes.set(PATH, Reply(503, b"<html>maintenance</html>", HTML))
    result = acquire(SOURCE, archive := Archive(tmp_path / "archive"), http=fast_http)
    assert not result.ok and "HTTP 503" in result.error.message
    assert archive.editions(SOURCE.source_id) == {}

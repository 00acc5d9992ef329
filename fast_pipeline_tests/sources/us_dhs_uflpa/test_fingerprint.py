"""The page's content fingerprint decides what is a new edition: it must see a change of legal basis."""

from __future__ import annotations

from dataclasses import replace

from bs4 import BeautifulSoup

from fast_pipeline.core.acquire import acquire
from fast_pipeline.core.archive import Archive
from fast_pipeline.sources.us_dhs_uflpa import SOURCE
from fast_pipeline_tests.sources.us_dhs_uflpa.synthetic import page, section, write
from fast_pipeline_tests.support.http_server import Reply

JAN = "January 15, 2025"
A = ("Alpha Textile Co., Ltd.", JAN)
B = ("Beta Cotton Co., Ltd.", JAN)


def _tables_text(html: str) -> str:
    soup = BeautifulSoup(html, "lxml")
    return "\n".join(t.get_text(" ", strip=True) for t in soup.find_all("table"))


def _fingerprint(tmp_path, html: str, name: str) -> str:
    return SOURCE.content_fingerprint(write(tmp_path, html, name=name))


def test_moving_an_entity_between_sections_changes_the_fingerprint(tmp_path):
    before = page(section("i", [A]), section("v", [B]))
    moved = page(section("v", [A]), section("i", [B]))  # A now listed under (v), B under (i)
    assert _tables_text(before) == _tables_text(moved)  # what the fingerprint used to hash
    assert _fingerprint(tmp_path, before, "a.html") != _fingerprint(tmp_path, moved, "b.html")
    one = page(section("i", [A, B]))
    assert _fingerprint(tmp_path, one, "c.html") != _fingerprint(tmp_path, one.replace("(B)(i)", "(B)(ii)"), "d.html")


def test_a_new_form_token_still_keeps_the_fingerprint(tmp_path):
    html = page(section("i", [A, B]))
    token = html.replace("</body>", '<input type="hidden" name="form_build_id" value="form-x9"></body>')
    assert _fingerprint(tmp_path, html, "a.html") == _fingerprint(tmp_path, token, "b.html")


def test_a_section_move_is_a_new_edition_over_http(loopback, fast_http, tmp_path, monkeypatch):
    monkeypatch.setattr(SOURCE, "metadata", replace(SOURCE.metadata, landing_url=loopback.url("/uflpa")))
    archive = Archive(tmp_path / "archive")
    loopback.routes.set("/uflpa", Reply(200, page(section("i", [A]), section("v", [B])).encode()))
    assert acquire(SOURCE, archive, http=fast_http).new_editions == ["2025-01-14"]
    loopback.routes.set("/uflpa", Reply(200, page(section("v", [A]), section("i", [B])).encode()))
    second = acquire(SOURCE, archive, http=fast_http)
    assert second.ok, second.error
    assert len(second.new_editions) == 1 and second.new_editions[0].startswith("2025-01-14_")


def test_an_edition_archived_under_the_older_fingerprint_is_still_known(tmp_path):
    """Archives made before section headings were fingerprinted: the same bytes stay the same edition."""
    import json

    mirror = tmp_path / "mirror" / "us_dhs_uflpa" / "2025-01-14_html"
    mirror.mkdir(parents=True)
    (mirror / "uflpa-entity-list.html").write_text(page(section("i", [A])), encoding="utf-8")
    archive = Archive(tmp_path / "archive")
    assert acquire(SOURCE, archive, mirror=tmp_path / "mirror").new_editions == ["2025-01-14_html"]
    rows = [json.loads(line) for line in archive.manifest_path.read_text().splitlines()]
    archive.manifest_path.write_text("".join(json.dumps({**r, "fingerprint": "0" * 64}) + "\n" for r in rows))
    again = acquire(SOURCE, archive, mirror=tmp_path / "mirror")
    assert again.ok, again.error
    assert again.new_editions == [] and again.known_editions == ["2025-01-14_html"]

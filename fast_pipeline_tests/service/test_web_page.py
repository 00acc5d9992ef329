"""The analysts' page in a real headless Chromium (Debian's chromium and chromedriver, through Selenium):
search for a listed party, open its page and its timeline, upload a CSV and download the screened file.

The screenshots are the test's artefacts: kept in its tmp folder (pytest keeps the last three runs), whose path
the test prints and records as the `screenshots` property of the JUnit report.
"""

from __future__ import annotations

import csv
import io
import shutil
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or (
    "/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None
)

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)",
)


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(arg)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads)})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    yield driver
    driver.quit()


def _wait(what, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the page")


def _listed_party(service) -> dict:
    """A UFLPA company with a name of its own (no other party has it), so the search's first result is it."""
    parties = pq.read_table(service.built / "parties.parquet").to_pylist()
    names = [p["party_name"] for p in parties]
    return next(
        p
        for p in parties
        if p["source_ids"] == ["us_dhs_uflpa"] and p["party_kind"] == "company" and names.count(p["party_name"]) == 1
    )


def test_search_open_party_and_screen_a_file(service, browser, tmp_path, record_property):
    from selenium.webdriver.common.by import By

    print(f"screenshots in {tmp_path}")
    record_property("screenshots", str(tmp_path))
    party = _listed_party(service)
    browser.get(service.url + "/")
    _wait(lambda: "release" in browser.find_element(By.ID, "release").text)
    browser.find_element(By.ID, "q").send_keys(party["party_name"])
    browser.find_element(By.CSS_SELECTOR, "#search-form button").click()
    link = _wait(lambda: [a for a in browser.find_elements(By.CSS_SELECTOR, "a.party-link") if a.text])[0]
    assert link.text == party["party_name"]
    browser.save_screenshot(str(tmp_path / "search.png"))

    link.click()
    _wait(lambda: browser.find_element(By.ID, "party-name").text == party["party_name"])
    assert browser.current_url.endswith(f"#party/{party['party_id']}")
    events = _wait(lambda: browser.find_elements(By.CSS_SELECTOR, "#timeline li"))
    assert len(events) == len(party["action_ids"])
    assert all("us_dhs_uflpa: entity_list_designation" in e.text for e in events), [e.text for e in events]
    browser.save_screenshot(str(tmp_path / "party.png"))

    clients = tmp_path / "clients.csv"
    with clients.open("w", newline="", encoding="utf-8") as out:  # quoted: listed names hold commas
        csv.writer(out).writerows([("id", "name"), ("c1", party["party_name"]), ("c2", "Nobody Listed Trading Co")])
    browser.find_element(By.ID, "file").send_keys(str(clients))
    browser.find_element(By.CSS_SELECTOR, "#upload-form button").click()
    done = _wait(lambda: [f for f in browser.downloads.glob("*.csv") if f.stat().st_size])[0]
    browser.save_screenshot(str(tmp_path / "upload.png"))
    assert done.name == "clients.screened.csv"
    rows = list(csv.DictReader(io.StringIO(done.read_text(encoding="utf-8-sig"))))
    listed = [r for r in rows if r["query_id"] == "c1" and r["is_match"] == "true"]
    assert [r["party_id"] for r in listed] == [party["party_id"]], rows
    assert listed[0]["sources"] == "us_dhs_uflpa" and listed[0]["name"] == party["party_name"]
    assert not any(r["is_match"] == "true" for r in rows if r["query_id"] == "c2"), rows
    for shot in ("search.png", "party.png", "upload.png"):
        assert (tmp_path / shot).stat().st_size > 1000, shot

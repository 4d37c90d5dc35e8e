"""The Datasette pages in a real browser: `ledger serve` on a free port, driven in Debian's
headless Chromium through selenium (Playwright's own browser download fails here).

Needs /usr/bin/chromium and /usr/bin/chromedriver (`apt-get install chromium chromium-driver`,
which .ci/run does). Without them the module skips, unless LEDGER_REQUIRE_BROWSER=1 (set by
.ci/run) makes that a failure. Screenshots go to LEDGER_SCREENSHOTS (docs/ for the README)
or to a temporary folder.
"""
from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from ledger.cli import cli

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
try:
    import selenium  # noqa: F401
    MISSING = None if CHROMIUM and CHROMEDRIVER else "Chromium or ChromeDriver is not installed"
except ImportError:
    MISSING = "selenium is not installed (pip install -e '.[test]')"

if MISSING and os.environ.get("LEDGER_REQUIRE_BROWSER") == "1":
    pytest.fail(f"browser tests are required here: {MISSING}", pytrace=False)
pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"{MISSING} (apt-get install chromium chromium-driver)")

XSS_ARTICLE = ('<script>window.pwned = 1</script>Markup test\n'
               'The minister said "<b>we</b> will <img src=x onerror="window.pwned=2">never give up" on Monday.')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db: Path):
    """`ledger serve DB` as a real process on 127.0.0.1; returns (process, base URL)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", "from ledger.cli import cli; cli()", "serve", str(db),
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            with urllib.request.urlopen(base + "/-/versions.json", timeout=1):
                return proc, base
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"ledger serve exited: {proc.stdout.read().decode()}")
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("ledger serve did not answer within 30 s")


@pytest.fixture(scope="module")
def ledger_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("served") / "ledger.db"
    result = CliRunner().invoke(cli, ["ingest", str(db), str(ROOT / "seeds")])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="module")
def site(ledger_db):
    proc, base = serve(ledger_db)
    yield base
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # Flags that keep Chromium off the (closed) network and working as root in a container.
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1280,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = Path(os.environ.get("LEDGER_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def flake_claim(db: Path) -> dict:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return dict(conn.execute("select * from claims where speaker = 'Jeff Flake' and kind = 'direct' "
                                 "order by content_start limit 1").fetchone())


def full_page(driver, path: Path):
    """A screenshot of the whole page, not just the window: the window grows to fit, then back."""
    width, height = driver.get_window_size().values()
    driver.set_window_size(width, driver.execute_script("return document.documentElement.scrollHeight") + 120)
    driver.save_screenshot(str(path))
    driver.set_window_size(width, height)


def wait_for(driver, condition, what: str):
    """Wait (up to 10 s) for something a click or a script brings about."""
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, 10).until(lambda d: condition(d), message=what)


def loaded(driver, url_test) -> bool:
    return url_test(driver.current_url) and driver.execute_script("return document.readyState") == "complete"


def by_css(driver, selector):
    from selenium.webdriver.common.by import By
    return driver.find_elements(By.CSS_SELECTOR, selector)


def test_claim_page_highlight_speaker_link_and_search(site, ledger_db, browser, shots):
    claim = flake_claim(ledger_db)
    browser.get(f"{site}/ledger/-/claim/{claim['id']}")
    assert "Jeff Flake" in browser.title

    # the sentence it came from, with the quoted words, the speaker mention and the cue marked
    [content] = by_css(browser, "blockquote.sentence .hl-content")
    assert content.text == claim["content_text"]
    assert [e.text for e in by_css(browser, "blockquote.sentence .hl-speaker")] == [claim["speaker_mention_text"]]
    assert [e.text for e in by_css(browser, "blockquote.sentence .hl-cue")] == [claim["cue_text"]]
    # the same words highlighted in the whole article, scrolled into view
    [in_article] = by_css(browser, "#article-text .hl-content")
    assert in_article.text == claim["content_text"] and in_article.is_displayed()
    assert browser.execute_script("return document.getElementById('article-text').scrollTop") > 0
    citation = by_css(browser, "textarea#citation")[0].get_attribute("value")
    assert citation.startswith("“We want all our allies") and "— Jeff Flake, US Ambassador to Turkey" in citation
    assert f"/ledger/-/claim/{claim['id']}" in citation
    by_css(browser, "button[data-copy]")[0].click()
    status = wait_for(browser, lambda d: by_css(d, ".copied")[0].text, "the copy button answers")
    assert status in ("copied", "selected: press Ctrl-C to copy")
    full_page(browser, shots / "claim.png")

    # one click to the speaker
    [speaker_link] = by_css(browser, "h1 a.speaker-link")
    assert speaker_link.text == "Jeff Flake"
    speaker_link.click()
    wait_for(browser, lambda d: loaded(d, lambda u: u == f"{site}/ledger/-/speaker/jeff-flake"), "the speaker page")
    assert by_css(browser, "h1")[0].text.startswith("Jeff Flake")
    timeline = [a.get_attribute("href") for a in by_css(browser, ".timeline a")]
    assert f"{site}/ledger/-/claim/{claim['id']}" in timeline
    assert "US Ambassador to Turkey" in by_css(browser, ".roles")[0].text
    full_page(browser, shots / "speaker.png")

    # search from the page: the matches (stemmed: "escalate" too) are highlighted, nothing else
    box = by_css(browser, "form.ledger-search input[name=q]")[0]
    box.send_keys("escalation")
    box.submit()
    wait_for(browser, lambda d: loaded(d, lambda u: u == f"{site}/ledger/-/search?q=escalation"), "the search page")
    marks = by_css(browser, ".results mark")
    assert marks and {m.text.lower() for m in marks} <= {"escalation", "escalate", "escalated"}
    assert any("Flake" in r.text for r in by_css(browser, ".results li"))
    full_page(browser, shots / "search.png")


def test_article_page_marks_every_claim(site, ledger_db, browser, shots):
    claim = flake_claim(ledger_db)
    browser.get(f"{site}/ledger/-/article/{claim['article_id']}")
    with sqlite3.connect(ledger_db) as conn:
        expected = conn.execute("select count(*) from claims where article_id = ?", [claim["article_id"]]).fetchone()[0]
    numbers = [e.text for e in by_css(browser, ".article-text sup.claim-number")]
    assert numbers == [str(n) for n in range(1, expected + 1)]  # in reading order
    links = by_css(browser, ".article-text a.hl-content")
    target = next(a for a in links if a.text == claim["content_text"])
    full_page(browser, shots / "article.png")
    target.click()
    wait_for(browser, lambda d: loaded(d, lambda u: u == f"{site}/ledger/-/claim/{claim['id']}"), "the claim page")


def test_every_page_two_clicks_from_home(site, browser):
    from selenium.webdriver.common.by import By

    def click(text):
        before = browser.current_url
        browser.find_element(By.PARTIAL_LINK_TEXT, text).click()
        wait_for(browser, lambda d: loaded(d, lambda u: u != before), f"a click on {text!r}")

    for first, second, landing in [("claims", "We want all our allies", "/ledger/-/claim/"),
                                   ("articles", "CIA asks Turkish", "/ledger/-/article/"),
                                   ("speakers", "Hakan Fidan", "/ledger/-/speaker/")]:
        browser.get(site + "/")
        click(first)
        click(second)
        assert landing in browser.current_url, (first, second)
    browser.get(site + "/")
    by_css(browser, "form.ledger-search input[name=q]")[0].send_keys("Fidan\n")
    wait_for(browser, lambda d: loaded(d, lambda u: "/ledger/-/search?q=Fidan" in u), "the search page")
    assert by_css(browser, ".results mark")


def test_untrusted_article_shows_as_text(tmp_path, browser):
    src = tmp_path / "xss.txt"
    src.write_text(XSS_ARTICLE)
    db = tmp_path / "xss.db"
    assert CliRunner().invoke(cli, ["ingest", str(db), str(src)]).exit_code == 0
    proc, base = serve(db)
    try:
        with sqlite3.connect(db) as conn:
            [(claim_id,)] = conn.execute("select id from claims").fetchall()
        for path in (f"/xss/-/claim/{claim_id}", "/xss/-/article/xss", "/xss/-/search?q=never", "/"):
            browser.get(base + path)
            assert browser.execute_script("return window.pwned") is None, path
            assert not by_css(browser, "b, img[src=x]"), path
        browser.get(f"{base}/xss/-/article/xss")
        assert "<script>window.pwned = 1</script>" in by_css(browser, ".article-text")[0].text
    finally:
        proc.terminate()
        proc.wait(10)

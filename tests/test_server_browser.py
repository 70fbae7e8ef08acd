"""The page in a real browser: Debian's chromium driven by Playwright (no `playwright install`).

Screenshots go to $NEWSBRIEF_SCREENSHOTS when set, else to the test's tmp_path; look at them
(Khmer must render as Khmer, not boxes). The Malay and Khmer briefs use the embedded
translator (seconds each on two cores); the rest brief English articles in English.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest
from serving import serve

from playwright.sync_api import expect

from newsbrief.server.app import create_app
from newsbrief.server.config import ServerConfig
from newsbrief.server.service import Service

EXAMPLE = (Path(__file__).resolve().parents[1] / "examples" / "scam-compounds-en.txt").read_text("utf-8")
# written for this test: a Malay paragraph in an English article
MALAY = ("Kerajaan Malaysia akan memperketat kawalan sempadan bagi membanteras sindiket penipuan dalam talian, "
         "kata menteri dalam negeri semalam.")
XSS = ("Hackers Target Newsroom\n\nA reporter found <script>window.__xss = 1</script> in a comment form on Monday. "
       "The page also held <img src=x onerror=\"window.__xss = 2\"> and 14 other tags, the editor said.\n\n"
       "The newsroom fixed the form within 3 hours and asked readers to report anything odd, the editor added.")


@pytest.fixture(scope="module")
def url():
    with serve(create_app(ServerConfig(timeout=600))) as base:
        yield base


@pytest.fixture
def shots(tmp_path, request):
    folder = Path(os.environ.get("NEWSBRIEF_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return lambda page, name: page.screenshot(path=str(folder / f"{request.node.name}-{name}.png"), full_page=True)


@pytest.fixture
def page(browser, url):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.errors = errors
    page.goto(url)
    yield page
    context.close()


def brief(page, text: str, to: str, model: str = "", timeout_s: float = 300) -> None:
    page.fill("#text", text)
    page.select_option("#to", to)
    page.select_option("#model", model)
    page.click("#go")
    expect(page.locator("#go")).to_be_enabled(timeout=timeout_s * 1000)


def check_card(card, target: str) -> dict:
    """Every part of the brief is on the page; returns what the checks found."""
    summary = card.locator(".summary")
    assert summary.get_attribute("lang") == target and summary.inner_text().strip()
    assert card.locator(".detected").inner_text().startswith("Article: English (en)")
    figures = card.locator(".figures li")
    assert figures.count() >= 1
    assert figures.first.get_attribute("title").startswith("source: ")  # the source figure on hover
    verdict = card.locator(".verdict")
    assert verdict.count() == 1
    if "bad" in verdict.get_attribute("class"):  # each flagged sentence is highlighted, with why
        flagged = card.locator(".summary .s.check")
        assert flagged.count() >= 1 and all(s.get_attribute("title") for s in flagged.all())
        assert card.locator("ul.checks li").count() == flagged.count()
    models = card.locator(".models").inner_text()
    assert "detect: newsbrief.lid" in models and "summarize: extractive" in models and "translate: " in models
    rows = card.locator("table.side tbody tr")
    assert rows.count() == len(summary.locator(".s").all())
    assert all(row.locator("td.src p").count() >= 1 for row in rows.all())  # each with its source sentences
    assert card.locator("button.copy").is_visible() and card.locator("button.download").is_visible()
    return {"figures": figures.count(), "faithful": "good" in verdict.get_attribute("class")}


@pytest.mark.slow
def test_an_article_briefed_in_malay_then_khmer(page, shots):
    article = EXAMPLE.rstrip() + "\n\n" + MALAY + "\n"
    brief(page, article, "ms")
    card = page.locator("article.brief")
    assert card.count() == 1, page.locator("#results").inner_text()
    check_card(card, "ms")
    assert card.locator(".models").inner_text().count("newsbrief-gemma-mt") == 1
    others = card.locator(".others li")  # the Malay paragraph, detected as such
    assert others.count() == 1 and others.first.inner_text().startswith("Paragraph ") and "Malay (ms)" in \
        others.first.inner_text()
    shots(page, "malay")
    with page.expect_download() as download:
        card.locator("button.download").click()
    data = json.loads(Path(download.value.path()).read_text("utf-8"))
    assert data["target_lang"] == "ms" and data["summary"] == " ".join(s["text"] for s in data["sentences"])
    card.locator("button.copy").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("## Pasted article (en -> ms)") and data["sentences"][0]["text"] in copied

    # into Khmer: the embedded model is the default from English too, so the page asks for no model choice
    page.select_option("#model", "")
    page.select_option("#to", "km")
    assert page.locator("#hint").inner_text() == ""
    brief(page, article, "km")
    card = page.locator("article.brief")
    assert card.count() == 1, page.locator("#results").inner_text()
    check_card(card, "km")
    summary = card.locator(".summary").inner_text()
    assert sum("\u1780" <= ch <= "\u17ff" for ch in summary) > len(summary) / 3  # Khmer script
    assert "newsbrief-gemma-mt" in card.locator(".models").inner_text()
    warnings = card.locator(".warnings li").all_inner_texts()
    assert not any("en->km" in w for w in warnings), warnings  # no quality warning on a default direction
    font = page.evaluate("getComputedStyle(document.querySelector('article.brief .summary')).fontFamily")
    assert "Khmer OS" in font
    shots(page, "khmer")
    assert page.errors == []


def test_files_dropped_become_briefs_and_untrusted_text_stays_text(page, shots, tmp_path):
    first = tmp_path / "scams.txt"
    first.write_text(EXAMPLE, encoding="utf-8")
    paragraphs = "".join(f"<p>{p}</p>" for p in XSS.split("\n\n")[1:])
    second = tmp_path / "hacked.html"  # a saved page: the markup in its text must stay text
    second.write_text(f"<html><body><article><h1>Hackers</h1><p>{paragraphs}</p></article></body></html>"
                      .replace("<script>", "&lt;script&gt;").replace("</script>", "&lt;/script&gt;")
                      .replace("<img", "&lt;img").replace('2">', '2"&gt;'), encoding="utf-8")
    page.set_input_files("#files", [str(first)])  # chosen
    dropped = page.evaluate_handle("""([name, text]) => {
        const data = new DataTransfer();
        data.items.add(new File([text], name, {type: "text/html"}));
        return data;
    }""", [second.name, second.read_text("utf-8")])
    page.dispatch_event("#drop", "drop", {"dataTransfer": dropped})  # and dropped on the drop zone
    assert page.locator("#filelist li").count() == 2
    brief(page, XSS, "en")
    cards = page.locator("article.brief")
    assert cards.count() == 3, page.locator("#results").inner_text()
    assert [c.locator("h2").inner_text() for c in cards.all()] == ["Pasted article", "scams.txt", "hacked.html"]
    for card in cards.all():
        check_card(card, "en")
    assert page.locator("#status").inner_text() == "Done: 3 briefs."
    results = page.locator("#results")
    assert "<script>" in results.inner_text()  # shown as text ...
    assert results.locator("script, img").count() == 0  # ... never made into elements
    assert page.evaluate("window.__xss") is None
    shots(page, "files-and-xss")
    assert page.errors == []


def test_errors_are_shown_and_long_work_can_be_cancelled(browser, shots):
    class Slow(Service):
        def __init__(self):
            super().__init__(cache=False)
            self.release = threading.Event()

        def brief(self, text, **options):
            if text.startswith("slow"):
                self.release.wait(20)
            return super().brief(text, **options)

    slow = Slow()
    app = create_app(ServerConfig(), slow)
    with serve(app) as base:
        context = browser.new_context()
        page = context.new_page()
        page.goto(base)
        page.fill("#text", "   ")
        page.click("#go")
        expect(page.locator("#status")).to_have_text("Paste an article or drop files first.")
        page.fill("#text", "\x01\x02\x03\x04" * 50)
        page.click("#go")
        page.wait_for_selector(".card.error")
        assert "binary" in page.locator(".card.error").inner_text()
        page.fill("#text", "slow article. It takes its time.")
        page.click("#go")
        expect(page.locator("#status")).to_contain_text("Briefing 1 of 1")
        assert page.locator("#progress").is_visible()
        page.click("#cancel")
        expect(page.locator("#status")).to_have_text("Cancelled.")
        expect(page.locator("#go")).to_be_enabled()
        assert page.locator("article.brief").count() == 0
        deadline = time.monotonic() + 10  # the server saw the client go and dropped the answer
        while app.state.pool.stats["abandoned"] != 1:
            assert time.monotonic() < deadline, app.state.pool.stats
            time.sleep(0.05)
        shots(page, "cancelled")
        slow.release.set()
        context.close()


def test_the_api_docs_page_works_offline(browser, url):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(url) else None)
    page.goto(f"{url}/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=30000)
    assert page.locator(".opblock-summary-path", has_text="/api/v1/brief").count() >= 1
    assert page.locator(".opblock-summary-path", has_text="/translate").count() >= 1
    assert outside == [] and errors == []
    context.close()

"""`tm serve` in a real browser: headless Chromium (Debian's, never a downloaded one) driven by
Playwright, against a real `tm serve` process. What a translator types and sees, the keyboard,
a shared link without JavaScript, stored markup that must stay text, a narrow window, and
screenshots kept as test artifacts (their paths are printed)."""

from __future__ import annotations

import os
import re
import shutil
import urllib.parse

import pytest

from .serving import HOSTILE_NOTE, HOSTILE_TARGET, HOSTILE_TERM, Server, build_memory

CHROMIUM = shutil.which("chromium")
NEED_CHROMIUM = bool(os.environ.get("TM_REQUIRE_CHROMIUM"))  # set by .ci/run
try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:
    sync_playwright = None

pytestmark = pytest.mark.skipif(
    (CHROMIUM is None or sync_playwright is None) and not NEED_CHROMIUM,
    reason="headless Chromium (apt-get install chromium) or Playwright (the test extra) is not installed",
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
URI_SAFE = "!*'()"  # what encodeURIComponent leaves as it is
SENTENCE = "外长们强调,要继续加强安全合作,合力打击“三股势力”,共同营造良好的安全环境。"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    server = Server(build_memory(tmp_path_factory.mktemp("browser")))
    yield server
    errors = server.stop()
    assert "Traceback" not in errors, errors


@pytest.fixture(scope="module")
def browser():
    if sync_playwright is None:  # only when TM_REQUIRE_CHROMIUM says the tests must run
        pytest.fail("Playwright is not installed: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM or "/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh tab; whatever the page logs as an error, and any dialog (alert), fails the test."""
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    tab.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    yield tab
    context.close()
    assert problems == []


def results_for(page, served, query: str) -> None:
    """Clears the box with Esc, types the query and waits for its results (and URL)."""
    box = page.locator("#q")
    box.press("Escape")
    expect(box).to_have_value("")
    box.press_sequentially(query, delay=10)
    expect(page).to_have_url(f"{served.url}/?q={urllib.parse.quote(query, safe=URI_SAFE)}")
    expect(page.locator("#results")).not_to_have_class(re.compile("busy"))


def test_typing_a_term_in_any_script_or_english_shows_the_three_blocks(page, served):
    page.goto(served.url + "/")
    assert page.evaluate("document.activeElement.id") == "q"  # type straight away
    for query, hit in (
        ("三股势力", "三股勢力"),
        ("三股勢(shì)力", "三股勢力"),
        ("evil forces", "evil forces"),
    ):
        results_for(page, served, query)
        entry = page.locator(".entry").first
        expect(entry.locator("h3")).to_have_text("三股勢力")
        expect(entry.locator(".approved")).to_have_text("approved rendering: three evil forces")
        expect(entry.locator("del.forbidden")).to_have_text("three forces")
        assert "line-through" in entry.locator("del.forbidden").evaluate(
            "e => getComputedStyle(e).textDecorationLine"
        )
        expect(entry).to_contain_text("Terrorism, separatism and extremism")
        expect(entry.locator(".tag.domain")).to_have_text("security")
        expect(page.locator("#h-memory + p.none")).to_contain_text("No stored sentence matches ≥ 75%")
        expect(page.locator(".hit mark:not(.aligned)").first).to_have_text(hit)
        expect(page.locator(".hit .meta").first).to_contain_text("xinhua-wang-yi-interview-2020-09-16")
        expect(page.locator(".hit .meta time").first).to_have_text("2020-09-16")
    font = page.locator(".hit .source").first.evaluate("e => getComputedStyle(e).fontFamily")
    assert font.startswith('"Noto Sans CJK TC"')  # zh-Hant text in a traditional CJK face


def test_a_sentence_shows_its_fuzzy_match_with_the_differences_marked(page, served):
    page.goto(served.url + "/")
    results_for(page, served, SENTENCE)
    match = page.locator(".match").first
    expect(match.locator(".score")).to_have_text("97%")
    expect(match.locator(".source del")).to_have_text("的")  # in the query, not in the memory's source
    expect(match.locator(".target")).to_contain_text('jointly combat the "three evil forces"')
    expect(page.locator(".entry .tag.kind").first).to_have_text("in your text")


def test_enter_opens_the_first_result_and_a_result_leads_to_its_unit(page, served):
    page.goto(served.url + "/")
    page.locator("#q").press_sequentially("三股勢力", delay=10)
    page.keyboard.press("Enter")  # before the debounced results arrived: it waits for them
    expect(page).to_have_url(re.compile(r"/term/\d+$"))
    expect(page.locator("h1")).to_have_text("三股勢力")
    use = page.locator(".use").first
    expect(use.locator(".verdict")).to_have_text("✓")
    expect(use.locator(".target mark")).to_have_text("three evil forces")
    expect(page.locator(".summary")).to_contain_text("1 ✓ approved")
    use.locator(".meta a.result").click()
    expect(page).to_have_url(re.compile(r"/unit/\d+$"))
    expect(page.locator(".unit .source")).to_contain_text("合力打擊“三股勢力”")
    expect(page.locator(".facts")).to_contain_text("xinhua-wang-yi-interview-2020-09-16")


def test_arrows_move_between_results_and_esc_clears(page, served):
    page.goto(served.url + "/")
    results_for(page, served, "三股勢力")
    page.keyboard.press("ArrowDown")
    first = page.evaluate("document.activeElement.getAttribute('href')")
    assert re.fullmatch(r"/term/\d+", first)
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('href')") != first
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.press("Escape")
    expect(page.locator("#q")).to_have_value("")
    expect(page).to_have_url(served.url + "/")
    expect(page.locator(".hint h2")).to_have_text("How do we render it?")


def test_a_shared_link_works_without_javascript(browser, served):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(served.url + "/?q=" + urllib.parse.quote("三股勢(shì)力"))
        expect(page.locator(".entry .approved").first).to_have_text("approved rendering: three evil forces")
        page.locator("#q").fill("evil forces")
        page.keyboard.press("Enter")  # the plain form
        expect(page).to_have_url(served.url + "/?q=evil+forces")
        expect(page.locator(".entry .tag.kind").first).to_have_text("contains “evil forces”")
    finally:
        context.close()


def test_stored_markup_shows_as_text_and_runs_nothing(page, served):
    page.goto(served.url + "/")
    results_for(page, served, HOSTILE_TERM)  # as typed: the results arrive through the script
    shown = []
    for step in ("typed", "loaded", "term", "unit"):
        if step == "loaded":
            page.goto(served.url + "/?q=" + urllib.parse.quote(HOSTILE_TERM))
        elif step == "term":
            page.locator(".entry h3 a").click()
            expect(page).to_have_url(re.compile(r"/term/\d+$"))
        elif step == "unit":
            page.locator(".use .meta a.result").first.click()
            expect(page).to_have_url(re.compile(r"/unit/\d+$"))
        main = page.locator("main")
        assert main.locator("img").count() == 0 and main.locator("script").count() == 0, step
        assert page.evaluate("window.__pwned") is None, step
        shown.append(main.inner_text())
    typed, loaded, term, unit = shown
    for text in (typed, loaded):
        assert HOSTILE_TARGET in text and "<b>x</b>" in text and "<i>doc</i>{{ 1 + 1 }}" in text
        assert HOSTILE_NOTE in text and not re.search(r"(?<!\d)49(?!\d)", text)  # {{ 7 * 7 }} never evaluated
    assert HOSTILE_TARGET in term and HOSTILE_NOTE in term
    assert f"{HOSTILE_TARGET} We oppose it." in unit and "<i>doc</i>{{ 1 + 1 }}" in unit


def test_a_narrow_window_and_the_screenshots(browser, served, tmp_path):
    shots = {}
    for name, width, height in (("tm-serve.png", 1100, 720), ("tm-serve-narrow.png", 380, 800)):
        context = browser.new_context(viewport={"width": width, "height": height})
        try:
            page = context.new_page()
            page.goto(served.url + "/?q=" + urllib.parse.quote(SENTENCE))
            expect(page.locator(".match .score").first).to_have_text("97%")
            assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing cut off
            for item in (
                page.locator("#q"),
                page.locator(".entry .approved").first,
                page.locator(".match").first,
            ):
                box = item.bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
            shots[name] = tmp_path / name
            page.screenshot(path=shots[name])
        finally:
            context.close()
    for path in shots.values():
        assert path.stat().st_size > 10_000 and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        print(f"screenshot: {path}")

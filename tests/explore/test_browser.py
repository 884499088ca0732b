"""The explorer page in a real browser: Debian's Chromium driven by Playwright (no browser
download). A person's steps: type with completion, read the neighbours, follow a spelling
suggestion, draw the map and find points on the canvas, hover and click a point, switch the
projection, compare two sets, score an evaluation; and nothing is requested from any host
but the local server. Screenshots go to pytest's temporary folder."""

from __future__ import annotations

import os
import shutil
from urllib.parse import urlsplit

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: `make test` installs Debian's chromium package.")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server, tmp_path):
    """A page of the explorer (under its own Content-Security-Policy) that records every
    request it makes and every script error."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    opened = context.new_page()
    opened.requests, opened.errors = [], []
    opened.on("request", lambda request: opened.requests.append(request.url))
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    opened.goto(server.url)
    opened.wait_for_selector("body[data-ready=true]")
    opened.wait_for_selector("#map-status:has-text('words')")
    yield opened
    opened.screenshot(path=str(tmp_path / "explorer.png"))
    print(f"screenshot: {tmp_path / 'explorer.png'}")
    context.close()
    # Nothing but the local server was asked for anything, and no script failed.
    assert {urlsplit(url).netloc for url in opened.requests} == {f"127.0.0.1:{server.port}"}
    assert opened.errors == []


def _rows(page):
    return [row.inner_text().split("\t") for row in page.query_selector_all("#neighbors tbody tr")]


def test_typing_with_completion_shows_the_neighbours(page, server):
    page.click("#query")
    page.keyboard.type("kin")
    page.wait_for_selector("#completions li:has-text('king')")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # takes the completion
    assert page.input_value("#query") == "king"
    page.keyboard.type(" - man + wom")
    page.wait_for_selector("#completions li:has-text('woman')")
    page.click("#completions li:has-text('woman')")
    assert page.input_value("#query") == "king - man + woman"
    page.keyboard.press("Enter")
    page.wait_for_selector("#neighbors tbody tr")
    rows = _rows(page)
    assert rows[0][1] == "queen" and len(rows) == 10
    page.select_option("#method", "3cosmul")
    page.wait_for_selector("#neighbors td.score")


def test_an_unknown_word_offers_its_spellings_and_a_click_fixes_it(page):
    page.fill("#query", "kinq")
    page.press("#query", "Enter")
    page.wait_for_selector("#message a")
    assert "'kinq' is not in first" in page.inner_text("#message")
    page.click("#message a:has-text('king')")
    page.wait_for_selector("#neighbors tbody tr")
    assert page.input_value("#query") == "king" and _rows(page)


def test_comparing_two_sets_lists_the_word_that_moved(page):
    page.fill("#compare-top", "416")
    page.click("#compare-run")
    page.wait_for_selector("#compare-summary")
    assert "first → second: 416 shared words" in page.inner_text("#compare-summary")
    first = page.query_selector("#compare-result li")
    assert first.get_attribute("data-word") == "cat"
    first.click()
    page.wait_for_selector("#compare-word ol li")
    assert '"cat"' in page.inner_text("#compare-word")


def test_evaluations_are_one_click_away(page):
    page.click("#evaluations button:has-text('pairs')")
    page.wait_for_selector("#eval-summary")
    assert page.inner_text("#eval-summary").startswith("pairs: Spearman")
    page.click("#evaluations button:has-text('analogies')")
    page.wait_for_selector("#eval-summary:has-text('accuracy')")


# The canvas is read with page.evaluate, which the page's policy forbids: these tests run
# in a context that bypasses it (the tests above show the page works under it).


@pytest.fixture
def canvas_page(browser, server, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    opened = context.new_page()
    opened.goto(server.url)
    opened.wait_for_function("window.kembedMap && window.kembedMap.points > 0")
    yield opened
    opened.screenshot(path=str(tmp_path / "map.png"))
    context.close()


INKED = """() => {
  const canvas = document.getElementById('map');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] < 200 || data[i + 2] < 200) inked++;
  return inked;
}"""


def test_the_map_draws_every_point_and_hover_and_click_find_a_word(canvas_page):
    page = canvas_page
    state = page.evaluate("() => window.kembedMap")
    assert state["points"] == 416 and state["drawn"] == 416 and state["labels"] > 20
    assert page.evaluate(INKED) > 1000
    # Where the page draws "king": hover shows its name, a click asks for its neighbours.
    x, y = page.evaluate("""() => {
      const m = document.getElementById('map'), box = m.getBoundingClientRect();
      const i = window.kembedMapIndex('king');
      return [box.left + i[0] * box.width / m.width, box.top + i[1] * box.height / m.height];
    }""")
    page.mouse.move(x, y)
    page.wait_for_selector("#tooltip:not([hidden])")
    assert page.inner_text("#tooltip") == "king"
    page.mouse.click(x, y)
    page.wait_for_selector("#neighbors tbody tr")
    assert page.input_value("#query") == "king"
    page.wait_for_function("window.kembedMap.highlighted >= 10")


def test_zoom_pan_and_another_projection_redraw_the_map(canvas_page):
    page = canvas_page
    before = page.evaluate("() => window.kembedMap.scale")
    page.mouse.move(600, 400)
    page.mouse.wheel(0, -400)
    page.wait_for_function(f"window.kembedMap.scale > {before} * 1.5")
    methods = page.eval_on_selector_all(
        "#projection option", "options => options.map(o => o.value)"
    )
    other = next((m for m in ("tsne", "umap") if m in methods), None)
    if other is None:
        pytest.skip("neither t-SNE nor UMAP is installed (pip install kembed[maps])")
    page.select_option("#projection", other)
    page.wait_for_selector(f"#map-status:has-text('{other.upper()}')", timeout=120_000)
    assert page.evaluate("() => window.kembedMap.points") == 416
    assert page.evaluate(INKED) > 1000


def test_pasted_words_are_mapped_and_the_missing_ones_named(canvas_page):
    page = canvas_page
    page.click("summary")
    page.fill("#paste", "king queen man woman, paris\nrome zzz")
    page.click("#draw-pasted")
    page.wait_for_selector("#map-status:has-text('not in the vectors: zzz')")
    assert page.evaluate("() => window.kembedMap.points") == 6

"""How the committed notebooks are stored and exported: small files whose pictures
look as drawn, and web pages whose formulas render without a network."""

from __future__ import annotations

import base64
import io
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
sys.path.insert(0, str(NOTEBOOKS_DIR))
execute = pytest.importorskip("execute", reason="the test extra installs nbformat and nbclient")
Image = pytest.importorskip("PIL.Image", reason="the test extra installs pillow")


def png_of(image: object) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")  # type: ignore[attr-defined]
    return out.getvalue()


def pixels(png: bytes) -> bytes:
    """Every pixel's red, green, blue and alpha, one byte each."""
    return Image.open(io.BytesIO(png)).convert("RGBA").tobytes()


def committed_pictures(path: Path) -> list[bytes]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [
        base64.b64decode("".join(output["data"]["image/png"]))
        for cell in cells
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_a_committed_notebook_stores_its_pictures_small(path):
    # as truecolour PNGs, pictures made the notebooks 0.2 to 0.75 MB each
    for i, png in enumerate(committed_pictures(path)):
        smaller = execute.smaller_png(png)
        assert len(smaller) > 0.97 * len(png), (
            f"{path.name}, picture {i + 1}: {len(png)} bytes, {len(smaller)} would do; "
            "re-run ./run refresh-notebooks"
        )


def test_a_plot_is_stored_in_fewer_bytes_and_every_pixel_looks_the_same():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(5, 3))
    ax.plot([0, 1, 2, 3], [1, 3, 2, 4], label="loss")
    image = ax.imshow([[i * j for i in range(30)] for j in range(30)], cmap="RdBu_r")
    figure.colorbar(image)  # a smooth colour ramp: the hardest part to keep
    ax.legend()
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=100)
    plt.close(figure)
    png = out.getvalue()
    small = execute.smaller_png(png)
    assert len(small) < len(png) / 2
    before, after = pixels(png), pixels(small)
    assert len(before) == len(after)
    worst = max(abs(a - b) for a, b in zip(before, after))
    assert worst <= 32  # the limit smaller_png promises, checked here pixel by pixel


def test_a_picture_that_needs_its_colours_is_kept_as_it_is():
    rng = random.Random(0)
    noise = Image.new("RGB", (64, 64))
    noise.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(64 * 64)])
    png = png_of(noise)
    assert execute.smaller_png(png) == png  # 4,096 colours cannot share 256 unseen


def test_see_through_pixels_stay_see_through():
    picture = Image.new("RGBA", (40, 20), (0, 0, 0, 0))
    for x in range(20):
        for y in range(20):
            picture.putpixel((x, y), (30, 100, 200, 255 if (x + y) % 2 else 128))
    small = execute.smaller_png(png_of(picture))
    assert pixels(small) == pixels(png_of(picture))  # few colours: stored exactly


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("nbconvert", reason="the test extra installs nbconvert")
    pytest.importorskip("jupyter_server_mathjax", reason="the test extra installs it")
    return execute.export_html(NOTEBOOKS_DIR / "01_derivatives.ipynb", tmp_path_factory.mktemp("p"))


@pytest.fixture(scope="module")
def pages(page: Path) -> list[Path]:
    """01 (formulas) and 02 (drawings and the backward player), in one folder."""
    return [page, execute.export_html(NOTEBOOKS_DIR / "02_value_and_backprop.ipynb", page.parent)]


def test_a_web_page_loads_mathjax_from_beside_it(page):
    html = page.read_text(encoding="utf-8")
    (src,) = re.findall(r'<script src="([^"]*MathJax[^"]*)"', html)
    assert not src.startswith(("http:", "https:", "//")), src
    assert (page.parent / src.split("?")[0]).is_file()


CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium to render the page")
def test_a_web_page_renders_its_formulas_without_a_network(page):
    # A proxy that nothing answers: any address outside the page's folder fails to load.
    # Chromium stops once the page is idle, or after 20 s of the page's own time.
    dom = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--proxy-server=127.0.0.1:9",
            "--virtual-time-budget=20000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert "Math Processing Error" not in dom
    typeset = re.findall(r'class="MathJax(?:_Display)?"', dom)
    assert len(typeset) > 10, "the formulas were left as raw LaTeX"


CHROMEDRIVER = shutil.which("chromedriver")
WAIT = 60.0  # seconds any one thing may take on a busy machine


def wait_for(what: str, condition: Callable[[], Any], timeout: float = WAIT) -> Any:
    """Poll `condition` until it is truthy; fail naming `what` after `timeout` seconds."""
    end = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > end:
            pytest.fail(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.1)
    return value


@pytest.fixture(scope="module")
def offline_browser() -> Iterator[Any]:
    """Headless Chromium whose every network request fails (a proxy nothing answers),
    logging each request the page makes."""
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip("needs Debian's chromium and chromium-driver")
    webdriver = pytest.importorskip("selenium.webdriver", reason="the test extra installs it")
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.TemporaryDirectory()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--proxy-server=127.0.0.1:9", "--window-size=1200,2400",
        f"--user-data-dir={profile.name}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()
        profile.cleanup()


def requests_of(driver: Any) -> list[str]:
    """Every address the page asked for since the log was last read: those the browser
    began to fetch, and those its resource timing recorded."""
    urls = [
        message["params"]["request"]["url"]
        for message in (json.loads(e["message"])["message"] for e in driver.get_log("performance"))
        if message["method"] == "Network.requestWillBeSent"
    ]
    return urls + driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )


@pytest.mark.parametrize("which", [0, 1], ids=["01_derivatives", "02_value_and_backprop"])
def test_a_web_page_asks_for_nothing_outside_its_folder(pages, offline_browser, which):
    driver, page = offline_browser, pages[which]
    driver.get("about:blank")
    driver.get_log("performance"), driver.get_log("browser")  # forget earlier pages
    driver.get(page.as_uri())
    wait_for("MathJax to load", lambda: driver.execute_script(
        "return !!(window.MathJax && MathJax.isReady)"))
    driver.execute_async_script("MathJax.Hub.Queue(arguments[0])")  # typesetting finished
    folder = page.parent.as_uri() + "/"
    # data: addresses are the page's own bytes (its pictures), not requests
    outside = [u for u in requests_of(driver) if not u.startswith((folder, "data:"))]
    assert not outside, f"{page.name} asks for addresses outside its folder: {outside}"
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, f"{page.name}: console errors: {errors}"
    assert driver.execute_script("return document.querySelectorAll('.MathJax_Error').length") == 0
    shown = driver.execute_script(
        "return [...document.images].map(i => i.complete && i.naturalWidth > 0)"
    )
    assert shown and all(shown), f"{page.name}: {shown.count(False)} of {len(shown)} pictures blank"
    players = driver.execute_script(
        "return [...document.querySelectorAll('[id^=gradstep-player-]')]"
    )
    visible = "return [...arguments[0].querySelectorAll('.gs-step')].map(s => !!s.offsetParent)"
    for player in players:  # its inline script ran: one frame shown, the next a click away
        assert driver.execute_script(visible, player)[:2] == [True, False]
        player.find_element("css selector", "button[data-go='1']").click()
        assert driver.execute_script(visible, player)[:2] == [False, True]
    assert len(players) == (2 if page.stem.startswith("02") else 0)

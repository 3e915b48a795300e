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
from pathlib import Path

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

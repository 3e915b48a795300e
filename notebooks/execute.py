"""Re-run every notebook top to bottom and save it with its fresh outputs.

    ./run refresh-notebooks        (or: python notebooks/execute.py [NAME.ipynb ...])

Run this whenever the library changes what a notebook shows, so the committed
notebooks read well as web pages. Each picture is stored as a PNG of at most
256 colours when that looks the same (matplotlib and Graphviz draw with few
colours): the notebooks stay small, and every viewer still shows every picture.

    ./run refresh-notebooks --html DIR [NAME.ipynb ...]

writes the notebooks as they are (without running them) as web pages in DIR,
with a copy of MathJax beside them: each page fetches nothing from outside DIR,
so it reads (formulas included) offline.
"""

from __future__ import annotations

import base64
import io
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe,fonts-shipped"
# The package ships MathJax's STIX web fonts only: say so, or MathJax asks for TeX fonts.
# Its stand-in "blank" font (to measure with) loads from about:blank, which a page opened
# from a file may not fetch: a local() font that no one has is the same blank, unfetched.
FONTS_SHIPPED = """MathJax.Hub.Config({
  "HTML-CSS": {
    availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null,
    styles: {"@font-face": {"font-family": "MathJax_Blank", src: "local('MathJax_Blank')"}}
  },
  SVG: {font: "STIX-Web"}
});
MathJax.Ajax.loadComplete("[MathJax]/config/fonts-shipped.js");
"""
# nbconvert's lab page, less what it would fetch from the web: require.js (none of our
# outputs use it; the backward player's script is inline), mermaid (loaded only for
# mermaid diagrams, which we have none of) and the widget manager (no widgets either).
OFFLINE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""
INSTALL_MATHJAX = (
    "web pages that render formulas offline need a local MathJax: "
    'pip install jupyter-server-mathjax (the test extra has it: pip install -e ".[test]")'
)


def execute(path: Path, timeout: int = 300) -> float:
    """Execute one notebook in place (working directory: notebooks/); return seconds taken."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}
    ).execute()
    seconds = time.perf_counter() - start
    shrink_pictures(nb)
    nbformat.write(nb, path)
    return seconds


def smaller_png(png: bytes, worst: int = 32) -> bytes:
    """The same picture as a palette PNG (at most 256 colours), if that is smaller and
    no pixel's colour moves by more than `worst` of 255; else `png` unchanged."""
    from PIL import Image, ImageChops

    image = Image.open(io.BytesIO(png)).convert("RGBA")
    see_through = image.getchannel("A").getextrema()[0] < 255
    source = image if see_through else image.convert("RGB")
    # max coverage keeps colour ramps (colour bars) smooth; only fast octree handles alpha
    method = Image.Quantize.FASTOCTREE if see_through else Image.Quantize.MAXCOVERAGE
    palette = source.quantize(256, method=method, dither=Image.Dither.NONE)
    moved = ImageChops.difference(source.convert("RGBA"), palette.convert("RGBA"))
    if max(high for _, high in moved.getextrema()) > worst:
        return png
    out = io.BytesIO()
    palette.save(out, "PNG", optimize=True)
    return out.getvalue() if out.tell() < len(png) else png


def shrink_pictures(nb: Any) -> None:
    """Store every PNG output of a notebook as `smaller_png` does."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                png = base64.b64decode(data["image/png"])
                data["image/png"] = base64.b64encode(smaller_png(png)).decode("ascii")


def local_mathjax(folder: Path) -> str:
    """Copy MathJax (from the jupyter-server-mathjax package) into `folder`/mathjax once;
    return the address of its script, relative to `folder`."""
    try:
        import jupyter_server_mathjax
    except ImportError:
        raise ImportError(INSTALL_MATHJAX) from None
    source = Path(jupyter_server_mathjax.__file__).parent / "static"
    target = folder / "mathjax"
    if not (target / "MathJax.js").exists():
        shutil.copytree(source, target, dirs_exist_ok=True)
    (target / "config" / "fonts-shipped.js").write_text(FONTS_SHIPPED, encoding="utf-8")
    return f"mathjax/MathJax.js?config={MATHJAX_CONFIG}"


def export_html(path: Path, folder: Path) -> Path:
    """Write one notebook, as it is, as `folder`/NAME.html: the page JupyterLab's look
    gives it (nbconvert's lab template), formulas by the MathJax copied beside it, and
    nothing fetched from outside `folder`."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    folder.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(
        template_name="lab",
        template_file="offline.html.j2",
        extra_loaders=[DictLoader({"offline.html.j2": OFFLINE_TEMPLATE})],
        mathjax_url=local_mathjax(folder),
    )
    body, _ = exporter.from_notebook_node(nbformat.read(path, as_version=4))
    page = folder / f"{path.stem}.html"
    page.write_text(body, encoding="utf-8")
    return page


def main(args: list[str]) -> None:
    html = None
    if args[:1] == ["--html"]:
        if len(args) < 2:
            sys.exit("usage: execute.py --html DIR [NAME.ipynb ...]")
        html, args = Path(args[1]), args[2:]
    paths = [HERE / n for n in args] if args else sorted(HERE.glob("*.ipynb"))
    for path in paths:
        if html is not None:
            print(export_html(path, html))
        else:
            print(f"{path.name}: {execute(path):.1f} s, {path.stat().st_size / 1e3:.0f} KB")


if __name__ == "__main__":
    main(sys.argv[1:])

"""How a drawing displays and saves: wherever a learner meets it.

A drawing offers Jupyter an SVG that shrinks to the cell's width, a PNG beside it
for viewers that refuse SVG (an untrusted notebook in JupyterLab, Notebook 7 or
VS Code), and a line of text. `save` writes it to a file. The `graphviz` package
is imported only when something is drawn, and a missing `dot` program or package
gets an error that says how to install it.
"""

from __future__ import annotations

import base64
import shutil
import struct
import sys
from pathlib import Path
from typing import Any, Protocol

INSTALL_DOT = (
    "Graphviz's 'dot' program was not found; install Graphviz to render drawings:\n"
    "  Debian/Ubuntu: sudo apt-get install graphviz\n"
    "  macOS:         brew install graphviz\n"
    "  conda:         conda install -c conda-forge graphviz"
)
# In WebAssembly (Pyodide) no program can be started: say so, not "OSError [Errno 138]".
NO_PROCESSES = (
    "Graphviz's 'dot' program cannot run here (no processes in WebAssembly): "
    "a drawing's .source is its DOT text, which viz.js (Graphviz in WebAssembly) renders"
)
INSTALL_PACKAGE = 'drawing needs the graphviz Python package: pip install "gradstep[viz]"'

PNG_DPI = 144  # 1.5x: crisp on most screens, displayed at the SVG's size


class Drawing(Protocol):
    """What `draw_graph` and `nn.draw_network` return: a `graphviz.Digraph`.

    It displays inline in Jupyter (SVG, with a PNG for viewers that refuse SVG);
    `.source` is its DOT text; `save(drawing, "g.svg")` writes a file.
    """

    source: str
    format: str  # what `render` writes: "pdf" unless draw_graph(..., format=) says

    def pipe(self, format: str | None = ..., *args: Any, **kwargs: Any) -> bytes: ...

    def render(self, filename: Any = ..., *args: Any, **kwargs: Any) -> str: ...

    def _repr_mimebundle_(
        self, include: Any = ..., exclude: Any = ..., **kwargs: Any
    ) -> tuple[dict[str, Any], dict[str, Any]]: ...


def _graphviz() -> Any:
    try:
        import graphviz  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        raise ImportError(INSTALL_PACKAGE) from None
    return graphviz


_drawing_class: Any = None


def new_digraph(summary: str = "a drawing", **kwargs: Any) -> Any:
    """A graphviz.Digraph that displays in every notebook viewer, with a clear error
    when Graphviz's `dot` is missing. `summary` is its text form.

    Example:
        >>> g = new_digraph("a drawing of nothing", name="example")
        >>> type(g).__name__, g._repr_mimebundle_.__name__
        ('Digraph', '_repr_mimebundle_')
    """
    global _drawing_class
    if _drawing_class is None:
        graphviz = _graphviz()

        class Digraph(graphviz.Digraph):  # type: ignore[misc, name-defined]
            """A Digraph shown as scalable SVG, PNG and text; missing `dot` gets a clear error."""

            summary = "a drawing"

            def pipe(self, *args: Any, **kw: Any) -> Any:
                if sys.platform == "emscripten":
                    raise RuntimeError(NO_PROCESSES)
                try:
                    return super().pipe(*args, **kw)
                except graphviz.ExecutableNotFound:
                    raise RuntimeError(INSTALL_DOT) from None

            def _repr_mimebundle_(
                self, include: Any = None, exclude: Any = None, **kw: Any
            ) -> tuple[dict[str, Any], dict[str, Any]]:
                return mimebundle(self, self.summary)

            def __repr__(self) -> str:
                return f"<{self.summary}>"

        _drawing_class = Digraph
    graph = _drawing_class(**kwargs)
    graph.summary = summary
    return graph


def mimebundle(graph: Any, summary: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The formats a notebook may pick from: SVG scaled to the cell, PNG, plain text.

    Viewers choose the richest format they trust: JupyterLab shows the SVG in a
    trusted notebook and the PNG in an untrusted one; static pages use the SVG.

    Example:
        >>> from autograd import Value, draw_graph
        >>> x = Value(2.0, label="x")
        >>> data, metadata = mimebundle(draw_graph(x * x), "x squared")  # doctest: +NEEDS_DOT
        >>> sorted(data)
        ['image/png', 'image/svg+xml', 'text/plain']
    """
    svg = graph.pipe(format="svg").decode("utf-8")
    png = _png(graph)
    width, height = _png_size(png)
    scale = 96 / PNG_DPI  # display at the SVG's size: CSS pixels are 1/96 inch
    data = {
        "image/svg+xml": fit_to_page(svg),
        "image/png": base64.b64encode(png).decode("ascii"),
        "text/plain": summary,
    }
    metadata = {"image/png": {"width": round(width * scale), "height": round(height * scale)}}
    return data, metadata


def _png(graph: Any) -> bytes:
    sharp = graph.copy()
    sharp.graph_attr["dpi"] = str(PNG_DPI)
    return bytes(sharp.pipe(format="png"))


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk, right after the signature
    return int(width), int(height)


def fit_to_page(svg: str) -> str:
    """An SVG that shrinks to the width of the page or cell it is shown in, never wider.

    Example:
        >>> fit_to_page('<?xml version="1.0"?>\\n<svg width="900pt" viewBox="0 0 900 80">')
        '<svg style="max-width:100%;height:auto" width="900pt" viewBox="0 0 900 80">'
    """
    start = svg.find("<svg")
    svg = svg[start:] if start >= 0 else svg
    return svg.replace("<svg", '<svg style="max-width:100%;height:auto"', 1)


def save(graph: Any, path: str | Path) -> Path:
    """Render a drawing to a file; the format (svg, png, pdf, ...) comes from the extension.

    Example:
        >>> import tempfile, os
        >>> from autograd import Value, draw_graph
        >>> x = Value(2.0, label="x"); y = x * x
        >>> path = os.path.join(tempfile.mkdtemp(), "y.svg")
        >>> out = save(draw_graph(y), path)  # doctest: +NEEDS_DOT
        >>> out.read_text().lstrip().startswith("<?xml")
        True
    """
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if not fmt:
        raise ValueError(f"say the format with an extension, e.g. {path}.svg or {path}.png")
    if sys.platform != "emscripten" and shutil.which("dot") is None:
        raise RuntimeError(INSTALL_DOT)  # (in WebAssembly, pipe says why it cannot run)
    path.write_bytes(graph.pipe(format=fmt))
    return path

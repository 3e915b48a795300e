"""Build the playground's static site into playground/_site/, and serve it on 127.0.0.1.

    python playground/serve.py               # build (if anything changed), then serve
    python playground/serve.py --build-only  # build, print the folder to copy to a host

The site holds the page's own files, Pyodide's core and viz.js (both from npm, pinned
by package-lock.json), a wheel of gradstep built from this checkout and the pinned
pure-Python `graphviz` wheel: everything the page loads, so it requests nothing from
any other origin. A build whose inputs have not changed is reused.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import http.server
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SITE = HERE / "_site"
GRAPHVIZ = "graphviz==0.21"  # the pure-Python package behind draw_graph(...).source
PAGE = ["index.html", "style.css", "main.js", "worker.js", "random.js", "playground.py"]
PYODIDE = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
           "pyodide-lock.json"]  # the core: no package from Pyodide's own repository is used
VIZ = "@viz-js/viz/dist/viz.js"  # Graphviz in WebAssembly, as one ES module
TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
         ".py": "text/x-python", ".whl": "application/zip", ".zip": "application/zip",
         ".json": "application/json"}


def inputs_digest() -> str:
    """A digest of everything a build is made from: a fresh build has the same."""
    files = [HERE / name for name in [*PAGE, "serve.py", "package-lock.json"]]
    files += sorted((ROOT / "autograd").glob("*.py")) + sorted((ROOT / "nn").glob("*"))
    files.append(ROOT / "pyproject.toml")
    digest = hashlib.sha256(GRAPHVIZ.encode())
    for path in files:
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def build(force: bool = False) -> Path:
    """Build the site (or keep the existing one if its inputs are unchanged); its path."""
    digest = inputs_digest()
    stamp = SITE / ".inputs"
    if not force and stamp.is_file() and stamp.read_text() == digest:
        return SITE
    modules = HERE / "node_modules"
    if not (modules / ".package-lock.json").is_file() or (
        (HERE / "package-lock.json").stat().st_mtime
        > (modules / ".package-lock.json").stat().st_mtime
    ):
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("the playground needs npm (Node.js) to fetch Pyodide and viz.js")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)
    shutil.rmtree(SITE, ignore_errors=True)
    (SITE / "pyodide").mkdir(parents=True)
    (SITE / "wheels").mkdir()
    for name in PAGE:
        shutil.copy2(HERE / name, SITE / name)
    for name in PYODIDE:
        shutil.copy2(modules / "pyodide" / name, SITE / "pyodide" / name)
    shutil.copy2(modules / VIZ, SITE / "viz.js")
    with tempfile.TemporaryDirectory() as tmp:
        pip = [sys.executable, "-m", "pip", "-q"]
        subprocess.run([*pip, "wheel", "--no-deps", "-w", tmp, str(ROOT)], check=True)
        subprocess.run([*pip, "download", "--no-deps", "-d", tmp, GRAPHVIZ], check=True)
        wheels = sorted(p.name for p in Path(tmp).glob("*.whl"))
        for name in wheels:
            shutil.copy2(Path(tmp) / name, SITE / "wheels" / name)
    files = sorted(p for p in SITE.rglob("*") if p.is_file())
    sizes = {p.relative_to(SITE).as_posix(): p.stat().st_size for p in files}
    manifest = {"wheels": wheels, "bytes": sum(sizes.values()), "files": sizes}
    (SITE / "site.json").write_text(json.dumps(manifest, indent=1) + "\n")
    stamp.write_text(digest)
    return SITE


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with the types the page needs (WebAssembly must be application/wasm)."""

    extensions_map = {  # noqa: RUF012  (the base class's own attribute, extended)
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        **TYPES,
    }

    def handle(self) -> None:
        # A browser that leaves mid-download (a reload, a closed tab) is no error of ours:
        # without this, each one prints a traceback.
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            super().handle()

    def log_message(self, format: str, *args: object) -> None:  # quiet: errors only
        if not (len(args) > 1 and str(args[1]).startswith(("2", "3"))):
            super().log_message(format, *args)


def server(port: int = 0, site: Path = SITE) -> http.server.ThreadingHTTPServer:
    """A server for the site on 127.0.0.1 (port 0: any free port); call serve_forever()."""
    handler = functools.partial(Handler, directory=str(site))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-only", action="store_true", help="build and print the folder")
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (8000)")
    args = parser.parse_args()
    site = build()
    size = json.loads((site / "site.json").read_text())["bytes"]
    if args.build_only:
        print(site)
        print(f"{size / 1e6:.1f} MB: copy this folder to any static host", file=sys.stderr)
        return 0
    httpd = server(args.port, site)
    print(f"gradstep playground ({size / 1e6:.1f} MB): http://127.0.0.1:{httpd.server_port}/")
    print("Ctrl-C stops it", flush=True)  # (the URL shows at once, even through a pipe)
    with contextlib.suppress(KeyboardInterrupt):
        httpd.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())

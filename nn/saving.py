"""The model file: a JSON document of a model's architecture and parameters.

`Module.save` writes one and `nn.load` reads one; this module knows the format
(its name and version, its keys) and reads a file as data only, never running
anything from it, in time and memory proportional to its size. Which models a
file may rebuild, and how, is `nn.module`'s part.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = "gradstep.model"
FORMAT_VERSION = 1
KEYS = ("format", "version", "model", "config", "parameters")


@dataclass(frozen=True)
class ModelFile:
    """What a model file holds: the model's class name, its constructor's arguments,
    each parameter's value by name, and the file's size in bytes (what may be built
    from it is proportional to that)."""

    model: str
    config: dict[str, Any]
    parameters: dict[str, Any]
    size: int


def write(
    path: str | Path, model: str, config: dict[str, Any], parameters: dict[str, float]
) -> None:
    """Write a model file; floats are written with `repr`, so they read back bit for bit.

    Example:
        >>> import tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "m.json")
        >>> config = {"nin": 1, "activation": None, "name": "N"}
        >>> write(path, "Neuron", config, {"w1": 0.5, "b": 0.0})
        >>> read(path).parameters
        {'w1': 0.5, 'b': 0.0}
    """
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "model": model,
        "config": config,
        "parameters": parameters,
    }
    Path(path).write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


def read(path: str | Path) -> ModelFile:
    """A model file's contents, parsed as JSON data only; ValueError, naming the file and
    what is wrong, for anything that is not a model file. OSError if it cannot be read."""
    if not stat.S_ISREG(os.stat(path).st_mode):  # a device or a pipe could never end
        raise ValueError(f"{path}: not a gradstep model file (not a regular file)")
    raw = Path(path).read_bytes()
    try:
        document = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError as e:
        raise ValueError(f"{path}: not a gradstep model file (not UTF-8 text: {e})") from None
    except RecursionError:
        raise ValueError(f"{path}: not a gradstep model file (nested too deeply)") from None
    except ValueError as e:  # JSONDecodeError, a duplicate key, an int of too many digits
        raise ValueError(f"{path}: not a gradstep model file (invalid JSON: {e})") from None
    try:
        _check(document)
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None
    return ModelFile(document["model"], document["config"], document["parameters"], len(raw))


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict, refusing a key given twice (json would keep the last)."""
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"the key {short(key)} appears twice in one object")
            seen.add(key)
    return document


def _check(document: Any) -> None:
    """The document's format, version and keys, each of the right type."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f'not a gradstep model file (no "format": "{FORMAT}")')
    version = document.get("version")
    if type(version) is not int or version != FORMAT_VERSION:
        raise ValueError(
            f"model file version {short(version)} is not supported "
            f"(this gradstep reads version {FORMAT_VERSION}, an integer)"
        )
    unknown = [key for key in document if key not in KEYS]
    if unknown:
        raise ValueError(f"unknown keys {some(unknown)} (a model file has {', '.join(KEYS)})")
    for key, kind in (("model", str), ("config", dict), ("parameters", dict)):
        if not isinstance(document.get(key), kind):
            raise ValueError(f"{key!r} is missing or not a {kind.__name__}")


def some(names: list[Any]) -> str:
    """The first few of a list of names, for an error message.

    Example:
        >>> some(["a", "b"]), some(list(range(7)))
        ("['a', 'b'] (2)", '[0, 1, 2, 3, 4, ...] (7)')
    """
    shown = ", ".join(short(n) for n in names[:5])
    return f"[{shown}{', ...' if len(names) > 5 else ''}] ({len(names)})"


def short(x: Any) -> str:
    """A value as an error message shows it: its repr if a str or a number, else its
    type; at most 60 characters.

    Example:
        >>> short("L1.N1.w1"), short([1, 2]), len(short("x" * 100))
        ("'L1.N1.w1'", 'a list', 60)
    """
    text = repr(x) if isinstance(x, (str, int, float)) else f"a {type(x).__name__}"
    return text if len(text) <= 60 else text[:57] + "..."

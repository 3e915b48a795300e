"""Fail early, with advice, when `import autograd` finds another package of that name.

The name is shared with HIPS autograd (PyPI's `autograd`), and a learner's own
autograd.py or autograd/ folder beside a notebook comes first on the path;
either would otherwise surface later as a puzzling error deep inside nn.
"""

from __future__ import annotations

import importlib.util


def require_our_autograd() -> None:
    """Raise ImportError saying what was found and what to do, unless autograd is ours.

    Example:
        >>> require_our_autograd()  # gradstep's autograd: nothing to say
    """
    try:
        import autograd
    except ImportError as e:
        found, failure = None, f" (importing it failed: {e})"
    else:
        found, failure = autograd, ""
    if getattr(found, "__gradstep__", False):
        return
    spec = importlib.util.find_spec("autograd")
    where = (spec.origin or ", ".join(spec.submodule_search_locations or [])) if spec else "?"
    raise ImportError(
        f"gradstep's nn needs gradstep's autograd, but `import autograd` finds {where}{failure}. "
        "If that is a file or folder of yours named autograd, rename it; if it is HIPS "
        "autograd (PyPI's 'autograd', the same import name), use gradstep in a virtual "
        "environment of its own (see Troubleshooting in gradstep's README)."
    )


require_our_autograd()

"""The backward pass one node at a time: as text (`backward_steps`) and as a player.

The player shows one picture per step with a caption in words. Every frame is
drawn with the same layout (only colours and numbers change), and the frames
are images inside plain HTML, so they show even where scripts are not run (an
untrusted notebook, a static page); where scripts run, previous/next buttons
and a slider step through them.
"""

from __future__ import annotations

import base64
import functools
import html
import json
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from autograd.draw import Frame, GradView, _symbol, draw_graph, name, number
from autograd.engine import Value, topological_order
from autograd.render import _png, fit_to_page


@dataclass(frozen=True)
class Contribution:
    """What one node sends to one input: local_grad * upstream, added to input.grad."""

    input: Value
    local_grad: float
    upstream: float
    product: float
    input_grad_after: float


@dataclass(frozen=True)
class BackwardStep:
    """One node's turn in the backward pass (see `backward_steps`).

    Example:
        >>> x = Value(3.0, label="x"); y = x * x
        >>> step = next(backward_steps(y))
        >>> step.node is y, step.grad, [c.product for c in step.contributions]
        (True, 1.0, [3.0, 3.0])
    """

    index: int
    node: Value
    grad: float
    contributions: tuple[Contribution, ...]
    order: list[Value]  # every node, in the order backward visits them (shared by all steps)
    seed: float = 1.0
    # the steps taken so far, shared by all steps of one pass: enough to replay any of them
    history: list[BackwardStep] = field(default_factory=list, repr=False, compare=False)

    @property
    def done(self) -> set[Value]:
        """The nodes whose gradient is final at this step: every node that uses them
        has passed its share on (the nodes visited so far, and their inputs whose
        last user has been visited)."""
        final = set(self.order[: self.index + 1])
        last_user: dict[Value, int] = {}
        for position, node in enumerate(self.order):
            for child in node.inputs:
                last_user[child] = position
        final.update(node for node, position in last_user.items() if position <= self.index)
        return final

    def grad_views(self) -> dict[Value, GradView]:
        """Each node's grad as it stands right after this step, and whether it is final,
        still being summed ("partial"), or has just received a contribution ("changed")."""
        grads: dict[Value, float] = {self.order[0]: self.seed}
        for step in self.history[: self.index + 1]:
            for c in step.contributions:
                grads[c.input] = c.input_grad_after
        done = self.done
        changed = {c.input for c in self.contributions}
        views = {}
        for node in self.order:
            grad = grads.get(node)
            state = "changed" if node in changed else "final" if node in done else "partial"
            views[node] = GradView(grad, state)
        return views

    def frame(self) -> Frame:
        """This step as `draw_graph(root, highlight=step)` draws it: the node passing
        gradient on, outlined, and every grad as it stands right after the step.

        Example:
            >>> x = Value(3.0, label="x"); y = x * x
            >>> frame = next(backward_steps(y)).frame()
            >>> frame.current is y, frame.views[x]
            (True, GradView(grad=6.0, state='changed'))
        """
        return Frame(self.grad_views(), self.node)

    def __str__(self) -> str:
        where = f"step {self.index + 1}/{len(self.order)}"
        head = f"{where}: {name(self.node)} has grad {number(self.grad)}"
        if not self.contributions:
            return head + (" (a leaf: nothing to pass on)" if not self.node.inputs else "")
        through = _symbol(self.node.op)  # as the drawing writes it (its record's symbol)
        lines = [head + f"; it passes gradient to its inputs through '{through}':"]
        for c in self.contributions:
            lines.append(
                f"  {name(c.input)}: local {number(c.local_grad)} × upstream "
                f"{number(c.upstream)} = {number(c.product)}, so its grad is now "
                f"{number(c.input_grad_after)}"
            )
        return "\n".join(lines)


def backward_steps(root: Value, grad: float = 1.0) -> Iterator[BackwardStep]:
    """Run `root.backward(grad)` one node at a time, yielding what each node does.

    Each step names the node, its (now final) grad, and for each input the local
    derivative, the upstream grad, their product and the input's grad after adding
    it: a node used twice visibly receives two contributions. When the iteration
    ends every grad equals what `root.backward(grad)` gives.

    Example:
        >>> x = Value(3.0, label="x")
        >>> y = x * x
        >>> for step in backward_steps(y):
        ...     print(step)
        step 1/2: x×x has grad 1; it passes gradient to its inputs through '×':
          x: local 3 × upstream 1 = 3, so its grad is now 3
          x: local 3 × upstream 1 = 3, so its grad is now 6
        step 2/2: x has grad 6 (a leaf: nothing to pass on)
    """
    order = topological_order(root)
    order.reverse()
    for node in order:
        if node.inputs or node.grad is None:  # None: `p.grad = None`, no gradient yet
            node.grad = 0.0
    seed = float(grad)
    root.grad += seed
    history: list[BackwardStep] = []
    for index, node in enumerate(order):
        upstream = node.grad
        contributions = []
        for child, local in zip(node.inputs, node.local_grads):
            product = local * upstream
            child.grad += product
            contributions.append(Contribution(child, local, upstream, product, child.grad))
        step = BackwardStep(index, node, upstream, tuple(contributions), order, seed, history)
        history.append(step)
        yield step


def _caption(step: BackwardStep) -> str:
    """What a step does, in words: one line per input, local × upstream = contribution."""
    lines = [
        f"{name(step.node)} has its final grad {number(step.grad)} and passes it back through "
        f"'{_symbol(step.node.op)}' (local × upstream = contribution):"
    ]
    for c in step.contributions:
        if _constant(c.input):
            continue  # a number written in the expression: no grad is kept for it
        lines.append(
            f"  to {name(c.input)}: {number(c.local_grad)} × {number(c.upstream)} = "
            f"{number(c.product)}, so its grad is now {number(c.input_grad_after)}"
        )
    return "\n".join(lines)


def _constant(v: Value) -> bool:
    return v.is_constant


def _headline(step: BackwardStep) -> str:
    targets = []
    for c in step.contributions:
        if not _constant(c.input) and name(c.input) not in targets:
            targets.append(name(c.input))
    return f"{name(step.node)} passes its grad {number(step.grad)} back to " + ", ".join(targets)


class BackwardPlayer:
    """The backward pass as pictures: one frame per step that changes something.

    The first frame seeds the output's grad with 1 (d out / d out); then each
    computed node passes its gradient to its inputs (local × upstream =
    contribution). Leaves get no frame of their own: their grads fill in as the
    nodes that use them pass gradient on. All frames share one layout.

    Displays inline in Jupyter: with scripts allowed, as a player with
    previous/next buttons and a slider; without (an untrusted notebook, a static
    page), as the first frame with every other step listed below, one click each.

    Example:
        >>> x = Value(1.5, label="x"); y = (x * x).tanh()
        >>> player = BackwardPlayer(y)  # doctest: +NEEDS_DOT
        >>> len(player.frames) == len(player.captions) == 3  # the seed, then tanh, then ×
        True
    """

    def __init__(
        self,
        root: Value,
        grad: float = 1.0,
        *,
        max_frames: int = 200,
        rankdir: str = "LR",
        parameters: Iterable[Value] | None = None,
        color_by_grad: bool = False,
    ) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"the player steps through a Value's graph, got {type(root).__name__}")
        steps = [s for s in backward_steps(root, grad) if s.contributions]
        if len(steps) + 1 > max_frames:
            raise ValueError(
                f"{len(steps) + 1} frames is more than max_frames={max_frames}: play a smaller "
                "expression, or raise max_frames"
            )
        seed = GradView(steps[0].grad if steps else root.grad, "changed")
        views = [{root: seed}] + [s.grad_views() for s in steps]
        widest = max(len(number(v.grad)) for frame in views for v in frame.values() if v.grad)
        out = name(root)
        self.captions = [
            f"start: {out} has grad {number(seed.grad or 0.0)}, the output's gradient with "
            f"respect to itself (d{out}/d{out} = 1). In each next frame one node passes its "
            "grad back to its inputs."
        ] + [_caption(s) for s in steps]
        self.headlines = [f"start: {out} has grad {number(seed.grad or 0.0)}"]
        self.headlines += [_headline(s) for s in steps]
        params = list(parameters) if parameters is not None else None  # one pass for all frames
        self.drawings: list[Any] = [
            draw_graph(
                root,
                rankdir,
                parameters=params,
                max_nodes=max_frames * 4,
                color_by_grad=color_by_grad,
                highlight=Frame(
                    frame,
                    current=step.node if step is not None else root,
                    passing=step is not None,
                    cell_chars=widest,
                ),
            )
            for frame, step in zip(views, [None, *steps])
        ]
        self.frames = [fit_to_page(d.pipe(format="svg").decode("utf-8")) for d in self.drawings]
        self.root_name = out

    def to_html(self) -> str:
        """The player as one HTML fragment: pictures and captions, plus a script that
        turns them into a player where scripts run."""
        uid = f"gradstep-player-{secrets.token_hex(6)}"
        count = len(self.frames)
        parts = []
        for i, (svg, caption) in enumerate(zip(self.frames, self.captions)):
            image = (
                f'<img src="data:image/svg+xml;base64,'
                f'{base64.b64encode(svg.encode("utf-8")).decode("ascii")}" '
                f'alt="{html.escape(self.headlines[i])}" title="{html.escape(self.headlines[i])}" '
                f'style="max-width:100%;height:auto;display:block">'
            )
            text = (
                f'<pre class="caption" style="{_CAPTION_STYLE}">'
                f"{html.escape(f'frame {i + 1} of {count}: {caption}')}</pre>"
            )
            if i == 0:
                parts.append(f'<div class="gs-step">{text}{image}</div>')
                parts.append(
                    '<p class="gs-hint" style="color:#555;margin:6px 0">Open the other frames '
                    "below, one click each. Run this cell (or trust the notebook) to step "
                    "through them with previous/next buttons and a slider instead.</p>"
                )
            else:
                summary = html.escape(f"frame {i + 1} of {count}: {self.headlines[i]}")
                parts.append(
                    f'<details class="gs-step"><summary style="cursor:pointer">{summary}</summary>'
                    f"{text}{image}</details>"
                )
        return (
            f'<div id="{uid}" class="gradstep-player" style="font-family:Helvetica,Arial,'
            f'sans-serif;max-width:100%">\n'
            + "\n".join(parts)
            + f"\n<script>{_script(uid)}</script>\n</div>"
        )

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None, **kwargs: Any
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        png = _png(self.drawings[-1])  # the last frame: every gradient in place
        return (
            {
                "text/html": self.to_html(),
                "image/png": base64.b64encode(png).decode("ascii"),
                "text/plain": repr(self),
            },
            {},
        )

    def __repr__(self) -> str:
        return f"Player: {len(self.frames)} frames of the backward pass through {self.root_name}"

    def save(self, path: str | Path) -> Path:
        """Write the player as a standalone HTML page.

        Example:
            >>> import tempfile, os
            >>> x = Value(0.5, label="x")
            >>> player = BackwardPlayer(x.exp() * x)  # doctest: +NEEDS_DOT
            >>> page = player.save(os.path.join(tempfile.mkdtemp(), "p.html"))
            >>> "<img" in page.read_text()
            True
        """
        path = Path(path)
        path.write_text(
            "<!doctype html>\n<html><head><meta charset='utf-8'><title>backward pass of "
            f"{html.escape(self.root_name)}</title></head>\n<body>\n{self.to_html()}\n</body></html>\n",
            encoding="utf-8",
        )
        return path


_CAPTION_STYLE = (
    "background:#f6f6f6;padding:6px 8px;margin:4px 0;white-space:pre-wrap;"
    "word-break:normal;overflow-wrap:break-word;"
    "font-family:Menlo,Consolas,'DejaVu Sans Mono',monospace;font-size:13px"
)


def _script(uid: str) -> str:
    """Turn the list of steps into a player: one frame at a time, buttons, a slider, keys."""
    return (
        f"(function() {{\n{_player_js()}"
        f"gradstepPlayer(document.getElementById({json.dumps(uid)}));\n}})();"
    )


@functools.cache
def _player_js() -> str:
    """The player's controls, shipped beside this module as player.js."""
    return (resources.files("autograd") / "player.js").read_text(encoding="utf-8")


def backward_player(root: Value, grad: float = 1.0, **options: Any) -> BackwardPlayer:
    """Step through `root.backward()` frame by frame, inline in a notebook.

    Runs the backward pass (filling every grad) and draws one picture per step
    that changes something, all with the same layout. Options: `rankdir`,
    `parameters`, `color_by_grad` (as for `draw_graph`) and `max_frames`.

    Example:
        >>> x = Value(0.5, label="x"); y = x.exp() * x
        >>> "<img" in backward_player(y).to_html()  # doctest: +NEEDS_DOT
        True
    """
    return BackwardPlayer(root, grad, **options)

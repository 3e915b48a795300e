"""Stepping through backward: the steps as text, a step drawn, and the player."""

from __future__ import annotations

import base64
import math
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Value, backward_player, backward_steps, draw_graph, topological_order
from autograd.draw import CURRENT, PARTIAL, number
from tests.test_backward import random_dag
from tests.test_draw import needs_dot, small_graph


@given(st.integers(min_value=0, max_value=5000))
@settings(max_examples=40, deadline=None)
def test_backward_steps_end_with_the_same_grads_as_backward(seed):
    f, _ = random_dag(seed, 3, 20)
    rng = random.Random(seed)
    xs = [Value(rng.uniform(-1, 1), label=f"x{i}") for i in range(3)]
    root = f(*xs)
    root.backward()
    expected = {node: node.grad for node in topological_order(root)}
    for node in expected:
        if not node.inputs:
            node.grad = 0.0  # leaves (inputs and constants) accumulate across passes
    steps = list(backward_steps(root))
    order = [s.node for s in steps]
    assert len(order) == len(expected)
    position = {node: i for i, node in enumerate(order)}
    for node in order:  # every node after all the nodes that use it
        for child in node.inputs:
            assert position[child] > position[node]
    for node, grad in expected.items():
        assert node.grad == pytest.approx(grad, rel=1e-12, abs=1e-15)
    # every step's view of the grads agrees with a replay of the contributions so far
    last = steps[-1].grad_views()
    assert all(last[n].grad == pytest.approx(g, rel=1e-12, abs=1e-15) for n, g in expected.items())


@pytest.mark.parametrize(
    "replay",
    [
        pytest.param(lambda y: list(backward_steps(y)), id="steps"),
        pytest.param(backward_player, id="player", marks=needs_dot),
    ],
)
def test_the_steps_and_player_take_a_grad_of_none_as_no_gradient_yet(replay):
    x, w = Value(0.5, label="x"), Value(-1.5, label="w")
    x.grad = w.grad = None
    replay((x * w).tanh())
    slope = 1.0 - math.tanh(0.5 * -1.5) ** 2  # d tanh(u)/du at u = x*w
    assert x.grad == pytest.approx(slope * -1.5) and w.grad == pytest.approx(slope * 0.5)


def test_a_step_shows_the_product_rule_and_accumulation():
    x = Value(3.0, label="x")
    y = x * x
    first = next(backward_steps(y))
    assert first.node is y and first.grad == 1.0
    assert [c.product for c in first.contributions] == [3.0, 3.0]
    assert [c.input_grad_after for c in first.contributions] == [3.0, 6.0]
    assert "x: local 3 × upstream 1 = 3, so its grad is now 6" in str(first)


def test_grad_views_say_which_grads_are_final_partial_or_just_changed():
    a = Value(3.0, label="a")
    q = a * a + a  # a receives 1 from '+' first, then 3 and 3 from '*'
    q.label = "q"
    first, second, _leaf = backward_steps(q)
    views = first.grad_views()
    assert views[q].grad == 1.0 and views[q].state == "final"
    assert views[a].grad == 1.0 and views[a].state == "changed"
    product = next(n for n in views if n.op == "*")
    assert views[product].state == "changed"
    views = second.grad_views()
    assert views[a].grad == 7.0 and views[a].state == "changed"
    assert views[product].state == "final"


def test_highlight_outlines_the_current_node_and_shows_grads_as_they_stand():
    _x, _w, b, n, y = small_graph()
    steps = list(backward_steps(y))
    step = next(s for s in steps if s.node is n)
    source = draw_graph(y, highlight=step).source
    outlined = [
        line
        for line in source.splitlines()
        if ">> " in line and f'color="{CURRENT}"' in line.split(">> ")[1]
    ]
    assert len(outlined) == 1 and "<b>n</b>" in outlined[0]  # n's outline
    # n sends gradient to its two inputs: its op's edge and the op's two input edges, in red
    assert len(re.findall(rf'color="{CURRENT}" dir=back penwidth=2.5', source)) == 3
    lines = source.splitlines()
    x_box = next(line for line in lines if "<b>x</b>" in line)
    assert "grad</td><td align" in x_box and ">&nbsp;</font>" in x_box  # not reached yet
    b_box = next(line for line in lines if "<b>b</b>" in line)
    assert f'<font color="{CURRENT}">{number(b.grad)}</font>' in b_box  # just received
    n_box = next(line for line in lines if "<b>n</b>" in line)
    assert f'<font color="black">{number(n.grad)}</font>' in n_box  # final
    assert "passing its grad back now" in source and "a grad not final yet" in source


def test_highlight_shows_a_partial_sum_in_grey_until_it_is_final():
    a = Value(0.5, label="a")
    q = (a * 2.0).tanh() + a  # a hears from '+' at once, from '*' two steps later
    steps = list(backward_steps(q))

    def a_grad(step):
        source = draw_graph(q, highlight=step).source
        box = next(line for line in source.splitlines() if "<b>a</b>" in line)
        return re.search(r'grad</td><td [^>]*><font color="([^"]+)">([^<]+)<', box).groups()

    assert a_grad(steps[0]) == (CURRENT, "1")  # just received 1 from '+'
    assert a_grad(steps[1]) == (PARTIAL, "1")  # tanh's turn: a is waiting for '*'
    assert a_grad(steps[2]) == (CURRENT, number(a.grad))  # '*' adds its share: final


# -- the player ------------------------------------------------------------------------------


def node_positions(svg: str) -> dict[str, str]:
    """Each node's title mapped to the coordinates of its shapes (numbers inside may move:
    they are right-aligned)."""
    positions = {}
    for block in re.findall(r'<g id="node\d+" class="node">(.*?)</g>\n(?=<!--|</g>)', svg, re.S):
        title = re.search(r"<title>(.*?)</title>", block).group(1)
        coords = re.findall(r'(?:points|cx|cy|d)="([^"]+)"', block)  # shapes, not text
        positions[title] = " ".join(coords)
    return positions


@needs_dot
def test_the_player_keeps_one_layout_for_every_frame():
    *_, y = small_graph()
    player = backward_player(y)
    layouts = [node_positions(svg) for svg in player.frames]
    assert len(layouts[0]) == 7 + 4  # values and ops
    assert all(layout == layouts[0] for layout in layouts)
    boxes = [re.search(r'viewBox="([^"]+)"', svg).group(1) for svg in player.frames]
    assert len(set(boxes)) == 1


@needs_dot
def test_the_player_has_a_frame_for_the_seed_and_each_node_that_passes_gradient_on():
    x, w, _b, n, y = small_graph()
    player = backward_player(y)
    computed = sum(1 for node in topological_order(y) if node.inputs)
    assert len(player.frames) == 1 + computed  # leaves add no frame: nothing changes
    assert x.grad == pytest.approx(w.data * n.grad)  # playing it ran the backward pass
    assert player.captions[0].startswith("start: y has grad 1")
    assert "(local × upstream = contribution)" in player.captions[1]
    tanh_n = math.tanh(n.data)  # y = tanh(n) * n: d y / d n along the second input is tanh(n)
    assert (
        f"to n: {number(tanh_n)} × 1 = {number(tanh_n)}, so its grad is now" in player.captions[1]
    )
    assert repr(player) == "Player: 5 frames of the backward pass through y"


@needs_dot
def test_the_player_shows_pictures_without_scripts_and_controls_with_them(tmp_path):
    _x, _w, _b, _n, y = small_graph()
    player = backward_player(y)
    page = player.to_html()
    images = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert len(images) == len(player.frames)
    assert base64.b64decode(images[2]).decode() == player.frames[2]
    assert page.count("<details") == len(player.frames) - 1  # the first frame shows as is
    assert "<button" not in page.split("<script>")[0]  # no dead buttons where scripts are off
    script = page.split("<script>")[1]
    assert "previous" in script and "next" in script and 'type="range"' in script
    assert "<img" in player.save(tmp_path / "player.html").read_text()
    data, _ = player._repr_mimebundle_()
    assert data["text/html"].startswith('<div id="gradstep-player-')
    assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG")
    assert data["text/plain"].startswith("Player:")


@needs_dot
def test_the_player_hover_text_names_nodes_not_ids():
    _x, _w, _b, _n, y = small_graph()
    svg = backward_player(y).frames[1]
    tips = re.findall(r'xlink:title="([^"]+)"', svg)
    assert any(t.startswith("x: input") for t in tips)
    assert not any(re.search(r"\b(v|n|op)\d+\b", t) for t in tips)


@needs_dot
def test_the_player_refuses_too_many_frames():
    model = nn.MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match="max_frames"):
        backward_player(model([1.0, 2.0]), max_frames=5)


def test_a_step_names_its_op_by_the_symbol_the_drawing_uses():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    assert "through '×':" in str(next(backward_steps(a * b)))
    assert "through '÷':" in str(next(backward_steps(a / b)))
    assert "through 'tanh':" in str(next(backward_steps(a.tanh())))
    assert "'*'" not in str(next(backward_steps(a * b)))


@needs_dot
def test_the_players_captions_name_the_op_as_its_drawing_does():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    player = backward_player(a * b + 1)
    assert any("back through '×'" in c for c in player.captions)
    assert not any("'*'" in c for c in player.captions)


@needs_dot
def test_captions_leave_out_constants_which_keep_no_grad():
    a = Value(3.0, label="a")
    q = 2 * a
    player = backward_player(q)
    assert "to a: 2 × 1 = 2" in player.captions[1]
    assert "to 2:" not in player.captions[1]
    assert player.headlines[1].endswith("back to a")


@needs_dot
def test_the_players_script_is_player_js_shipped_as_package_data():
    tomllib = pytest.importorskip("tomllib")
    package = Path(autograd.__file__).parent
    js = (package / "player.js").read_text(encoding="utf-8")
    assert "function gradstepPlayer(root)" in js
    project = tomllib.loads((package.parent / "pyproject.toml").read_text())
    assert "player.js" in project["tool"]["setuptools"]["package-data"]["autograd"]
    x = Value(1.5, label="x")
    assert js in backward_player(x * x).to_html().split("<script>")[1]

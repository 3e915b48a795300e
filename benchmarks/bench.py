"""Side-by-side speed and memory of gradstep and micrograd, in one process.

    python benchmarks/bench.py           # full run: medians of 9 steps
    python benchmarks/bench.py --quick   # a fast pass that only proves it still runs

The workload is micrograd's own demo step: a 2-16-16-1 ReLU MLP on 100 points,
hinge loss plus 1e-4 L2, one SGD update. It is measured three ways:

1. the engine: the graph built in micrograd's exact op order (`sum(w*x for ...)`
   per neuron) on gradstep's Value and on micrograd's Value;
2. the library: `nn.MLP` (one fused `dot` node per neuron) against micrograd's
   `nn.MLP`, and against the same step written out by hand on plain floats
   (benchmarks/handwritten.py), checking that all three compute the same loss;
3. a 1,000,000-node chain's forward and backward, and bytes per graph node;
4. seconds per epoch on the handwritten digits (nn.datasets.load_digits): a
   64-32-10 MLP, cross-entropy, Adam, batch 32, 1,437 training images, with
   `nn.fit`, and with micrograd's nn.MLP (extrapolated from a few batches).

Then the compiled steps (`nn.fit(..., compile=True)`): the same step as generated
straight-line Python, against the step by hand on floats and `nn.MLP`'s graph,
for the demo step (2-16-16-1), a wider 2-64-64-1 and a 64-32-10 cross-entropy
step on random inputs shaped like the digits (64 features, 10 classes), with the
time it takes to compile each.

    python benchmarks/bench.py --json    # ... and one JSON object of the figures, last

Needs the `bench` extra (micrograd==0.1.0); without it only gradstep's figures print.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import math
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nn
from autograd import Value, dot, draw_graph, grad, topological_order, total
from benchmarks.handwritten import cross_entropy_step, hinge_l2_step
from nn.collector import cycle_collector_paused
from nn.compiled import CompiledStep

SIZES = [2, 16, 16, 1]


def make_data(n: int = 100, seed: int = 0) -> tuple[list[list[float]], list[int]]:
    rng = random.Random(seed)
    X, y = [], []
    for _ in range(n):
        a, b = rng.uniform(-1, 1), rng.uniform(-1, 1)
        X.append([a, b])
        y.append(1 if a * a + b * b < 0.5 else -1)
    return X, y


def make_params(value_type: Any, seed: int = 1) -> list[list[tuple[list[Any], Any]]]:
    """[layer][neuron] -> (weights, bias), the same numbers for either engine."""
    rng = random.Random(seed)
    return [
        [
            ([value_type(rng.uniform(-1, 1)) for _ in range(nin)], value_type(0.0))
            for _ in range(nout)
        ]
        for nin, nout in itertools.pairwise(SIZES)
    ]


def demo_loss(params: list[list[tuple[list[Any], Any]]], X: list[list[float]], y: list[int]) -> Any:
    """micrograd's demo loss, op for op: hinge loss + 1e-4 * sum(p*p)."""
    losses = []
    for xrow, yi in zip(X, y):
        act: list[Any] = list(xrow)
        for li, layer in enumerate(params):
            last = li == len(params) - 1
            out = []
            for w, b in layer:
                s = sum((wi * xi for wi, xi in zip(w, act)), b)
                out.append(s if last else s.relu())
            act = out
        losses.append((1 + -yi * act[0]).relu())
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for layer in params for w, b in layer for p in [*w, b])
    return data_loss + reg_loss


def train_step(
    params: list[list[tuple[list[Any], Any]]], X: list[list[float]], y: list[int]
) -> float:
    flat = [p for layer in params for w, b in layer for p in [*w, b]]
    loss = demo_loss(params, X, y)
    for p in flat:
        p.grad = 0.0
    loss.backward()
    for p in flat:
        p.data -= 0.05 * p.grad
    return float(loss.data)


def paused_gc(fn: Callable[..., Any], *args: Any) -> Any:
    """fn(*args) with the cycle collector paused, as nn.fit runs a step. gradstep graphs
    hold no cycles; micrograd's closures make every graph one, so it cannot do this."""
    with cycle_collector_paused():
        return fn(*args)


def median_time(fn: Callable[[], Any], repeats: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bytes_per_node(value_type: Any, count_nodes: Callable[[Any], int]) -> float:
    X, y = make_data()
    params = make_params(value_type)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    loss = demo_loss(params, X, y)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / count_nodes(loss)


def micrograd_node_count(root: Any) -> int:
    seen, stack = {id(root)}, [root]
    while stack:
        for child in stack.pop()._prev:
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return len(seen)


def nn_step(model: nn.MLP, opt: nn.SGD, X: list[list[float]], y: list[int]) -> float:
    """The demo step with gradstep's own nn, as nn.fit runs it."""
    params = model.parameters()
    with cycle_collector_paused():
        scores = [model(x) for x in X]
        loss = nn.hinge_loss(scores, y) + 1e-4 * dot(params, params)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.data


def micrograd_mlp_step(model: Any, X: list[list[float]], y: list[int]) -> float:
    """micrograd's demo step with its own nn.MLP, as its demo notebook runs it."""
    from micrograd.engine import Value as MValue

    scores = [model([MValue(a) for a in x]) for x in X]
    losses = [(1 + -yi * s).relu() for yi, s in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg = 1e-4 * sum(p * p for p in model.parameters())
    loss = data_loss + reg
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= 0.05 * p.grad
    return float(loss.data)


def compiled_step(step: CompiledStep, opt: nn.Optimizer, X: list[Any], y: list[Any]) -> float:
    """The same step through the generated code, as nn.fit(compile=True) runs it."""
    with cycle_collector_paused():
        _, loss = step(X, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.data


def nn_cross_entropy_step(model: nn.MLP, opt: nn.SGD, X: list[list[float]], y: list[int]) -> float:
    """A cross-entropy step with nn.MLP's graph, as nn.fit runs it."""
    with cycle_collector_paused():
        loss = nn.cross_entropy([model(x) for x in X], y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.data


def interleaved_medians(steps: dict[str, Callable[[], Any]], repeats: int) -> dict[str, float]:
    """Median seconds of each step, timed in turns (a, b, c, a, b, c, ...) so that a
    busy machine slows all of them alike."""
    for step in steps.values():
        step()  # warm up
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(repeats):
        for name, step in steps.items():
            start = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def compiled_against_peers(
    key: str, title: str, sizes: list[int], X: list[Any], y: list[Any], repeats: int
) -> dict[str, float]:
    """One model shape: the compiled step, the step by hand and nn.MLP's, same process."""
    cross_entropy = sizes[-1] > 1
    graph_model, compiled_model = (
        nn.MLP(len(X[0]), sizes, activation="relu", seed=1) for _ in range(2)
    )
    floats, _ = copies_of(graph_model)
    params = compiled_model.parameters()
    graph_opt, compiled_opt = nn.SGD(graph_model.parameters(), lr=0.05), nn.SGD(params, lr=0.05)
    if cross_entropy:
        loss: Callable[..., Any] = nn.cross_entropy
        by_hand = partial(cross_entropy_step, floats, X, y, 0.05)
        graph = partial(nn_cross_entropy_step, graph_model, graph_opt, X, y)
    else:

        def loss(preds: list[Value], targets: list[int]) -> Value:  # the demo's: hinge + L2
            return nn.hinge_loss(preds, targets) + 1e-4 * dot(params, params)

        by_hand = partial(hinge_l2_step, floats, X, y, 0.05)
        graph = partial(nn_step, graph_model, graph_opt, X, y)

    def build() -> CompiledStep:
        return CompiledStep(compiled_model, loss, X, y, batch_size=len(X))

    step = build()
    compiled = partial(compiled_step, step, compiled_opt, X, y)
    first = {"compiled": compiled(), "by hand": by_hand(), "nn.MLP": graph()}
    spread = max(first.values()) - min(first.values())
    assert spread < 1e-12, first
    assert first["compiled"] == first["nn.MLP"], first  # bit for bit
    # compiling is timed in the same turns as the steps, so that its ratio to a step
    # compares like with like on a busy machine
    steps = {"compiled": compiled, "by hand": by_hand, "nn.MLP": graph, "compiling": build}
    t = interleaved_medians(steps, repeats)
    compile_seconds = t["compiling"]
    print(f"\n{title}:")
    row("compiled (generated straight-line Python)", t["compiled"])
    row("by hand on floats", t["by hand"])
    row("nn.MLP (the graph)", t["nn.MLP"])
    row("compiling it, once", compile_seconds, f"({compile_seconds / t['compiled']:.1f} steps)")
    print(
        f"  compiled / by hand: {t['compiled'] / t['by hand']:.2f}x; "
        f"nn.MLP / compiled: {t['nn.MLP'] / t['compiled']:.1f}x; same first-step loss "
        f"{first['compiled']:.12f} (spread {spread:.1e})"
    )
    return {
        f"{key}_compiled_ms": t["compiled"] * 1000,
        f"{key}_handwritten_ms": t["by hand"] * 1000,
        f"{key}_nn_mlp_ms": t["nn.MLP"] * 1000,
        f"{key}_compile_ms": compile_seconds * 1000,
        f"{key}_compiled_over_handwritten": t["compiled"] / t["by hand"],
        f"{key}_nn_mlp_over_compiled": t["nn.MLP"] / t["compiled"],
        f"{key}_compile_in_steps": compile_seconds / t["compiled"],
    }


def copies_of(model: nn.MLP) -> tuple[list[tuple[list[list[float]], list[float]]], Any]:
    """The model's weights as plain float lists, and as a micrograd MLP (if installed)."""
    floats = [
        ([[w.data for w in n.w] for n in layer.neurons], [n.b.data for n in layer.neurons])
        for layer in model.layers
    ]
    try:
        from micrograd.nn import MLP as MicroMLP
    except ImportError:
        return floats, None
    micro = MicroMLP(model.nin, model.nouts)
    for mlayer, layer in zip(micro.layers, model.layers):
        for mn, n in zip(mlayer.neurons, layer.neurons):
            for mw, w in zip(mn.w, n.w):
                mw.data = w.data
            mn.b.data = n.b.data
    return floats, micro


def drawable_graph(n_nodes: int) -> Value:
    """A DAG of about n_nodes nodes that reuses earlier results, with grads filled."""
    rng = random.Random(0)
    nodes = [Value(rng.uniform(-1, 1), label=f"x{i}") for i in range(20)]
    while 2 * len(nodes) < n_nodes:  # each new entry is two nodes: an op and its tanh
        a, b = rng.choice(nodes[-40:]), rng.choice(nodes)
        nodes.append((a * b if rng.random() < 0.3 else a + b).tanh())
    root = total(nodes)  # reaches every node
    root.backward()
    return root


def chain(n: int) -> float:
    x = Value(1.0)
    y = x
    for _ in range(n):
        y = y * 1.0000001
    y.backward()
    return x.grad


def row(name: str, seconds: float, extra: str = "") -> None:
    print(f"  {name:<46} {seconds * 1000:>9.1f} ms  {extra}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="few repeats, small chain: proves it runs"
    )
    parser.add_argument(
        "--json", action="store_true", help="also print the figures as one JSON object, last"
    )
    args = parser.parse_args()
    summary: dict[str, float] = {}
    repeats = 2 if args.quick else 9
    chain_length = 10_000 if args.quick else 1_000_000

    try:
        import micrograd.engine as mg
    except ImportError:
        mg = None
        print("micrograd is not installed (pip install -e '.[bench]'): gradstep only\n")

    X, y = make_data()
    print(f"Python {sys.version.split()[0]}; medians of {repeats} runs\n")

    print("micrograd's demo step (2-16-16-1 ReLU MLP, 100 points, hinge + L2, SGD):")
    results: dict[str, float] = {}
    losses: dict[str, float] = {}
    engines: list[tuple[str, Any]] = [("gradstep", Value)]
    if mg is not None:
        engines.append(("micrograd 0.1.0", mg.Value))
    for name, value_type in engines:
        losses[name] = train_step(make_params(value_type), X, y)
        params = make_params(value_type)
        results[name] = median_time(partial(train_step, params, X, y), repeats)
        row(name, results[name], "(default garbage collector)")
    params = make_params(Value)
    paused = median_time(partial(paused_gc, train_step, params, X, y), repeats)
    row("gradstep, cyclic GC paused during the step", paused, "(as nn.fit runs)")
    summary["engine_step_ms"] = results["gradstep"] * 1000
    summary["engine_step_gc_paused_ms"] = paused * 1000
    if mg is not None:
        assert abs(losses["gradstep"] - losses["micrograd 0.1.0"]) < 1e-12, losses
        print(f"  same loss on both engines: {losses['gradstep']:.12f}")
        base = results["micrograd 0.1.0"]
        summary["micrograd_over_engine"] = base / results["gradstep"]
        summary["micrograd_over_engine_gc_paused"] = base / paused
        print(
            f"  ratio micrograd / gradstep: {base / results['gradstep']:.1f}x with the default GC, "
            f"{base / paused:.1f}x with it paused (target >= 10x)"
        )

    print("\nthe library: nn.MLP (fused dot per neuron) vs micrograd's nn.MLP vs by hand:")
    model = nn.MLP(2, SIZES[1:], activation="relu", seed=1)
    floats, micro = copies_of(model)
    opt = nn.SGD(model.parameters(), lr=0.05)
    first = {
        "gradstep nn.MLP": nn_step(model, opt, X, y),
        "by hand on floats": hinge_l2_step(floats, X, y, lr=0.05),
    }
    if micro is not None:
        first["micrograd nn.MLP"] = micrograd_mlp_step(micro, X, y)
    spread = max(first.values()) - min(first.values())
    assert spread < 1e-12, first
    print(f"  same first-step loss on all: {first['gradstep nn.MLP']:.12f} (spread {spread:.1e})")
    lib = {
        "gradstep nn.MLP": median_time(partial(nn_step, model, opt, X, y), repeats),
        "by hand on floats": median_time(partial(hinge_l2_step, floats, X, y, 0.05), repeats),
    }
    if micro is not None:
        lib["micrograd nn.MLP"] = median_time(partial(micrograd_mlp_step, micro, X, y), repeats)
    for name, seconds in lib.items():
        row(name, seconds)
    hand = lib["by hand on floats"]
    print(f"  gradstep / by hand: {lib['gradstep nn.MLP'] / hand:.1f}x (target <= 5x)")
    summary["nn_mlp_over_handwritten"] = lib["gradstep nn.MLP"] / hand
    if micro is not None:
        summary["micrograd_mlp_over_nn_mlp"] = lib["micrograd nn.MLP"] / lib["gradstep nn.MLP"]
        print(
            f"  micrograd / gradstep: {lib['micrograd nn.MLP'] / lib['gradstep nn.MLP']:.0f}x "
            f"(target >= 10x)"
        )

    print(
        "\ncompiled steps (nn.fit(compile=True)) vs by hand on floats vs nn.MLP, "
        "relu MLPs, 100 examples, SGD:"
    )
    rng = random.Random(0)
    digits_like = [[rng.randrange(17) / 16 for _ in range(64)] for _ in range(100)]
    classes = [rng.randrange(10) for _ in range(100)]
    for key, title, sizes, inputs, targets in [
        ("demo", "2-16-16-1, the demo step (hinge + 1e-4 L2)", [16, 16, 1], X, y),
        ("2_64_64_1", "2-64-64-1, the same loss", [64, 64, 1], X, y),
        (
            "64_32_10",
            "64-32-10, cross-entropy (digits-shaped data)",
            [32, 10],
            digits_like,
            classes,
        ),
    ]:
        rounds = repeats if args.quick else 2 * repeats + 1  # small steps: more turns
        summary.update(compiled_against_peers(key, title, sizes, inputs, targets, rounds))
    summary["compiled_over_handwritten"] = summary["demo_compiled_over_handwritten"]
    print("  targets: compiled / by hand <= 0.5 (demo), <= 0.6 (64-32-10); compiling <= 10 steps")

    print("\nmemory per graph node (tracemalloc, the demo loss graph):")
    nodes = len(topological_order(demo_loss(make_params(Value), X, y)))
    node_bytes = bytes_per_node(Value, lambda r: len(topological_order(r)))
    summary["bytes_per_node"] = node_bytes
    print(f"  {'gradstep':<46} {node_bytes:>9.0f} B   ({nodes} nodes; target <= 250 B)")
    if mg is not None:
        print(f"  {'micrograd 0.1.0':<46} {bytes_per_node(mg.Value, micrograd_node_count):>9.0f} B")

    print("\nsecond order: backward() vs grad(create_graph=True) on the nn.MLP loss graph:")
    params = model.parameters()
    with cycle_collector_paused():
        loss = nn.hinge_loss([model(x) for x in X], y) + 1e-4 * dot(params, params)
        first_order = median_time(loss.backward, repeats)
        graph_of_grads = median_time(partial(grad, loss, params), repeats)
    row("backward() (floats; the path training uses)", first_order)
    row(
        "grad(create_graph=True) (a graph of Values)",
        graph_of_grads,
        f"({graph_of_grads / first_order:.0f}x: it builds the gradient's own graph)",
    )

    print("\ndrawing: draw_graph(...).source for a 2,000-node graph (no rendering):")
    big = drawable_graph(2000)
    row(
        f"gradstep ({len(topological_order(big))} nodes)",
        median_time(lambda: draw_graph(big, max_nodes=5000).source, repeats),
    )

    print(f"\na chain of {chain_length:,} multiplications, forward + backward:")
    chain_seconds = median_time(lambda: chain(chain_length), max(1, repeats // 3))
    row("gradstep", chain_seconds)
    summary["chain_seconds"] = chain_seconds
    if mg is not None:
        print("  micrograd 0.1.0: RecursionError (its topological sort is recursive)")
    digits = digits_epoch_seconds(args.quick)
    print_digits_epoch(digits)
    summary["digits_epoch_seconds_graph"] = digits["gradstep tanh"]
    summary["digits_epoch_seconds_compiled"] = digits["gradstep tanh, compiled"]
    if "micrograd 0.1.0" in digits:
        summary["digits_epoch_seconds_micrograd"] = digits["micrograd 0.1.0"]
    if args.json:  # the last line: one JSON object
        print(json.dumps({k: round(v, 4) for k, v in summary.items()}))


def digits_epoch_seconds(quick: bool) -> dict[str, float]:
    """Seconds per epoch of training on the digits: a 64-32-10 MLP, cross-entropy, Adam,
    batch size 32, on the 1,437 training images of the demo's split.

    gradstep: `nn.fit` for one whole epoch, with tanh (the demo's model) and with ReLU;
    micrograd: its nn.MLP (ReLU, its one activation) with the ReLU model's weights, exp
    and log added in its own style for the cross-entropy, timed on a few batches and
    extrapolated to the epoch. Both engines' losses on the first batch are checked equal.
    `quick` times gradstep on 128 images and micrograd on 4, extrapolated alike.
    """
    X, y = nn.datasets.load_digits()
    X_train, _, y_train, _ = nn.train_test_split([[v / 16.0 for v in x] for x in X], y, seed=0)
    n_epoch, batch = len(X_train), 32
    if quick:
        X_train, y_train = X_train[:128], y_train[:128]
    results: dict[str, float] = {}
    for activation, compiled in (("tanh", False), ("relu", False), ("tanh", True)):
        model = nn.MLP(64, [32, 10], activation=activation, seed=0)
        opt = nn.Adam(model.parameters(), lr=0.01)
        one_epoch = partial(
            nn.fit,
            model,
            X_train,
            y_train,
            nn.cross_entropy,
            opt,
            1,
            batch,
            progress=False,
            compile=compiled,
        )
        seconds = median_time(one_epoch, 1 if quick else 3)  # compiling included
        name = f"gradstep {activation}" + (", compiled" if compiled else "")
        results[name] = seconds * n_epoch / len(X_train)

    model = nn.MLP(64, [32, 10], activation="relu", seed=0)
    _, micro = copies_of(model)
    if micro is None:
        return results
    size = 4 if quick else batch  # images per timed micrograd step
    xb, yb = X_train[:size], y_train[:size]
    with cycle_collector_paused():
        ours = nn.cross_entropy([model(x) for x in xb], yb).data
    theirs = micrograd_cross_entropy([micro(x) for x in xb], yb).data
    assert abs(ours - theirs) < 1e-12, (ours, theirs)
    moments: list[list[float]] = [[0.0] * len(micro.parameters()) for _ in range(2)]
    steps = 1 if quick else 3
    per_image = []
    for step in range(1, steps + 1):
        xb = X_train[(step - 1) * size : step * size]
        yb = y_train[(step - 1) * size : step * size]
        start = time.perf_counter()
        micrograd_adam_step(micro, xb, yb, moments, step)
        per_image.append((time.perf_counter() - start) / size)
    results["micrograd 0.1.0"] = statistics.median(per_image) * n_epoch
    results["micrograd images timed"] = steps * size
    return results


def micrograd_cross_entropy(logits: list[list[Any]], targets: list[int]) -> Any:
    """gradstep's cross_entropy, op for op, on micrograd Values, with exp and log made the
    way micrograd makes its ops (a closure per node); micrograd 0.1.0 has neither."""
    from micrograd.engine import Value as MValue

    def unary(x: Any, y: float, local_grad: float) -> Any:
        out = MValue(y, (x,), "f")

        def _backward() -> None:
            x.grad += local_grad * out.grad

        out._backward = _backward
        return out

    losses = []
    for row, t in zip(logits, targets):
        shift = max(v.data for v in row)
        exps = [unary(v - shift, math.exp(v.data - shift), math.exp(v.data - shift)) for v in row]
        total_exp = sum(exps, MValue(0.0))
        log_sum_exp = unary(total_exp, math.log(total_exp.data), 1.0 / total_exp.data) + shift
        losses.append(log_sum_exp - row[t])
    return sum(losses, MValue(0.0)) * (1.0 / len(losses))


def micrograd_adam_step(
    model: Any, xb: list[list[float]], yb: list[int], moments: list[list[float]], t: int
) -> None:
    """One training step on micrograd: forward, loss, backward, and nn.Adam's update."""
    loss = micrograd_cross_entropy([model(x) for x in xb], yb)
    model.zero_grad()
    loss.backward()
    m, v = moments
    for i, p in enumerate(model.parameters()):
        m[i] = 0.9 * m[i] + 0.1 * p.grad
        v[i] = 0.999 * v[i] + 0.001 * p.grad * p.grad
        p.data -= 0.01 * (m[i] / (1 - 0.9**t)) / (math.sqrt(v[i] / (1 - 0.999**t)) + 1e-8)


def print_digits_epoch(results: dict[str, float]) -> None:
    print(
        "\ndigits: seconds per epoch (1,437 images; 64-32-10 MLP, cross-entropy, Adam, batch 32):"
    )
    print(f"  {'gradstep nn.fit, tanh (the demo model)':<46} {results['gradstep tanh']:>9.2f} s")
    print(f"  {'gradstep nn.fit, ReLU':<46} {results['gradstep relu']:>9.2f} s")
    print(
        f"  {'gradstep nn.fit(compile=True), tanh':<46} "
        f"{results['gradstep tanh, compiled']:>9.2f} s   (compiling included)"
    )
    if "micrograd 0.1.0" in results:
        seconds = results["micrograd 0.1.0"]
        print(
            f"  {'micrograd 0.1.0 nn.MLP, ReLU (extrapolated)':<46} {seconds:>9.2f} s   "
            f"(from {results['micrograd images timed']:.0f} images; "
            f"{seconds / results['gradstep relu']:.0f}x gradstep ReLU)"
        )


if __name__ == "__main__":
    main()

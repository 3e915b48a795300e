"""The benchmark's baseline: an MLP training step written out by hand on plain floats.

No graph, no objects per operation: the forward pass keeps each layer's
pre-activations, the backward pass applies the chain rule layer by layer. It is
what a careful person would write without an autograd engine, and so the floor
that any scalar engine in pure Python is measured against.
"""

from __future__ import annotations

import math

Layer = tuple[list[list[float]], list[float]]  # (weights[out][in], biases[out])


def hinge_l2_step(
    layers: list[Layer], X: list[list[float]], y: list[int], lr: float, alpha: float = 1e-4
) -> float:
    """One SGD step of a ReLU MLP (linear output) on mean hinge loss + alpha * sum(p**2).

    Updates `layers` in place and returns the loss before the update.
    """
    grads = [([[0.0] * len(row) for row in W], [0.0] * len(b)) for W, b in layers]
    n = len(X)
    data_loss = 0.0
    last = len(layers) - 1
    for x, target in zip(X, y):
        # forward: remember each layer's input and pre-activation
        inputs, pre = [], []
        a = x
        for li, (W, b) in enumerate(layers):
            z = []
            for row, bias in zip(W, b):
                s = bias
                for w, xi in zip(row, a):
                    s += w * xi
                z.append(s)
            inputs.append(a)
            pre.append(z)
            a = z if li == last else [v if v > 0.0 else 0.0 for v in z]
        margin = 1.0 - target * a[0]
        if margin > 0.0:
            data_loss += margin
            upstream = [-target / n]
        else:
            continue  # this example adds no loss and no gradient
        # backward
        for li in range(last, -1, -1):
            W, _ = layers[li]
            gW, gb = grads[li]
            dz = (
                upstream
                if li == last
                else [u if v > 0.0 else 0.0 for u, v in zip(upstream, pre[li])]
            )
            a_in = inputs[li]
            upstream = [0.0] * len(a_in)
            for j, (row, d) in enumerate(zip(W, dz)):
                if d == 0.0:
                    continue
                grow = gW[j]
                gb[j] += d
                for i, (w, xi) in enumerate(zip(row, a_in)):
                    grow[i] += d * xi
                    upstream[i] += d * w
    reg = 0.0
    for W, b in layers:
        for row in W:
            for w in row:
                reg += w * w
        for v in b:
            reg += v * v
    loss = data_loss / n + alpha * reg
    for (W, b), (gW, gb) in zip(layers, grads):
        for row, grow in zip(W, gW):
            for i, w in enumerate(row):
                row[i] = w - lr * (grow[i] + 2.0 * alpha * w)
        for j, v in enumerate(b):
            b[j] = v - lr * (gb[j] + 2.0 * alpha * v)
    return loss


def cross_entropy_step(
    layers: list[Layer], X: list[list[float]], y: list[int], lr: float, activation: str = "relu"
) -> float:
    """One SGD step of an MLP (hidden `activation`, relu or tanh; linear output) on the
    mean softmax cross-entropy of the class indices y, computed with the max shift.

    Updates `layers` in place and returns the loss before the update.
    """
    grads = [([[0.0] * len(row) for row in W], [0.0] * len(b)) for W, b in layers]
    n = len(X)
    total = 0.0
    last = len(layers) - 1
    relu = activation == "relu"
    for x, target in zip(X, y):
        # forward: remember each layer's input and pre-activation
        inputs, pre = [], []
        a = x
        for li, (W, b) in enumerate(layers):
            z = []
            for row, bias in zip(W, b):
                s = bias
                for w, xi in zip(row, a):
                    s += w * xi
                z.append(s)
            inputs.append(a)
            pre.append(z)
            if li == last:
                a = z
            elif relu:
                a = [v if v > 0.0 else 0.0 for v in z]
            else:
                a = [math.tanh(v) for v in z]
        shift = max(a)
        exps = [math.exp(v - shift) for v in a]
        sum_exps = sum(exps)
        total += math.log(sum_exps) + shift - a[target]
        upstream = [e / sum_exps / n for e in exps]  # softmax / n ...
        upstream[target] -= 1.0 / n  # ... minus the one-hot target / n
        # backward
        for li in range(last, -1, -1):
            W, _ = layers[li]
            gW, gb = grads[li]
            if li == last:
                dz = upstream
            elif relu:
                dz = [u if v > 0.0 else 0.0 for u, v in zip(upstream, pre[li])]
            else:
                dz = [u * (1.0 - h * h) for u, h in zip(upstream, inputs[li + 1])]
            a_in = inputs[li]
            upstream = [0.0] * len(a_in)
            for j, (row, d) in enumerate(zip(W, dz)):
                if d == 0.0:
                    continue
                grow = gW[j]
                gb[j] += d
                for i, (w, xi) in enumerate(zip(row, a_in)):
                    grow[i] += d * xi
                    if li:  # the data needs no gradient
                        upstream[i] += d * w
    for (W, b), (gW, gb) in zip(layers, grads):
        for row, grow in zip(W, gW):
            for i, w in enumerate(row):
                row[i] = w - lr * grow[i]
        for j, v in enumerate(b):
            b[j] = v - lr * gb[j]
    return total / n

"""Exercises of notebook 3: a neuron's output and a weight's gradient by hand, counting
the parameters of a network.

The answers are numbers; each is judged against an independent oracle: the neuron's
formula, central differences, and counting the parameters of a real `nn.MLP`.
"""

from __future__ import annotations

import math
from typing import Any

import nn
from exercises import Exercise, close, given

ROUNDED = 1e-3  # numbers worked out by hand: three significant digits are enough
# The neuron of the first two exercises: tanh(w1*x1 + w2*x2 + b).
X1, X2 = 2.0, -1.0
W1, W2, B = 0.5, 1.5, 0.25


def out_of(w1: float, w2: float, b: float) -> float:
    return math.tanh(w1 * X1 + w2 * X2 + b)


# 1. The output of one neuron.


def _output_test(answer: Any) -> str | None:
    yours = float(given(answer))
    z = W1 * X1 + W2 * X2 + B
    if close(yours, math.tanh(z), ROUNDED):
        return None
    if close(yours, z, ROUNDED):
        return (
            f"{yours:g} is the weighted sum z = w1*x1 + w2*x2 + b. Hint: the neuron's output "
            "is the activation of z: math.tanh(z)."
        )
    if close(yours, math.tanh(W1 * X1 + W2 * X2), ROUNDED):
        return f"{yours:g} leaves out the bias. Hint: z = w1*x1 + w2*x2 + b, with b = {B}."
    if close(yours, math.tanh(W1 * X2 + W2 * X1 + B), ROUNDED):
        return (
            f"{yours:g} pairs each weight with the other input. Hint: w1 multiplies x1, "
            "w2 multiplies x2."
        )
    return (
        f"{yours:g} is not the neuron's output. Hint: first z = w1*x1 + w2*x2 + b, then "
        "out = math.tanh(z)."
    )


neuron_output = Exercise(
    title="the neuron's output",
    test=_output_test,
    solution=math.tanh(W1 * X1 + W2 * X2 + B),
    wrong=W1 * X1 + W2 * X2 + B,  # the weighted sum, without the activation
    why=(
        f"z = {W1}*{X1} + {W2}*({X2}) + {B} = {W1 * X1 + W2 * X2 + B}, and "
        f"out = tanh(z) = {math.tanh(W1 * X1 + W2 * X2 + B):.4f}."
    ),
)


# 2. The gradient of one weight.


def _weight_grad_test(answer: Any) -> str | None:
    yours = float(given(answer))
    h = 1e-6
    right = (out_of(W1 + h, W2, B) - out_of(W1 - h, W2, B)) / (2 * h)
    slope = 1 - out_of(W1, W2, B) ** 2  # d tanh(z)/dz
    if close(yours, right, ROUNDED):
        return None
    if close(yours, X1, ROUNDED):
        return (
            f"{yours:g} is dz/dw1 = x1 alone: how z moves with w1. Hint: the output is "
            "tanh(z), so multiply by tanh's slope there, 1 - out**2."
        )
    if close(yours, slope, ROUNDED):
        return (
            f"{yours:g} is tanh's slope 1 - out**2 alone: how the output moves with z. "
            "Hint: z moves x1 times as fast as w1 (dz/dw1 = x1); multiply by x1."
        )
    if close(yours, slope * W1, ROUNDED):
        return (
            f"{yours:g} uses w1 as the local derivative. Hint: in w1*x1 the derivative "
            "with respect to w1 is the other factor, x1."
        )
    return f"{yours:g} is not d out/d w1. Hint: the chain rule, d out/d w1 = (1 - out**2) * x1."


weight_gradient = Exercise(
    title="d out / d w1",
    test=_weight_grad_test,
    solution=(1 - out_of(W1, W2, B) ** 2) * X1,
    wrong=X1,  # dz/dw1 alone, without tanh's slope
    why=(
        f"d out/d w1 = d out/dz * dz/dw1 = (1 - out**2) * x1 = "
        f"{1 - out_of(W1, W2, B) ** 2:.4f} * {X1} = {(1 - out_of(W1, W2, B) ** 2) * X1:.4f}: "
        "tanh's slope times the weight's own input, checked against nudging w1."
    ),
)


# 3. Counting the parameters of an MLP.

NIN, NOUTS = 64, [32, 10]


def _count_test(answer: Any) -> str | None:
    yours = given(answer)
    right = len(nn.MLP(NIN, NOUTS, seed=0).parameters())  # count a real model
    sizes = [NIN, *NOUTS]
    weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
    if yours == right:
        return None
    if yours == weights:
        return (
            f"{yours} counts the weights only. Hint: every neuron also has a bias, "
            f"and there are {sum(NOUTS)} neurons."
        )
    return (
        f"{yours} is not the number of parameters. Hint: a layer from n_in to n_out has "
        "(n_in + 1) * n_out: one weight per input and a bias for each neuron."
    )


parameter_count = Exercise(
    title="the parameters of nn.MLP(64, [32, 10])",
    test=_count_test,
    solution=(64 + 1) * 32 + (32 + 1) * 10,
    wrong=64 * 32 + 32 * 10,  # the weights, without the biases
    why=(
        "(64 + 1) * 32 = 2080 in the hidden layer and (32 + 1) * 10 = 330 in the output "
        "layer: 2410, as counting the parameters of the model itself gives."
    ),
)

"""gradstep's neural networks: modules, losses, optimizers, data and the training loop.

Example:
    >>> import nn
    >>> model = nn.MLP(2, [8, 1], seed=0)
    >>> X, y = nn.datasets.make_xor(n=8, seed=0)
    >>> loss = nn.mse_loss([model(x) for x in X], y)
    >>> loss.backward()
    >>> all(p.grad != 0.0 for p in model.layers[-1].parameters())
    True
"""

import nn._import_check  # noqa: F401  (first: is `autograd` gradstep's? the name is shared)
from nn import datasets, plot
from nn.data import batches, train_test_split
from nn.draw import draw_network
from nn.losses import (
    accuracy,
    binary_cross_entropy,
    cross_entropy,
    hinge_loss,
    mse_loss,
    softmax,
    sse_loss,
)
from nn.module import MLP, Layer, Module, Neuron, load
from nn.optim import SGD, Adam, Optimizer, clip_grad_norm
from nn.train import Diverged, History, fit

__all__ = [
    "MLP",
    "SGD",
    "Adam",
    "Diverged",
    "History",
    "Layer",
    "Module",
    "Neuron",
    "Optimizer",
    "accuracy",
    "batches",
    "binary_cross_entropy",
    "clip_grad_norm",
    "cross_entropy",
    "datasets",
    "draw_network",
    "fit",
    "hinge_loss",
    "load",
    "mse_loss",
    "plot",
    "softmax",
    "sse_loss",
    "train_test_split",
]

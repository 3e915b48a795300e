"""gradstep's scalar reverse-mode autograd engine.

Example:
    >>> from autograd import Value
    >>> x = Value(2.0, label="x")
    >>> y = (x * x).tanh()
    >>> y.backward()
    >>> round(x.grad, 6)
    0.005364
"""

from autograd.check import gradcheck
from autograd.compile import compile
from autograd.draw import BackwardStep, backward_player, backward_steps, draw_graph, save
from autograd.engine import DERIVATIVES, Value, dot, no_grad, topological_order, total
from autograd.higher import grad, hessian

__all__ = [
    "DERIVATIVES",
    "BackwardStep",
    "Value",
    "backward_player",
    "backward_steps",
    "compile",
    "dot",
    "draw_graph",
    "grad",
    "gradcheck",
    "hessian",
    "no_grad",
    "save",
    "topological_order",
    "total",
]

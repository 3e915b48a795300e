"""gradstep's scalar reverse-mode autograd engine.

Example:
    >>> from autograd import Value
    >>> x = Value(2.0, label="x")
    >>> y = (x * x).tanh()
    >>> y.backward()
    >>> round(x.grad, 6)
    0.005364
"""

__gradstep__ = True  # how nn tells this autograd from others of the same name

from autograd.check import gradcheck
from autograd.compile import compile
from autograd.draw import draw_graph
from autograd.engine import Value, dot, no_grad, topological_order, total
from autograd.higher import grad, hessian
from autograd.ops import DERIVATIVES
from autograd.render import save
from autograd.stepthrough import BackwardStep, backward_player, backward_steps

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

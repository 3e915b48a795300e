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
from autograd.engine import DERIVATIVES, Value, no_grad, topological_order

__all__ = ["DERIVATIVES", "Value", "gradcheck", "no_grad", "topological_order"]

"""Exercises for the course: you write a small piece, a check says right or wrong, and why.

In a notebook, one cell asks for your answer and the next checks it:

    from exercises import derivatives as ex

    def slope_of_f(x):
        return ...  # your formula for f'(x) here

    ex.power_rule.check(slope_of_f)

An answer left as `...` counts as not answered yet: the check says so, and
quietly runs the course's own solution through the same test instead, so every
notebook runs top to bottom as it is. The solution is shown only when asked:

    ex.power_rule.show_answer()

Each exercise also carries a typical wrong answer, which the course's own tests
use to prove that every check can say "not yet".
"""

from __future__ import annotations

import inspect
import re
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class Unanswered(Exception):
    """The answer is still `...`."""


def given(answer: Any) -> Any:
    """The answer itself, or Unanswered if it is still `...`."""
    if answer is Ellipsis:
        raise Unanswered
    return answer


def call(function: Any, *args: Any) -> Any:
    """Call an answer that is a function; Unanswered if it is, or (still) returns, `...`."""
    given(function)
    if not callable(function):
        raise TypeError(f"expected a function (def ...), got {type(function).__name__}")
    return given(function(*args))


def close(a: float, b: float, tol: float = 1e-6) -> bool:
    """Equal up to rounding: relative and absolute tolerance `tol`."""
    return abs(a - b) <= tol * (1.0 + abs(b))


@dataclass(repr=False)  # the generated repr would print the solution and `why`
class Exercise:
    """One exercise: `test(answer)` returns None when the answer is right, else what is wrong."""

    title: str
    test: Callable[[Any], str | None]
    solution: Any
    wrong: Any  # a typical mistake: the course's tests check that it is caught
    why: str  # said once the answer is right (or the solution is shown)

    def check(self, answer: Any) -> bool:
        """Say whether `answer` is right, and why; True only for a right answer."""
        try:
            problem = self.test(answer)
        except Unanswered:
            self._solution_passes()
            print(
                f"… {self.title}: no answer yet.\n"
                "  Write yours in place of the `...` above, then run both cells again.\n"
                f"  Stuck? ex.{self.name}.show_answer() shows one answer."
            )
            return False
        except Exception as error:  # a learner's code may fail in any way: say how, calmly
            problem = f"your answer raised {type(error).__name__}: {error}"
        if problem is None:
            print(f"✓ {self.title}: right.\n{_wrap(self.why)}")
            return True
        print(f"✗ {self.title}: not yet.\n{_wrap(problem)}")
        return False

    def __repr__(self) -> str:
        """What a notebook shows for `ex.<name>`: how to answer it, and nothing of the answer.

        Example:
            >>> from exercises import derivatives as ex
            >>> ex.power_rule  # doctest: +ELLIPSIS
            <exercise power_rule: the derivative of p(x) = ...: write yours in place of the `...` \
above, then run ex.power_rule.check(...); stuck? ex.power_rule.show_answer() shows one answer>
        """
        name = self.name
        return (
            f"<exercise {name}: {self.title}: write yours in place of the `...` above, then run "
            f"ex.{name}.check(...); stuck? ex.{name}.show_answer() shows one answer>"
        )

    def show_answer(self) -> None:
        """Print one right answer, checked by the same test as yours, and why it is right.

        Example:
            >>> from exercises import derivatives as ex
            >>> ex.power_rule.show_answer()  # doctest: +ELLIPSIS
            the derivative of p(x) = x**4 - 2x**2 + 3x: one answer
            <BLANKLINE>
                def slope_of_p(x):
                    return 4 * x**3 - 4 * x + 3
            <BLANKLINE>
            ✓ It passes the check.
              Checked against the central difference...
        """
        self._solution_passes()
        print(f"{self.title}: one answer\n")
        print(textwrap.indent(self.show(self.solution), "    "))
        print(f"\n✓ It passes the check.\n{_wrap(self.why)}")

    @property
    def name(self) -> str:
        """The exercise's name in its module, as a notebook calls it: `ex.<name>`."""
        module = sys.modules.get(self.test.__module__)
        names = [k for k, v in vars(module).items() if v is self] if module else []
        return names[0] if names else "<exercise>"

    def _solution_passes(self) -> None:
        problem = self.test(self.solution)
        if problem is not None:  # the course's own solution must pass its own check
            raise AssertionError(f"the solution of {self.title!r} fails its check: {problem}")

    @staticmethod
    def show(solution: Any) -> str:
        if callable(solution):
            try:
                return textwrap.dedent(inspect.getsource(solution)).strip()
            except (OSError, TypeError):
                pass
        return repr(solution)


# A space beside an operator must not end a line, or "w - alpha * v" wraps as "w - alpha *":
# those spaces become no-break spaces, which textwrap never breaks at.
_OPERATOR = re.compile(r" (<-|>=|<=|[-+*/=<>.]) ")


def _wrap(text: str) -> str:
    """Lines short enough for a notebook's output, which would break long ones mid-word,
    with every formula kept on one line."""
    text = _OPERATOR.sub("\u00a0\\1\u00a0", text)
    return textwrap.fill(text, width=100, initial_indent="  ", subsequent_indent="  ")


def shown(x: Any) -> str:
    """A learner's number as it reads best: 0.9 rather than 0.8999999999999999."""
    if isinstance(x, float):
        return f"{x:.6g}"
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join(shown(v) for v in x) + "]"
    return repr(x)


def exercises_in(module: Any) -> list[Exercise]:
    """Every Exercise a module defines, in the order it defines them."""
    return [value for value in vars(module).values() if isinstance(value, Exercise)]

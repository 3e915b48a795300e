"""Settings shared by the tests and the docstring examples (doctests).

A docstring example that renders with Graphviz's `dot` program says so with the
doctest directive `# doctest: +NEEDS_DOT` on the line that renders. Where `dot`
is not on PATH, that docstring's examples are skipped with the reason, instead
of failing: Graphviz is a system program, which pip cannot install.
"""

from __future__ import annotations

import doctest
import shutil
from collections.abc import Generator
from typing import Any

import pytest

NEEDS_DOT = doctest.register_optionflag("NEEDS_DOT")
NO_DOT = "needs Graphviz's dot program, which is not on PATH (install Graphviz to run it)"


def _needs_dot(item: pytest.Item) -> bool:
    test = getattr(item, "dtest", None)  # a doctest item's parsed doctest.DocTest
    return test is not None and any(ex.options.get(NEEDS_DOT) for ex in test.examples)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if shutil.which("dot") is None:
        for item in items:
            if _needs_dot(item):
                item.add_marker(pytest.mark.skip(reason=NO_DOT))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Generator[None, Any, None]:
    """A docstring example that failed for want of `dot` says how to mark it."""
    outcome = yield
    report = outcome.get_result()
    if (
        report.failed
        and hasattr(item, "dtest")
        and shutil.which("dot") is None
        and "dot" in (text := str(report.longrepr))
        and ("not found" in text or "failed to execute" in text)
    ):
        report.sections.append(
            (
                "why",
                "this docstring example renders with Graphviz's dot, which is not on PATH: "
                "add `# doctest: +NEEDS_DOT` to the line that renders, so that it is "
                "skipped where dot is missing",
            )
        )

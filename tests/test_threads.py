"""Threads: no_grad belongs to one thread, and concurrent backward passes add up exactly."""

from __future__ import annotations

import sys
import threading

import pytest

from autograd import Value, grad, no_grad


def records() -> bool:
    """Whether this thread records a graph right now."""
    return (Value(1.0) * 2.0).inputs != ()


def run_in_thread(fn):
    """fn() in a new thread; returns its result, or raises what it raised."""
    out = {}

    def target():
        try:
            out["result"] = fn()
        except BaseException as e:  # re-raised in the caller
            out["error"] = e

    t = threading.Thread(target=target)
    t.start()
    t.join(timeout=30)
    if "error" in out:
        raise out["error"]
    return out["result"]


def test_another_thread_records_and_gets_gradients_while_one_is_inside_no_grad():
    inside, release = threading.Event(), threading.Event()

    def hold_no_grad():
        with no_grad():
            inside.set()
            release.wait(timeout=30)
            return records()

    holder = threading.Thread(target=hold_no_grad)
    holder.start()
    try:
        assert inside.wait(timeout=30)
        x = Value(3.0)
        y = x * x
        y.backward()
        assert x.grad == 6.0  # 2x, recorded although another thread is in no_grad
        assert run_in_thread(records)
    finally:
        release.set()
        holder.join(timeout=30)


def test_interleaved_no_grad_blocks_in_two_threads_leave_recording_on_everywhere():
    # A enters, B enters, A leaves, B leaves: a module-wide flag that each block
    # saves and restores ends up off for good; a per-thread one cannot.
    steps = [threading.Event() for _ in range(4)]
    seen = {}

    def a():
        with no_grad():
            steps[0].set()
            steps[1].wait(timeout=30)
        seen["a_after"] = records()
        steps[2].set()

    def b():
        steps[0].wait(timeout=30)
        with no_grad():
            seen["b_inside"] = records()
            steps[1].set()
            steps[2].wait(timeout=30)
        seen["b_after"] = records()
        steps[3].set()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert seen == {"b_inside": False, "a_after": True, "b_after": True}
    assert records()
    assert run_in_thread(records)


def test_no_grad_in_the_main_thread_does_not_reach_a_new_thread():
    with no_grad():
        assert not records()
        assert run_in_thread(records)
    assert records()


def test_no_grad_is_a_decorator_with_or_without_parentheses():
    @no_grad
    def bare(x):
        """Doubles x."""
        return x * 2

    @no_grad()
    def called(x):
        return x * 3

    x = Value(1.0)
    assert bare(x).inputs == () and called(x).inputs == ()
    assert bare(x).data == 2.0 and called(x).data == 3.0
    assert bare.__name__ == "bare" and bare.__doc__ == "Doubles x."
    assert records()


def test_a_decorated_function_that_raises_leaves_recording_on():
    @no_grad
    def fails():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fails()
    assert records()


def test_no_grad_blocks_nest_and_one_context_object_can_be_reused():
    ctx = no_grad()
    with ctx:
        with ctx:
            assert not records()
        assert not records()
    assert records()


def test_no_grad_refuses_to_decorate_what_it_cannot_cover():
    def numbers():
        yield Value(1.0) * 2

    with pytest.raises(TypeError, match="generator"):
        no_grad(numbers)
    with pytest.raises(TypeError, match="decorates a function"):
        no_grad(3)  # type: ignore[call-overload]


@pytest.fixture
def frequent_thread_switches():
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, to provoke races
    yield
    sys.setswitchinterval(previous)


def test_concurrent_backward_passes_on_shared_nodes_add_up_exactly(frequent_thread_switches):
    # Every thread backpropagates its own graphs through the same parameter and the
    # same intermediate node: no update may be lost and no walk may disturb another.
    w = Value(1.0, label="w")
    h = w * 2.0  # shared intermediate node
    n_threads, passes = 4, 300

    def work():
        for _ in range(passes):
            y = h * 3.0 + w  # dy/dw = 2 * 3 + 1 = 7
            y.backward()

    threads = [threading.Thread(target=work) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert w.grad == 7.0 * n_threads * passes


def test_concurrent_grad_calls_on_a_shared_graph_agree(frequent_thread_switches):
    x = Value(0.5)
    shared = (x * x).tanh()
    results = []

    def work():
        for _ in range(200):
            (g,) = grad(shared * shared, [x], create_graph=False)
            results.append(g.data)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 800 and len(set(results)) == 1

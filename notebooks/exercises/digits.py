"""Exercises of notebook 7: from a network's ten scores to a digit, a loss and an accuracy."""

from __future__ import annotations

import math
from typing import Any

import nn
from autograd import Value
from exercises import Exercise, call, close

# Scores (logits) as a trained network gives them, one per digit 0..9.
EXAMPLES = [
    [0.3, -1.2, 4.1, 0.9, -2.0, 0.1, 1.7, -0.4, 2.2, -1.1],  # a 2
    [-3.0, -2.5, -1.0, -2.2, -0.5, -1.8, -2.9, -0.7, -1.5, -0.6],  # all negative: a 4
    [1.0, 0.2, 0.4, 0.8, -0.3, 1.1, 0.0, 0.7, 0.9, 3.5],  # a 9
    [6.2, 0.1, 0.3, -1.0, 0.5, 0.0, 1.2, -0.8, 0.6, 0.2],  # a 0
]


def _predict_test(answer: Any) -> str | None:
    for scores in EXAMPLES:
        expected = max(range(10), key=lambda digit: scores[digit])
        yours = call(answer, list(scores))
        if yours != expected:
            if close(float(yours), max(scores)):
                return (
                    f"you returned {yours}, the largest score itself; the digit is its "
                    f"position in the list: {expected}."
                )
            return f"for the scores {scores} you said {yours!r}; the largest score is digit {expected}."
    return None


def predict(scores):
    return max(range(len(scores)), key=lambda digit: scores[digit])  # the position of the largest


def _predict_mistake(scores: list[float]) -> int:
    return max(scores)  # type: ignore[return-value]  # the largest score, not its position


predicted_digit = Exercise(
    title="the digit a network predicts from its ten scores",
    test=_predict_test,
    solution=predict,
    wrong=_predict_mistake,
    why="The prediction is the position of the largest score (argmax); softmax would not "
    "change which one it is, since it keeps the scores' order.",
)


def _cross_entropy_test(answer: Any) -> str | None:
    cases = [
        ([2.0, 1.0, 0.1], 0),
        ([2.0, 1.0, 0.1], 2),
        ([0.0, 0.0], 1),
        ([-1.0, 3.0, 0.5, 0.5], 1),
    ]
    for scores, target in cases:
        exact = nn.cross_entropy([Value(s) for s in scores], target).data
        yours = float(call(answer, list(scores), target))
        if not close(yours, exact):
            if close(yours, -exact):
                return (
                    f"for scores {scores} and target {target} you got {yours:.4f}: the sign is "
                    "off. The loss is -log p, a positive number that is 0 only when p = 1."
                )
            return (
                f"for scores {scores} and target {target} you got {yours:.6f}, but the "
                f"cross-entropy is {exact:.6f}. Hint: p = exp(s[target]) / sum of exp(s) over "
                "all scores, then -log(p)."
            )
    return None


def cross_entropy(scores, target):
    total = sum(math.exp(s) for s in scores)
    p = math.exp(scores[target]) / total  # softmax: the probability of the right digit
    return -math.log(p)


def _cross_entropy_mistake(scores: list[float], target: int) -> float:
    total = sum(math.exp(s) for s in scores)
    return math.log(math.exp(scores[target]) / total)  # forgot the minus sign


cross_entropy_by_hand = Exercise(
    title="softmax and cross-entropy by hand",
    test=_cross_entropy_test,
    solution=cross_entropy,
    wrong=_cross_entropy_mistake,
    why="Checked against nn.cross_entropy on four examples. (nn.cross_entropy first "
    "subtracts the largest score, which changes nothing in p but keeps exp from overflowing.)",
)


def _accuracy_test(answer: Any) -> str | None:
    matrices = [
        [[5, 1], [2, 12]],
        [[10, 0, 0], [1, 8, 1], [0, 3, 7]],
        [[0, 4], [4, 0]],
    ]
    for matrix in matrices:
        right = sum(matrix[i][i] for i in range(len(matrix)))
        total = sum(map(sum, matrix))
        yours = call(answer, [list(row) for row in matrix])
        if not close(float(yours), right / total):
            if close(float(yours), right):
                return (
                    f"for {matrix} you gave {yours}: the number of right answers. The "
                    f"accuracy is the fraction right, out of all {total} examples."
                )
            return (
                f"for {matrix} you gave {yours}, but {right} of {total} are right. Hint: the "
                "diagonal counts the right answers; every cell counts one kind of example."
            )
    return None


def accuracy(matrix):
    right = sum(matrix[i][i] for i in range(len(matrix)))  # the diagonal: true = predicted
    return right / sum(sum(row) for row in matrix)  # out of every example


def _accuracy_mistake(matrix: list[list[int]]) -> float:
    return sum(matrix[i][i] for i in range(len(matrix)))  # a count, not a fraction


accuracy_from_confusion = Exercise(
    title="the accuracy from a confusion matrix",
    test=_accuracy_test,
    solution=accuracy,
    wrong=_accuracy_mistake,
    why="The diagonal holds the examples whose predicted class is the true one; the "
    "accuracy is their share of all the examples, the sum of every cell.",
)

"""The exercises' self-checks: a function is tried on cases of its own; no value can be found by trying."""

from dataclasses import fields

import cv2
import numpy as np
import pytest
import torch

from lenet_helpers.lessons.exercises import DIGESTS, EXERCISES, check, normalise, outputs_digest, passed, verify
from lenet_helpers.photos import Steps, prepare

# The exercises written out once more, independently of the lessons' solutions: the digests must match both
# (the lessons' own solutions are checked when nbval runs them, by their "correct!").
REFERENCE = {
    "03.cross_entropy": lambda logits, labels: torch.nn.functional.cross_entropy(logits, labels).item(),
    "04.per_digit_accuracy": lambda m: (m.diagonal() / m.sum(dim=1)).tolist(),
    "06.shifted": lambda images, dx, dy: torch.nn.functional.pad(images, (28, 28, 28, 28), value=float(images.min()))[
        ..., 28 - dy : 56 - dy, 28 - dx : 56 - dx],
    "01.count_digit": lambda labels, digit: int(torch.bincount(labels, minlength=10)[digit]),
    "01.prepared_value": lambda pixel: (pixel / 255 - 0.1307) / 0.3081,
    "01.batches_per_epoch": lambda n, size: (n + size - 1) // size,
    "02.conv_parameters": lambda i, o, k: sum(p.numel() for p in torch.nn.Conv2d(i, o, k).parameters()),
    "02.fc1_inputs": lambda p: 16 * (((28 + 2 * p - 4) // 2 - 4) // 2) ** 2,
    "02.receptive_field": lambda kernel, pool: kernel + pool - 1,
    "03.optimiser_steps": lambda n, size, epochs: (n + size - 1) // size * epochs,
    "03.best_epoch": lambda val_acc: int(np.argmax(val_acc)) + 1,
    "04.most_confused": lambda m: tuple(int(v) for v in np.unravel_index(int((m - torch.diag(m.diagonal())).argmax()),
                                                                         (10, 10))),
    "04.weakest_digit": lambda per_class: int(np.argmin(per_class)),
    "04.mistakes_of": lambda m, digit: int(m[digit].sum() - m[digit, digit]),
    "05.fit_into_20": lambda ink: cv2.resize(
        ink[np.ix_(np.any(ink > 0.05, 1), np.any(ink > 0.05, 0))],
        tuple(max(1, round(n * 20 / max(np.any(ink > 0.05, 1).sum(), np.any(ink > 0.05, 0).sum())))
              for n in (np.any(ink > 0.05, 0).sum(), np.any(ink > 0.05, 1).sum())), interpolation=cv2.INTER_AREA),
    "05.centre_in_28": lambda digit: np.roll(np.pad(digit, ((0, 28 - digit.shape[0]), (0, 28 - digit.shape[1]))), (
        round(14 - (np.indices(digit.shape)[0] * digit).sum() / digit.sum()),
        round(14 - (np.indices(digit.shape)[1] * digit).sum() / digit.sum())), axis=(0, 1)),
    "05.sure_and_wrong": lambda p, y, sure=0.5: int(((p.argmax(1) != y) & (p.max(1).values > sure)).sum()),
    "05.most_needed_step": lambda photo: max((f.name for f in fields(Steps)), key=lambda name: float(
        np.abs(prepare(photo, steps=Steps(**{name: False})).pixels - prepare(photo).pixels).sum())),
    "06.beating": lambda results, error: [r["name"] for r in results if (1 - r["test_acc"]) * 100 < error],
    "06.chosen": lambda results, names: max((r for r in results if r["name"] in names),
                                            key=lambda r: r["val_acc"])["name"],
}


def test_every_exercise_has_a_reference_a_digest_and_hints_in_steps():
    assert set(REFERENCE) == set(EXERCISES)
    assert set(DIGESTS) == {name for name, exercise in EXERCISES.items() if exercise.reference is None}
    for exercise in EXERCISES.values():
        assert len(exercise.hints) >= 2 and len(set(exercise.hints)) == len(exercise.hints)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_right_function_passes_and_no_single_value_does(name):
    assert passed(name, REFERENCE[name]) is True
    if EXERCISES[name].reference is not None:  # matched against the library, within a tolerance
        assert passed(name, lambda *args: EXERCISES[name].reference(*EXERCISES[name].cases()[0])) is False
        return
    outputs = [REFERENCE[name](*case) for case in EXERCISES[name].cases()]
    assert len({normalise(o, EXERCISES[name].decimals, EXERCISES[name].unordered) for o in outputs}) > 1, \
        "a function returning one value would pass: the cases need different answers"
    for output in outputs:  # whatever value a student found by trying, a function returning it fails
        assert passed(name, lambda *args, output=output: output) is False
    numbers = [normalise(o, 1) for o in outputs if isinstance(o, (int, float)) and len(str(o)) >= 3]
    assert not any(number in hint for number in numbers for hint in EXERCISES[name].hints), "a hint gives an answer"


def test_check_says_correct_or_a_hint_never_the_answer(capsys):
    def placeholder(labels, digit):
        raise NotImplementedError("Exercise: write this function's body, then run the cell.")

    check("01.count_digit", REFERENCE["01.count_digit"])
    check("01.count_digit", lambda labels, digit: 42)
    check("01.count_digit", placeholder)
    check("01.count_digit", 491)
    check("01.count_digit", lambda labels, digit: labels / 0 if digit else 1 / 0)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "01.count_digit: correct!"
    assert lines[1].startswith("01.count_digit: not yet. Hint 1 of 2: ")
    assert lines[2].startswith("01.count_digit: not answered yet. Hint 1 of 2: ")
    assert lines[3] == ("01.count_digit: check takes your function count_digit itself (no brackets after its name), "
                        "not a value it gave.")
    assert lines[4].startswith("01.count_digit: your function stopped with ZeroDivisionError") and "Hint 1" in lines[4]


def test_hints_come_in_steps_a_nudge_first(capsys):
    wrong = lambda kernel, pool: 0  # noqa: E731
    check("02.receptive_field", wrong)
    check("02.receptive_field", wrong, hint=2)  # what the first hint says to type for more
    check("02.receptive_field", wrong, hint=9)  # past the last: the last
    first, second, last = capsys.readouterr().out.splitlines()
    assert "Hint 1 of 2" in first and "hint=2" in first
    assert "Hint 2 of 2" in second and "more:" not in second and second.split(": ", 2)[2] == last.split(": ", 2)[2]


def test_verify_raises_what_check_prints():
    verify("03.optimiser_steps", REFERENCE["03.optimiser_steps"])
    with pytest.raises(AssertionError, match="03.optimiser_steps: not yet. Hint 1 of 2"):
        verify("03.optimiser_steps", lambda n, size, epochs: 300)

    def placeholder(*args):
        raise NotImplementedError

    with pytest.raises(AssertionError, match="not answered yet"):
        verify("03.optimiser_steps", placeholder)
    with pytest.raises(KeyError, match="no exercise"):
        verify("03.steps", placeholder)


def test_answers_compare_in_a_normal_form():
    assert normalise("Line polarity") == normalise("line_polarity") == normalise(" LINE-polarity ")
    assert normalise((3, 5)) == normalise([3, 5]) == normalise(torch.tensor([3, 5]))
    assert normalise(["b", "a"], unordered=True) == normalise(["a", "b"], unordered=True)
    assert normalise(2.12345, 3) == "2.123" and normalise(15.0) == "15"


def test_the_cases_are_made_afresh_so_a_function_that_changes_them_changes_nothing():
    def spoiler(labels, digit):
        labels.zero_()  # changes the tensor it was given
        return 0

    spoiler_digest = outputs_digest(EXERCISES["01.count_digit"], spoiler)
    assert passed("01.count_digit", REFERENCE["01.count_digit"]) and spoiler_digest != DIGESTS["01.count_digit"]


def test_the_recipe_by_hand_matches_the_library_and_a_box_centre_does_not():
    def centred_by_box(digit):  # the naive placement: the box in the middle, not the centre of mass
        top, left = (28 - digit.shape[0]) // 2, (28 - digit.shape[1]) // 2
        return np.pad(digit, ((top, 28 - digit.shape[0] - top), (left, 28 - digit.shape[1] - left)))

    assert passed("05.centre_in_28", centred_by_box) is False
    assert passed("05.fit_into_20", lambda ink: cv2.resize(ink, (20, 20), interpolation=cv2.INTER_AREA)) is False

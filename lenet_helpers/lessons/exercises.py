"""Self-checks for the lessons' exercises: each asks for a small function, tried on cases of its own.

`check(name, function)` runs the student's function on a few fixed cases (made here from a seed,
never the lesson's own question alone) and says "correct" or gives a hint, never the answer.
The right outputs are stored as one SHA-256 digest per exercise, so reading this file gives
nothing away, and no single value can be found by trying: a function that only returns the
lesson's number fails the other cases. `verify` is the same test for nbgrader's autograded cells:
it raises instead of printing. The graded copies add hidden tests on the student's own data.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class Exercise:
    function: str  # the name the student's function has in the lesson
    hints: tuple[str, ...]  # a nudge first, then more; never the answer, never the code
    cases: Callable[[], list[tuple]]  # the arguments it is tried on, made afresh for every check
    decimals: int | None = None  # numbers are rounded to this many decimals first
    unordered: bool = False  # the answer is a collection whose order does not matter
    reference: Callable | None = None  # the library's own version, when the answer is an image to match
    close: Callable | None = None  # (answer, the library's) -> whether they match, within a tolerance


def normalise(answer, decimals: int | None = None, unordered: bool = False) -> str:
    """The text form an answer is compared in: ints plain, floats rounded, strings trimmed."""
    if isinstance(answer, (torch.Tensor, np.ndarray, np.generic)):
        answer = answer.tolist()
    if isinstance(answer, (tuple, list, set)):
        parts = [normalise(a, decimals) for a in answer]
        return "(" + ",".join(sorted(parts) if unordered or isinstance(answer, set) else parts) + ")"
    if isinstance(answer, bool):
        return str(answer)
    if isinstance(answer, (int, float)) and decimals is not None:
        return f"{float(answer):.{decimals}f}"
    if isinstance(answer, float) and answer.is_integer():
        return str(int(answer))
    return "-".join(str(answer).strip().lower().replace("_", " ").split())  # "Light on dark" = "light-on-dark"


def outputs_digest(exercise: Exercise, function: Callable) -> str:
    """The digest of what `function` gives on the exercise's cases."""
    outputs = [normalise(function(*case), exercise.decimals, exercise.unordered) for case in exercise.cases()]
    return hashlib.sha256("|".join(outputs).encode()).hexdigest()


def _generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _labels(n: int, seed: int) -> torch.Tensor:
    return torch.randint(0, 10, (n,), generator=_generator(seed))


def _matrices(sizes: tuple[int, ...], seed: int) -> list[torch.Tensor]:
    """Confusion matrices with a strong diagonal and no ties off it (each answer is one)."""
    found, g = [], _generator(seed)
    while len(found) < len(sizes):
        n = sizes[len(found)]
        matrix = torch.randint(0, 40, (10, 10), generator=g)
        matrix.fill_diagonal_(0)
        matrix += torch.diag(torch.randint(n // 2, n, (10,), generator=g))
        off = matrix.clone().fill_diagonal_(0)
        accuracy = matrix.diagonal() / matrix.sum(dim=1)
        if int((off == off.max()).sum()) == 1 and int((accuracy == accuracy.min()).sum()) == 1:
            found.append(matrix)
    return found


def _accuracies(lengths: tuple[int, ...], seed: int) -> list[list[float]]:
    """Validation curves that rise and wobble, one best epoch each."""
    g, curves = _generator(seed), []
    for n in lengths:
        while True:
            steps = torch.rand(n, generator=g) * 0.04 - 0.012
            curve = [round(0.5 + float(v), 4) for v in steps.cumsum(0)]
            if curve.count(max(curve)) == 1:
                curves.append(curve)
                break
    return curves


def _runs(seed: int) -> list[dict]:
    """A results table like lesson 06's: each run with its name, validation and test accuracy."""
    g = _generator(seed)
    names = ["modern, 5 epochs", "classic 1998", "modern, constant lr 1e-3", "modern, one-cycle",
             "modern + augmentation", "modern, constant lr 1e-2"]
    val = (0.985 + 0.01 * torch.rand(len(names), generator=g)).tolist()
    test = (0.985 + 0.01 * torch.rand(len(names), generator=g)).tolist()
    return [{"name": name, "val_acc": round(v, 5), "test_acc": round(t, 5)}
            for name, v, t in zip(names, val, test, strict=True)]


def _probabilities(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = _generator(seed)
    logits = torch.randn(n, 10, generator=g) * 3
    return logits.softmax(dim=1), _labels(n, seed + 1)


def _logits(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = _generator(seed)
    return torch.randn(n, 10, generator=g) * 4, torch.randint(0, 10, (n,), generator=g)


def _batch(n: int, seed: int) -> torch.Tensor:
    """Normalised-looking images: a background of -0.42 with bright strokes."""
    g = _generator(seed)
    images = torch.full((n, 1, 28, 28), -0.4242)
    images[:, :, 6:22, 10:18] += 3.2 * torch.rand(n, 1, 16, 8, generator=g)
    return images


def drawings(seed: int, count: int = 4) -> list[np.ndarray]:
    """Clean drawings of digits, white ink on black, of several sizes and places: MNIST's recipe's input."""
    import cv2

    rng = np.random.default_rng(seed)
    found = []
    for shape in range(count):
        ink = np.zeros((240, 200), np.float32)
        height, width = int(rng.integers(60, 200)), int(rng.integers(24, 150))
        top, left = int(rng.integers(0, 240 - height)), int(rng.integers(0, 200 - width))
        thickness = int(rng.integers(4, 14))
        corners = np.array([[left, top], [left + width, top], [left + width // 3, top + height]], np.int32)
        if shape % 4 == 0:  # a 7
            cv2.polylines(ink, [corners], False, 1.0, thickness, cv2.LINE_AA)
        elif shape % 4 == 1:  # a 0
            cv2.ellipse(ink, (left + width // 2, top + height // 2), (width // 2, height // 2), 0, 0, 360, 1.0,
                        thickness, cv2.LINE_AA)
        elif shape % 4 == 2:  # a 1
            cv2.line(ink, (left + width // 2, top), (left + width // 3, top + height), 1.0, thickness, cv2.LINE_AA)
        else:  # a 4
            cv2.polylines(ink, [np.array([[left + width * 2 // 3, top + height], [left + width * 2 // 3, top],
                                          [left, top + height * 2 // 3], [left + width, top + height * 2 // 3]],
                                         np.int32)], False, 1.0, thickness, cv2.LINE_AA)
        found.append(np.clip(ink, 0, 1))
    return found


def _fitted(seed: int) -> list[np.ndarray]:
    from ..photos.mnist_style import fit_digit

    return [fit_digit(ink, ink > 0.05, stroke=False)[0] for ink in drawings(seed)]


def same_fit(answer, library: np.ndarray) -> bool:
    """A digit fitted into 20x20 as the library fits it: the same shape, every pixel within 0.02."""
    answer = np.asarray(answer, dtype=np.float32)
    return answer.shape == library.shape and float(np.abs(answer - library).max()) <= 0.02


def same_placement(answer, library: np.ndarray) -> bool:
    """A digit placed in 28x28 as the library places it: the same ink, its centre of mass within 3/4 of a pixel.

    The library moves the digit by fractions of a pixel, a placement by whole pixels is as good.
    """
    answer = np.asarray(answer, dtype=np.float32)
    if answer.shape != (28, 28) or not np.isfinite(answer).all() or answer.sum() <= 0:
        return False
    rows, cols = np.indices(answer.shape)

    def centre(image):
        return np.array([(rows * image).sum(), (cols * image).sum()]) / image.sum()

    same_ink = abs(float(answer.sum()) - float(library.sum())) <= 0.02 * float(library.sum())
    return same_ink and float(np.abs(centre(answer) - centre(library)).max()) <= 0.75 and \
        float(np.corrcoef(answer.ravel(), library.ravel())[0, 1]) >= 0.6  # not another image (a transposed one)


def _mnist_style():
    from ..photos import mnist_style

    return mnist_style


def _sample_photo(name: str):
    from ..paths import course_file

    return course_file("images", name)


EXERCISES: dict[str, Exercise] = {
    "01.count_digit": Exercise("count_digit", (
        "compare the labels with the digit: that gives one True or False per image",
        "True counts as 1 in a sum: add up the comparison (and make it a plain int with int(...))"),
        lambda: [(_labels(100, 1), 3), (_labels(57, 2), 0), (_labels(1000, 3), 9), (_labels(20, 4), 7)]),
    "01.prepared_value": Exercise("prepared_value", (
        "the model never sees raw pixels: two steps happen to each one, in order",
        "ToTensor scales 0-255 to 0-1 first; then Normalize uses the two constants"),
        lambda: [(0,), (255,), (200,), (37,)], decimals=3),
    "01.batches_per_epoch": Exercise("batches_per_epoch", (
        "how many full batches fit, and what happens to the images left over?",
        "the last batch may be smaller but still counts: divide and round up"),
        lambda: [(55_000, 256), (1_000, 100), (10, 3), (5, 10), (60_000, 1)]),
    "02.conv_parameters": Exercise("conv_parameters", (
        "count the weights of one output map first, then multiply; do not forget the biases",
        "each output map has one kernel x kernel filter per input map, and one bias"),
        lambda: [(1, 6, 5), (6, 16, 5), (3, 8, 3), (16, 4, 1)]),
    "02.fc1_inputs": Exercise("fc1_inputs", (
        "fc1 takes the flattened output of the last pooling layer: what is its shape for this padding?",
        "follow the side through conv1, pool, conv2, pool with conv_output_size; then maps x side x side"),
        lambda: [(2,), (0,), (1,), (4,)]),
    "02.receptive_field": Exercise("receptive_field", (
        "work backwards from one pooled value: which convolution outputs does it take the largest of?",
        "neighbouring convolution outputs look at windows one pixel apart: how wide are `pool` such windows together?"),
        lambda: [(5, 2), (3, 2), (5, 3), (1, 2), (7, 1)]),
    "03.cross_entropy": Exercise("cross_entropy", (
        "work in logs, a row at a time: the log of a probability is the logit minus the log of the sum of the "
        "row's exponentials",
        "then one entry per row, the one at its label: index the rows with 0, 1, 2, ... and the columns with the "
        "labels, in one step; average, and change the sign"),
        lambda: [_logits(8, 17), _logits(256, 18), _logits(1, 19)], decimals=4),
    "03.optimiser_steps": Exercise("optimiser_steps", (
        "the optimiser takes one step per batch, not per image",
        "batches in one pass (the last, smaller one counts), times the number of passes"),
        lambda: [(1_000, 100, 30), (55_000, 256, 5), (10, 3, 2), (7, 10, 4)]),
    "03.best_epoch": Exercise("best_epoch", (
        "a history holds one validation accuracy per epoch, in order; epochs count from 1",
        "find where the largest value sits in the list, then count from 1, not 0"),
        lambda: [(curve,) for curve in _accuracies((30, 5, 12, 1), 5)]),
    "04.most_confused": Exercise("most_confused", (
        "the diagonal of the confusion matrix holds the right answers; the mistakes are elsewhere",
        "zero the diagonal of a copy and find its largest cell; argmax gives its place in the flattened matrix, "
        "and divmod(place, 10) its (row, column): row = true digit"),
        lambda: [(m,) for m in _matrices((900, 1000, 500), 6)]),
    "04.per_digit_accuracy": Exercise("per_digit_accuracy", (
        "each row holds every test image of one true digit, and its diagonal cell the ones read right",
        "an accuracy is the right answers over all the answers: for each digit, which two numbers of its row?"),
        lambda: [(m,) for m in _matrices((900, 1000, 500), 20)], decimals=4),
    "04.weakest_digit": Exercise("weakest_digit", (
        "per_class holds one accuracy per digit, digit 0 first",
        "the digit is the position of the smallest value"),
        lambda: [([float(v) for v in m.diagonal() / m.sum(dim=1)],) for m in _matrices((900, 1000, 500), 7)]),
    "04.mistakes_of": Exercise("mistakes_of", (
        "each row of the confusion matrix holds every test image of one true digit",
        "the row's total minus its diagonal cell"),
        lambda: [(m, d) for m, d in zip(_matrices((900, 1000, 500), 8), (3, 0, 9), strict=True)]),
    "05.fit_into_20": Exercise("fit_into_20", (
        "crop first: from the first to the last row and column that hold ink (np.nonzero(ink > 0.05))",
        "the longer side becomes 20 and the other keeps the proportion, rounded; OpenCV's resize wants the new "
        "size as (width, height), width first"),
        lambda: [(ink,) for ink in drawings(21)],
        reference=lambda ink: _mnist_style().fit_digit(ink, ink > 0.05, stroke=False)[0], close=same_fit),
    "05.centre_in_28": Exercise("centre_in_28", (
        "the centre of mass is the ink-weighted mean row and column: np.indices gives each pixel's row and column",
        "paste the digit into np.zeros((28, 28)) at the offset that brings its centre of mass to (14, 14), rounded "
        "and kept inside the frame"),
        lambda: [(digit,) for digit in _fitted(22)],
        reference=lambda digit: _mnist_style().center_by_mass(digit), close=same_placement),
    "05.sure_and_wrong": Exercise("sure_and_wrong", (
        "the largest of an image's ten probabilities is how sure the model is of its answer",
        "count the images where two things hold at once: combine two tensors of True/False with &"),
        lambda: [(*_probabilities(40, 9), 0.5), (*_probabilities(200, 10), 0.9), (*_probabilities(5, 11), 0.2)]),
    "05.most_needed_step": Exercise("most_needed_step", (
        "prepare(photo, steps=Steps(background=False)) switches one step off; Steps has one field per step",
        "dataclasses.fields(Steps) lists the steps; for each, add up how far every pixel moves without it"),
        lambda: [(_sample_photo(name),) for name in ("6_pencil-phone-shadow.jpg", "2_shadow-on-paper.jpg",
                                                     "8_dark-mode-drawing.png", "5_red-pen.jpg")]),
    "06.beating": Exercise("beating", (
        "a test error in percent is 100 times (1 minus the test accuracy)",
        "keep the names of the runs whose error is below the one given, in the table's order"),
        lambda: [(_runs(12), 0.95), (_runs(13), 1.2), (_runs(14), 0.5)], unordered=True),
    "06.shifted": Exercise("shifted", (
        "torch.roll moves every pixel, but what leaves one side comes back on the other",
        "roll by (dy, dx) over the last two dimensions, then set the rows and columns that came round to "
        "images.min(), the background"),
        lambda: [(_batch(3, 23), 2, 0), (_batch(2, 24), -3, 1), (_batch(4, 25), 0, -2), (_batch(1, 26), 0, 0)],
        decimals=3),
    "06.chosen": Exercise("chosen", (
        "lesson 1 says on which split a recipe is chosen, and why not on the test split",
        "among the runs named, the one with the highest validation accuracy; the test column plays no part"),
        lambda: [(_runs(15), ["modern, constant lr 1e-3", "modern, one-cycle"]),
                 (_runs(16), ["classic 1998", "modern, 5 epochs", "modern + augmentation"])]),
}


class NotAnswered(Exception):
    """The student's function still holds the placeholder."""


def _tried(name: str, function) -> bool:
    """Whether `function` gives the exercise's outputs on its cases."""
    if name not in EXERCISES:
        raise KeyError(f"There is no exercise {name!r}; check the name in the lesson.")
    exercise = EXERCISES[name]
    if not callable(function):
        raise TypeError(f"{name}: check takes your function {exercise.function} itself (no brackets after its "
                        "name), not a value it gave.")
    try:
        if exercise.reference is not None:
            return all(exercise.close(function(*case), exercise.reference(*case)) for case in exercise.cases())
        return outputs_digest(exercise, function) == DIGESTS.get(name)
    except NotImplementedError:
        raise NotAnswered from None


def passed(name: str, function) -> bool | None:
    """True if the function is right on the exercise's cases, False if not, None if not written yet."""
    try:
        return _tried(name, function)
    except NotAnswered:
        return None


def _hint(name: str, hint: int) -> str:
    hints = EXERCISES[name].hints
    step = min(max(1, hint), len(hints))
    more = f" (more: check({name!r}, {EXERCISES[name].function}, hint={step + 1}))" if step < len(hints) else ""
    told = f"Hint {step} of {len(hints)}: {hints[step - 1]}{more}"
    return told + ("" if told.endswith("?") else ".")


def check(name: str, function, *, hint: int = 1) -> None:
    """Print whether the function is right, or a hint (never the answer itself).

    Hints come in steps, a nudge first: `check(name, function, hint=2)` shows the next one.
    """
    try:
        verdict = passed(name, function)
    except TypeError as error:
        print(error)
        return
    except Exception as error:  # the student's function failed on a case: say so, as a hint
        print(f"{name}: your function stopped with {type(error).__name__}: {error}. {_hint(name, hint)}")
        return
    if verdict is None:
        print(f"{name}: not answered yet. {_hint(name, hint)}")
    else:
        print(f"{name}: correct!" if verdict else f"{name}: not yet. {_hint(name, hint)}")


def verify(name: str, function) -> None:
    """The autograded form of `check`: raise AssertionError, with the hint, unless the function is right."""
    verdict = passed(name, function)
    if verdict is None:
        raise AssertionError(f"{name}: not answered yet ({EXERCISES[name].function} still raises NotImplementedError).")
    if not verdict:
        raise AssertionError(f"{name}: not yet. {_hint(name, 1)}")


# SHA-256 of the right outputs on each exercise's cases (scripts/record_digests.py writes them from the solutions)
DIGESTS = {
    "01.count_digit": "fe9dbdf823918ac27b9b109b4f8fce2b48139261ee3ecfc2e0a9b537c4e7d0b8",
    "01.prepared_value": "166d207c058228080546ab398867c322abac5bb3a5c1b8ca9b23b4f1d4c9e98f",
    "01.batches_per_epoch": "59e79374d3177668b8aec9fe9620869a433359120e21973ca5239efd8f88b3b5",
    "02.conv_parameters": "c3fc63528f9399f8aa807ea116884259f6f530d2008f37530399d2f596d53f92",
    "02.fc1_inputs": "a739cdcfdbaf1faa69dc89fc562cda3d9ff91bacb424cd3329370ffb367c5365",
    "02.receptive_field": "f5387e1a2570714c82ea2152502dd9d56a198f64b0f1d6d6dcc71250459c6468",
    "03.cross_entropy": "bc32332a7f58cc20087a76cf55cab1c5fe62f54ab0e3d36dc2d9eb0237ad1ef9",
    "03.optimiser_steps": "977569d04629f908d2b4b0867aac69c57ceb372ba6c66621981418f2fa3aaae1",
    "03.best_epoch": "82118335086e278a1d914beb4e11c66c8cf1acea42b009023a375f5b1f4a4cb3",
    "04.most_confused": "803e8f99cd25233f6cb8e7fc73842556f39708be56aa87906cfe1bfd5a76b9be",
    "04.per_digit_accuracy": "80c37ec35672f1ac32c1b86fe6033d7c98621ffd823cadc5b97602b596c83236",
    "04.weakest_digit": "b921087507d0b86db2eb7392a8812383c38b7fca9c1a3054a86ae78301e402f7",
    "04.mistakes_of": "f31729abc99cc8b852a24580af7fdff53184859cdcf7270bd453b9f0f1040806",
    "05.sure_and_wrong": "6ecfa1479a666bd27f5702eeefd72b350c7a404003b685e62cbd66a75dba91e4",
    "05.most_needed_step": "b12aa246f6f87b43172b6d57a1c4c6b13b9878fc4ba093ee32bb3c86b810d399",
    "06.beating": "cf66dce16c7f23c1fb718f502036e806483c02ef82f93d956e7433b763cdd418",
    "06.shifted": "a7362867ba780f7c455ab9a97a41681d7512ec66858f398e46b22e655ce63dbf",
    "06.chosen": "391e5e7d5daab67d6a893be8db8a0094ecae3132a7fe052727f7ec3a0538638a",
}

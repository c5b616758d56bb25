"""Self-checks for the notebooks' exercises: they say "correct" or give a hint, never the answer.

Fixed answers are stored as SHA-256 digests of the normalised answer, so reading this file
does not give them away; answers that depend on the student's own run are recomputed from
what the notebook passes in (a history, a confusion matrix).
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import torch


@dataclass
class Exercise:
    hints: tuple[str, ...]  # a nudge first, then more; never the answer, never the code
    digest: str | None = None  # SHA-256 of the normalised answer
    decimals: int | None = None  # numbers are rounded to this many decimals first
    compute: Callable[..., list] | None = None  # every right answer (ties!) from the notebook's data


def normalise(answer, decimals: int | None = None) -> str:
    """The text form an answer is compared in: ints plain, floats rounded, strings trimmed."""
    if isinstance(answer, torch.Tensor):
        answer = answer.tolist()
    if isinstance(answer, (tuple, list)):
        return "(" + ",".join(normalise(a, decimals) for a in answer) + ")"
    if isinstance(answer, bool):
        return str(answer)
    if isinstance(answer, (int, float)) and decimals is not None:
        return f"{float(answer):.{decimals}f}"
    if isinstance(answer, float) and answer.is_integer():
        return str(int(answer))
    return "-".join(str(answer).strip().lower().replace("_", " ").split())  # "Light on dark" = "light-on-dark"


def digest(answer, decimals: int | None = None) -> str:
    return hashlib.sha256(normalise(answer, decimals).encode()).hexdigest()


def _most_confused(matrix) -> list[tuple[int, int]]:
    """Every (true, predicted) pair with the largest count off the diagonal: ties are all right."""
    off = torch.as_tensor(matrix).clone()
    off.fill_diagonal_(0)
    return [tuple(pair) for pair in (off == off.max()).nonzero().tolist()]


def _weakest_mistakes(matrix) -> list[int]:
    """The mistakes among the test images of the weakest digit (of each, when digits tie)."""
    matrix = torch.as_tensor(matrix)
    right, total = matrix.diagonal(), matrix.sum(dim=1)
    return [int(total[digit] - right[digit]) for digit in _all_best((right / total).tolist(), min)]


def _all_best(values, best=max) -> list[int]:
    """Every index holding the best value (ties are all right)."""
    values = [float(v) for v in values]
    target = best(values)
    return [i for i, v in enumerate(values) if v == target]


SCHEDULES = ("modern, constant lr 1e-3", "modern, one-cycle")  # lesson 06's pair: 30 epochs, one change


def _best_schedule(results) -> list[str]:
    """Of lesson 06's two schedules, the one (both, if tied) with the higher validation accuracy."""
    pair = [r for r in results if r["name"] in SCHEDULES]
    return [pair[i]["name"] for i in _all_best([r["val_acc"] for r in pair])]


EXERCISES: dict[str, Exercise] = {
    "01.fives": Exercise((
        "the validation images are the ones split_indices held out of the 60,000",
        "val_idx picks the validation images; count the 5s among their labels (True counts as 1 in a sum)")),
    "01.grey_pixel": Exercise((
        "the model never sees raw pixels: two steps happen to each one, in order",
        "ToTensor scales 0-255 to 0-1 first; then Normalize uses the two constants"), decimals=2),
    "01.batches": Exercise((
        "how many images are in the training split (not the 60,000), and how many go in one batch?",
        "55,000 images in batches of 256: the last batch is smaller but still counts")),
    "02.conv1_no_padding": Exercise((
        "a 5x5 kernel must fit entirely inside the 28x28 picture at every position",
        "use the output-size formula above with padding 0: how far can a 5x5 kernel slide?")),
    "02.conv2_3x3": Exercise((
        "count the weights of one output map first, then multiply",
        "each output map has one kernel spanning all of conv1's maps, and one bias")),
    "02.fc1_inputs_no_padding": Exercise((
        "fc1 takes the flattened output of the last pooling layer: what is its shape now?",
        "follow the side through conv1, pool, conv2, pool with the formula; then maps x side x side")),
    "02.receptive_field": Exercise((
        "work backwards from one pooled value: which conv1 outputs does it look at?",
        "a pooled value is the largest of a 2x2 block of conv1 outputs: "
        "how far apart are the 5x5 windows of two neighbouring conv1 outputs?")),
    "03.steps": Exercise((
        "the optimiser takes one step per batch, not per image",
        "one step per batch: how many batches in one pass over 1,000 images, and how many passes?")),
    "03.best_epoch": Exercise((
        "the overfitting run's history is in `small`, like the full run's in `history`",
        "small.val_acc holds one validation accuracy per epoch; epochs count from 1"),
        compute=lambda history: [i + 1 for i in _all_best(history.val_acc)]),
    "04.most_confused": Exercise((
        "the diagonal of the confusion matrix holds the right answers; the mistakes are elsewhere",
        "zero the diagonal of the confusion matrix, then find the largest cell: (row = true, column = predicted)"),
        compute=_most_confused),
    "04.weakest_digit": Exercise((
        "the report has one accuracy per digit",
        "the digit whose per-class accuracy is lowest: min over the 10 values"),
        compute=lambda per_class: _all_best(per_class, min)),
    "04.weakest_mistakes": Exercise((
        "each row of the confusion matrix holds every test image of one true digit",
        "find the row whose diagonal share is lowest; its mistakes are the rest of that row"),
        compute=_weakest_mistakes),
    "05.fit_width": Exercise((
        "the longer side of the ink becomes the side of MNIST's box; the other keeps the proportion",
        "which side of this 0 is the longer one, and by what factor does it shrink?")),
    "05.sure_and_wrong": Exercise((
        "the largest of a photo's ten probabilities is how sure the model is of its answer",
        "a photo counts when two things hold at once: which two, and how are two tensors of True/False combined?")),
    "05.step": Exercise((
        "prepare(..., steps=Steps(background=False)) switches one step off; Steps has one field per step",
        "dataclasses.fields(Steps) lists the steps; the probability of the 6 is in probabilities(...)")),
    "06.error_rate": Exercise((
        "an error rate counts the mistakes instead of the right answers",
        "out of 100 images, how many are read wrong, and how many right?"), decimals=2),
    "06.schedule": Exercise((
        "lesson 1 says on which split a recipe is chosen, and why not on the test split",
        "compare the two rows' validation column, not the test column"),
        compute=_best_schedule),
}

# digests of the fixed answers (made with digest(answer, decimals))
EXERCISES["01.fives"].digest = "826e27285307a923759de350de081d6218a04f4cff82b20c5ddaa8c60138c066"
EXERCISES["01.grey_pixel"].digest = "f487eb5226f64295c10fa7fcd3aba777dd763d2a0d2e58d9e2e43cf5f3023d0c"
EXERCISES["01.batches"].digest = "d86580a57f7bf542e85202283cb845953c9d28f80a8e651db08b2fc0b2d6a731"
EXERCISES["02.conv1_no_padding"].digest = "c2356069e9d1e79ca924378153cfbbfb4d4416b1f99d41a2940bfdb66c5319db"
EXERCISES["02.conv2_3x3"].digest = "52efd2aad05d27e3eac3665b82f2bffa6da52351ce871c1c28e4ba69b40ea3e6"
EXERCISES["02.fc1_inputs_no_padding"].digest = "51e8ea280b44e16934d4d611901f3d3afc41789840acdff81942c2f65009cd52"
EXERCISES["02.receptive_field"].digest = "e7f6c011776e8db7cd330b54174fd76f7d0216b612387a5ffcfb81e6f0919683"
EXERCISES["03.steps"].digest = "983bd614bb5afece5ab3b6023f71147cd7b6bc2314f9d27af7422541c6558389"
EXERCISES["05.fit_width"].digest = "e629fa6598d732768f7c726b4b621285f9c3b85303900aa912017db7617d8bdb"
EXERCISES["05.sure_and_wrong"].digest = "7902699be42c8a8e46fbbb4501726517e86b22c56a189f7625a6da49081b2451"
EXERCISES["05.step"].digest = "1ba7573640bbbb13a9e25d5b6946b560307af27e6c9cd040840583b186d280b5"
EXERCISES["06.error_rate"].digest = "fd5f48d32c8d55604fd194872b86a8763bec0d2611524e43f09ea0916a5f9eb5"


def passed(exercise: str, answer, **context) -> bool | None:
    """True if the answer is right, False if not, None if it is still a placeholder."""
    if exercise not in EXERCISES:
        raise KeyError(f"There is no exercise {exercise!r}; check the name in the notebook.")
    item = EXERCISES[exercise]
    if answer is Ellipsis or answer is None:
        return None
    if item.compute is not None:
        accepted = {normalise(right, item.decimals) for right in item.compute(**context)}
        return normalise(answer, item.decimals) in accepted
    return digest(answer, item.decimals) == item.digest


def check(exercise: str, answer, *, hint: int = 1, **context) -> None:
    """Print whether an answer is right, or a hint (never the answer itself).

    Hints come in steps, a nudge first: `check(name, answer, hint=2)` shows the next one.
    """
    verdict = passed(exercise, answer, **context)
    hints = EXERCISES[exercise].hints
    step = min(max(1, hint), len(hints))
    more = f" (more: check({exercise!r}, ..., hint={step + 1}))" if step < len(hints) else ""
    told = f"Hint {step} of {len(hints)}: {hints[step - 1]}{more}"
    told += "" if told.endswith("?") else "."
    if verdict is None:
        print(f"{exercise}: not answered yet. {told}")
    else:
        print(f"{exercise}: correct!" if verdict else f"{exercise}: not yet. {told}")

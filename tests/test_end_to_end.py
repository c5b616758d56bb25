"""The course's promises on the real MNIST (skipped, with the reason, where it is absent)."""

import json
from pathlib import Path

import pytest
import torch

from lenet_helpers.cli import main
from lenet_helpers.learning.device import training_dtype

IMAGES = Path(__file__).parent.parent / "images"


@pytest.mark.parametrize("precision", ["auto", "float32"])
def test_default_recipe_reaches_99_percent(real_data, tmp_path, capsys, precision):
    """The default, and in float32 too where the default is bfloat16 (most laptops train in float32)."""
    if precision == "float32" and training_dtype("auto", torch.device("cpu")) is None:
        pytest.skip("the default already trains in float32 on this CPU (no bfloat16 instructions)")
    out = tmp_path / "lenet5.pt"
    flags = ["--data-dir", str(real_data), "--out", str(out), "--device", "cpu", "--precision", precision, "--json"]
    assert main(["train", *flags]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["test_accuracy"] >= 0.990
    assert main(["evaluate", "--weights", str(out), "--data-dir", str(real_data), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["accuracy"] == result["test_accuracy"]


def test_bundled_weights_reach_99_2_percent(real_data, capsys):
    assert main(["evaluate", "--data-dir", str(real_data), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 10_000 and report["accuracy"] >= 0.992
    assert min(report["per_class"]) >= 0.98


def test_bundled_weights_read_every_sample_photo(capsys):
    """Needs no dataset: the bundled weights and the images/ folder ship with the course."""
    assert main(["predict", str(IMAGES), "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert len(results) >= 38
    wrong = [r["path"] for r in results if str(r["digit"]) != Path(r["path"]).name[0]]
    assert not wrong, f"misread: {wrong}"
    assert main(["predict", "--number", *sorted(map(str, (IMAGES / "numbers").iterdir())), "--json"]) == 0
    numbers = json.loads(capsys.readouterr().out)
    assert [r["number"] for r in numbers] == [Path(r["path"]).name.split("_")[0] for r in numbers]


def test_mnist_digits_survive_the_own_image_preparation(real_data):
    """MNIST digits fed through `prepare` (as if they were photos) are still read right."""
    import torch

    from lenet_helpers.learning.checkpoint import load_model
    from lenet_helpers.learning.data import load_mnist
    from lenet_helpers.photos.pipeline import prepare
    from lenet_helpers.photos.reading import probabilities

    model, info = load_model()
    images, labels = load_mnist(real_data, train=False)
    for as_paper in (True, False):  # dark ink on light paper, and white on black as MNIST is stored
        digits = [255 - images[i].numpy() if as_paper else images[i].numpy() for i in range(300)]
        batch = torch.cat([prepare(d, **info["normalization"]).tensor for d in digits])
        read = probabilities(model, batch).argmax(dim=1)
        assert (read == labels[:300]).float().mean() >= 0.99  # the whole test set: benchmarks/handwriting.py


def run_lesson(course: Path, name: str, pretend_gpu: bool = False) -> str:
    """Run a lesson top to bottom in the course's notebooks/, as Run All does; return its printed text.

    With `pretend_gpu`, on a pretend accelerator (tests/device_guard.py): what a GPU would refuse raises.
    """
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(Path(__file__).parent.parent / "notebooks" / name, as_version=4)
    if pretend_gpu:
        tests = str(Path(__file__).parent)
        setup = f"import sys\nsys.path.insert(0, {tests!r})\nimport device_guard\ndevice_guard.install()"
        notebook.cells.insert(0, nbformat.v4.new_code_cell(setup))
    NotebookClient(notebook, timeout=600, resources={"metadata": {"path": str(course / "notebooks")}}).execute()
    return "".join(output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", []))


def test_lesson_04_after_a_quick_lesson_03_uses_that_model_on_a_pretend_gpu(real_data, course, monkeypatch):
    """Also run as on a GPU: data left on the CPU beside a model on the GPU would stop a CUDA or MPS student."""
    monkeypatch.setenv("LENET_QUICK", "1")
    printed = run_lesson(course, "03_training.ipynb", pretend_gpu=True)
    assert "training on: cpu:0" in printed  # the pretend accelerator was in use
    assert "Only 1 of 5 epochs ran" not in printed  # the quick run plans 1 epoch and runs it
    printed = run_lesson(course, "04_evaluation.ipynb", pretend_gpu=True)
    assert f"your model in {course.resolve() / 'runs' / 'lenet5.pt'}" in printed
    assert "test accuracy:" in printed


def test_lessons_05_and_06_on_a_pretend_gpu(real_data, course):
    """Lesson 05 reads photos and lesson 06 trains twice: neither may leave data on the CPU beside the model."""
    import shutil

    repo = Path(__file__).parent.parent
    shutil.copytree(repo / "images", course / "images")
    shutil.copytree(repo / "benchmarks" / "results", course / "benchmarks" / "results")
    printed = run_lesson(course, "05_own_handwriting.ipynb", pretend_gpu=True)
    assert all(f"05.{name}: correct!" in printed for name in ("fit_into_20", "sure_and_wrong", "most_needed_step"))
    printed = run_lesson(course, "06_going_further.ipynb", pretend_gpu=True)
    assert "augmentation off: validation accuracy" in printed and "06.chosen: correct!" in printed


def test_lesson_04_after_training_was_stopped(real_data, course):
    """The stop button after one epoch: a one-epoch checkpoint, and lesson 04 says what it means."""
    from lenet_helpers.learning.data import load_splits
    from lenet_helpers.learning.model import LeNet5
    from lenet_helpers.learning.training import TrainConfig, fit
    from lenet_helpers.paths import default_checkpoint

    class StopInSecondEpoch:
        def __init__(self, loader):
            self.loader, self.steps = loader, 0

        def __len__(self):
            return len(self.loader)

        def __iter__(self):
            for batch in self.loader:
                self.steps += 1
                if self.steps > len(self.loader) + 5:
                    raise KeyboardInterrupt
                yield batch

    config = TrainConfig(precision="float32")
    splits = load_splits(real_data, config.batch_size, config.val_size, config.seed)
    history = fit(LeNet5(), StopInSecondEpoch(splits.train), splits.val, config, torch.device("cpu"),
                  default_checkpoint(), progress=False)
    assert history.interrupted and history.saved_epoch == 1
    printed = run_lesson(course, "04_evaluation.ipynb")
    assert "epoch 1 of 5 planned" in printed and "test accuracy:" in printed

"""The course's promises on the real MNIST (skipped, with the reason, where it is absent)."""

import json
from pathlib import Path

import pytest
import torch

from lenet_helpers.cli import main
from lenet_helpers.training import training_dtype

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

    from lenet_helpers.checkpoint import load_model
    from lenet_helpers.data import load_mnist
    from lenet_helpers.inference import probabilities
    from lenet_helpers.preprocess import prepare

    model, info = load_model()
    images, labels = load_mnist(real_data, train=False)
    for as_paper in (True, False):  # dark ink on light paper, and white on black as MNIST is stored
        digits = [255 - images[i].numpy() if as_paper else images[i].numpy() for i in range(300)]
        batch = torch.cat([prepare(d, **info["normalization"]).tensor for d in digits])
        read = probabilities(model, batch).argmax(dim=1)
        assert (read == labels[:300]).float().mean() >= 0.99  # the whole test set: benchmarks/handwriting.py

"""The bad-input suite: every case a careless or hostile user may give, one sentence each, nothing lost.

Each group is a table of generated cases; a new failure found anywhere becomes a new row.
Image files and `predict` are covered by test_decode.py and test_cli.py.
"""

import json
import math
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from idx_files import write_idx

from lenet_helpers.cli import main
from lenet_helpers.errors import CheckpointError, DataError, LenetError
from lenet_helpers.instructor.course import write_student_copies
from lenet_helpers.learning.checkpoint import bundled_weights_path, load_model, read_checkpoint, save_checkpoint
from lenet_helpers.learning.data import load_mnist
from lenet_helpers.learning.model import LeNet5

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
IMAGES = Path(__file__).parent.parent / "images"


def one_sentence(text: str) -> bool:
    return len(text.strip().splitlines()) == 1 and "Traceback" not in text


# --- training arguments: refused while parsing, exit 2, one line naming the argument -------------

BAD_TRAINING_ARGUMENTS = [
    ("--epochs", "0"), ("--epochs", "-1"), ("--epochs", "many"), ("--epochs", "1e9"),
    ("--batch-size", "0"), ("--batch-size", "-5"), ("--batch-size", "2.5"),
    ("--lr", "-1"), ("--lr", "0"), ("--lr", "nan"), ("--lr", "inf"), ("--lr", "fast"),
    ("--warmup", "2"), ("--warmup", "0"), ("--warmup", "1"), ("--warmup", "-0.1"),
    ("--seed", "-1"), ("--seed", "12345678901234567890123"),
    ("--weight-decay", "-1"), ("--weight-decay", "nan"),
    ("--val-size", "0"), ("--val-size", "60000"),
    ("--out", ""), ("--device", "tpu"), ("--precision", "half"), ("--architecture", "resnet"),
    ("--schedule", "cosine"),
]


@pytest.mark.parametrize("flag,value", BAD_TRAINING_ARGUMENTS, ids=lambda v: v or "empty")
def test_bad_training_argument_is_refused_before_anything_runs(flag, value, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["train", flag, value])
    err = capsys.readouterr().err
    assert stop.value.code == 2
    last = err.strip().splitlines()[-1]
    assert f"argument {flag}" in last and "Traceback" not in err


def out_cases(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "a-file").write_text("not a folder")
    os.mkfifo(tmp_path / "a-pipe")
    return {
        "an existing folder": tmp_path,
        "inside a file": tmp_path / "a-file" / "lenet5.pt",
        "a pipe": tmp_path / "a-pipe",
    }


@pytest.mark.parametrize("case", ["an existing folder", "inside a file", "a pipe"])
def test_checkpoint_path_that_cannot_be_written_is_refused_before_training(case, tmp_path, capsys):
    out = out_cases(tmp_path)[case]
    code = main(["train", "--out", str(out), "--data-dir", str(tmp_path / "no-data"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1 and one_sentence(err) and "MNIST" not in err  # refused before the data were looked at
    assert (out.is_dir() or out.is_fifo() or not out.exists())  # nothing replaced


# --- checkpoints with odd contents: refused on load, in one sentence -----------------------------

def checkpoint_mutations() -> dict[str, callable]:
    def nan_weights(c):
        c["state_dict"]["features.0.weight"][0, 0, 0, 0] = math.nan

    return {
        "no normalization": lambda c: c.pop("normalization"),
        "normalization as text": lambda c: c.update(normalization={"mean": "0.13", "std": "0.31"}),
        "normalization a list": lambda c: c.update(normalization=[0.13, 0.31]),
        "std zero": lambda c: c["normalization"].update(std=0.0),
        "std negative": lambda c: c["normalization"].update(std=-0.3),
        "std nan": lambda c: c["normalization"].update(std=math.nan),
        "mean infinite": lambda c: c["normalization"].update(mean=math.inf),
        "architecture a list": lambda c: c.update(architecture=["lenet5"]),
        "architecture unknown": lambda c: c.update(architecture="resnet50"),
        "architecture missing": lambda c: c.pop("architecture"),
        "weights NaN": nan_weights,
        "weights not a dict": lambda c: c.update(state_dict=[1, 2, 3]),
        "weights missing": lambda c: c.pop("state_dict"),
        "config a list": lambda c: c.update(config=[1]),
        "metrics text": lambda c: c.update(metrics="good"),
        "a layer missing": lambda c: c["state_dict"].pop("features.0.bias"),
        "a layer reshaped": lambda c: c["state_dict"].update({"features.0.bias": torch.zeros(7)}),
        "a metric as text": lambda c: c.update(metrics={"val_acc": "high"}),
        "a metric NaN": lambda c: c.update(metrics={"test_acc": math.nan}),
    }


@pytest.mark.parametrize("mutation", list(checkpoint_mutations()))
def test_checkpoint_with_odd_contents_is_refused_in_one_sentence(mutation, tmp_path, capsys):
    checkpoint = read_checkpoint(save_checkpoint(tmp_path / "good.pt", LeNet5()))
    checkpoint_mutations()[mutation](checkpoint)
    torch.save(checkpoint, tmp_path / "odd.pt")
    with pytest.raises(CheckpointError) as error:
        load_model(tmp_path / "odd.pt")
    assert "odd.pt" in str(error.value) and one_sentence(str(error.value))
    photo = IMAGES / "2_sticky-note.jpg"
    for argv in (["predict", photo, "--json"], ["evaluate", "--data-dir", tmp_path]):
        code = main([str(a) for a in argv] + ["--weights", str(tmp_path / "odd.pt")])
        out, err = capsys.readouterr()
        assert code == 1 and one_sentence(err) and not out


@pytest.mark.parametrize("device,path", [("cuda:7", None), ("gpu", None), ("cpu", b"weights.pt"), ("cpu", 7)])
def test_load_model_with_a_bad_device_or_path_is_one_sentence(device, path):
    with pytest.raises(LenetError) as error:
        load_model(path, device)
    assert one_sentence(str(error.value))


# --- student copies: never over the instructor's notebooks, never over a student's work ----------

def test_student_copy_refuses_the_instructor_files_however_reached(tmp_path):
    before = {p.name: p.read_bytes() for p in NOTEBOOKS.glob("*.ipynb")}
    hard = tmp_path / "hard-links"
    hard.mkdir()
    for path in NOTEBOOKS.glob("*.ipynb"):
        os.link(path, hard / path.name)
    (tmp_path / "symlinked").symlink_to(NOTEBOOKS)
    one_link = tmp_path / "one-link"
    one_link.mkdir()
    (one_link / "03_training.ipynb").symlink_to(NOTEBOOKS / "03_training.ipynb")
    for out, force in ((NOTEBOOKS, False), (hard, True), (tmp_path / "symlinked", True), (one_link, True)):
        with pytest.raises(LenetError, match="instructor's"):
            write_student_copies(NOTEBOOKS, out, force=force)
    assert {p.name: p.read_bytes() for p in NOTEBOOKS.glob("*.ipynb")} == before
    assert sorted(p.name for p in one_link.iterdir()) == ["03_training.ipynb"]  # nothing written


def test_student_copy_keeps_a_students_work_unless_forced(tmp_path):
    out = tmp_path / "class"
    write_student_copies(NOTEBOOKS, out)
    (out / "01_dataset.ipynb").write_text("my answers")
    with pytest.raises(LenetError, match="--force"):
        write_student_copies(NOTEBOOKS, out)
    assert (out / "01_dataset.ipynb").read_text() == "my answers"
    write_student_copies(NOTEBOOKS, out, force=True)
    assert json.loads((out / "01_dataset.ipynb").read_text())["cells"]


def broken_notebook_folders(tmp_path: Path) -> dict[str, Path]:
    cases = {}
    for name, text in {
        "bad JSON": "{not json",
        "no cells": json.dumps({"metadata": {}}),
        "unclosed solution": json.dumps({"cells": [{"cell_type": "code", "source": "# BEGIN SOLUTION\nx = 1"}]}),
    }.items():
        folder = tmp_path / name.replace(" ", "-")
        shutil.copytree(NOTEBOOKS, folder, ignore=shutil.ignore_patterns("*.py", "runs"))
        (folder / "04_evaluation.ipynb").write_text(text)
        cases[name] = folder
    return cases


@pytest.mark.parametrize("case", ["bad JSON", "no cells", "unclosed solution"])
def test_a_broken_notebook_is_named_and_no_copy_is_written(case, tmp_path, capsys):
    source = broken_notebook_folders(tmp_path)[case]
    code = main(["course", "student", str(tmp_path / "out"), "--notebooks", str(source)])
    err = capsys.readouterr().err
    assert code == 1 and one_sentence(err) and "04_evaluation.ipynb" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("where", ["a file", "under a file"])
def test_student_copy_into_a_file_is_one_sentence(where, tmp_path, capsys):
    (tmp_path / "f").write_text("x")
    out = tmp_path / "f" if where == "a file" else tmp_path / "f" / "class"
    code = main(["course", "student", str(out), "--notebooks", str(NOTEBOOKS)])
    assert code == 1 and one_sentence(capsys.readouterr().err)
    assert (tmp_path / "f").read_text() == "x"


def test_a_cell_without_metadata_is_copied(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "01_x.ipynb").write_text(json.dumps({"cells": [{"cell_type": "code", "source": "x = 1"}]}))
    [copy] = write_student_copies(folder, tmp_path / "out")
    assert "".join(json.loads(copy.read_text())["cells"][0]["source"]) == "x = 1"


# --- data files ----------------------------------------------------------------------------------

def test_an_idx_file_with_no_images_is_one_sentence(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    write_idx(raw / "t10k-images-idx3-ubyte", np.zeros((0, 28, 28), np.uint8), 2051)
    write_idx(raw / "t10k-labels-idx1-ubyte", np.zeros((0,), np.uint8), 2049)
    with pytest.raises(DataError, match="holds no images"):
        load_mnist(tmp_path, train=False)


def test_the_bundled_weights_pass_every_check():
    assert read_checkpoint(bundled_weights_path())["normalization"]["std"] > 0


def test_student_copy_never_replaces_a_notebook_with_solutions_even_forced(tmp_path):
    """The arguments swapped: the 'students' folder is given as the source, the instructor's as OUT."""
    instructor = tmp_path / "instructor"
    shutil.copytree(NOTEBOOKS, instructor, ignore=shutil.ignore_patterns("*.py", "runs"))
    students = tmp_path / "students"
    write_student_copies(instructor, students)
    before = (instructor / "03_training.ipynb").read_bytes()
    with pytest.raises(LenetError, match="holds solutions"):
        write_student_copies(students, instructor, force=True)
    assert (instructor / "03_training.ipynb").read_bytes() == before


def test_student_copy_refuses_a_folder_named_like_a_notebook(tmp_path):
    (tmp_path / "out" / "03_training.ipynb").mkdir(parents=True)
    with pytest.raises(LenetError, match="is a folder"):
        write_student_copies(NOTEBOOKS, tmp_path / "out", force=True)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["03_training.ipynb"]

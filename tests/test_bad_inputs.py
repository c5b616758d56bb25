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
    before = sorted(p.name for p in tmp_path.iterdir())
    code = main(["train", "--out", str(out), "--data-dir", str(tmp_path / "no-data"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1 and one_sentence(err) and "MNIST" not in err  # refused before the data were looked at
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing made beside it
    assert (tmp_path / "a-file").read_text() == "not a folder" and (tmp_path / "a-pipe").is_fifo()


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
        "std 1e-300": lambda c: c["normalization"].update(std=1e-300),
        "mean 1e308": lambda c: c["normalization"].update(mean=1e308),
        "weights 3e38": lambda c: c["state_dict"]["features.0.weight"].fill_(3e38),
        "a sparse layer": lambda c: c["state_dict"].update(
            {"features.0.bias": c["state_dict"]["features.0.bias"].to_sparse()}),
        "a meta-device layer": lambda c: c["state_dict"].update({"features.0.bias": torch.empty(6, device="meta")}),
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
    (tmp_path / "symlinked").symlink_to(NOTEBOOKS)
    one_link = tmp_path / "one-link"
    one_link.mkdir()
    (one_link / "03_training.ipynb").symlink_to(NOTEBOOKS / "03_training.ipynb")
    outs = [(NOTEBOOKS, False), (tmp_path / "symlinked", True), (one_link, True)]
    hard = tmp_path / "hard-links"
    hard.mkdir()
    try:
        for path in NOTEBOOKS.glob("*.ipynb"):
            os.link(path, hard / path.name)
        outs.append((hard, True))
    except OSError as error:  # EXDEV: the temporary folder is on another file system than the course
        print(f"hard links not tried: they cannot be made from {tmp_path} ({error.strerror})")
    for out, force in outs:
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


@pytest.mark.filterwarnings("ignore:Cell is missing an id field")  # the bare notebook is the point
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


# --- round 3 (issue 27): full disks, numbers valid but wrong, names, data folders, start-up ---------

def test_plain_state_dicts_with_weights_that_are_not_numbers_are_refused(tmp_path, capsys):
    for value in (math.nan, math.inf, -math.inf):
        weights = LeNet5().state_dict()
        weights["features.0.weight"][0, 0, 0, 0] = value
        torch.save(weights, tmp_path / "plain.pt")
        with pytest.raises(CheckpointError, match="not numbers"):
            load_model(tmp_path / "plain.pt")
        code = main(["evaluate", "--weights", str(tmp_path / "plain.pt"), "--data-dir", str(tmp_path)])
        assert code == 1 and one_sentence(capsys.readouterr().err)


def test_bundled_weights_with_two_bytes_changed_are_refused(tmp_path, monkeypatch):
    import lenet_helpers.learning.checkpoint as checkpoint

    data = bytearray(bundled_weights_path().read_bytes())
    data[-5000] ^= 0xFF
    data[-6000] ^= 0x01
    (tmp_path / "lenet5_mnist.pt").write_bytes(bytes(data))
    monkeypatch.setattr(checkpoint, "bundled_weights_path", lambda: tmp_path / "lenet5_mnist.pt")
    with pytest.raises(CheckpointError, match="bundled weights .* are damaged") as error:
        load_model()
    assert one_sentence(str(error.value))


@pytest.mark.parametrize("argv", [["IMG"], ["IMG", "--json"], ["--number", "NUMBER"]])
def test_results_sent_to_a_full_disk_are_one_sentence(argv):
    import subprocess
    import sys

    argv = [str(IMAGES / "2_sticky-note.jpg") if a == "IMG" else str(IMAGES / "numbers" / "2025_paper.jpg")
            if a == "NUMBER" else a for a in argv]
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "lenet_helpers.cli", "predict", *argv], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=300)
    lines = [line for line in done.stderr.splitlines() if not line.startswith("Weights:")]
    assert done.returncode == 1 and len(lines) == 1 and "No space left on device" in lines[0]


def test_a_checkpoint_save_on_a_full_disk_ends_in_one_sentence(tiny_mnist, tmp_path, monkeypatch, capsys):
    import lenet_helpers.learning.checkpoint as checkpoint

    def full(*args, **kwargs):
        raise RuntimeError("[enforce fail at inline_container.cc:664] . unexpected pos 64 vs 0")

    monkeypatch.setattr(checkpoint.torch, "save", full)
    code = main(["train", "--epochs", "1", "--val-size", "50", "--data-dir", str(tiny_mnist), "--out",
                 str(tmp_path / "m.pt"), "--device", "cpu", "--quiet"])
    out, err = capsys.readouterr()
    assert code == 1 and one_sentence(err) and "could not be written" in err and "Test accuracy" in out
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".m.pt.*"))


def test_student_copies_on_a_full_disk_leave_none_behind(tmp_path, monkeypatch):
    import errno

    import lenet_helpers.instructor.course as course

    real, calls = course.os.fdopen, {"n": 0}

    def filling(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(course.os, "fdopen", filling)
    with pytest.raises(LenetError, match="No space left on device.*none was written") as error:
        write_student_copies(NOTEBOOKS, tmp_path / "out")
    assert one_sentence(str(error.value)) and list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("batch_size", ["250", "125", "100", "84"])
def test_a_schedule_with_very_few_steps_still_trains(batch_size, tiny_mnist, tmp_path, capsys):
    """250 images in one epoch: 1, 2, 3 or 3 steps (one-cycle once divided by zero when warm-up was one step)."""
    code = main(["train", "--epochs", "1", "--val-size", "50", "--batch-size", batch_size, "--data-dir",
                 str(tiny_mnist), "--out", str(tmp_path / "m.pt"), "--device", "cpu", "--quiet"])
    assert code == 0 and "Test accuracy" in capsys.readouterr().out


def test_the_schedule_gives_each_phase_a_step_however_short_the_run():
    from lenet_helpers.learning.training import TrainConfig, learning_rates

    for steps in (1, 2, 3, 4, 10, 20):
        rates = learning_rates(TrainConfig(epochs=1), steps)
        assert len(rates) == steps and all(math.isfinite(rate) and rate > 0 for rate in rates)
        if steps >= 3:
            assert max(rates) == pytest.approx(0.01) and rates[0] < max(rates) and rates[-1] < max(rates)


def test_names_that_are_too_long_or_empty_are_one_sentence(tmp_path, capsys):
    long_name = str(tmp_path / ("a" * 300) / "m.pt")
    assert main(["train", "--out", long_name, "--quiet"]) == 1
    assert one_sentence(capsys.readouterr().err)
    assert main(["course", "student", str(tmp_path / ("b" * 300)), "--notebooks", str(NOTEBOOKS)]) == 1
    assert one_sentence(capsys.readouterr().err)
    assert main(["course", "student", "", "--notebooks", str(NOTEBOOKS)]) == 1
    assert "Name a folder" in capsys.readouterr().err
    assert main(["predict", "", "--json"]) == 1
    [result] = json.loads(capsys.readouterr().out)
    assert result == {"path": "", "error": "An empty path names no image; give an image file or a folder."}


def test_out_never_replaces_a_file_that_is_not_a_checkpoint_unless_forced(tiny_mnist, tmp_path, capsys):
    notebook = tmp_path / "03_training.ipynb"
    notebook.write_text((NOTEBOOKS / "03_training.ipynb").read_text())
    before = notebook.read_bytes()
    train = ["train", "--epochs", "1", "--val-size", "50", "--data-dir", str(tiny_mnist), "--out", str(notebook),
             "--device", "cpu", "--quiet"]
    for _ in range(2):
        assert main(train) == 1
        err = capsys.readouterr().err
        assert one_sentence(err) and "not a checkpoint" in err and "--force" in err
    assert notebook.read_bytes() == before and not (tmp_path / "03_training.previous.ipynb").exists()
    assert main([*train, "--force"]) == 0  # asked for: replaced, the file kept beside it
    assert (tmp_path / "03_training.previous.ipynb").read_bytes() == before


def test_a_mistyped_data_folder_is_named_and_nothing_is_created_in_it(tiny_mnist, tmp_path, monkeypatch, capsys):
    import lenet_helpers.learning.data as data

    raw = tiny_mnist / "MNIST" / "raw"
    before = sorted(p.name for p in raw.iterdir())
    for mistyped in (raw, tiny_mnist / "MNIST"):
        assert main(["evaluate", "--data-dir", str(mistyped)]) == 1
        err = capsys.readouterr().err
        assert one_sentence(err) and f"give {tiny_mnist}" in err
    assert sorted(p.name for p in raw.iterdir()) == before and not (raw / "MNIST").exists()

    def failing_download(root):  # as torchvision does offline: the folders first, then the failure
        (Path(root) / "MNIST" / "raw").mkdir(parents=True, exist_ok=True)
        (Path(root) / "MNIST" / "raw" / "train-images-idx3-ubyte.gz.part").write_bytes(b"x")

    monkeypatch.setattr(data, "_download", failing_download)
    assert main(["evaluate", "--data-dir", str(tmp_path / "new" / "data")]) == 1
    assert one_sentence(capsys.readouterr().err) and not (tmp_path / "new").exists()


def test_ctrl_c_while_pytorch_loads_is_one_sentence(monkeypatch, capsys):
    import sys
    import types

    from lenet_helpers import entry

    class Loading(types.ModuleType):
        def __getattr__(self, name):
            raise KeyboardInterrupt

    monkeypatch.setitem(sys.modules, "lenet_helpers.cli", Loading("lenet_helpers.cli"))
    assert entry.main() == 130
    assert capsys.readouterr().err == "Interrupted.\n"


def test_no_library_warning_comes_before_the_sentence(tmp_path):
    import warnings

    from PIL import Image

    from lenet_helpers.photos.decode import read_image

    big = tmp_path / "big.png"
    Image.new("1", (9500, 9500), 1).save(big)  # over PIL's warning size, under its refusal size
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_image(big)
        torch.save(LeNet5().state_dict(), tmp_path / "old.pt", pickle_protocol=4)  # torch warns about its protocol
        with pytest.raises(CheckpointError):
            load_model(tmp_path / "old.pt")
    assert not [w for w in caught if "DecompressionBomb" in str(w.category) or "pickle" in str(w.message)]


def test_a_grid_of_dots_is_never_read_without_doubt(tmp_path, capsys):
    import cv2

    grid = np.full((280, 280), 255, np.uint8)
    for y in range(30, 260, 30):
        for x in range(30, 260, 30):
            cv2.circle(grid, (x, y), 5, 0, -1)
    cv2.imwrite(str(tmp_path / "dots.png"), grid)
    assert main(["predict", "--json", "--weights", str(bundled_weights_path()), str(tmp_path / "dots.png")]) == 0
    result = json.loads(capsys.readouterr().out)
    result = result[0] if isinstance(result, list) else result
    assert result["warnings"] and result["warning"]

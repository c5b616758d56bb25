import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from PIL import Image

from lenet_helpers.cli import main
from lenet_helpers.learning.model import LeNet5

IMAGES = Path(__file__).parent.parent / "images"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_train_then_evaluate_json_on_tiny_data(tiny_mnist, tmp_path, capsys):
    out_file = tmp_path / "m.pt"
    code, out, _ = run(capsys, "train", "--epochs", 2, "--val-size", 50, "--data-dir", tiny_mnist,
                       "--out", out_file, "--json", "--device", "cpu")
    assert code == 0
    result = json.loads(out.strip().splitlines()[-1])
    assert result["best_epoch"] in (1, 2) and 0 <= result["test_accuracy"] <= 1
    assert out_file.exists()
    code, out, _ = run(capsys, "evaluate", "--weights", out_file, "--data-dir", tiny_mnist, "--json")
    assert code == 0
    report = json.loads(out)
    assert set(report) == {"accuracy", "per_class", "n"} and report["n"] == 60
    assert len(report["per_class"]) == 10 and report["accuracy"] == pytest.approx(result["test_accuracy"])


def test_train_records_the_precision_it_was_asked_for(tiny_mnist, tmp_path, capsys):
    from lenet_helpers.learning.checkpoint import load_model

    out_file = tmp_path / "m.pt"
    code, out, _ = run(capsys, "train", "--epochs", 1, "--val-size", 50, "--data-dir", tiny_mnist,
                       "--out", out_file, "--device", "cpu", "--precision", "bfloat16")
    assert code == 0 and "on cpu (bfloat16)" in out
    assert load_model(out_file)[1]["config"]["precision"] == "bfloat16"


def test_train_without_data_offline_is_one_line(tmp_path, capsys):
    code, out, err = run(capsys, "train", "--data-dir", tmp_path / "empty", "--quiet")
    assert code == 1
    assert err.startswith("error: MNIST is not in") and err.count("\n") == 1
    assert "MNIST/raw" in err or "MNIST\\raw" in err


def test_evaluate_with_damaged_weights_is_one_line(tmp_path, tiny_mnist, capsys):
    (tmp_path / "bad.pt").write_bytes(b"garbage")
    code, _, err = run(capsys, "evaluate", "--weights", tmp_path / "bad.pt", "--data-dir", tiny_mnist)
    assert code == 1 and err.startswith("error: ") and "damaged" in err and err.count("\n") == 1


def test_usage_errors_exit_2(capsys):
    for argv in (["predict"], ["train", "--epochs", "many"], ["fly"]):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2


def test_predict_json_contract_with_files_and_folders(tmp_path, capsys):
    folder = tmp_path / "digits"
    folder.mkdir()
    for name in ("3_tablet-drawing.png", "7_transparent-canvas.png"):
        shutil.copy(IMAGES / name, folder / name)
    single = IMAGES / "4_dark-mode-drawing.png"
    code, out, _ = run(capsys, "predict", single, folder, "--json")
    assert code == 0
    results = json.loads(out)
    assert [Path(r["path"]).name for r in results] == ["4_dark-mode-drawing.png", "3_tablet-drawing.png",
                                                         "7_transparent-canvas.png"]
    for r in results:
        assert set(r) == {"path", "digit", "confidence", "probabilities", "warnings"}
        assert len(r["probabilities"]) == 10 and abs(sum(r["probabilities"]) - 1) < 1e-4
        assert r["confidence"] == max(r["probabilities"])
    assert [r["digit"] for r in results] == [4, 3, 7]


def test_one_bad_file_never_stops_the_others(tmp_path, capsys):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.jpg").write_bytes(b"")
    (bad / "page.jpg").write_text("<html>not found</html>")
    (bad / "dot.png").write_bytes(b"")
    Image.new("L", (1, 1)).save(bad / "dot.png")
    Image.new("RGB", (200, 200), "white").save(bad / "blank.png")
    empty_folder = tmp_path / "nothing"
    empty_folder.mkdir()
    good = IMAGES / "8_tablet-drawing.png"
    code, out, _ = run(capsys, "predict", good, bad, tmp_path / "missing.png", empty_folder, "--json")
    assert code == 1
    results = {Path(r["path"]).name: r for r in json.loads(out)}
    assert results["8_tablet-drawing.png"]["digit"] == 8
    errors = {name: r["error"] for name, r in results.items() if "error" in r}
    assert set(errors) == {"blank.png", "dot.png", "empty.jpg", "page.jpg", "missing.png", "nothing"}
    for name, message in errors.items():
        assert name in message and message.endswith(".") and "\n" not in message


def test_predict_plain_text_and_number(capsys):
    code, out, _ = run(capsys, "predict", IMAGES / "2_sticky-note.jpg")
    assert code == 0 and out.startswith(str(IMAGES / "2_sticky-note.jpg") + ": 2 (")
    code, out, _ = run(capsys, "predict", "--number", IMAGES / "numbers" / "2025_paper.jpg", "--json")
    assert code == 0
    [result] = json.loads(out)
    assert result["number"] == "2025" and len(result["digits"]) == 4


def test_predict_refuses_hostile_weights_and_runs_nothing(tmp_path, capsys):
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    torch.save({"state_dict": Payload()}, tmp_path / "evil.pt")
    code, _, err = run(capsys, "predict", IMAGES / "2_sticky-note.jpg", "--weights", tmp_path / "evil.pt")
    assert code == 1 and "nothing in it ran" in err and not marker.exists()


def test_predict_with_own_checkpoint(tmp_path, capsys):
    torch.save(LeNet5().state_dict(), tmp_path / "mine.pt")  # a bare state_dict from a notebook
    code, out, _ = run(capsys, "predict", IMAGES / "2_sticky-note.jpg", "--weights", tmp_path / "mine.pt", "--json")
    assert code == 0 and len(json.loads(out)) == 1


def test_info_and_console_script(tmp_path):
    script = shutil.which("lenet", path=str(Path(sys.executable).parent)) or shutil.which("lenet")
    if script is None:
        pytest.skip("the lenet console script is not installed in this environment (pip install -e .)")
    done = subprocess.run([script, "info", "--data-dir", str(tmp_path)], capture_output=True, text=True, check=True)
    assert "torch" in done.stdout and "missing 4 of 4 files" in done.stdout and "bundled weights" in done.stdout
    assert "training precision (auto): " in done.stdout


def test_predict_says_when_a_reading_is_doubtful(tmp_path, capsys):
    page = Image.new("L", (400, 300), 235)
    page.paste(30, (195, 145, 205, 155))  # only a pen's dot on the page
    page.save(tmp_path / "dot.png")
    code, out, _ = run(capsys, "predict", tmp_path / "dot.png", IMAGES / "2_sticky-note.jpg", "--json")
    dot, sticky = json.loads(out)
    assert code == 0 and "tiny" in dot["warning"] and "warning" not in sticky
    assert sticky["warnings"] == [] and any("tiny" in doubt for doubt in dot["warnings"])
    code, out, _ = run(capsys, "predict", tmp_path / "dot.png")
    assert "(doubtful: The digit is tiny in the picture" in out


def test_an_unforeseen_failure_is_that_file_s_error_only(tmp_path, capsys, monkeypatch):
    import lenet_helpers.photos.reading as inference

    real = inference.prepare

    def fragile(source, *args, **kwargs):
        if "boom" in str(source):
            raise ValueError("image has wrong mode")
        return real(source, *args, **kwargs)

    monkeypatch.setattr(inference, "prepare", fragile)
    shutil.copy(IMAGES / "2_sticky-note.jpg", tmp_path / "boom.jpg")
    code, out, _ = run(capsys, "predict", tmp_path / "boom.jpg", IMAGES / "2_sticky-note.jpg", "--json")
    boom, sticky = json.loads(out)
    assert code == 1 and "could not be read (ValueError" in boom["error"] and sticky["digit"] == 2


def test_train_on_a_full_disk_prints_the_result_says_so_and_exits_1(tiny_mnist, tmp_path, capsys, monkeypatch):
    import errno

    import lenet_helpers.learning.training as training

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(training, "save_checkpoint", disk_full)
    code, out, err = run(capsys, "train", "--epochs", 1, "--val-size", 50, "--data-dir", tiny_mnist,
                         "--out", tmp_path / "m.pt", "--device", "cpu", "--quiet")
    assert code == 1
    assert "NOT saved" in out and "Test accuracy" in out
    assert err.count("\n") == 1 and "No space left on device" in err and "nothing was saved" in err


def test_train_over_an_earlier_model_says_where_it_is_kept(tiny_mnist, tmp_path, capsys):
    out_file = tmp_path / "m.pt"
    args = ("train", "--epochs", 1, "--val-size", 50, "--data-dir", tiny_mnist, "--out", out_file, "--device", "cpu")
    assert run(capsys, *args, "--quiet")[0] == 0
    code, out, _ = run(capsys, *args, "--seed", "1")  # another run, perhaps worse
    previous = tmp_path / "m.previous.pt"
    assert code == 0 and previous.is_file()
    assert f"that one is kept as {previous}" in out and f"The model it replaced is kept as {previous}" in out
    code, out, _ = run(capsys, *args, "--json")
    assert json.loads(out)["previous"] == str(previous)
    code, out, _ = run(capsys, *args, "--seed", "2")
    assert f"that one is kept as {previous}, in place of the older one there" in out


def test_course_init_writes_an_nbgrader_course_and_replaces_nothing_unasked(tmp_path, capsys, monkeypatch):
    pytest.importorskip("nbgrader", reason="the instructor's tools are not installed")
    notebooks = Path(__file__).parent.parent / "notebooks"
    monkeypatch.setenv("LENET_DATA_DIR", str(tmp_path / "no-data"))
    code, out, _ = run(capsys, "course", "init", tmp_path / "grading", "--notebooks", notebooks)
    assert code == 0 and "6 lessons" in out and "nbgrader generate_assignment 01_dataset" in out
    assert "MNIST is not in" in out  # and the config says to set it
    assert (tmp_path / "grading" / "source" / "05_own_handwriting" / "images").is_dir()
    code, _, err = run(capsys, "course", "init", tmp_path / "grading", "--notebooks", notebooks)
    assert code == 1 and err.count("\n") == 1 and "--force" in err
    code, _, err = run(capsys, "course", "init", "", "--notebooks", notebooks)
    assert code == 1 and "Name a folder" in err


def test_every_training_setting_is_an_option_made_from_the_config_itself(capsys):
    from dataclasses import fields

    from lenet_helpers.cli import build_parser
    from lenet_helpers.learning.training import TrainConfig

    parser = build_parser()
    args = parser.parse_args(["train"])
    assert all(getattr(args, spec.name) is None for spec in fields(TrainConfig))  # unset: the config's default
    given = parser.parse_args(["train", "--batch-size", "64", "--label-smoothing", "0", "--augment",
                               "--architecture", "lenet5-classic", "--seed", "3"])
    assert (given.batch_size, given.label_smoothing, given.augment, given.architecture, given.seed) == (
        64, 0.0, True, "lenet5-classic", 3)
    with pytest.raises(SystemExit):
        parser.parse_args(["train", "--warmup", "1"])  # the field's own range: above 0, below 1
    assert "--warmup" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parser.parse_args(["train", "--help"])
    text = capsys.readouterr().out
    for spec in fields(TrainConfig):
        assert f"--{spec.name.replace('_', '-')}" in text

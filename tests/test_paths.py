"""One place for data and trained models, the same from the course root and from notebooks/."""

from pathlib import Path

import pytest

from lenet_helpers import paths
from lenet_helpers.cli import main
from lenet_helpers.errors import LenetError
from lenet_helpers.learning.checkpoint import bundled_weights_path, default_weights, save_checkpoint
from lenet_helpers.learning.data import find_data_dir
from lenet_helpers.learning.model import LeNet5
from lenet_helpers.paths import course_file, course_root, default_checkpoint, home_folder, results_file


def test_the_course_folder_is_found_from_the_root_and_from_notebooks(course, monkeypatch):
    monkeypatch.delenv("LENET_DATA_DIR", raising=False)
    assert course_root() == course.resolve()  # the fixture runs in notebooks/
    in_notebooks = (find_data_dir(), default_checkpoint())
    monkeypatch.chdir(course)
    assert (find_data_dir(), default_checkpoint()) == in_notebooks
    assert in_notebooks == (course.resolve() / "data", course.resolve() / "runs" / "lenet5.pt")


def test_outside_a_course_the_users_own_folder(tmp_path):
    assert course_root(tmp_path) is None
    assert home_folder(tmp_path) == Path.home() / ".cache" / "lenet"


def test_a_trained_model_is_the_default_and_bundled_stays_reachable(course, capsys):
    assert default_weights() == bundled_weights_path()
    save_checkpoint(default_checkpoint(), LeNet5(), metrics={"epoch": 1})
    assert default_weights() == default_checkpoint()
    photo = Path(__file__).parent.parent / "images" / "2_sticky-note.jpg"
    assert main(["predict", str(photo)]) == 0
    assert "your model in" in capsys.readouterr().err
    assert main(["predict", str(photo), "--weights", "bundled"]) == 0
    assert "bundled weights" in capsys.readouterr().err


def test_lenet_info_names_both_folders(course, capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert f"course folder: {course.resolve()}" in out and str(course.resolve() / "runs" / "lenet5.pt") in out


def test_lessons_find_saved_results_in_the_course_or_say_where_they_are_missing(course, monkeypatch, tmp_path):
    (course / "benchmarks" / "results").mkdir(parents=True)
    (course / "benchmarks" / "results" / "accuracy.json").write_text("{}")
    assert results_file("accuracy.json") == course.resolve() / "benchmarks" / "results" / "accuracy.json"
    monkeypatch.chdir(tmp_path)  # a student copy outside the course: the installed course's results
    monkeypatch.setattr(paths, "PACKAGE", course / "lenet_helpers")
    assert results_file("accuracy.json") == course.resolve() / "benchmarks" / "results" / "accuracy.json"
    with pytest.raises(LenetError, match="Cannot find the course's images"):
        course_file("images")  # nothing of the kind in that course
    monkeypatch.setattr(paths, "PACKAGE", tmp_path)  # installed from elsewhere (a wheel)
    with pytest.raises(LenetError, match="open the lesson inside the course folder"):
        results_file("accuracy.json")

"""A simulated class graded end to end with nbgrader: release, hand in, autograde, feedback, grade CSV.

Three students hand in every lesson: one with the solutions, one the release untouched, one who
hard-codes the numbers a classmate's run printed. Four more hand in lesson 02 only (it grades in
seconds): an infinite loop in one exercise, a crash that kills the kernel, an edited test cell,
and forged nbgrader metadata. The scores in the exported CSV are asserted exactly. The release then
runs from a wheel of the package alone, and both ways of collecting (nbgrader's exchange, a
learning platform's zip) put the notebooks where nbgrader grades them.
"""

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from students import MARKERS, hand_in, printed_answers

pytest.importorskip("nbgrader", reason="the instructor's tools are not installed (pip install -e '.[instructor]')")

from lenet_helpers.instructor.course import init_course, lessons  # noqa: E402

COURSE = Path(__file__).resolve().parent.parent
LESSONS = [path.stem for path in lessons(COURSE / "notebooks")]
EVERY_LESSON = ("solver", "untouched", "hardcoder")
LESSON_02 = ("looper", "crasher", "editor", "forger")
POINTS = {"01_dataset": 3, "02_model_and_shapes": 3, "03_training": 5, "04_evaluation": 4, "05_own_handwriting": 5,
          "06_going_further": 4}  # autograded, and graded by hand: 03 3 + 2 in words, 05 4 + 1, 06 3 + 1
BY_HAND = {"03_training": ("03_lr_and_batch", 2), "05_own_handwriting": ("05_small_and_large", 1),
           "06_going_further": ("06_test_column", 1)}
LESSON = "02_model_and_shapes"
QUICK_TIMEOUT = 20  # lesson 02's cells take a second or two; the looper's loop is stopped after this


def run(*args: str, cwd: Path, env: dict) -> str:
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=1800)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    data = os.environ.get("LENET_DATA_DIR")
    if not data or not (Path(data) / "MNIST" / "raw").is_dir():
        pytest.skip("LENET_DATA_DIR does not hold MNIST, which grading the lessons needs")
    root = tmp_path_factory.mktemp("class") / "course"
    home = tmp_path_factory.mktemp("instructor-home")
    env = os.environ | {"HOME": str(home), "OMP_WAIT_POLICY": "PASSIVE", "PYTHONWARNINGS": "ignore"}
    init_course(root, COURSE / "notebooks", COURSE, Path(data))
    logs = {}
    for lesson in LESSONS:
        run("generate_assignment", lesson, cwd=root, env=env)
        hand_in(root, "solver", lesson, "solver")
        logs[lesson] = run("autograde", lesson, "--student", "solver", cwd=root, env=env)
        copied = printed_answers(root / "autograded" / "solver" / lesson / f"{lesson}.ipynb")
        for kind in ("untouched", "hardcoder"):
            hand_in(root, kind, lesson, kind, copied)
    for kind in LESSON_02:
        hand_in(root, kind, "02_model_and_shapes", kind)
    for lesson in LESSONS:
        timeout = [f"--Execute.timeout={QUICK_TIMEOUT}"] if lesson == "02_model_and_shapes" else []
        logs[lesson] += run("autograde", lesson, *timeout, cwd=root, env=env)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:  # the instructor grades the words
        for lesson, (cell, points) in BY_HAND.items():
            gradebook.find_grade(cell, lesson, lesson, "solver").manual_score = points
        gradebook.db.commit()
    for lesson in LESSONS:
        run("generate_feedback", lesson, cwd=root, env=env)
    run("export", cwd=root, env=env)
    with open(root / "grades.csv", newline="") as file:
        grades = {(row["student_id"], row["assignment"]): row for row in csv.DictReader(file)}
    return root, grades, logs, home


def test_the_exported_grades_are_exactly_what_each_student_earned(graded_class):
    _, grades, _, _ = graded_class
    expected = {}
    for lesson, points in POINTS.items():
        expected[("solver", lesson)] = points
        expected[("untouched", lesson)] = expected[("hardcoder", lesson)] = 0
        for kind in LESSON_02:
            expected[(kind, lesson)] = 0  # handed in lesson 02 only
    for kind in LESSON_02:
        expected[(kind, "02_model_and_shapes")] = 2 if kind in ("looper", "crasher", "editor") else 3
    assert set(grades) == set(expected)
    for key, score in expected.items():
        assert float(grades[key]["score"]) == score, f"{key}: {grades[key]['score']} instead of {score}"
        assert float(grades[key]["max_score"]) == POINTS[key[1]], f"{key}: the maximum moved"
    flagged = {key for key, row in grades.items() if row["flagged"]}
    assert flagged == {("editor", "02_model_and_shapes"), ("forger", "02_model_and_shapes")}


def test_a_loop_or_a_crash_costs_only_that_exercise(graded_class):
    root, _, logs, _ = graded_class
    for kind, error in (("looper", "CellTimeoutError"), ("crasher", "DeadKernelError")):
        graded = json.loads((root / "autograded" / kind / LESSON / f"{LESSON}.ipynb").read_text())
        errors = [o["ename"] for c in graded["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
        assert error in errors, f"the {kind}'s notebook shows no {error}"
    assert "The kernel died in cell" in logs["02_model_and_shapes"]


def test_feedback_says_what_failed_and_why_but_never_shows_a_hidden_test(graded_class):
    root, _, _, _ = graded_class
    for lesson in LESSONS:
        source = json.loads((root / "source" / lesson / f"{lesson}.ipynb").read_text())
        hidden = []
        for cell in source["cells"]:
            text = "".join(cell["source"])
            if "BEGIN HIDDEN TESTS" in text:
                block = text.split("BEGIN HIDDEN TESTS", 1)[1].split("END HIDDEN TESTS", 1)[0]
                hidden += [line.strip() for line in block.splitlines() if len(line.strip()) > 12]
        assert hidden
        for student in EVERY_LESSON:
            page = (root / "feedback" / student / lesson / f"{lesson}.html").read_text()
            assert not any(marker in page for marker in (*MARKERS, "HIDDEN TESTS"))
            shown = [line for line in hidden if line.replace('"', "&quot;").replace("<", "&lt;") in page
                     or line in page]
            assert not shown, f"{student}'s feedback on {lesson} shows hidden tests: {shown[:2]}"
        hardcoder = (root / "feedback" / "hardcoder" / lesson / f"{lesson}.html").read_text()
        assert "not yet. Hint 1 of 2" in hardcoder  # each failed test in one line, never verify's own traceback:
        assert "lessons/exercises.py" not in hardcoder and "verify(name" not in hardcoder
        assert "not answered yet" in (root / "feedback" / "untouched" / lesson / f"{lesson}.html").read_text()


def test_an_edited_test_is_graded_as_released_and_forged_points_count_for_nothing(graded_class):
    root, _, logs, _ = graded_class
    log = logs["02_model_and_shapes"]
    assert "editor changed cell(s) 02_conv_parameters_test, 02_fc1_inputs_test, 02_receptive_field_test of" in log
    assert "forger changed cell(s) 02_conv_parameters, 02_conv_parameters_test" in log and ", bonus of" in log
    graded = json.loads((root / "autograded" / "editor" / LESSON / f"{LESSON}.ipynb").read_text())
    tests = ["".join(c["source"]) for c in graded["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
    assert all("verify(" in test and "edited away" not in test for test in tests)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        forged = gradebook.find_submission("02_model_and_shapes", "forger")
        assert forged.max_score == 3 and forged.score == 3
        assert gradebook.find_submission("02_model_and_shapes", "solver").score == 3  # nobody else moved
        assert [c.name for c in gradebook.find_notebook("02_model_and_shapes", "02_model_and_shapes").grade_cells
                if c.name == "bonus"] == []


def test_each_student_s_lessons_wrote_only_into_that_student_s_graded_folder(graded_class):
    root, _, _, home = graded_class
    assert (root / "autograded" / "solver" / "03_training" / "runs" / "lenet5.pt").is_file()
    assert not (root / "autograded" / "solver" / "04_evaluation" / "runs").exists()  # lesson 04 read the bundled
    assert not list(home.rglob("*.pt")), "a model was written into the instructor's home"


@pytest.fixture
def released(tmp_path):
    """A course with lesson 01 released (nbgrader generate_assignment), and the environment to run nbgrader in."""
    root = tmp_path / "course"
    env = os.environ | {"HOME": str(tmp_path), "PYTHONWARNINGS": "ignore"}
    init_course(root, COURSE / "notebooks", COURSE)
    run("generate_assignment", "01_dataset", cwd=root, env=env)
    return root, env


def test_collecting_a_learning_platform_s_download_with_zip_collect(released, tmp_path):
    import zipfile

    root, env = released
    solved = json.dumps(json.loads((root / "release" / "01_dataset" / "01_dataset.ipynb").read_text()))
    archive = root / "downloaded" / "01_dataset" / "archive"
    archive.mkdir(parents=True)
    names = {"Jane Doe_1234_assignsubmission_file_01_dataset.ipynb": "1234",  # Moodle, one file per student
             "Ada Lovelace_77_assignsubmission_file_/01_dataset.ipynb": "77",  # Moodle, a folder per student
             "doejohn_5555_901_01_dataset.ipynb": "5555",  # Canvas
             "smithanna_LATE_6666_902_01_dataset-1.ipynb": "6666"}  # Canvas, late and uploaded twice
    with zipfile.ZipFile(archive / "submissions.zip", "w") as bundle:
        for name in names:
            bundle.writestr(name, solved)
        bundle.writestr("readme.txt", "not a notebook")
    run("zip_collect", "01_dataset", cwd=root, env=env)
    for student in names.values():
        collected = root / "submitted" / student / "01_dataset" / "01_dataset.ipynb"
        assert collected.is_file() and json.loads(collected.read_text())["cells"], f"{student} was not collected"
    assert sorted(p.name for p in (root / "submitted").iterdir()) == sorted(names.values())


def test_collecting_through_nbgrader_s_exchange_as_on_a_jupyterhub(released, tmp_path):
    root, env = released
    exchange, student = tmp_path / "exchange", tmp_path / "student"
    exchange.mkdir(mode=0o777)
    student.mkdir()
    on_hub = env | {"HOME": str(student)}
    options = [f"--Exchange.root={exchange}", "--CourseDirectory.course_id=course"]
    run("release_assignment", "01_dataset", *options, cwd=root, env=env)
    run("fetch_assignment", "01_dataset", *options, cwd=student, env=on_hub)
    fetched = student / "01_dataset" / "01_dataset.ipynb"
    assert fetched.is_file() and "BEGIN SOLUTION" not in fetched.read_text()
    run("submit", "01_dataset", *options, cwd=student, env=on_hub)
    run("collect", "01_dataset", *options, cwd=root, env=env)
    import getpass

    assert (root / "submitted" / getpass.getuser() / "01_dataset" / "01_dataset.ipynb").is_file()


def test_the_release_runs_from_a_wheel_without_the_course_s_repository(graded_class, tmp_path, monkeypatch):
    """What students get: the package from a wheel (no lesson in it) and release/<lesson>/, nothing else."""
    import nbformat
    from nbclient import NotebookClient

    root = graded_class[0]
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "wheel"),
                            str(COURSE)], capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr[-2000:]
    [wheel] = (tmp_path / "wheel").glob("lenet_helpers-*.whl")
    site = tmp_path / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
                              str(wheel)], capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr[-2000:]
    assert not list(site.rglob("*.ipynb")) and not (site / "lenet_helpers" / "notebooks").exists()
    monkeypatch.setenv("PYTHONPATH", str(site))
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LENET_QUICK", "1")
    for lesson in LESSONS:
        folder = tmp_path / "student" / lesson
        shutil.copytree(root / "release" / lesson, folder)
        notebook = nbformat.read(folder / f"{lesson}.ipynb", as_version=4)
        notebook.cells.insert(0, nbformat.v4.new_code_cell("import lenet_helpers; print(lenet_helpers.__file__)"))
        where = {"metadata": {"path": str(folder)}}
        NotebookClient(notebook, timeout=600, allow_errors=True, resources=where).execute()
        assert str(site) in notebook.cells[0].outputs[0]["text"], "the lessons imported another lenet_helpers"
        exercises = next(i for i, c in enumerate(notebook.cells) if "## Exercises" in c.source)
        for cell in notebook.cells[1:exercises]:  # the exercises need the student's answers; the lesson does not
            errors = [o for o in cell.get("outputs", []) if o["output_type"] == "error"]
            if errors:
                pytest.fail(f"{lesson}: a lesson cell failed: {errors[0]['ename']}: {errors[0]['evalue']}")
    assert (tmp_path / "home" / ".cache" / "lenet" / "runs" / "lenet5.pt").is_file()  # lesson 03 for lesson 04


def test_odd_submissions_cost_only_their_own_student(released, real_data, tmp_path):
    """Not a notebook, a student's own hidden-test marker, odd names in a download: the others are graded."""
    import zipfile

    root, env = released
    env = env | {"LENET_DATA_DIR": str(real_data), "OMP_WAIT_POLICY": "PASSIVE"}
    hand_in(root, "good", "01_dataset", "solver")
    marker = hand_in(root, "marker", "01_dataset", "solver")
    notebook = json.loads(marker.read_text())
    cell = next(c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("solution"))
    cell["source"] = "# BEGIN HIDDEN TESTS\n" + cell["source"] + "\n# END HIDDEN TESTS"
    marker.write_text(json.dumps(notebook))
    broken = root / "submitted" / "broken" / "01_dataset"
    broken.mkdir(parents=True)
    (broken / "01_dataset.ipynb").write_text("this is my essay, not a notebook")
    done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", "01_dataset"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=900)
    assert "There was an error processing assignment '01_dataset' for student 'broken'" in done.stdout + done.stderr
    run("generate_feedback", "01_dataset", cwd=root, env=env)
    run("export", cwd=root, env=env)
    with open(root / "grades.csv", newline="") as file:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(file)}
    assert scores == {"good": 3.0, "marker": 3.0, "broken": 0.0}
    assert (root / "feedback" / "marker" / "01_dataset" / "01_dataset.html").is_file()
    archive = root / "downloaded" / "01_dataset" / "archive"
    archive.mkdir(parents=True)
    solved = (root / "release" / "01_dataset" / "01_dataset.ipynb").read_text()
    with zipfile.ZipFile(archive / "odd.zip", "w") as bundle:
        bundle.writestr("Zoë Ñúñez_4242_assignsubmission_file_01_dataset.ipynb", solved)  # accents: collected
        bundle.writestr("01_dataset.ipynb", solved)  # no student in the name: skipped, said in the log
        bundle.writestr("__MACOSX/._01_dataset.ipynb", "resource fork")  # a Mac's leftovers: skipped
        bundle.writestr("notes/readme.md", "not a notebook")
    collected = subprocess.run([sys.executable, "-m", "nbgrader", "zip_collect", "01_dataset"], cwd=root, env=env,
                               capture_output=True, text=True, timeout=300)
    assert collected.returncode == 0, collected.stderr[-2000:]
    assert (root / "submitted" / "4242" / "01_dataset" / "01_dataset.ipynb").is_file()
    assert sorted(p.name for p in (root / "submitted").iterdir()) == ["4242", "broken", "good", "marker"]

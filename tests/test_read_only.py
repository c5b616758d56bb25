"""A course shared read-only on a server: the lessons and the lenet command write only in the user's own place."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lenet_helpers import paths
from lenet_helpers.learning.data import find_data_dir

COURSE = Path(__file__).resolve().parent.parent


def test_a_course_folder_that_cannot_be_written_sends_models_to_the_user_s_folder(course, monkeypatch):
    monkeypatch.delenv("LENET_DATA_DIR", raising=False)
    assert paths.home_folder() == course.resolve()
    monkeypatch.setattr(paths.os, "access", lambda path, mode: False)  # as a read-only mount answers
    assert paths.default_checkpoint() == Path.home() / ".cache" / "lenet" / "runs" / "lenet5.pt"
    assert find_data_dir() == Path.home() / ".cache" / "lenet" / "data"
    raw = course / "data" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"):
        (raw / name).write_bytes(b"")
    assert find_data_dir() == course.resolve() / "data"  # its MNIST is still read


RUNNER = r'''
import json, os, subprocess, sys
from pathlib import Path
import nbformat
from nbclient import NotebookClient

course, report = Path(sys.argv[1]), {}
lenet = [sys.executable, "-m", "lenet_helpers.cli"]
for name, args in {"train": ["train", "--epochs", "1", "--quiet"], "evaluate": ["evaluate"],
                   "predict": ["predict", "images", "--json"], "info": ["info"]}.items():
    done = subprocess.run(lenet + args, cwd=course, capture_output=True, text=True)
    report[name] = {"code": done.returncode, "out": done.stdout, "err": done.stderr[-3000:]}
for path in sorted((course / "notebooks").glob("0*.ipynb")):
    notebook = nbformat.read(path, as_version=4)
    where = {"metadata": {"path": str(path.parent)}}
    NotebookClient(notebook, timeout=600, allow_errors=True, resources=where).execute()
    errors = [f"{o['ename']}: {o['evalue']}" for c in notebook.cells for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    printed = "".join("".join(o.get("text", "")) for c in notebook.cells for o in c.get("outputs", []))
    report[path.stem] = {"errors": errors, "printed": printed[-4000:]}
print(json.dumps(report))
'''


def test_every_lesson_and_command_runs_with_the_course_and_the_data_read_only(real_data, tmp_path):
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("read-only mounts need root and unshare (util-linux) to make them for this test")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"this machine does not allow a mount namespace ({probe.stderr.decode().strip()})")
    course, home = tmp_path / "course", tmp_path / "home"
    for name in ("notebooks", "images"):
        shutil.copytree(COURSE / name, course / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(COURSE / "benchmarks" / "results", course / "benchmarks" / "results")
    shutil.copytree(COURSE / "lenet_helpers", course / "lenet_helpers", ignore=shutil.ignore_patterns("__pycache__"))
    home.mkdir()
    (tmp_path / "runner.py").write_text(RUNNER)
    data = tmp_path / "data"
    data.mkdir()
    script = (f"mount --bind {real_data} {data} && mount -o remount,ro,bind {data} && "
              f"mount --bind {course} {course} && mount -o remount,ro,bind {course} && "
              f"{sys.executable} {tmp_path / 'runner.py'} {course}")
    env = os.environ | {"HOME": str(home), "LENET_DATA_DIR": str(data), "LENET_QUICK": "1",
                        "OMP_WAIT_POLICY": "PASSIVE", "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], env=env, capture_output=True, text=True,
                          timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    written = home / ".cache" / "lenet" / "runs" / "lenet5.pt"
    assert report["train"]["code"] == 0 and str(written) in report["train"]["out"], report["train"]
    assert report["evaluate"]["code"] == 0 and "your model in" in report["evaluate"]["out"]
    assert report["predict"]["code"] == 0 and len(json.loads(report["predict"]["out"])) >= 38
    assert f"trained model: {written} (present)" in report["info"]["out"]
    for lesson in ("01_dataset", "02_model_and_shapes", "03_training", "04_evaluation", "05_own_handwriting",
                   "06_going_further"):
        assert report[lesson]["errors"] == [], f"{lesson} failed: {report[lesson]['errors'][:2]}"
    assert str(written) in report["03_training"]["printed"], "lesson 03 says where it saved the model"
    assert written.is_file() and not (course / "runs").exists() and not (data / "MNIST" / "processed").exists()

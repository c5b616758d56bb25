"""The course in a real browser: JupyterLab in headless Chromium, Run All on every lesson.

nbval runs the kernels only; this test sees what a student sees. On a copy of the lessons (so
nothing in notebooks/ is touched), with LENET_QUICK=1 (a path students take too), it checks
that every code cell ran without an error, that tqdm's bars rendered as widgets and the
figures as images, that lesson 05's upload widget reads a photo given through the file
chooser, and that its drawing pad reads three digits drawn with the mouse, and empties on Clear.
Skipped, saying why, without Playwright, a Chromium or the real MNIST.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
LESSONS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PHOTO = ROOT / "images" / "3_lined-paper.jpg"  # lesson 05 shows 5_blue-ballpoint.jpg until a file comes
# undefined, not an error, until JupyterLab has put itself on the page (a predicate that throws ends the wait)
NOTEBOOK = "Array.from(window.jupyterapp?.shell.widgets('main') ?? []).find(w => w.context?.path.endsWith(name))"
CELL_JSON = f"""(name) => {{
    const cells = {NOTEBOOK}.content.model.cells;
    return Array.from({{length: cells.length}}, (_, i) => cells.get(i).toJSON());
}}"""


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    pytest.skip("no Chromium here (Debian: apt-get install -y chromium); .ci/run installs it")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 with a token, serving a copy of the course; its URL and token."""
    data = os.environ.get("LENET_DATA_DIR")
    if not data:
        pytest.skip("LENET_DATA_DIR is not set: the lessons need the real MNIST")
    course = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "notebooks", course / "notebooks", ignore=shutil.ignore_patterns("runs", "data", ".*"))
    shutil.copytree(ROOT / "images", course / "images")
    shutil.copytree(ROOT / "benchmarks" / "results", course / "benchmarks" / "results")  # read by lesson 06
    (course / "lenet_helpers").mkdir()  # marks the course folder (the package itself is installed)
    settings = course / ".settings"
    for plugin, values in {
        "notebook-extension/tracker": {"windowingMode": "none"},  # render every cell, not only the visible
        "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    }.items():
        path = settings / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    token, port = secrets.token_hex(16), free_port()
    env = os.environ | {"JUPYTERLAB_SETTINGS_DIR": str(settings), "LENET_QUICK": "1",
                        "LENET_DATA_DIR": str(Path(data).resolve()), "HOME": str(course / ".home")}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={course}", "--ServerApp.allow_root=True", "--LabApp.expose_app_in_browser=True"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start within a minute")
        yield url, token
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        yield launched
        launched.close()


def run_all(page, url: str, token: str, lesson: str) -> list[dict]:
    """Open a lesson, Run All, wait until every code cell has run or one failed; the cells as JSON."""
    workspace = lesson.split("_")[0]  # a workspace of its own: no other lesson restored beside it
    page.goto(f"{url}/lab/workspaces/{workspace}/tree/notebooks/{lesson}?reset&token={token}")
    page.wait_for_function(f"(name) => {NOTEBOOK}?.sessionContext?.session?.kernel?.status === 'idle'",
                           arg=lesson, timeout=120_000)
    run = (f"(name) => {{ window.jupyterapp.shell.activateById({NOTEBOOK}.id); "
           "return window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    page.evaluate(run, lesson)
    started = time.monotonic()
    deadline, asked_again = started + 600, False
    while time.monotonic() < deadline:
        cells = [c for c in page.evaluate(CELL_JSON, lesson) if c["cell_type"] == "code"]
        failed = any(o.get("output_type") == "error" for c in cells for o in c["outputs"])
        busy = page.locator(".jp-InputPrompt", has_text="[*]").count()
        if failed or (busy == 0 and all(c["execution_count"] for c in cells)):
            return cells
        if not asked_again and busy == 0 and not any(c["execution_count"] for c in cells) \
                and time.monotonic() - started > 30:  # a Run All sent while the page was still settling
            page.evaluate(run, lesson)
            asked_again = True
        page.wait_for_timeout(1000)
    pytest.fail(f"{lesson} did not finish within 10 minutes")


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_runs_in_jupyterlab(lesson, jupyterlab, browser):
    url, token = jupyterlab
    page = browser.new_page()
    try:
        cells = run_all(page, url, token, lesson)
        errors = [o for c in cells for o in c["outputs"] if o.get("output_type") == "error"]
        assert not errors, f"{lesson}: {errors[0]['ename']}: {errors[0]['evalue']}"
        assert all(c["execution_count"] for c in cells), f"{lesson}: not every code cell ran"
        mimes = {m for c in cells for o in c["outputs"] for m in o.get("data", {})}
        if any("plot_" in "".join(c["source"]) or "show_" in "".join(c["source"]) for c in cells):
            assert "image/png" in mimes and page.locator(".jp-RenderedImage img").count() > 0, "no figure shown"
        if lesson.startswith("03_"):  # fit's progress bars: widgets, not text
            assert "application/vnd.jupyter.widget-view+json" in mimes, "tqdm fell back to text bars"
            assert page.locator(".jp-OutputArea-output .widget-hprogress .progress-bar").count() > 0, "no bar drawn"
        if lesson.startswith("05_"):
            with page.expect_file_chooser() as chooser:  # what a student's click opens
                page.locator(".jp-OutputArea-output button", has_text="Upload a digit").click()
            chooser.value.set_files(str(PHOTO))
            page.get_by_text(f"{PHOTO.name}: the model reads 3").wait_for(timeout=60_000)
            draw_digits_on_the_pad(page)
    finally:
        page.close()


# Digits as a student draws them with the mouse, in the pad's pixels (280 x 280): one list of points a stroke
DRAWN = {
    "1": [[(150, 50), (140, 150), (132, 240)]],
    "7": [[(70, 60), (150, 56), (215, 60), (180, 130), (150, 190), (128, 245)]],
    "0": [[(140, 45), (95, 70), (75, 140), (95, 215), (140, 240), (185, 215), (205, 140), (185, 70), (140, 45)]],
}


def draw_digits_on_the_pad(page) -> None:
    """Lesson 05's drawing pad: three digits drawn with the mouse, each read right on screen; Clear empties it."""
    pad = page.locator(".jp-OutputArea-output").filter(has=page.locator("canvas")).filter(
        has=page.get_by_role("button", name="Clear")).last
    canvas, verdict = pad.locator("canvas").first, pad.get_by_text("the model reads")
    verdict.wait_for(timeout=60_000)  # the 7 the pad starts with
    for digit, strokes in DRAWN.items():
        pad.get_by_role("button", name="Clear").click()
        pad.get_by_text("draw a digit on the pad").wait_for(timeout=30_000)
        box = canvas.bounding_box()
        scale = box["width"] / 280
        for stroke in strokes:
            x, y = stroke[0]
            page.mouse.move(box["x"] + x * scale, box["y"] + y * scale)
            page.mouse.down()
            for x, y in stroke[1:]:
                page.mouse.move(box["x"] + x * scale, box["y"] + y * scale, steps=8)
            page.mouse.up()
        pad.get_by_text(f"the model reads {digit} ").wait_for(timeout=30_000)
    pad.get_by_role("button", name="Clear").click()
    pad.get_by_text("draw a digit on the pad").wait_for(timeout=30_000)
    lit = canvas.evaluate("c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; "
                          "let n = 0; for (let i = 0; i < d.length; i += 4) n += d[i] > 128; return n; }")
    assert lit == 0, "Clear left ink on the pad"

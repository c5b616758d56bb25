"""A class on one JupyterHub: three students log in, each runs lesson 01 in a server of their own.

The hub runs deploy/jupyterhub/jupyterhub_config.py, with two parts replaced for a test machine:
DummyAuthenticator for the server's accounts and a local-process spawner for systemd (so the CPU
and memory limits are given to each server as CPU_LIMIT and MEM_LIMIT, not enforced). Servers are
started through the hub's REST API and lesson 01 runs through each server's kernel API.
"""

import asyncio
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

COURSE = Path(__file__).resolve().parent.parent
STUDENTS = ("ana", "ben", "chloe")
TEST_CONFIG = """
c = get_config()
load_subconfig({deploy!r})
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_port}"
c.JupyterHub.db_url = "sqlite:///{tmp}/hub.sqlite"
c.JupyterHub.cookie_secret_file = "{tmp}/cookie_secret"
c.JupyterHub.pid_file = "{tmp}/hub.pid"
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{tmp}/homes/{{username}}"
c.Spawner.args = ["--allow-root"]  # CI runs as root
c.Spawner.start_timeout = 120
c.Spawner.environment["LENET_DATA_DIR"] = {data!r}
c.Spawner.environment["PATH"] = {path!r}
c.JupyterHub.services = [{{"name": "teacher-script", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "teacher-script", "services": ["teacher-script"],
                            "scopes": ["admin:users", "admin:servers", "access:servers", "list:users"]}}]
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api(base: str, token: str, path: str, method: str = "GET", body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
    request = urllib.request.Request(base + path, data=data, method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        text = response.read()
    return json.loads(text) if text else {}


async def run_cells(url: str, token: str, cells: list[str]) -> list[dict]:
    """Run code cells one by one in a kernel, over its websocket; each cell's outputs and error."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    request = HTTPRequest(url, headers={"Authorization": f"token {token}"}, request_timeout=60)
    socket_ = await websocket_connect(request)
    session, results = uuid.uuid4().hex, []
    for code in cells:
        msg_id = uuid.uuid4().hex
        await socket_.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": session, "username": "test",
                       "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        printed, error, idle, replied = "", None, False, False
        while not (idle and replied):
            message = json.loads(await asyncio.wait_for(socket_.read_message(), timeout=300))
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            printed += content.get("text", "") if kind == "stream" else ""
            error = f"{content['ename']}: {content['evalue']}" if kind == "error" else error
            idle |= kind == "status" and content["execution_state"] == "idle"
            replied |= kind == "execute_reply"
        results.append({"printed": printed, "error": error})
    socket_.close()
    return results


SERVERS_OWN = (".npm/", ".jupyter/", ".local/share/jupyter/")  # what a student's running server writes in its home


def snapshot(folder: Path) -> dict[str, float]:
    """Every file's modification time, but a running server's own housekeeping (its runtime files, npm's log)."""
    files = {str(p.relative_to(folder)): p.stat().st_mtime for p in folder.rglob("*") if p.is_file()}
    return {name: mtime for name, mtime in files.items() if not name.startswith(SERVERS_OWN)}


@pytest.fixture
def hub(tmp_path, real_data):
    if not shutil.which("configurable-http-proxy"):
        pytest.skip("configurable-http-proxy is not installed (npm install -g configurable-http-proxy; .ci/run does)")
    pytest.importorskip("jupyterhub", reason="JupyterHub is not installed")
    port, token = free_port(), secrets.token_hex(16)
    config = TEST_CONFIG.format(deploy=str(COURSE / "deploy" / "jupyterhub" / "jupyterhub_config.py"), port=port,
                                hub_port=free_port(), proxy_port=free_port(), tmp=tmp_path, data=str(real_data),
                                path=f"{Path(sys.executable).parent}:{os.environ['PATH']}", token=token)
    (tmp_path / "test_config.py").write_text(config)
    (tmp_path / "homes").mkdir()
    base, path = f"http://127.0.0.1:{port}", f"{Path(sys.executable).parent}:{os.environ['PATH']}"
    with open(tmp_path / "hub.log", "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(tmp_path / "test_config.py")],
                                   cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, env=os.environ | {"PATH": path})
        try:
            for _ in range(120):
                try:
                    api(base, token, "/hub/api/")
                    break
                except OSError:
                    if process.poll() is not None:
                        pytest.fail(f"the hub stopped:\n{(tmp_path / 'hub.log').read_text()[-3000:]}")
                    time.sleep(0.5)
            yield base, token, tmp_path
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def test_three_students_each_run_lesson_01_in_their_own_server_and_home(hub):
    base, token, tmp = hub
    homes = tmp / "homes"
    lesson = json.loads((COURSE / "notebooks" / "01_dataset.ipynb").read_text())
    cells = ["".join(c["source"]) for c in lesson["cells"] if c["cell_type"] == "code"]
    cells.append("import torch; print('threads', torch.get_num_threads(), torch.get_num_interop_threads())")
    for student in STUDENTS:
        api(base, token, f"/hub/api/users/{student}", "POST")
        api(base, token, f"/hub/api/users/{student}/server", "POST")
    for student in STUDENTS:
        for _ in range(240):
            if api(base, token, f"/hub/api/users/{student}")["servers"].get("", {}).get("ready"):
                break
            time.sleep(0.5)
        else:
            pytest.fail(f"{student}'s server did not start:\n{(tmp / 'hub.log').read_text()[-3000:]}")
    data_before = snapshot(Path(os.environ["LENET_DATA_DIR"]))
    for student in STUDENTS:
        others = {name: snapshot(homes / name) for name in STUDENTS if name != student}
        outside = sorted(str(p) for p in tmp.iterdir() if p.name != "homes")
        kernel = api(base, token, f"/user/{student}/api/kernels", "POST", {"name": "python3"})
        url = base.replace("http", "ws") + f"/user/{student}/api/kernels/{kernel['id']}/channels"
        results = asyncio.run(run_cells(url, token, cells))
        errors = [r["error"] for r in results if r["error"]]
        assert not errors, f"{student}: {errors[0]}"
        printed = "".join(r["printed"] for r in results)
        assert "60,000 training images, 10,000 test images" in printed and "01.count_digit: correct!" in printed
        assert "threads 1 1" in printed, "the kernel's threads follow the hub's cpu_limit (CPU_LIMIT=1)"
        api(base, token, f"/user/{student}/api/kernels/{kernel['id']}", "DELETE")
        assert {name: snapshot(homes / name) for name in others} == others, f"{student} wrote in another home"
        assert sorted(str(p) for p in tmp.iterdir() if p.name != "homes") == outside
        assert (homes / student).is_dir()
    assert snapshot(Path(os.environ["LENET_DATA_DIR"])) == data_before, "the shared MNIST was written"
    server = api(base, token, f"/hub/api/users/{STUDENTS[0]}")["servers"][""]
    assert server["ready"] and api(base, token, "/hub/api/users")
